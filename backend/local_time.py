"""Wall-clock times at a school and the UTC instants they mean: the one clock every app uses.

Times are stored in UTC; the phone sends a local date and time (what the teacher sees on the bell
schedule or the meeting invitation), and the school's time zone (`School.zone`) turns it into an
instant. Two days a year that is not one-to-one:

- spring forward: a local time that never happens (02:30 in America/Chicago) is refused
  (`local_to_utc` raises `NonexistentLocalTime`, which each app turns into its own typed
  refusal), because guessing which hour was meant could put a visitor in a classroom an hour
  early or late;
- fall back: a local time that happens twice (01:30) means its first occurrence (before the
  clocks go back), as most calendars do. Schools do not teach or meet at that hour, so a time
  there is a typo rather than a plan, and the stored instant is still exact.

A visit's or meeting's end is its start plus its length in minutes (elapsed time, not wall-clock
time).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks go forward at a place."""

    def __init__(self, day: date, at: time, zone: ZoneInfo) -> None:
        super().__init__(f"{at:%H:%M} does not exist on {day.isoformat()} in {zone.key}")
        self.day = day
        self.at = at
        self.zone = zone


def localize(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (aware, in `zone`) of `at` on `day`; earlier occurrence on a fold; a gap
    time is moved forward by the gap (for timetables; use `local_to_utc` for input)."""
    return datetime.combine(day, at.replace(tzinfo=None)).replace(tzinfo=zone, fold=0)


def exists_locally(moment: datetime) -> bool:
    """False for a wall-clock time skipped when the clocks go forward."""
    naive = moment.replace(tzinfo=None)
    round_trip = moment.astimezone(UTC).astimezone(moment.tzinfo).replace(tzinfo=None)
    return round_trip == naive


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A school's wall-clock time as a UTC instant; `NonexistentLocalTime` for a time the
    clocks skip there, the first occurrence for one they repeat."""
    moment = localize(day, at, zone)
    if not exists_locally(moment):
        raise NonexistentLocalTime(day, at, zone)
    return moment.astimezone(UTC)


def local_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    """The date it is at a place now (or at `now`): a teacher in Honolulu at 20:00 is still on
    the day a UTC clock has already left."""
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(zone).date()


def local_iso(moment: datetime, zone: ZoneInfo) -> str:
    """ISO-8601 in the school's time with its offset, e.g. 2026-03-04T09:15:00-06:00."""
    return moment.astimezone(zone).isoformat()


@dataclass(frozen=True)
class Span:
    """A scheduled span at a school, as every API shows it: two UTC instants and the school's
    zone, from which the wall-clock date and times are read (`backend.graphql.schedule`)."""

    starts_at: datetime
    ends_at: datetime
    zone: ZoneInfo

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def local_dates(start: date, end: date) -> Iterator[date]:
    """Every date from `start` to `end`, both included."""
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
