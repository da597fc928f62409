"""Launching an instrument to an audience, its six-month follow-up, edits and cancelling.

Reminders are outbox rows written in the same transaction (notifications.outbox): an opening
notice to each invitee when the window opens and a closing one two days before it closes. The
keys are `survey:<administration>:person:<user>:opened|closing`, so moving a window moves them
and a response cancels exactly that person's closing reminder.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from cohorts.models import Attendance, AttendanceStatus, Cohort, Meeting, Membership, Role
from cohorts.selectors import is_current_leader
from notifications.models import Kind
from notifications.outbox import cancel, schedule
from observations.models import VisitParticipant, VisitRole, VisitStatus
from surveys.errors import SurveyError

from ..models import (
    Administration,
    AdministrationKind,
    AudienceKind,
    Instrument,
    InstrumentKind,
    Invitee,
)
from ..selectors import can_manage, instruments_visible_to
from ..settings import (
    is_peer_feedback_to_visited_peers,
    minimum_group_size,
    peer_feedback_minimum_group_size,
)

FOLLOW_UP_AFTER = relativedelta(months=6)
CLOSING_REMINDER_BEFORE = timedelta(days=2)
ADMINISTRATION_TYPE = "SurveyAdministration"


def reminder_key(administration_id: int, person_id: int, what: str) -> str:
    # `:person:<id>:` then the suffix: no key is a prefix of another person's key.
    return f"survey:{administration_id}:person:{person_id}:{what}"


def follow_up_window(opens_at: datetime, closes_at: datetime, zone) -> tuple[datetime, datetime]:
    """Six calendar months later at the same local time of day, the same length of window."""
    local_opens = opens_at.astimezone(zone) + FOLLOW_UP_AFTER
    new_opens = local_opens.astimezone(UTC)
    return new_opens, new_opens + (closes_at - opens_at)


def check_window(opens_at: datetime, closes_at: datetime, now: datetime) -> None:
    if closes_at <= opens_at:
        raise ValidationError(
            {"closes_at": ValidationError("Close after it opens.", code=SurveyError.INVALID_WINDOW)}
        )
    if closes_at <= now:
        raise ValidationError(
            {"closes_at": ValidationError("Close in the future.", code=SurveyError.INVALID_WINDOW)}
        )


# Which audiences each kind of survey may go to. The culture survey (baseline, six months),
# the end-of-year confidence survey and anything else go to a whole group as it stands; only
# peer feedback may go to a chosen list, and only of peers whose classes the launcher visited;
# session feedback may go to the peers present at a meeting.
WHOLE_GROUPS = frozenset({AudienceKind.COHORT_PEERS, AudienceKind.GROUP_OF_FIVE})
ALLOWED_AUDIENCES: dict[str, frozenset[AudienceKind]] = {
    AdministrationKind.BASELINE: WHOLE_GROUPS,
    AdministrationKind.SIX_MONTH: WHOLE_GROUPS,
    AdministrationKind.END_OF_YEAR: WHOLE_GROUPS,
    AdministrationKind.OTHER: WHOLE_GROUPS,
    AdministrationKind.PEER_FEEDBACK: WHOLE_GROUPS | {AudienceKind.VISITED_PEERS},
    AdministrationKind.SESSION_FEEDBACK: WHOLE_GROUPS | {AudienceKind.SESSION_ATTENDEES},
}
# Research instruments whose trends the programme reads: always a whole group, whatever kind.
WHOLE_GROUP_INSTRUMENTS = frozenset({InstrumentKind.TRUST_CULTURE, InstrumentKind.CONFIDENCE})


@dataclass(frozen=True)
class AudienceChoice:
    """What the launcher asked for: a kind of audience and what it needs.

    `people` only for VISITED_PEERS, `meeting` only for SESSION_ATTENDEES; the whole groups
    are taken from the cohort and accept neither, so nobody can be left out or added."""

    kind: str
    people: list | None = None
    meeting: Meeting | None = None


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_allowed(*, kind: str, instrument: Instrument, audience: str) -> None:
    if AdministrationKind.STUDENT_VOICE in (kind, instrument.kind) or (
        audience == AudienceKind.CLASS_CODES
    ):
        raise _error(
            "audience",
            "Student voice goes to a class of yours, with a code for each student: launch it "
            "as a class survey.",
            SurveyError.AUDIENCE_NOT_ALLOWED,
        )
    allowed = ALLOWED_AUDIENCES.get(kind, WHOLE_GROUPS)
    if instrument.kind in WHOLE_GROUP_INSTRUMENTS:
        allowed = allowed & WHOLE_GROUPS
    if audience not in allowed:
        raise _error(
            "audience",
            "This survey goes to a whole group you lead: "
            + " or ".join(sorted(str(choice) for choice in allowed))
            + ".",
            SurveyError.AUDIENCE_NOT_ALLOWED,
        )


def _current_peers(cohort: Cohort, roles) -> list:
    return [
        membership.person
        for membership in Membership.objects.filter(
            cohort=cohort, ended_at__isnull=True, role__in=roles, person__is_active=True
        )
        .select_related("person")
        .order_by("person__full_name", "person_id")
    ]


def _visited_peers(*, launcher, people: list) -> list:
    """The chosen people, each the host of a visit the launcher made that happened.

    "Happened" is COMPLETED: the host accepted it, its time came and data, a reflection or
    the visitor's "done" arrived. A proposed or accepted visit is not enough: the launcher
    could propose one to anyone."""
    visited = set(
        VisitParticipant.objects.filter(
            visit__status=VisitStatus.COMPLETED,
            visit__participants__person=launcher,
            visit__participants__role=VisitRole.VISITOR,
            role=VisitRole.HOST,
        ).values_list("person_id", flat=True)
    )
    if any(person.pk not in visited or not person.is_active for person in people):
        raise _error(
            "personIds",
            "Choose peers whose classes you visited (a visit that happened).",
            SurveyError.NOT_VISITED,
        )
    return list({person.pk: person for person in people}.values())


def _session_attendees(*, cohort: Cohort, meeting: Meeting, now: datetime) -> list:
    """The cohort's current peers recorded present at a meeting of it that has ended.

    Outside guests (a coach, a principal) are not peers and are not asked."""
    if meeting.cohort_id != cohort.pk:
        raise _error("meetingId", "Choose a meeting of the cohort.", SurveyError.NOT_FOUND)
    if meeting.cancelled_at is not None or meeting.ends_at > now:
        raise _error(
            "meetingId", "Ask for feedback once the session has taken place.", SurveyError.NOT_HELD
        )
    present = set(
        Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).values_list(
            "person_id", flat=True
        )
    )
    return [
        person
        for person in _current_peers(cohort, [Role.BLUE, Role.YELLOW])
        if person.pk in present
    ]


def audience_people(
    *, launcher, cohort: Cohort | None, choice: AudienceChoice, now: datetime
) -> list:
    """The invitees of an audience, as it stands now. Never the launcher."""
    kind = choice.kind
    if choice.people is not None and kind != AudienceKind.VISITED_PEERS:
        raise _error(
            "personIds",
            "A whole group is invited; people cannot be chosen one by one.",
            SurveyError.AUDIENCE_NOT_ALLOWED,
        )
    if kind == AudienceKind.VISITED_PEERS:
        if not choice.people:
            raise _error("personIds", "Choose the peers you visited.", SurveyError.REQUIRED)
        people = _visited_peers(launcher=launcher, people=choice.people)
    else:
        if cohort is None:
            raise _error("cohortId", "Choose a cohort you lead.", SurveyError.REQUIRED)
        if kind == AudienceKind.COHORT_PEERS:
            people = _current_peers(cohort, [Role.BLUE, Role.YELLOW])
        elif kind == AudienceKind.GROUP_OF_FIVE:
            people = _current_peers(cohort, [Role.BLUE])
        elif kind == AudienceKind.SESSION_ATTENDEES:
            if choice.meeting is None:
                raise _error("meetingId", "Choose the session.", SurveyError.REQUIRED)
            people = _session_attendees(cohort=cohort, meeting=choice.meeting, now=now)
        else:
            raise _error("audience", "Unknown audience.", SurveyError.INVALID)
    # Structural: whoever launches is never asked (they would know one answer of every figure).
    return [person for person in people if person.pk != launcher.pk]


def _check_audience_size(people: list, *, kind: str, audience: str) -> None:
    minimum = (
        peer_feedback_minimum_group_size()
        if is_peer_feedback_to_visited_peers(kind, audience)
        else minimum_group_size()
    )
    if len(people) < minimum:
        raise _error(
            "audience",
            f"This audience has {len(people)} people besides you; reports need at least "
            f"{minimum}, so it cannot be surveyed.",
            SurveyError.AUDIENCE_TOO_SMALL,
        )


def _check_may_launch(*, actor, kind: str, audience: str, cohort: Cohort | None) -> None:
    """Who may launch: teacher leaders (to a cohort only if they lead it) and staff; peer
    feedback to visited peers also anyone holding a current membership of a cohort (of `cohort`
    when one is given), since the programme asks every teacher to seek it. Refusals are
    object-level (the payload's NOT_ALLOWED): the mutation lets every teacher in, because the
    kind of survey decides."""
    if actor.is_staff:
        return
    if actor.is_teacher_leader and (
        cohort is None or is_current_leader(cohort=cohort, person=actor)
    ):
        return
    if is_peer_feedback_to_visited_peers(kind, audience):
        memberships = Membership.objects.filter(
            person=actor, ended_at__isnull=True, cohort__archived_at__isnull=True
        )
        if cohort is not None:
            memberships = memberships.filter(cohort=cohort)
        if memberships.exists():
            return
        raise PermissionDenied(
            "Peer feedback is asked by a current member of a cohort"
            + (" (of the cohort chosen)." if cohort is not None else ".")
        )
    if cohort is not None and actor.is_teacher_leader:
        raise PermissionDenied("Only the cohort's leader launches its surveys.")
    raise PermissionDenied(
        "Only teacher leaders launch this kind of survey; anyone in a cohort may ask the peers "
        "whose classes they visited for feedback (PEER_FEEDBACK to VISITED_PEERS)."
    )


@transaction.atomic
def administration_launch(
    *,
    actor,
    instrument: Instrument,
    kind: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
    cohort: Cohort | None = None,
    audience: AudienceChoice | None = None,
    title: str = "",
    schedule_follow_up: bool = True,
    now: datetime | None = None,
) -> Administration:
    """Send `instrument` to an audience (by default the cohort's current peers) for a window.

    The audience is a kind, never a list the launcher composes: a whole group the launcher
    leads as it stands now, or for peer feedback peers whose classes they visited, or for
    session feedback the peers present at a session (see `ALLOWED_AUDIENCES`). The launcher is
    never invited, and it must hold at least `minimum_group_size()` people besides them (for
    peer feedback to visited peers `peer_feedback_minimum_group_size()`), so no report can be
    about fewer other people. Who may launch: `_check_may_launch`.

    A BASELINE also creates its SIX_MONTH follow-up unless `schedule_follow_up` is off: same
    instrument and kind of audience, six calendar months later, editable. It is sent to the
    group as it stands today, and takes that whole group again as it stands when it opens
    (`follow_up_take_group`): who left the cohort is no longer asked, who joined is."""
    now = now or timezone.now()
    audience = audience or AudienceChoice(kind=AudienceKind.COHORT_PEERS)
    _check_may_launch(actor=actor, kind=kind, audience=audience.kind, cohort=cohort)
    if not instruments_visible_to(actor).filter(pk=instrument.pk).exists():
        raise PermissionDenied("You cannot use this instrument.")
    if kind not in AdministrationKind.values:
        raise ValidationError({"kind": ValidationError("Unknown kind.", code=SurveyError.INVALID)})
    if kind == AdministrationKind.SIX_MONTH:
        raise ValidationError(
            {
                "kind": ValidationError(
                    "A six-month follow-up is scheduled by launching its baseline.",
                    code=SurveyError.INVALID,
                )
            }
        )
    opens_at = opens_at or now
    check_window(opens_at, closes_at, now)
    _check_allowed(kind=kind, instrument=instrument, audience=audience.kind)
    school = cohort.school if cohort is not None else actor.school
    if school is None:
        raise _error("cohortId", "Choose a cohort.", SurveyError.REQUIRED)
    invitees = audience_people(launcher=actor, cohort=cohort, choice=audience, now=now)
    _check_audience_size(invitees, kind=kind, audience=audience.kind)

    administration = Administration.objects.create(
        instrument=instrument,
        school=school,
        cohort=cohort,
        kind=kind,
        audience=audience.kind,
        title=(title or "").strip()[:200] or _default_title(instrument, kind),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    _invite(administration, invitees, now=now)
    if kind == AdministrationKind.BASELINE and schedule_follow_up:
        follow_opens, follow_closes = follow_up_window(opens_at, closes_at, school.zone)
        follow_up = Administration.objects.create(
            instrument=instrument,
            school=school,
            cohort=cohort,
            kind=AdministrationKind.SIX_MONTH,
            audience=audience.kind,
            title=_default_title(instrument, AdministrationKind.SIX_MONTH),
            opens_at=follow_opens,
            closes_at=follow_closes,
            follows=administration,
            created_by=actor,
        )
        _invite(follow_up, invitees, now=now)
    return administration


# The reminder worker takes a follow-up's group this long before it opens, so those who left
# are not sent its opening notice and newcomers get it on time.
GROUP_TAKEN_BEFORE_OPENING = timedelta(minutes=5)


@transaction.atomic
def follow_up_take_group(*, administration: Administration, now: datetime | None = None) -> bool:
    """Invite a six-month follow-up's whole group as it stands now; once, at its opening.

    Its kind of audience was inherited from the baseline (a whole group, never a list). Those
    who left the group are no longer invited (their reminders are withdrawn) unless they have
    already answered; those who joined are invited and reminded. The launcher never is. A group
    that shrank below the minimum is still asked: its report then says TOO_FEW_RESPONSES,
    which is safe. Returns whether the group was taken now."""
    now = now or timezone.now()
    administration = (
        Administration.objects.select_for_update(of=("self",))
        .select_related("cohort", "created_by", "school")
        .get(pk=administration.pk)
    )
    if (
        administration.group_taken_at is not None
        or administration.kind != AdministrationKind.SIX_MONTH
        or administration.audience not in WHOLE_GROUPS
        or administration.cohort is None
        or administration.cancelled_at is not None
        or now >= administration.closes_at
    ):
        return False
    people = audience_people(
        launcher=administration.created_by,
        cohort=administration.cohort,
        choice=AudienceChoice(kind=administration.audience),
        now=now,
    )
    keep = {person.pk for person in people}
    invitees = list(administration.invitees.all())
    gone = [i for i in invitees if i.person_id not in keep and not i.has_responded]
    for invitee in gone:
        cancel(key_prefix=f"survey:{administration.pk}:person:{invitee.person_id}:")
    Invitee.objects.filter(pk__in=[invitee.pk for invitee in gone]).delete()
    current = {invitee.person_id for invitee in invitees}
    _invite(administration, [person for person in people if person.pk not in current], now=now)
    administration.group_taken_at = now
    administration.save(update_fields=["group_taken_at"])
    return True


def follow_ups_take_groups_due(*, now: datetime | None = None) -> int:
    """Take the group of every follow-up about to open (or open and not yet taken); the
    reminder worker calls it now and then. Returns how many were taken."""
    now = now or timezone.now()
    due = Administration.objects.filter(
        kind=AdministrationKind.SIX_MONTH,
        group_taken_at__isnull=True,
        cancelled_at__isnull=True,
        cohort__isnull=False,
        audience__in=list(WHOLE_GROUPS),
        opens_at__lte=now + GROUP_TAKEN_BEFORE_OPENING,
        closes_at__gt=now,
    ).only("pk")
    return sum(follow_up_take_group(administration=follow_up, now=now) for follow_up in due)


def _default_title(instrument: Instrument, kind: str) -> str:
    return f"{instrument.title}: {AdministrationKind(kind).label}"[:200]


def _invite(administration: Administration, people: list, *, now: datetime) -> None:
    if any(person.pk == administration.created_by_id for person in people):
        # Unreachable through audience_people; kept so no future path can invite the launcher.
        raise _error(
            "audience", "You cannot answer a survey you launch.", SurveyError.AUDIENCE_NOT_ALLOWED
        )
    Invitee.objects.bulk_create(
        [Invitee(administration=administration, person=person) for person in people]
    )
    for person in people:
        _schedule_reminders(administration, person, now=now)


def _schedule_reminders(administration: Administration, person, *, now: datetime) -> None:
    target = to_global_id(ADMINISTRATION_TYPE, administration.pk)
    zone = administration.school.zone
    closes_local = administration.closes_at.astimezone(zone)
    answer_by = f"Answer by {closes_local:%A %-d %B, %-I:%M %p}."
    follow_up = administration.kind == AdministrationKind.SIX_MONTH
    schedule(
        recipient=person,
        kind=Kind.FOLLOW_UP_OPENED if follow_up else Kind.SURVEY_OPENED,
        key=reminder_key(administration.pk, person.pk, "opened"),
        due_at=max(administration.opens_at, now),
        title=(
            "The six-month follow-up survey is open" if follow_up else "A survey is waiting for you"
        ),
        body=f"{administration.title}. Your answers are anonymous. {answer_by}",
        target_type=ADMINISTRATION_TYPE,
        target_id=target,
    )
    closing_key = reminder_key(administration.pk, person.pk, "closing")
    closing_due = administration.closes_at - CLOSING_REMINDER_BEFORE
    if closing_due > administration.opens_at and closing_due > now:
        schedule(
            recipient=person,
            kind=Kind.SURVEY_CLOSING,
            key=closing_key,
            due_at=closing_due,
            title="A survey closes in two days",
            body=f"{administration.title}. {answer_by}",
            target_type=ADMINISTRATION_TYPE,
            target_id=target,
        )
    else:
        cancel(key_prefix=closing_key)


def _editable(administration: Administration, *, actor, now: datetime) -> None:
    if not can_manage(actor, administration):
        raise PermissionDenied("Only the survey's leader changes it.")
    if administration.cancelled_at is not None:
        raise ValidationError("This survey was cancelled.", code=SurveyError.CANCELLED)
    if now >= administration.closes_at:
        # Reopening a closed survey would let a second report be subtracted from the first.
        raise ValidationError(
            "This survey has closed; it can no longer change.", code=SurveyError.CLOSED
        )


@transaction.atomic
def administration_update(
    *,
    actor,
    administration: Administration,
    title: str | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    people: list | None = None,
    now: datetime | None = None,
) -> Administration:
    """Change the title, the window or (before it opens) a peer-feedback survey's chosen
    peers (still peers the launcher visited). Reminders move along. A whole group's survey
    keeps its group."""
    now = now or timezone.now()
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    _editable(administration, actor=actor, now=now)
    has_opened = administration.opens_at <= now
    if opens_at is not None and opens_at != administration.opens_at:
        if has_opened:
            raise ValidationError(
                {
                    "opens_at": ValidationError(
                        "It has already opened.", code=SurveyError.ALREADY_OPEN
                    )
                }
            )
        administration.opens_at = opens_at
    if closes_at is not None:
        administration.closes_at = closes_at
    check_window(administration.opens_at, administration.closes_at, now)
    if title is not None:
        title = title.strip()
        if not title:
            raise ValidationError(
                {"title": ValidationError("Give it a title.", code=SurveyError.REQUIRED)}
            )
        administration.title = title[:200]
    administration.save(update_fields=["title", "opens_at", "closes_at"])

    invitees = list(administration.invitees.select_related("person"))
    audience = [invitee.person for invitee in invitees if not invitee.has_responded]
    if people is not None:
        if has_opened:
            raise ValidationError(
                {
                    "person_ids": ValidationError(
                        "It has already opened.", code=SurveyError.ALREADY_OPEN
                    )
                }
            )
        if administration.audience != AudienceKind.VISITED_PEERS:
            # A whole group is taken as it stands; nobody can be dropped from it or added.
            raise _error(
                "personIds",
                "This survey goes to a whole group; people cannot be chosen one by one.",
                SurveyError.AUDIENCE_NOT_ALLOWED,
            )
        audience = audience_people(
            launcher=administration.created_by,
            cohort=administration.cohort,
            choice=AudienceChoice(kind=AudienceKind.VISITED_PEERS, people=people),
            now=now,
        )
        audience = [person for person in audience if person.pk != actor.pk]
        _check_audience_size(audience, kind=administration.kind, audience=administration.audience)
        keep = {person.pk for person in audience}
        for invitee in invitees:
            if invitee.person_id not in keep:
                cancel(key_prefix=f"survey:{administration.pk}:person:{invitee.person_id}:")
        Invitee.objects.filter(administration=administration).exclude(person_id__in=keep).delete()
        current = {invitee.person_id for invitee in invitees}
        Invitee.objects.bulk_create(
            [
                Invitee(administration=administration, person=person)
                for person in audience
                if person.pk not in current
            ]
        )
    # Those who have answered are not reminded again (a cancelled reminder would be revived).
    for person in audience:
        _schedule_reminders(administration, person, now=now)
    return administration


@transaction.atomic
def administration_cancel(
    *, actor, administration: Administration, now: datetime | None = None
) -> Administration:
    """Withdraw a survey nobody has answered yet (and its scheduled follow-up), with its
    reminders. Once someone has answered, their answer stays counted."""
    now = now or timezone.now()
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    _editable(administration, actor=actor, now=now)
    # Answers are sealed until the close: the participation side says whether anyone answered.
    if administration.invitees.filter(has_responded=True).exists():
        raise ValidationError(
            "People have already answered; let it run to its close.", code=SurveyError.HAS_RESPONSES
        )
    withdrawn = [administration]
    withdrawn += [
        follow_up
        for follow_up in administration.follow_ups.filter(cancelled_at__isnull=True)
        if not follow_up.invitees.filter(has_responded=True).exists()
    ]
    for item in withdrawn:
        item.cancelled_at = now
        item.save(update_fields=["cancelled_at"])
        cancel(key_prefix=f"survey:{item.pk}:")
    return administration
