"""Who may see which organisations and people (the rule itself is in `backend.accounts.scope`)."""

from django.db.models import QuerySet

from . import scope
from .models import District, School, User


def districts_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = District.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, lambda user: scope.in_district(user, "pk"))


def schools_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = School.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, lambda user: scope.in_district(user, "district_id"))


def people_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Yourself, your school's teachers, and for coordinators the whole district."""
    queryset = User.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, scope.people_seen)


def may_see_email(viewer, person: User) -> bool:
    """Addresses are for your own school, your district's coordinators and staff."""
    return scope.sees_person(viewer, person)
