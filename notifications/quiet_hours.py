"""Quiet hours: local wall-clock periods in which nothing is pushed. Pure functions, no Django.

A period is `[start, end)` in the person's time zone and may wrap midnight (21:00-07:00).
Its end is computed on the local calendar, so across a daylight-saving change "07:00" stays
07:00 on the wall clock while the UTC instant moves by an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`"21:00-07:00"` -> QuietHours(21:00, 07:00)."""
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError as exc:
            raise ValueError(f"Quiet hours must look like 21:00-07:00, not {text!r}") from exc
        return cls(start, end)

    def end_after(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """If `moment` (aware) falls in these quiet hours in `zone`, the UTC instant they end;
        otherwise None. An empty period (start == end) is never quiet."""
        return quiet_until(moment, zone, self.start, self.end)


def quiet_until(moment: datetime, zone: ZoneInfo, start: time, end: time) -> datetime | None:
    """The UTC end of the quiet period `[start, end)` containing `moment`, or None."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    if start == end:
        return None
    local = moment.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if start < end:  # within one day, e.g. 12:00-13:00
        if not start <= wall < end:
            return None
        end_date = local.date()
    elif wall >= start:  # wraps midnight: the evening part ends tomorrow morning
        end_date = local.date() + timedelta(days=1)
    elif wall < end:  # ... the morning part ends today
        end_date = local.date()
    else:
        return None
    # A wall time that does not exist (skipped by a spring-forward change) resolves to the
    # instant after the gap; an ambiguous one (autumn) to its first occurrence.
    ends = datetime.combine(end_date, end, tzinfo=zone).astimezone(UTC)
    return ends if ends > moment else None
