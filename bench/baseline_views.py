"""Hand-written Django views that return the same JSON as the GraphQL operations, from the same
data with the same SQL: the ceiling this stack could reach without GraphQL.

Mounted only when BENCH_BASELINE_VIEWS=1 (the benchmark's server), never in production.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


def _unauthenticated():
    return JsonResponse(
        {"errors": [{"message": "Sign in", "extensions": {"code": "UNAUTHENTICATED"}}]}
    )


@csrf_exempt
def me(request):
    """Same as `{ me { person { fullName email } school { name timeZone } roles } }`."""
    user = request.user
    if not user.is_authenticated:
        return _unauthenticated()
    roles = []
    if user.school_id:
        roles.append("TEACHER")
    if user.is_teacher_leader:
        roles.append("TEACHER_LEADER")
    if user.coordinated_district_id:
        roles.append("COORDINATOR")
    if user.is_staff:
        roles.append("STAFF")
    school = user.school
    return JsonResponse(
        {
            "data": {
                "me": {
                    "person": {"fullName": user.full_name, "email": user.email},
                    "school": {"name": school.name, "timeZone": school.time_zone}
                    if school
                    else None,
                    "roles": roles,
                }
            }
        }
    )
