"""Finding time for a visit: weekly timetables turned into real instants, and slot suggestions.

Timetables are weekly wall-clock periods in each teacher's own school time zone (a visitor may
teach at another school, even in another zone), so everything is compared as UTC intervals on
concrete dates.

Rules (also in the API descriptions):
- *the host teaches*: the visit lies within the host's TEACHING periods (back-to-back periods
  join up). A host who recorded no timetable at all is not checked: we cannot know.
- *the visitor is free*: the visit lies within the visitor's FREE periods; a visitor who
  recorded no FREE period is free whenever they do not teach.
- *nobody is booked*: neither has an active visit overlapping it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from backend.local_time import local_dates, localize
from observations.errors import ObservationError

from .models import PeriodKind, TimetablePeriod
from .selectors import busy_ranges

Interval = tuple[datetime, datetime]

MAX_SUGGESTION_DAYS = 31
MAX_SUGGESTIONS = 50


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covers(merged: list[Interval], start: datetime, end: datetime) -> bool:
    return any(s <= start and end <= e for s, e in merged)


def overlaps(intervals: Iterable[Interval], start: datetime, end: datetime) -> bool:
    return any(s < end and start < e for s, e in intervals)


def weekly_intervals(
    periods: Iterable[TimetablePeriod], zone: ZoneInfo, first: date, last: date, kind: str
) -> list[Interval]:
    """The UTC intervals of `kind` periods on every date from `first` to `last`."""
    by_weekday: dict[int, list[TimetablePeriod]] = {}
    for period in periods:
        if period.kind == kind:
            by_weekday.setdefault(period.weekday, []).append(period)
    intervals = []
    for day in local_dates(first, last):
        for period in by_weekday.get(day.weekday(), ()):
            start = localize(day, period.start_time, zone).astimezone(UTC)
            end = localize(day, period.end_time, zone).astimezone(UTC)
            if end > start:
                intervals.append((start, end))
    return intervals


def zone_of(person, default: ZoneInfo) -> ZoneInfo:
    return person.school.zone if person.school_id else default


def _local_span(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    # One day either side: a period's local date may differ from the UTC date.
    return (
        start.astimezone(zone).date() - timedelta(days=1),
        end.astimezone(zone).date() + timedelta(days=1),
    )


def ensure_host_teaching(host, starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> None:
    """HOST_NOT_TEACHING unless the host recorded no timetable or teaches all of the time."""
    periods = list(TimetablePeriod.objects.filter(person=host))
    if not periods:
        return
    host_zone = zone_of(host, zone)
    first, last = _local_span(starts_at, ends_at, host_zone)
    teaching = merge(weekly_intervals(periods, host_zone, first, last, PeriodKind.TEACHING))
    if not covers(teaching, starts_at, ends_at):
        raise ValidationError(
            {
                "when": ValidationError(
                    "%(host)s does not teach a class then, according to their timetable.",
                    code=ObservationError.HOST_NOT_TEACHING,
                    params={"host": host.full_name},
                )
            }
        )


@dataclass(frozen=True)
class VisitSlot:
    starts_at: datetime
    ends_at: datetime
    zone: ZoneInfo
    label: str = ""
    room: str = ""


def suggested_visit_slots(
    *, host, visitor, first: date, last: date, minutes: int, now: datetime
) -> list[VisitSlot]:
    """Times from `first` to `last` (the host's local dates) when the host teaches, the visitor
    is free and neither is booked; soonest first, at most MAX_SUGGESTIONS."""
    zone = host.school.zone
    range_start = localize(first, time(0), zone).astimezone(UTC)
    range_end = localize(last + timedelta(days=1), time(0), zone).astimezone(UTC)
    host_periods = list(TimetablePeriod.objects.filter(person=host))
    host_teaching_periods = [p for p in host_periods if p.kind == PeriodKind.TEACHING]
    if not host_teaching_periods:
        return []
    length = timedelta(minutes=minutes)

    # Each teaching period on each date, kept apart so a slot can say which class it is.
    host_classes: list[tuple[datetime, datetime, TimetablePeriod]] = []
    for day in local_dates(first, last):
        for period in host_teaching_periods:
            if period.weekday == day.weekday():
                start = localize(day, period.start_time, zone).astimezone(UTC)
                end = localize(day, period.end_time, zone).astimezone(UTC)
                host_classes.append((start, end, period))
    host_teaching = merge((s, e) for s, e, _ in host_classes)

    visitor_zone = zone_of(visitor, zone)
    visitor_periods = list(TimetablePeriod.objects.filter(person=visitor))
    v_first, v_last = _local_span(range_start, range_end, visitor_zone)
    visitor_free = merge(
        weekly_intervals(visitor_periods, visitor_zone, v_first, v_last, PeriodKind.FREE)
    )
    visitor_teaching = merge(
        weekly_intervals(visitor_periods, visitor_zone, v_first, v_last, PeriodKind.TEACHING)
    )
    has_free_periods = any(p.kind == PeriodKind.FREE for p in visitor_periods)

    busy = merge(
        (s, e) for _, s, e in busy_ranges([host, visitor], start=range_start, end=range_end)
    )

    def visitor_can(start: datetime, end: datetime) -> bool:
        if has_free_periods:
            return covers(visitor_free, start, end)
        return not overlaps(visitor_teaching, start, end)

    # Natural starts: a class starting, the visitor's free period starting, a visit ending.
    candidates = {s for s, _, _ in host_classes}
    candidates |= {s for s, _ in visitor_free}
    candidates |= {e for _, e in busy}
    slots: list[VisitSlot] = []
    for start in sorted(candidates):
        end = start + length
        if start < range_start or start >= range_end or start <= now:
            continue
        if not covers(host_teaching, start, end) or not visitor_can(start, end):
            continue
        if overlaps(busy, start, end):
            continue
        period = next((p for s, e, p in host_classes if s <= start < e), None)
        slots.append(
            VisitSlot(
                starts_at=start,
                ends_at=end,
                zone=zone,
                label=period.label if period else "",
                room=period.room if period else "",
            )
        )
        if len(slots) == MAX_SUGGESTIONS:
            break
    return slots
