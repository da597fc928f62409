"""Quiet hours are local wall-clock periods; their end keeps its wall time across DST."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from notifications.quiet_hours import QuietHours, quiet_until

CHICAGO = ZoneInfo("America/Chicago")
NIGHT = QuietHours(time(21), time(7))


def local(*args, zone=CHICAGO):
    return datetime(*args, tzinfo=zone)


def test_an_evening_moment_is_quiet_until_tomorrow_morning():
    assert NIGHT.end_after(local(2026, 5, 12, 22, 15), CHICAGO) == local(2026, 5, 13, 7, 0)


def test_an_early_morning_moment_is_quiet_until_seven_the_same_day():
    assert NIGHT.end_after(local(2026, 5, 13, 5, 30), CHICAGO) == local(2026, 5, 13, 7, 0)


@pytest.mark.parametrize("hour, minute", [(7, 0), (12, 0), (20, 59)])
def test_daytime_is_not_quiet(hour, minute):
    assert NIGHT.end_after(local(2026, 5, 12, hour, minute), CHICAGO) is None


def test_the_start_is_quiet_and_the_end_is_not():
    assert NIGHT.end_after(local(2026, 5, 12, 21, 0), CHICAGO) is not None
    assert NIGHT.end_after(local(2026, 5, 12, 7, 0), CHICAGO) is None


def test_a_period_within_one_day():
    lunch = QuietHours(time(12), time(13))

    assert lunch.end_after(local(2026, 5, 12, 12, 30), CHICAGO) == local(2026, 5, 12, 13, 0)
    assert lunch.end_after(local(2026, 5, 12, 13, 30), CHICAGO) is None


def test_an_empty_period_is_never_quiet():
    assert QuietHours(time(7), time(7)).end_after(local(2026, 5, 12, 7, 0), CHICAGO) is None


def test_the_zone_decides_not_utc():
    # 03:00 UTC is 22:00 in Chicago (quiet) but 05:00 in Paris (quiet) and 12:00 in Tokyo.
    moment = datetime(2026, 5, 13, 3, 0, tzinfo=UTC)

    assert NIGHT.end_after(moment, CHICAGO) == datetime(2026, 5, 13, 12, 0, tzinfo=UTC)
    assert NIGHT.end_after(moment, ZoneInfo("Europe/Paris")) == datetime(
        2026, 5, 13, 5, 0, tzinfo=UTC
    )
    assert NIGHT.end_after(moment, ZoneInfo("Asia/Tokyo")) is None


def test_spring_forward_night_is_an_hour_shorter_but_ends_at_seven_local():
    # US clocks go from 02:00 CST to 03:00 CDT on Sunday 8 March 2026.
    evening = local(2026, 3, 7, 22, 0)  # 04:00 UTC

    ends = NIGHT.end_after(evening, CHICAGO)

    assert ends == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 07:00 CDT
    assert ends.astimezone(CHICAGO).hour == 7
    assert (ends - evening).total_seconds() == 8 * 3600


def test_fall_back_night_is_an_hour_longer_but_ends_at_seven_local():
    # US clocks go from 02:00 CDT back to 01:00 CST on Sunday 1 November 2026.
    evening = local(2026, 10, 31, 22, 0)  # 03:00 UTC

    ends = NIGHT.end_after(evening, CHICAGO)

    assert ends == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 07:00 CST
    assert (ends - evening).total_seconds() == 10 * 3600


def test_a_moment_inside_the_repeated_hour_is_still_quiet():
    repeated = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 CST, the second 01:30

    assert NIGHT.end_after(repeated, CHICAGO) == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def test_an_end_time_skipped_by_the_clock_change_resolves_after_the_gap():
    # 02:30 does not exist on 8 March 2026 in Chicago: the period ends at 03:30 CDT.
    short_night = QuietHours(time(23), time(2, 30))

    ends = short_night.end_after(local(2026, 3, 7, 23, 30), CHICAGO)

    assert ends == datetime(2026, 3, 8, 8, 30, tzinfo=UTC)
    assert ends.astimezone(CHICAGO).time() == time(3, 30)


def test_parse_and_refuse_garbage():
    assert QuietHours.parse("21:00-07:00") == NIGHT
    assert QuietHours.parse(" 22:30 - 06:15 ") == QuietHours(time(22, 30), time(6, 15))
    with pytest.raises(ValueError, match="21:00-07:00"):
        QuietHours.parse("late")


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="aware"):
        quiet_until(datetime(2026, 5, 12, 22), CHICAGO, time(21), time(7))
