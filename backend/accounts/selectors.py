"""Who may see which organisations, people and invitations (the rule itself is in
`backend.accounts.scope`)."""

from django.db.models import Q, QuerySet

from . import scope
from .models import Approval, District, Invitation, School, User


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


def invitations_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The invitations you sent; a coordinator also sees those of their district that wait for
    them, and those they decided."""
    queryset = Invitation.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, _invitation_condition)


def _invitation_condition(user) -> Q:
    awaits_them = Q(approval=Approval.AWAITING) | Q(approval_decided_by=user)
    return Q(invited_by=user) | (scope.oversees_people(user) & awaits_them)


def invitations_awaiting_approval_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """Invitations outside the domains that this coordinator (or staff) may decide."""
    queryset = Invitation.objects.all() if queryset is None else queryset
    awaiting = queryset.filter(
        approval=Approval.AWAITING, accepted_at__isnull=True, revoked_at__isnull=True
    )
    return scope.scoped(user, awaiting, scope.oversees_people)
