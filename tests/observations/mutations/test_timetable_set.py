import pytest

from tests.observations.operations import SET_MINE

pytestmark = pytest.mark.django_db

READ = "{ myTimetable { weekday kind startTime } bellSchedule { name } }"


def test_teachers_record_their_week_on_the_bell_schedule(api_for, host, bells):
    payload = api_for(host).data(
        SET_MINE,
        {
            "input": {
                "periods": [
                    {
                        "weekday": "TUESDAY",
                        "kind": "TEACHING",
                        "bellPeriodId": bells["Period 1"],
                        "label": "Maths",
                    },
                    {"weekday": "TUESDAY", "kind": "FREE", "bellPeriodId": bells["Period 2"]},
                ]
            }
        },
    )["timetableSet"]

    assert payload["errors"] == []
    assert payload["periods"][0] == {
        "weekday": "TUESDAY",
        "startTime": "08:00:00",
        "endTime": "08:50:00",
        "kind": "TEACHING",
        "label": "Maths",
        "bellPeriod": {"name": "Period 1"},
    }
    read = api_for(host).data(READ)
    assert [p["kind"] for p in read["myTimetable"]] == ["TEACHING", "FREE"]
    assert [b["name"] for b in read["bellSchedule"]] == ["Period 1", "Period 2"]


def test_overlapping_periods_are_named(api_for, host):
    payload = api_for(host).data(
        SET_MINE,
        {
            "input": {
                "periods": [
                    {
                        "weekday": "MONDAY",
                        "kind": "TEACHING",
                        "startTime": "08:00",
                        "endTime": "09:00",
                    },
                    {"weekday": "MONDAY", "kind": "FREE", "startTime": "08:30", "endTime": "09:30"},
                ]
            }
        },
    )["timetableSet"]

    assert payload["errors"] == [{"field": "periods.1", "code": "OVERLAPPING_PERIODS"}]
