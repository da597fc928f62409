"""Visit dates are converted per UTC day and zone (`networks.sources._LocalDays`): same answers as
converting every timestamp, DST changes and half-hour zones included."""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from networks.sources import _local_date, _LocalDays, _utc

ZONES = ["America/Chicago", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"]


def test_hourly_days_match_converting_every_timestamp():
    rng = random.Random(3)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    days = _LocalDays()
    for _ in range(20_000):
        moment = start + timedelta(
            seconds=rng.randrange(366 * 86_400), microseconds=rng.randrange(2)
        )
        zone = ZoneInfo(rng.choice(ZONES))
        naive = moment.replace(tzinfo=None).isoformat(sep=" ")  # SQLite
        offset = moment.isoformat(sep=" ").replace("+00:00", "+00")  # PostgreSQL
        expected = _local_date(moment, zone)
        assert days(naive, zone) == expected, (naive, zone)
        assert days(offset, zone) == expected, (offset, zone)


def test_other_values_are_converted_one_by_one():
    days, zone = _LocalDays(), ZoneInfo("America/Chicago")
    aware = datetime(2026, 3, 8, 5, 30, tzinfo=UTC)

    assert days(None, zone) is None
    assert days(aware, zone) == _local_date(aware, zone)
    assert days("2026-03-08 05:30:00-05", zone) == _local_date(_utc("2026-03-08 05:30:00-05"), zone)
