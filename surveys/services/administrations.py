"""Launching an instrument to an audience, its six-month follow-up, edits and cancelling.

Reminders are outbox rows written in the same transaction (notifications.outbox): an opening
notice to each invitee when the window opens and a closing one two days before it closes. The
keys are `survey:<administration>:person:<user>:opened|closing`, so moving a window moves them
and a response cancels exactly that person's closing reminder.
"""

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from cohorts.models import Cohort, Membership, Role
from cohorts.selectors import is_current_leader
from notifications.models import Kind
from notifications.outbox import cancel, schedule

from ..models import Administration, AdministrationKind, Instrument, Invitee
from ..selectors import can_manage, instruments_visible_to
from ..settings import minimum_group_size

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


def _check_window(opens_at: datetime, closes_at: datetime, now: datetime) -> None:
    if closes_at <= opens_at:
        raise ValidationError(
            {"closes_at": ValidationError("Close after it opens.", code="INVALID_WINDOW")}
        )
    if closes_at <= now:
        raise ValidationError(
            {"closes_at": ValidationError("Close in the future.", code="INVALID_WINDOW")}
        )


def _audience(*, cohort: Cohort | None, people, school_id: int) -> list:
    """The invitees: a cohort's current blue and yellow dots, a chosen list of its members, or
    a chosen list of teachers of the leader's school."""
    if cohort is not None:
        current = Membership.objects.filter(cohort=cohort, ended_at__isnull=True)
        if people is None:
            return [
                membership.person
                for membership in current.filter(role__in=[Role.BLUE, Role.YELLOW])
                .select_related("person")
                .order_by("person__full_name", "person_id")
            ]
        members = set(current.values_list("person_id", flat=True))
        if any(person.pk not in members for person in people):
            raise ValidationError(
                {
                    "person_ids": ValidationError(
                        "Everyone invited must be a current member of the cohort.",
                        code="NOT_A_MEMBER",
                    )
                }
            )
        return list(people)
    if not people:
        raise ValidationError(
            {"person_ids": ValidationError("Choose a cohort or people.", code="REQUIRED")}
        )
    if any(person.school_id != school_id or not person.is_active for person in people):
        raise ValidationError(
            {
                "person_ids": ValidationError(
                    "Invite teachers of your own school.", code="NOT_A_MEMBER"
                )
            }
        )
    return list(people)


def _check_audience_size(people: list) -> None:
    minimum = minimum_group_size()
    if len(people) < minimum:
        raise ValidationError(
            {
                "person_ids": ValidationError(
                    f"Invite at least {minimum} people: reports never show a smaller group.",
                    code="AUDIENCE_TOO_SMALL",
                )
            }
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
    people: list | None = None,
    title: str = "",
    schedule_follow_up: bool = True,
    now: datetime | None = None,
) -> Administration:
    """Send `instrument` to a cohort or a list of people for a window of time.

    A BASELINE also creates its SIX_MONTH follow-up (same instrument and audience, six calendar
    months later, editable) unless `schedule_follow_up` is off."""
    now = now or timezone.now()
    if not (actor.is_teacher_leader or actor.is_staff):
        raise PermissionDenied("Only teacher leaders launch surveys.")
    if cohort is not None and not (
        actor.is_staff or is_current_leader(cohort=cohort, person=actor)
    ):
        raise PermissionDenied("Only the cohort's leader launches its surveys.")
    if not instruments_visible_to(actor).filter(pk=instrument.pk).exists():
        raise PermissionDenied("You cannot use this instrument.")
    if kind not in AdministrationKind.values:
        raise ValidationError({"kind": ValidationError("Unknown kind.", code="INVALID")})
    if kind == AdministrationKind.SIX_MONTH:
        raise ValidationError(
            {
                "kind": ValidationError(
                    "A six-month follow-up is scheduled by launching its baseline.",
                    code="INVALID",
                )
            }
        )
    opens_at = opens_at or now
    _check_window(opens_at, closes_at, now)
    school = cohort.school if cohort is not None else actor.school
    if school is None:
        raise ValidationError({"cohort_id": ValidationError("Choose a cohort.", code="REQUIRED")})
    audience = _audience(cohort=cohort, people=people, school_id=school.pk)
    _check_audience_size(audience)

    administration = Administration.objects.create(
        instrument=instrument,
        school=school,
        cohort=cohort,
        kind=kind,
        title=(title or "").strip()[:200] or _default_title(instrument, kind),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    _invite(administration, audience, now=now)
    if kind == AdministrationKind.BASELINE and schedule_follow_up:
        follow_opens, follow_closes = follow_up_window(opens_at, closes_at, school.zone)
        follow_up = Administration.objects.create(
            instrument=instrument,
            school=school,
            cohort=cohort,
            kind=AdministrationKind.SIX_MONTH,
            title=_default_title(instrument, AdministrationKind.SIX_MONTH),
            opens_at=follow_opens,
            closes_at=follow_closes,
            follows=administration,
            created_by=actor,
        )
        _invite(follow_up, audience, now=now)
    return administration


def _default_title(instrument: Instrument, kind: str) -> str:
    return f"{instrument.title}: {AdministrationKind(kind).label}"[:200]


def _invite(administration: Administration, people: list, *, now: datetime) -> None:
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
        raise ValidationError("This survey was cancelled.", code="CANCELLED")
    if now >= administration.closes_at:
        # Reopening a closed survey would let a second report be subtracted from the first.
        raise ValidationError("This survey has closed; it can no longer change.", code="CLOSED")


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
    """Change the title, the window or (before it opens) the audience. Reminders move along."""
    now = now or timezone.now()
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    _editable(administration, actor=actor, now=now)
    has_opened = administration.opens_at <= now
    if opens_at is not None and opens_at != administration.opens_at:
        if has_opened:
            raise ValidationError(
                {"opens_at": ValidationError("It has already opened.", code="ALREADY_OPEN")}
            )
        administration.opens_at = opens_at
    if closes_at is not None:
        administration.closes_at = closes_at
    _check_window(administration.opens_at, administration.closes_at, now)
    if title is not None:
        title = title.strip()
        if not title:
            raise ValidationError({"title": ValidationError("Give it a title.", code="REQUIRED")})
        administration.title = title[:200]
    administration.save(update_fields=["title", "opens_at", "closes_at"])

    invitees = list(administration.invitees.select_related("person"))
    audience = [invitee.person for invitee in invitees if not invitee.has_responded]
    if people is not None:
        if has_opened:
            raise ValidationError(
                {"person_ids": ValidationError("It has already opened.", code="ALREADY_OPEN")}
            )
        audience = _audience(
            cohort=administration.cohort,
            people=people,
            school_id=administration.school_id,
        )
        _check_audience_size(audience)
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
    if administration.responses.exists():
        raise ValidationError(
            "People have already answered; let it run to its close.", code="HAS_RESPONSES"
        )
    withdrawn = [administration]
    withdrawn += [
        follow_up
        for follow_up in administration.follow_ups.filter(cancelled_at__isnull=True)
        if not follow_up.responses.exists()
    ]
    for item in withdrawn:
        item.cancelled_at = now
        item.save(update_fields=["cancelled_at"])
        cancel(key_prefix=f"survey:{item.pk}:")
    return administration
