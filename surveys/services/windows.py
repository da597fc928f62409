"""Closing a survey now and extending an open one, without editing timestamps by hand.

Closing now does what closing by time does, at once: answering stops (`response_submit` reads
`closes_at` under the same row lock), the pending opening and closing reminders are withdrawn,
and the sealed responses are opened in one shuffled transaction (`responses_open`), so the
report can be read at once and follows the same minimum-group rules as any closed survey.

Extending only moves the close of a survey that has not closed; a closed survey never reopens:
its report may have been read (or its responses opened), and a second report after more
answers could be subtracted from the first to isolate the late answers (README, *Privacy and
threat model*). The same rule as `administration_update`, which extending reuses.
"""

from contextlib import suppress
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.live import SURVEY_WINDOW_CHANGED, broadcast, survey_group
from notifications.outbox import cancel
from surveys.errors import SurveyError

from ..models import Administration
from .administrations import _editable, administration_update
from .responses import responses_open

MAX_EXTENSION_DAYS = 90


def _window_changed(administration: Administration) -> None:
    """Tell whoever follows the response count that the survey's close moved."""
    broadcast(
        survey_group(administration.pk),
        SURVEY_WINDOW_CHANGED,
        {
            "administration_id": administration.pk,
            "closes_at": administration.closes_at.isoformat(),
        },
    )


@transaction.atomic
def administration_close(
    *, actor, administration: Administration, now: datetime | None = None
) -> Administration:
    """Close an open survey now (its leader, as for editing it). Refused before it opens
    (cancel it instead) and once it has closed or was cancelled."""
    now = now or timezone.now()
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    _editable(administration, actor=actor, now=now)
    if now <= administration.opens_at:
        raise ValidationError(
            "This survey has not opened yet: cancel it instead.", code=SurveyError.NOT_OPEN_YET
        )
    administration.closes_at = now
    administration.save(update_fields=["closes_at"])
    # Everyone's pending reminders (the respondents' were already deleted when they answered).
    cancel(key_prefix=f"survey:{administration.pk}:")
    # Without a sealing key the responses stay sealed (not lost) and open once it is
    # configured, by the worker or on the report's first read, as after a timed close.
    with suppress(ImproperlyConfigured):
        responses_open(administration=administration, now=now)
    _window_changed(administration)
    return administration


@transaction.atomic
def administration_extend(
    *,
    actor,
    administration: Administration,
    closes_at: datetime | None = None,
    days: int | None = None,
    now: datetime | None = None,
) -> Administration:
    """Move the close of a survey that has not closed later: to `closes_at`, or `days` after
    its current close (exactly one). Reminders move along (`administration_update`)."""
    now = now or timezone.now()
    if (closes_at is None) == (days is None):
        raise ValidationError(
            "Give either a new closing time or a number of days.", code=SurveyError.REQUIRED
        )
    locked = Administration.objects.select_for_update().get(pk=administration.pk)
    _editable(locked, actor=actor, now=now)
    if days is not None:
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise ValidationError(
                {
                    "days": ValidationError(
                        f"Extend by 1 to {MAX_EXTENSION_DAYS} days.", code=SurveyError.INVALID
                    )
                }
            )
        closes_at = locked.closes_at + timedelta(days=days)
    assert closes_at is not None
    if closes_at <= locked.closes_at:
        raise ValidationError(
            {
                "closes_at": ValidationError(
                    "Extending moves the close later; to end it sooner, close it now.",
                    code=SurveyError.INVALID_WINDOW,
                )
            }
        )
    if closes_at > locked.closes_at + timedelta(days=MAX_EXTENSION_DAYS):
        raise ValidationError(
            {
                "closes_at": ValidationError(
                    f"Extend by at most {MAX_EXTENSION_DAYS} days at a time.",
                    code=SurveyError.INVALID_WINDOW,
                )
            }
        )
    extended = administration_update(
        actor=actor, administration=locked, closes_at=closes_at, now=now
    )
    _window_changed(extended)
    return extended
