"""Weekly timetables and a school's bell schedule: what slot suggestions are made of."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from observations.errors import ObservationError

from ..models import BellPeriod, PeriodKind, TimetablePeriod
from .common import clean_text, ensure_teacher

MAX_PERIODS = 100
MAX_BELL_PERIODS = 20


@dataclass(frozen=True)
class PeriodInput:
    weekday: int
    kind: str
    start_time: time | None = None
    end_time: time | None = None
    label: str = ""
    room: str = ""
    bell_period: BellPeriod | None = None


@dataclass(frozen=True)
class BellPeriodInput:
    name: str
    start_time: time
    end_time: time


def _range_error(field: str) -> ValidationError:
    return ValidationError(
        {
            field: ValidationError(
                "A period ends after it starts.", code=ObservationError.INVALID_TIME_RANGE
            )
        }
    )


@transaction.atomic
def timetable_set(*, actor, periods: list[PeriodInput]) -> list[TimetablePeriod]:
    """Replace the actor's whole weekly timetable (the phone edits it as one list)."""
    ensure_teacher(actor)
    if len(periods) > MAX_PERIODS:
        raise ValidationError(
            {
                "periods": ValidationError(
                    "At most %(max)d periods.",
                    code=ObservationError.INVALID,
                    params={"max": MAX_PERIODS},
                )
            }
        )
    rows: list[TimetablePeriod] = []
    for index, item in enumerate(periods):
        path = f"periods.{index}"
        bell = item.bell_period
        if bell is not None and bell.school_id != actor.school_id:
            raise ValidationError(
                {
                    f"{path}.bellPeriodId": ValidationError(
                        "Choose a period of your school's bell schedule.",
                        code=ObservationError.NOT_FOUND,
                    )
                }
            )
        start = item.start_time or (bell.start_time if bell else None)
        end = item.end_time or (bell.end_time if bell else None)
        if start is None or end is None:
            raise ValidationError(
                {
                    path: ValidationError(
                        "Give the start and end times, or a bell period.",
                        code=ObservationError.REQUIRED,
                    )
                }
            )
        if end <= start:
            raise _range_error(f"{path}.endTime")
        if item.kind not in PeriodKind.values:
            raise ValidationError(
                {f"{path}.kind": ValidationError("Unknown kind.", code=ObservationError.INVALID)}
            )
        rows.append(
            TimetablePeriod(
                person=actor,
                weekday=item.weekday,
                start_time=start,
                end_time=end,
                kind=item.kind,
                label=clean_text(item.label, field=f"{path}.label", max_length=80, required=False),
                room=clean_text(item.room, field=f"{path}.room", max_length=60, required=False),
                bell_period=bell,
            )
        )
    for index, row in enumerate(rows):
        for other_index, other in enumerate(rows[:index]):
            if (
                other.weekday == row.weekday
                and other.start_time < row.end_time
                and row.start_time < other.end_time
            ):
                raise ValidationError(
                    {
                        f"periods.{index}": ValidationError(
                            "This period overlaps period %(other)d on the same day.",
                            code=ObservationError.OVERLAPPING_PERIODS,
                            params={"other": other_index},
                        )
                    }
                )
    TimetablePeriod.objects.filter(person=actor).delete()
    return TimetablePeriod.objects.bulk_create(rows)


def may_set_bell_schedule(actor, school) -> bool:
    return actor.is_staff or (actor.is_teacher_leader and actor.school_id == school.pk)


@transaction.atomic
def bell_schedule_set(*, actor, school, periods: list[BellPeriodInput]) -> list[BellPeriod]:
    """Replace a school's bell schedule (its teacher leaders, or staff). Periods keep their
    identity by name, so timetables that point at "Period 3" follow its new times."""
    if not may_set_bell_schedule(actor, school):
        raise PermissionDenied("Only the school's teacher leaders set its bell schedule.")
    if len(periods) > MAX_BELL_PERIODS:
        raise ValidationError(
            {
                "periods": ValidationError(
                    "At most %(max)d periods.",
                    code=ObservationError.INVALID,
                    params={"max": MAX_BELL_PERIODS},
                )
            }
        )
    names: dict[str, int] = {}
    cleaned = []
    for index, item in enumerate(periods):
        name = clean_text(item.name, field=f"periods.{index}.name", max_length=60, required=True)
        if name.casefold() in names:
            raise ValidationError(
                {
                    f"periods.{index}.name": ValidationError(
                        "Each period needs its own name.", code=ObservationError.INVALID
                    )
                }
            )
        names[name.casefold()] = index
        if item.end_time <= item.start_time:
            raise _range_error(f"periods.{index}.endTime")
        cleaned.append((name, item.start_time, item.end_time))
    ordered = sorted(enumerate(cleaned), key=lambda pair: pair[1][1])
    for (_, previous), (index, current) in itertools.pairwise(ordered):
        if current[1] < previous[2]:
            raise ValidationError(
                {
                    f"periods.{index}": ValidationError(
                        "This period overlaps %(other)s.",
                        code=ObservationError.OVERLAPPING_PERIODS,
                        params={"other": previous[0]},
                    )
                }
            )
    existing = {p.name.casefold(): p for p in BellPeriod.objects.filter(school=school)}
    keep = []
    for name, start, end in cleaned:
        period = existing.pop(name.casefold(), None)
        if period is None:
            period = BellPeriod(school=school)
        period.name, period.start_time, period.end_time = name, start, end
        keep.append(period)
    BellPeriod.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    for period in keep:
        period.save()
    _follow_bell_times(keep)
    return sorted(keep, key=lambda p: p.start_time)


def _follow_bell_times(periods: list[BellPeriod]) -> None:
    """Timetable periods that point at a bell period take its new times."""
    for period in periods:
        TimetablePeriod.objects.filter(bell_period=period).update(
            start_time=period.start_time, end_time=period.end_time
        )
