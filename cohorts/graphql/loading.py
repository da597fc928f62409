"""What a request loads, and how: querysets shaped by the fields the operation asks for.

Lists prefetch everything their selection needs in a fixed number of queries, whatever their
length; resolvers then read the prefetched lists (see `cohort_memberships` and friends) and
fall back to a query only for an object loaded on its own. What a selection asks for comes
from `backend.graphql.selection.requested_fields`.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..models import (
    AgendaItem,
    Attendance,
    BlueYellowLink,
    Cohort,
    CohortInvitation,
    Meeting,
    MeetingInvitee,
    Membership,
    ProtocolStep,
)
from ..selectors import viewer_roles_by_cohort

PERSON = ("school__district",)
AGENDA_FIELDS = frozenset(
    {"agenda", "agendaMinutes", "overrunMinutes", "warnings", "agendaOverruns"}
)


def _person(prefix: str) -> list[str]:
    return [f"{prefix}__{path}" for path in PERSON]


def meeting_queryset(queryset: QuerySet, names: frozenset[str], *, nested: bool = False):
    """Meetings with what `names` needs. `nested` when prefetched under their cohort (which
    is then already known)."""
    if not nested:
        queryset = queryset.select_related("cohort__school__district")
    if names & AGENDA_FIELDS:
        items = AgendaItem.objects.select_related(*_person("facilitator"), "protocol").order_by(
            "position", "id"
        )
        queryset = queryset.prefetch_related(Prefetch("agenda_items", queryset=items))
        if "steps" in names or "totalMinutes" in names:
            queryset = queryset.prefetch_related(
                Prefetch(
                    "agenda_items__protocol__steps",
                    queryset=ProtocolStep.objects.order_by("position", "id"),
                )
            )
    if names & {"invitees", "notes", "canSeeNotes", "expected"}:
        invitees = MeetingInvitee.objects.select_related(*_person("person")).order_by(
            "invited_at", "id"
        )
        queryset = queryset.prefetch_related(Prefetch("invitees", queryset=invitees))
    if names & {"attendance", "expected"}:
        attendance = Attendance.objects.select_related(*_person("person")).order_by("id")
        queryset = queryset.prefetch_related(Prefetch("attendance", queryset=attendance))
    if "expected" in names and not nested:
        # Under their cohort, the cohort's memberships are prefetched already.
        memberships = Membership.objects.select_related(*_person("person")).order_by(
            "started_at", "id"
        )
        queryset = queryset.prefetch_related(
            Prefetch("cohort__memberships", queryset=memberships, to_attr="all_memberships")
        )
    return queryset


def cohort_queryset(queryset: QuerySet, names: frozenset[str]) -> QuerySet:
    """Cohorts with their memberships and links (always: most fields read them) and, when
    asked for, their meetings and pending invitations."""
    memberships = Membership.objects.select_related(*_person("person")).order_by("started_at", "id")
    links = BlueYellowLink.objects.order_by("started_at", "id")
    queryset = queryset.select_related("school__district").prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="all_memberships"),
        Prefetch("links", queryset=links, to_attr="all_links"),
    )
    if "meetings" in names:
        meetings = meeting_queryset(Meeting.objects.order_by("starts_at", "id"), names, nested=True)
        queryset = queryset.prefetch_related(
            Prefetch("meetings", queryset=meetings, to_attr="all_meetings")
        )
    if "pendingInvitations" in names:
        invitations = CohortInvitation.objects.select_related(
            "invitation", *_person("invitation__accepted_user")
        ).order_by("-created_at", "-id")
        queryset = queryset.prefetch_related(
            Prefetch("invitations", queryset=invitations, to_attr="all_invitations")
        )
    return queryset


# --- reading what was prefetched (or loading it for a lone object) -----------------------------


def cohort_memberships(cohort: Cohort) -> list[Membership]:
    if not hasattr(cohort, "all_memberships"):
        cohort.all_memberships = list(
            cohort.memberships.select_related(*_person("person")).order_by("started_at", "id")
        )
    return cohort.all_memberships


def cohort_links(cohort: Cohort) -> list[BlueYellowLink]:
    if not hasattr(cohort, "all_links"):
        cohort.all_links = list(cohort.links.order_by("started_at", "id"))
    return cohort.all_links


def cohort_meetings(cohort: Cohort) -> list[Meeting]:
    if not hasattr(cohort, "all_meetings"):
        cohort.all_meetings = list(cohort.meetings.order_by("starts_at", "id"))
    return cohort.all_meetings


def cohort_invitations(cohort: Cohort) -> list[CohortInvitation]:
    if not hasattr(cohort, "all_invitations"):
        cohort.all_invitations = list(
            cohort.invitations.select_related(
                "invitation", *_person("invitation__accepted_user")
            ).order_by("-created_at", "-id")
        )
    return cohort.all_invitations


class ViewerCohortRoles:
    """The signed-in person's current role per cohort, loaded once per request."""

    def __init__(self, context):
        self.context = context
        self._roles: dict[int, str] | None = None

    def get(self) -> dict[int, str]:
        if self._roles is None:
            self._roles = viewer_roles_by_cohort(self.context.user)
        return self._roles


def viewer_roles(info) -> dict[int, str]:
    return info.context.loader(ViewerCohortRoles).get()
