from datetime import UTC, datetime, timedelta

import pytest

from cohorts.models import Role
from observations.models import ReflectionSheet
from tests.factories import TeacherFactory
from tests.observations.conftest import gid
from tests.observations.factories import MembershipFactory
from tests.observations.factories import visit as make_visit
from tests.observations.operations import NODE, SHARE_SHEET, SUMMARY_FIELDS, WRITE_SHEET

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 15, tzinfo=UTC)

SHEETS = """
query Sheets($cohortId: ID) {
  reflectionSheets(cohortId: $cohortId) {
    totalCount
    edges { node { cycleNumber slqQuestion considerations host { fullName } } }
  }
}
"""


@pytest.fixture
def visit(host, visitor, slq, tool, cohort, frozen_time):
    visit = make_visit(
        host=host, visitor=visitor, slq=slq, tool=tool, cohort=cohort, starts_at=START
    )
    frozen_time.move_to(START + timedelta(hours=2))
    return visit


def write(api, visit, **extra):
    variables = {
        "input": {
            "visitId": gid("Visit", visit),
            "considerations": "Groups 1 and 2 asked each other first.",
            "nextSteps": "Model peer questions.",
            "keepsSlq": True,
            **extra,
        }
    }
    return api.data(WRITE_SHEET, variables)["reflectionSheetWrite"]


def test_the_visitor_writes_the_sheet(api_for, visitor, visit, slq):
    payload = write(api_for(visitor), visit)

    assert payload["errors"] == []
    sheet = payload["reflectionSheet"]
    assert (sheet["cycleNumber"], sheet["slqQuestion"], sheet["keepsSlq"]) == (
        1,
        slq.question,
        True,
    )
    assert sheet["facilitator"] == {"fullName": "Victor Visitor"}
    assert sheet["dataSummary"]["__typename"] == "TallySummary"
    assert payload["visit"] == {"status": "COMPLETED", "hasReflectionSheet": True}


def test_blank_texts_are_refused(api_for, visitor, visit):
    payload = write(api_for(visitor), visit, nextSteps=" ")

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("nextSteps", "REQUIRED")]


def test_a_shared_sheet_is_read_by_the_cohort_but_never_by_coordinators(
    api_for, host, visitor, leader, coordinator, cohort, school, visit
):
    sheet_id = write(api_for(visitor), visit)["reflectionSheet"]["id"]
    yellow = TeacherFactory(school=school)
    MembershipFactory(cohort=cohort, person=yellow, role=Role.YELLOW)
    variables = {"cohortId": gid("Cohort", cohort)}

    assert api_for(leader).data(SHEETS, variables)["reflectionSheets"]["totalCount"] == 0
    assert api_for(leader).data(NODE, {"id": sheet_id})["node"] is None

    shared = api_for(host).data(
        SHARE_SHEET, {"input": {"reflectionSheetId": sheet_id, "shared": True}}
    )
    assert shared["reflectionSheetShare"]["reflectionSheet"]["sharedWithCohort"] is True

    for member in (leader, yellow):
        sheets = api_for(member).data(SHEETS, variables)["reflectionSheets"]
        assert sheets["totalCount"] == 1
        assert sheets["edges"][0]["node"]["host"] == {"fullName": "Hana Host"}
    assert api_for(coordinator).data(NODE, {"id": sheet_id})["node"] is None
    assert api_for(coordinator).data(SHEETS, {})["reflectionSheets"]["totalCount"] == 0


def test_only_the_host_shares(api_for, visitor, visit):
    sheet_id = write(api_for(visitor), visit)["reflectionSheet"]["id"]

    payload = api_for(visitor).data(
        SHARE_SHEET, {"input": {"reflectionSheetId": sheet_id, "shared": True}}
    )

    # The error names the input field the phone sent (reflectionSheetShare takes no visitId).
    assert [(e["field"], e["code"]) for e in payload["reflectionSheetShare"]["errors"]] == [
        ("reflectionSheetId", "NOT_VISIT_HOST")
    ]


SHEET_SUMMARY = f"""
query S($id: ID!) {{
  node(id: $id) {{ ... on ReflectionSheet {{ dataSummary {{ {SUMMARY_FIELDS} }} }} }}
}}
"""


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({}, None),
        ({"note": "no kind"}, None),
        (
            {"kind": "TALLY", "entry_count": 3},
            {
                "__typename": "TallySummary",
                "entryCount": 3,
                "skippedEntries": 0,
                "total": 0,
                "perCategory": [],
                "perGroup": [],
                "perGroupAndCategory": [],
            },
        ),
    ],
    ids=["no tool", "no kind", "older snapshot"],
)
def test_a_sheets_stored_summary_always_answers(api_for, visitor, visit, stored, expected):
    # given a sheet whose summary snapshot was written without some keys (older servers, seeds)
    write(api_for(visitor), visit)
    sheet = ReflectionSheet.objects.get(visit=visit)
    sheet.data_summary = stored
    sheet.save(update_fields=["data_summary"])

    # when it is read, then missing keys read as empty, and no kind as no summary
    found = api_for(visitor).data(SHEET_SUMMARY, {"id": gid("ReflectionSheet", sheet)})["node"]
    assert found["dataSummary"] == expected
