"""Who may see which cohorts and meetings, and who is in them now."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.accounts import scope

from .models import (
    GROUP_ROLES,
    BlueYellowLink,
    Cohort,
    CohortInvitation,
    Meeting,
    MeetingInvitee,
    MeetingKind,
    Membership,
    Protocol,
    Role,
)


def cohorts_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Members see their cohorts; coordinators their district's; staff all. A teacher who is
    not a member does not see a cohort, even in their own school."""
    queryset = Cohort.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, _cohort_condition)


def _cohort_condition(user) -> Q:
    member = Exists(
        Membership.objects.filter(cohort=OuterRef("pk"), person=user, ended_at__isnull=True)
    )
    return Q(member) | scope.oversees(user)


def _visible_cohort_ids(user) -> QuerySet:
    return cohorts_visible_to(user).values("pk")


def memberships_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Membership.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, lambda user: Q(cohort_id__in=_visible_cohort_ids(user)))


def links_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = BlueYellowLink.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, lambda user: Q(cohort_id__in=_visible_cohort_ids(user)))


def meetings_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """A cohort's meetings are seen by whoever sees the cohort, and by the people invited."""
    queryset = Meeting.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, _meeting_condition)


def _meeting_condition(user) -> Q:
    invited = Exists(MeetingInvitee.objects.filter(meeting=OuterRef("pk"), person=user))
    return Q(cohort_id__in=_visible_cohort_ids(user)) | Q(invited)


def cohort_invitations_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Pending invitations carry e-mail addresses: the leader, coordinators and staff only."""
    queryset = CohortInvitation.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, _invitation_condition)


def _invitation_condition(user) -> Q:
    leads = Exists(
        Membership.objects.filter(
            cohort_id=OuterRef("cohort_id"), person=user, role=Role.LEADER, ended_at__isnull=True
        )
    )
    return Q(leads) | scope.oversees(user, "cohort__school")


def protocols_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The programme's library, and the protocols of the schools you can see into."""
    queryset = Protocol.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, lambda user: Q(school__isnull=True) | scope.sees_into(user))


def current_membership(*, cohort: Cohort, person) -> Membership | None:
    return Membership.objects.filter(cohort=cohort, person=person, ended_at__isnull=True).first()


def is_current_leader(*, cohort: Cohort, person) -> bool:
    return Membership.objects.filter(
        cohort=cohort, person=person, role=Role.LEADER, ended_at__isnull=True
    ).exists()


def current_memberships(cohort: Cohort) -> QuerySet:
    return cohort.memberships.filter(ended_at__isnull=True).select_related("person")


def viewer_roles_by_cohort(user) -> dict[int, str]:
    """The signed-in person's current role in each of their cohorts (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(
        Membership.objects.filter(person=user, ended_at__isnull=True).values_list(
            "cohort_id", "role"
        )
    )


# --- who a meeting is for ----------------------------------------------------------------------


def meeting_group(meeting: Meeting) -> list:
    """The people whose meeting this is (they see its notes): current members in the kind's
    roles; for an OTHER meeting, the leader and the cohort members invited."""
    memberships = current_memberships(meeting.cohort)
    roles = GROUP_ROLES[MeetingKind(meeting.kind)]
    people = [m.person for m in memberships if m.role in roles]
    if meeting.kind == MeetingKind.OTHER:
        invited = set(meeting.invitees.values_list("person_id", flat=True))
        people += [m.person for m in memberships if m.role not in roles and m.person_id in invited]
    return people


def meeting_audience(meeting: Meeting) -> list:
    """Everyone the meeting is for: its group and its invitees, each once, active only."""
    people = {person.pk: person for person in meeting_group(meeting)}
    for invitee in meeting.invitees.select_related("person"):
        people.setdefault(invitee.person_id, invitee.person)
    return [person for person in people.values() if person.is_active]


def is_in_meeting_group(user, meeting: Meeting, *, roles_by_cohort: dict[int, str]) -> bool:
    """Whether `user` may read the meeting's notes. `roles_by_cohort` comes from
    `viewer_roles_by_cohort`; an OTHER meeting's invitees should be prefetched."""
    if not user.is_authenticated:
        return False
    role = roles_by_cohort.get(meeting.cohort_id)
    if role is None:
        return False
    if role in GROUP_ROLES[MeetingKind(meeting.kind)]:
        return True
    if meeting.kind == MeetingKind.OTHER:
        return any(invitee.person_id == user.pk for invitee in meeting.invitees.all())
    return False


def meetings_starting_between(start: datetime, end: datetime) -> QuerySet:
    """Scheduled (not cancelled) meetings starting in [start, end), for reminders."""
    return (
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True)
        .select_related("cohort__school")
        .order_by("starts_at", "id")
    )
