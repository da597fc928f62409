from datetime import UTC, date, datetime

import pytest

from observations.models import PeriodKind
from observations.scheduling import covers, merge, overlaps, suggested_visit_slots
from tests.factories import SchoolFactory, TeacherFactory
from tests.observations.conftest import NOW
from tests.observations.factories import timetable, visit

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY = date(2026, 3, 3), date(2026, 3, 4)


def utc(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def slots(host, visitor, first=TUESDAY, last=TUESDAY, minutes=45):
    found = suggested_visit_slots(
        host=host, visitor=visitor, first=first, last=last, minutes=minutes, now=NOW
    )
    return [(s.starts_at, s.ends_at) for s in found]


def test_intervals_merge_cover_and_overlap():
    a, b, c = utc(TUESDAY, 8), utc(TUESDAY, 9), utc(TUESDAY, 10)
    assert merge([(b, c), (a, b)]) == [(a, c)]
    assert covers([(a, c)], a, c) and not covers([(a, b)], a, c)
    assert overlaps([(a, b)], a, c) and not overlaps([(a, b)], b, c)


def test_slots_are_when_the_host_teaches_and_the_visitor_is_free(host, visitor):
    # Chicago is UTC-6 in early March: 09:00 local is 15:00 UTC.
    timetable(
        host,
        (1, "09:00", "10:00", PeriodKind.TEACHING),
        (1, "10:00", "11:00", PeriodKind.TEACHING),
        (1, "13:00", "14:00", PeriodKind.FREE),
    )
    timetable(
        visitor, (1, "10:00", "12:00", PeriodKind.FREE), (1, "09:00", "10:00", PeriodKind.TEACHING)
    )

    assert slots(host, visitor) == [(utc(TUESDAY, 16), utc(TUESDAY, 16, 45))]


def test_a_visitor_without_free_periods_is_free_when_not_teaching(host, visitor):
    timetable(
        host, (1, "09:00", "10:00", PeriodKind.TEACHING), (1, "11:00", "12:00", PeriodKind.TEACHING)
    )
    timetable(visitor, (1, "09:30", "10:30", PeriodKind.TEACHING))

    assert slots(host, visitor) == [(utc(TUESDAY, 17), utc(TUESDAY, 17, 45))]


def test_booked_time_is_left_out_and_the_end_of_a_visit_is_a_start(host, visitor, outsider):
    timetable(host, (1, "09:00", "11:00", PeriodKind.TEACHING))
    visit(host=host, visitor=outsider, starts_at=utc(TUESDAY, 15), minutes=30)

    assert slots(host, visitor) == [(utc(TUESDAY, 15, 30), utc(TUESDAY, 16, 15))]


def test_slots_follow_weekdays_and_skip_the_past(host, visitor):
    timetable(
        host,
        (0, "07:00", "07:50", PeriodKind.TEACHING),
        (0, "09:00", "10:00", PeriodKind.TEACHING),
        (2, "09:00", "10:00", PeriodKind.TEACHING),
    )

    found = slots(host, visitor, first=date(2026, 3, 2), last=WEDNESDAY)

    # Monday 07:00 has passed (it is 08:00 on Monday); Tuesday has no class.
    assert found == [
        (utc(date(2026, 3, 2), 15), utc(date(2026, 3, 2), 15, 45)),
        (utc(WEDNESDAY, 15), utc(WEDNESDAY, 15, 45)),
    ]


def test_no_suggestions_without_the_hosts_timetable(host, visitor):
    timetable(visitor, (1, "09:00", "10:00", PeriodKind.FREE))

    assert slots(host, visitor) == []


def test_a_visitor_in_another_time_zone_is_compared_in_real_time(host, school):
    west = SchoolFactory(district=school.district, time_zone="America/Los_Angeles")
    visitor = TeacherFactory(school=west)
    timetable(host, (1, "09:00", "12:00", PeriodKind.TEACHING))
    # 08:00-09:00 in Los Angeles is 10:00-11:00 in Chicago.
    timetable(visitor, (1, "08:00", "09:00", PeriodKind.FREE))

    assert slots(host, visitor, minutes=60) == [(utc(TUESDAY, 16), utc(TUESDAY, 17))]


def test_the_daylight_saving_day_uses_that_days_offset(host, visitor):
    timetable(host, (0, "09:00", "10:00", PeriodKind.TEACHING))
    monday_after_change = date(2026, 3, 9)

    found = slots(host, visitor, first=monday_after_change, last=monday_after_change)

    assert found == [(utc(monday_after_change, 14), utc(monday_after_change, 14, 45))]
