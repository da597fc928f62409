"""Who may see which organisations and people."""

from django.db.models import Q, QuerySet

from .models import District, School, User


def districts_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = District.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    return queryset.filter(pk=user.district_id_for_scope)


def schools_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = School.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    return queryset.filter(district_id=user.district_id_for_scope)


def people_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Yourself, your school's teachers, and for coordinators the whole district."""
    queryset = User.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    scope = Q(pk=user.pk)
    if user.school_id:
        scope |= Q(school_id=user.school_id)
    if user.coordinated_district_id:
        scope |= Q(school__district_id=user.coordinated_district_id) | Q(
            coordinated_district_id=user.coordinated_district_id
        )
    return queryset.filter(scope)


def may_see_email(viewer, person: User) -> bool:
    """Addresses are for your own school, your district's coordinators and staff."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == person.pk or viewer.is_staff:
        return True
    if viewer.school_id and viewer.school_id == person.school_id:
        return True
    if viewer.coordinated_district_id:
        if person.coordinated_district_id == viewer.coordinated_district_id:
            return True
        return person.school_id in _district_school_ids(viewer)
    return False


def _district_school_ids(coordinator) -> frozenset[int]:
    # Cached on the user object, which lives for one request: one query per request, not per row.
    cached = getattr(coordinator, "_district_school_ids", None)
    if cached is None:
        cached = frozenset(
            School.objects.filter(district_id=coordinator.coordinated_district_id).values_list(
                "id", flat=True
            )
        )
        coordinator._district_school_ids = cached
    return cached
