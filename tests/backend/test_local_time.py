from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from backend.local_time import NonexistentLocalTime, local_iso, local_to_utc

CHICAGO = ZoneInfo("America/Chicago")


def test_an_ordinary_local_time_becomes_utc():
    assert local_to_utc(date(2026, 3, 3), time(9, 15), CHICAGO) == datetime(
        2026, 3, 3, 15, 15, tzinfo=UTC
    )
    assert local_to_utc(date(2026, 6, 3), time(9, 15), CHICAGO) == datetime(
        2026, 6, 3, 14, 15, tzinfo=UTC
    )


def test_a_time_in_the_spring_gap_is_refused():
    # Each app turns this into its own typed refusal (visits: NONEXISTENT_LOCAL_TIME in
    # tests/observations/services/test_visit_propose.py; meetings: INVALID_TIME in
    # tests/cohorts/mutations/test_meeting_create.py).
    with pytest.raises(NonexistentLocalTime) as caught:
        local_to_utc(date(2026, 3, 8), time(2, 0), CHICAGO)

    assert (caught.value.day, caught.value.at, caught.value.zone) == (
        date(2026, 3, 8),
        time(2, 0),
        CHICAGO,
    )


def test_a_time_in_the_autumn_fold_is_its_first_occurrence():
    assert local_to_utc(date(2026, 11, 1), time(1, 0), CHICAGO) == datetime(
        2026, 11, 1, 6, 0, tzinfo=UTC
    )
    # The edges of the gap exist.
    assert local_to_utc(date(2026, 3, 8), time(3, 0), CHICAGO) == datetime(
        2026, 3, 8, 8, 0, tzinfo=UTC
    )


def test_local_iso_has_the_offset_of_that_day():
    assert (
        local_iso(datetime(2026, 3, 3, 15, 15, tzinfo=UTC), CHICAGO) == "2026-03-03T09:15:00-06:00"
    )
    assert (
        local_iso(datetime(2026, 6, 3, 14, 15, tzinfo=UTC), CHICAGO) == "2026-06-03T09:15:00-05:00"
    )
