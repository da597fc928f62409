from datetime import time

import pytest
from django.core.exceptions import PermissionDenied

from observations.models import BellPeriod, PeriodKind, TimetablePeriod
from observations.services.timetable import (
    BellPeriodInput,
    PeriodInput,
    bell_schedule_set,
    timetable_set,
)
from tests.factories import SchoolFactory
from tests.observations.conftest import refused

pytestmark = pytest.mark.django_db


def bells(*rows):
    return [
        BellPeriodInput(name, time.fromisoformat(s), time.fromisoformat(e)) for name, s, e in rows
    ]


def period(weekday, start, end, kind=PeriodKind.TEACHING, **extra):
    return PeriodInput(
        weekday=weekday,
        kind=kind,
        start_time=time.fromisoformat(start) if start else None,
        end_time=time.fromisoformat(end) if end else None,
        **extra,
    )


def test_setting_a_timetable_replaces_the_week(host):
    timetable_set(actor=host, periods=[period(0, "08:00", "09:00")])

    stored = timetable_set(
        actor=host,
        periods=[
            period(1, "08:00", "09:00", label="Maths", room="4"),
            period(1, "09:00", "10:00", PeriodKind.FREE),
        ],
    )

    assert len(stored) == 2
    assert list(TimetablePeriod.objects.values_list("weekday", "kind", "label")) == [
        (1, "TEACHING", "Maths"),
        (1, "FREE", ""),
    ]


def test_periods_must_make_sense(host):
    assert refused(timetable_set, actor=host, periods=[period(0, "09:00", "08:00")]) == [
        ("periods.0.endTime", "INVALID_TIME_RANGE")
    ]
    assert refused(
        timetable_set,
        actor=host,
        periods=[period(0, "08:00", "09:00"), period(0, "08:30", "09:30")],
    ) == [("periods.1", "OVERLAPPING_PERIODS")]
    assert refused(timetable_set, actor=host, periods=[period(0, None, None)]) == [
        ("periods.0", "REQUIRED")
    ]


def test_a_period_can_follow_the_bell_schedule(host, leader, school):
    [first] = bell_schedule_set(
        actor=leader, school=school, periods=bells(("P1", "08:00", "08:50"))
    )

    [stored] = timetable_set(actor=host, periods=[period(2, None, None, bell_period=first)])
    assert (stored.start_time, stored.end_time) == (time(8), time(8, 50))

    bell_schedule_set(actor=leader, school=school, periods=bells(("P1", "08:10", "09:00")))
    stored.refresh_from_db()
    assert (stored.start_time, stored.end_time, stored.bell_period_id) == (
        time(8, 10),
        time(9),
        first.pk,
    )


def test_another_schools_bell_period_is_refused(host, leader):
    other = SchoolFactory()
    other_bell = BellPeriod.objects.create(
        school=other, name="P1", start_time=time(8), end_time=time(9)
    )

    assert refused(
        timetable_set, actor=host, periods=[period(0, None, None, bell_period=other_bell)]
    ) == [("periods.0.bellPeriodId", "NOT_FOUND")]


def test_only_the_schools_leaders_and_staff_set_the_bell_schedule(school, teacher, staff, leader):
    with pytest.raises(PermissionDenied):
        bell_schedule_set(actor=teacher, school=school, periods=bells(("P1", "08:00", "08:50")))
    with pytest.raises(PermissionDenied):
        bell_schedule_set(
            actor=leader, school=SchoolFactory(), periods=bells(("P1", "08:00", "09:00"))
        )

    stored = bell_schedule_set(
        actor=staff,
        school=school,
        periods=bells(("P2", "09:00", "09:50"), ("P1", "08:00", "08:50")),
    )
    assert [p.name for p in stored] == ["P1", "P2"]


def test_bell_periods_must_not_overlap_or_share_names(leader, school):
    assert refused(
        bell_schedule_set,
        actor=leader,
        school=school,
        periods=bells(("P1", "08:00", "09:00"), ("P2", "08:30", "09:30")),
    ) == [("periods.1", "OVERLAPPING_PERIODS")]
    assert refused(
        bell_schedule_set,
        actor=leader,
        school=school,
        periods=bells(("P1", "08:00", "09:00"), ("p1", "10:00", "11:00")),
    ) == [("periods.1.name", "INVALID")]
