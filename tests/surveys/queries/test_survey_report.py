from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.models import AdministrationKind, Answer, Invitee, Item, ItemFormat, Response
from tests.conftest import top_level_codes
from tests.factories import CoordinatorFactory, LeaderFactory, TeacherFactory
from tests.surveys.factories import administration, answer, small_instrument
from tests.surveys.graphql import administration_id

pytestmark = pytest.mark.django_db

FIGURES = "isSuppressed n mean standardDeviation distribution { value label count }"
REPORT = f"""
query($id: ID!) {{
  surveyReport(administrationId: $id) {{
    status invitedCount respondedCount responseRate minimumGroupSize minimumCommentGroupSize
    constructs {{
      construct {{ key title }}
      figures {{ {FIGURES} }}
      items {{ item {{ key prompt reverseScored scale {{ key points {{ value label }} }} }}
              figures {{ {FIGURES} }} }}
    }}
    comments {{ item {{ key prompt }} isSuppressed comments }}
    notes {{ text author {{ fullName }} }}
    csv
  }}
}}
"""
CHANGE = (
    "isSuppressed change changeInSdUnits hedgesG hedgesGCiLow hedgesGCiHigh "
    "pooledStandardDeviation baseline { n mean } followUp { n mean }"
)
COMPARISON = f"""
query($baseline: ID!, $followUp: ID!) {{
  surveyComparison(baselineId: $baseline, followUpId: $followUp) {{
    status baselineRespondedCount followUpRespondedCount
    baseline {{ id }} followUp {{ id }}
    constructs {{ construct {{ key }} change {{ {CHANGE} }}
                 items {{ item {{ key }} change {{ {CHANGE} }} }} }}
    items {{ item {{ key prompt scale {{ points {{ label }} }} }} change {{ {CHANGE} }} }}
    comments {{
      item {{ key }} baseline {{ isSuppressed comments }} followUp {{ isSuppressed comments }}
    }}
    notes {{ text }}
    csv
  }}
}}
"""


def closed(leader, people, instrument, rows, *, kind=AdministrationKind.OTHER):
    now = timezone.now()
    survey = administration(
        instrument=instrument,
        people=people,
        created_by=leader,
        kind=kind,
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=2),
    )
    for person, values in zip(people, rows, strict=False):
        answer(survey, person, values, now=now - timedelta(days=5))
    return survey


@pytest.fixture
def instrument(leader):
    return small_instrument(school=leader.school)


ROWS = [{"q1": 4, "q2": 2, "q3": "We talk about students."}, {"q1": 5, "q2": 1},
        {"q1": 3, "q2": 3}, {"q1": 4}, {"q1": 2, "q2": 4}]  # fmt: skip


# The same construct scores with nobody skipping q2: the construct is shown.
COMPLETE_ROWS = [*ROWS[:3], {"q1": 4, "q2": 2}, ROWS[4]]


def test_the_leader_reads_the_report(api_for, leader, peers, instrument):
    survey = closed(leader, peers[:6], instrument, COMPLETE_ROWS)

    report = api_for(leader).data(REPORT, {"id": administration_id(survey)})["surveyReport"]

    assert report["status"] == "AVAILABLE"
    assert (report["invitedCount"], report["respondedCount"]) == (6, 5)
    assert report["minimumGroupSize"] == 5
    [construct] = report["constructs"]
    assert construct["figures"]["n"] == 5
    assert construct["figures"]["mean"] == pytest.approx(3.6)
    assert construct["figures"]["standardDeviation"] == pytest.approx(1.140175, abs=1e-6)
    q1, q2 = construct["items"]
    assert [p["count"] for p in q1["figures"]["distribution"]] == [0, 1, 1, 2, 1]
    assert q2["figures"]["n"] == 5
    assert q2["item"]["reverseScored"] is True
    assert report["comments"] == [
        {"item": {"key": "q3", "prompt": "Anything else?"}, "isSuppressed": True, "comments": []}
    ]
    assert report["csv"].startswith("level,construct,item_key")


def test_a_withheld_item_withholds_its_construct_in_the_api(api_for, leader, peers, instrument):
    survey = closed(leader, peers[:6], instrument, ROWS)

    report = api_for(leader).data(REPORT, {"id": administration_id(survey)})["surveyReport"]

    [construct] = report["constructs"]
    assert construct["figures"]["isSuppressed"] is True
    q1, q2 = construct["items"]
    assert [p["count"] for p in q1["figures"]["distribution"]] == [0, 1, 1, 2, 1]
    assert q2["figures"] == {
        "isSuppressed": True, "n": None, "mean": None, "standardDeviation": None,
        "distribution": [],
    }  # fmt: skip
    assert q2["item"]["reverseScored"] is True
    assert report["comments"] == [
        {"item": {"key": "q3", "prompt": "Anything else?"}, "isSuppressed": True, "comments": []}
    ]
    assert report["csv"].startswith("level,construct,item_key")


def test_a_coordinator_of_the_district_reads_it(api_for, leader, peers, instrument):
    survey = closed(leader, peers[:6], instrument, ROWS)
    coordinator = CoordinatorFactory(coordinated_district=leader.school.district)

    report = api_for(coordinator).data(REPORT, {"id": administration_id(survey)})["surveyReport"]

    assert report["status"] == "AVAILABLE"


def test_a_respondent_cannot_read_the_report(api_for, leader, peers, instrument):
    survey = closed(leader, peers[:6], instrument, ROWS)

    body = api_for(peers[0]).post_graphql(REPORT, {"id": administration_id(survey)})

    # Teachers may ask (one who launched peer feedback reads its report); a respondent gets the
    # same null as for a survey that does not exist.
    assert top_level_codes(body) == []
    assert body["data"] == {"surveyReport": None}


def test_outsiders_get_nothing(api_for, leader, peers, instrument):
    survey = closed(leader, peers[:6], instrument, ROWS)

    for outsider in (
        LeaderFactory(),
        CoordinatorFactory(),
        LeaderFactory(school=leader.school),
        TeacherFactory(),
        TeacherFactory(school=leader.school),
    ):
        body = api_for(outsider).data(REPORT, {"id": administration_id(survey)})
        assert body == {"surveyReport": None}


def test_a_report_below_the_minimum_size(api_for, leader, peers, instrument):
    survey = closed(leader, peers[:6], instrument, ROWS[:4])

    report = api_for(leader).data(REPORT, {"id": administration_id(survey)})["surveyReport"]

    assert report["status"] == "TOO_FEW_RESPONSES"
    assert (report["respondedCount"], report["constructs"], report["comments"]) == (4, [], [])


def test_baseline_against_six_months(api_for, leader, peers, instrument):
    baseline = closed(leader, peers, instrument, COMPLETE_ROWS, kind=AdministrationKind.BASELINE)
    later = [{"q1": 5, "q2": 1, "q3": "Visits changed my teaching."}, {"q1": 4, "q2": 2},
             {"q1": 5, "q2": 2}, {"q1": 4, "q2": 1}, {"q1": 3, "q2": 3},
             {"q1": 5, "q2": 1}]  # fmt: skip
    follow_up = closed(leader, peers, instrument, later, kind=AdministrationKind.SIX_MONTH)

    comparison = api_for(leader).data(
        COMPARISON,
        {"baseline": administration_id(baseline), "followUp": administration_id(follow_up)},
    )["surveyComparison"]

    assert comparison["status"] == "AVAILABLE"
    assert (comparison["baselineRespondedCount"], comparison["followUpRespondedCount"]) == (5, 6)
    change = comparison["constructs"][0]["change"]
    assert change["change"] == pytest.approx(0.733333, abs=1e-6)
    assert change["hedgesG"] == pytest.approx(0.709670, abs=1e-6)
    assert change["hedgesGCiLow"] == pytest.approx(-0.513657, abs=1e-6)
    assert change["hedgesGCiHigh"] == pytest.approx(1.932998, abs=1e-6)
    assert {entry["item"]["key"] for entry in comparison["items"]} == {"q1", "q2"}
    assert not any(entry["change"]["isSuppressed"] for entry in comparison["items"])
    assert comparison["comments"][0]["baseline"]["isSuppressed"] is True


def _bulk_responses(survey, count: int) -> None:
    """`count` complete responses written directly: the query count is about reading."""
    items = list(Item.objects.filter(instrument=survey.instrument).select_related("scale"))
    invitees = list(Invitee.objects.filter(administration=survey))
    responses = [Response(administration=survey) for _ in range(count)]
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        Answer(response=response, item=item, value=(n + item.position) % 5 + 1)
        if item.format == ItemFormat.SCALE
        else Answer(response=response, item=item, text=f"comment {n}")
        for n, response in enumerate(responses)
        for item in items
    )
    Invitee.objects.filter(pk__in=[i.pk for i in invitees[:count]]).update(has_responded=True)


@pytest.mark.parametrize("operation", ["report", "comparison"])
def test_report_queries_do_not_grow_with_the_number_of_responses(api_for, leader, trust, operation):
    now = timezone.now()
    people = TeacherFactory.create_batch(50, school=leader.school)
    leader_api = api_for(leader)

    def run(count):
        surveys = [
            administration(
                instrument=trust, people=people, created_by=leader,
                opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2),
            )
            for _ in range(2)
        ]  # fmt: skip
        for survey in surveys:
            _bulk_responses(survey, count)
        ids = [administration_id(survey) for survey in surveys]
        with CaptureQueriesContext(connection) as queries:
            if operation == "report":
                result = leader_api.data(REPORT, {"id": ids[0]})["surveyReport"]
            else:
                result = leader_api.data(COMPARISON, {"baseline": ids[0], "followUp": ids[1]})
                result = result["surveyComparison"]
        assert result["status"] == "AVAILABLE"
        return len(queries)

    small, large = run(5), run(50)

    assert small == large
    print(f"{operation}: {small} queries for 5 responses, {large} for 50")
