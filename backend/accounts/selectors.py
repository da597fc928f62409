"""Who may see which organisations, people and invitations (the rule itself is in
`backend.accounts.scope`)."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from . import scope
from .models import Approval, District, Invitation, School, User
from .search import fold, search_words

SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100


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


def _emails_seen(user) -> Q:
    """`may_see_email` as a filter: whose address `user` may match a search against."""
    return Q() if user.is_staff else scope.people_seen(user)


def people_search(user, text: str, *, school_id: int | None = None) -> QuerySet:
    """Active people `user` sees (`people_visible_to`) whose name has a word starting with each
    word of `text` (case and accents ignored: "zoe ma" finds "Zoë Martín-Ortiz"), or whose
    e-mail address starts with `text` where `user` may see that address. Best first: the name
    starts with the text, then a word of it does, then only the address matched; then by name.
    `text` must hold `SEARCH_MIN_LENGTH` letters or digits (the caller refuses shorter)."""
    words = search_words(text)
    prefix = text.strip().lower()
    name_match = Q() if words else scope.NOTHING
    for word in words:
        name_match &= Q(search_name__contains=f" {word}")
    email_match = Q(email__startswith=prefix) & _emails_seen(user) if prefix else scope.NOTHING
    people = people_visible_to(user, User.objects.filter(is_active=True))
    if school_id is not None:
        people = people.filter(school_id=school_id)
    starts = f" {fold(text)}"
    return (
        people.filter(name_match | email_match)
        .annotate(
            search_rank=Case(
                When(search_name__startswith=starts, then=Value(0)),
                When(name_match, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("search_rank", "full_name", "id")
    )


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
