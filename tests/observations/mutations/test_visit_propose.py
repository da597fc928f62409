import pytest

from observations.models import Visit
from tests.conftest import error_codes, top_level_codes
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from tests.observations.conftest import gid
from tests.observations.operations import PROPOSE, propose, when

pytestmark = pytest.mark.django_db


def test_a_visitor_proposes_from_the_phone(api_for, host, visitor, cohort, slq, tool):
    payload = propose(
        api_for(visitor),
        host,
        slqId=gid("StudentLearningQuestion", slq),
        toolId=gid("Tool", tool),
        room="4B",
        notes="I will sit at the back.",
    )

    assert payload["errors"] == []
    visit = payload["visit"]
    assert {k: visit[k] for k in ("status", "startsAt", "startsAtLocal", "endsAtLocal")} == {
        "status": "PROPOSED",
        "startsAt": "2026-03-03T15:00:00+00:00",
        "startsAtLocal": "2026-03-03T09:00:00-06:00",
        "endsAtLocal": "2026-03-03T09:45:00-06:00",
    }
    assert (visit["timeZone"], visit["minutes"], visit["myRole"]) == (
        "America/Chicago",
        45,
        "VISITOR",
    )
    assert (visit["host"], visit["visitors"]) == (
        {"fullName": "Hana Host"},
        [{"fullName": "Victor Visitor"}],
    )
    assert visit["slq"] == {"question": slq.question}
    assert visit["tool"] == {"name": tool.name, "kind": "TALLY"}
    assert visit["cohortId"] == gid("Cohort", cohort)


def test_refusals_come_back_as_typed_errors_with_fields(api_for, host, visitor, outsider):
    propose(api_for(visitor), host)

    double = propose(api_for(outsider), host)
    gap = api_for(outsider).data(
        PROPOSE,
        {
            "input": {
                "hostId": gid("Person", host),
                "when": when("02:30", "2026-03-08"),
                "cycleNumber": 1,
            }
        },
    )["visitPropose"]

    assert double["visit"] is None
    assert [(e["field"], e["code"]) for e in double["errors"]] == [("when", "DOUBLE_BOOKED")]
    assert double["errors"][0]["message"] == "Hana Host already has a visit at that time."
    assert [(e["field"], e["code"]) for e in gap["errors"]] == [
        ("when.startTime", "NONEXISTENT_LOCAL_TIME")
    ]
    assert Visit.objects.count() == 1


def test_host_ids_are_checked(api_for, visitor, school):
    far_away = TeacherFactory(school=SchoolFactory(district=DistrictFactory()))

    assert error_codes(propose(api_for(visitor), far_away)) == ["NOT_FOUND"]
    wrong_type = api_for(visitor).data(
        PROPOSE, {"input": {"hostId": gid("School", school), "when": when(), "cycleNumber": 1}}
    )["visitPropose"]
    assert [(e["field"], e["code"]) for e in wrong_type["errors"]] == [("hostId", "INVALID_ID")]


def test_signing_in_is_required(api, host):
    body = api.post_graphql(
        PROPOSE, {"input": {"hostId": gid("Person", host), "when": when(), "cycleNumber": 1}}
    )

    assert top_level_codes(body) == ["UNAUTHENTICATED"]
