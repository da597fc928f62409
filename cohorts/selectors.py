"""Who may see which cohorts, and who is in them now."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Cohort, Membership, Role


def cohorts_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Members see their cohorts; coordinators their district's; staff all. A teacher who is
    not a member does not see a cohort, even in their own school."""
    queryset = Cohort.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    scope = Q(
        Exists(Membership.objects.filter(cohort=OuterRef("pk"), person=user, ended_at__isnull=True))
    )
    if user.coordinated_district_id:
        scope |= Q(school__district_id=user.coordinated_district_id)
    return queryset.filter(scope)


def current_membership(*, cohort: Cohort, person) -> Membership | None:
    return Membership.objects.filter(cohort=cohort, person=person, ended_at__isnull=True).first()


def is_current_leader(*, cohort: Cohort, person) -> bool:
    return Membership.objects.filter(
        cohort=cohort, person=person, role=Role.LEADER, ended_at__isnull=True
    ).exists()


def current_memberships(cohort: Cohort) -> QuerySet:
    return cohort.memberships.filter(ended_at__isnull=True).select_related("person")
