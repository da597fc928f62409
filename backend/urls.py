from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from backend.accounts.admin import ThrottledAdminLoginForm
from backend.graphql.view import GraphQLView
from backend.schema import schema


def healthz(request):
    """For load balancers: the process answers and can reach its database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The admin's login is a password form like the phone's sign-in: same throttle.
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("graphql/", GraphQLView.as_view(schema=schema), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("cohorts/", include("cohorts.urls")),
    path("credentials/", include("credentials.urls")),
    path("improvement/", include("improvement.urls")),
    path("networks/", include("networks.urls")),
    path("observations/", include("observations.urls")),
]

if settings.BENCH_BASELINE_VIEWS:
    # The benchmark's hand-written twins of GraphQL operations (bench/); off in production.
    urlpatterns.append(path("bench/baseline/", include("bench.urls")))
