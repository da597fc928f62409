"""The improvement API: a cycle from plan to done over GraphQL, its run chart, and privacy
(another teacher, a leader, a coordinator or staff read nothing and change nothing)."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from improvement.models import DataPoint, Pdsa, PdsaMeasure
from improvement.services.measures import measure_create, pdsa_measure_link
from improvement.services.pdsa import pdsa_create
from tests.factories import CoordinatorFactory, LeaderFactory, StaffFactory, TeacherFactory
from tests.observations.factories import StudentLearningQuestionFactory

pytestmark = pytest.mark.django_db

CREATE = """
mutation($input: PdsaCreateInput!) { pdsaCreate(input: $input) {
  pdsa { id stage cycleNumber changeIdea slq { id } }
  errors { field code message }
} }"""
LINK = """
mutation($input: PdsaMeasureLinkInput!) { pdsaMeasureLink(input: $input) {
  pdsa { measures { id name } } errors { field code }
} }"""
ADVANCE = """
mutation($input: PdsaAdvanceInput!) { pdsaAdvance(input: $input) {
  pdsa { stage doStartedOn revision } errors { field code }
} }"""
UPDATE = """
mutation($input: PdsaUpdateInput!) { pdsaUpdate(input: $input) {
  pdsa { stage studyResults actDecision revision } errors { field code }
} }"""
MEASURE = """
mutation($input: MeasureCreateInput!) { measureCreate(input: $input) {
  measure { id name better baselineCount pointCount runChart { median } } errors { field code }
} }"""
RECORD = """
mutation($input: DataPointsRecordInput!) { dataPointsRecord(input: $input) {
  measure { pointCount runChart { median reliable reason
    points { on value onMedian } signals { kind message pointIndexes } annotations { on text } } }
  errors { field code }
} }"""
NOTE = """
mutation($input: AnnotationAddInput!) { annotationAdd(input: $input) {
  measure { runChart { annotations { on text } } } errors { field code }
} }"""
READ = """query($id: ID!) { pdsa(id: $id) { id changeIdea } node(id: $id) { id } }"""
MY_PDSAS = """
{ myPdsas(first: 10) { totalCount edges { node {
    id stage changeIdea slq { id }
    measures { id name runChart { median reliable points { on value } signals { kind pointIndexes }
      annotations { on text } } }
} } } }"""


def gid(kind, obj):
    return to_global_id(kind, obj.pk)


def test_a_cycle_from_plan_to_done_with_its_run_chart(api_for, owner, slq):
    api = api_for(owner)
    created = api.data(
        CREATE,
        {
            "input": {
                "slqId": gid("StudentLearningQuestion", slq),
                "changeIdea": "Think time",
                "predictions": "More explanations",
            }
        },
    )["pdsaCreate"]
    assert created["errors"] == []
    pdsa_id = created["pdsa"]["id"]
    assert created["pdsa"]["stage"] == "PLAN"

    refused = api.data(ADVANCE, {"input": {"pdsaId": pdsa_id, "stage": "DO"}})["pdsaAdvance"]
    assert refused == {"pdsa": None, "errors": [{"field": "stage", "code": "MEASURE_REQUIRED"}]}

    measure = api.data(
        MEASURE, {"input": {"name": "Explaining", "better": "UP", "baselineCount": 6}}
    )["measureCreate"]
    assert measure["errors"] == []
    assert measure["measure"]["runChart"] is None  # no points yet
    measure_id = measure["measure"]["id"]
    linked = api.data(LINK, {"input": {"pdsaId": pdsa_id, "measureId": measure_id}})
    assert linked["pdsaMeasureLink"]["pdsa"]["measures"] == [
        {"id": measure_id, "name": "Explaining"}
    ]

    doing = api.data(ADVANCE, {"input": {"pdsaId": pdsa_id, "stage": "DO"}})["pdsaAdvance"]
    assert doing["errors"] == []
    assert doing["pdsa"]["stage"] == "DO"

    # Six baseline points low, then six high: a shift after the change.
    today = timezone.localdate() - timedelta(days=1)
    values = [3, 4, 3, 5, 4, 3, 8, 9, 8, 10, 9, 9]
    points = [
        {
            "clientId": str(uuid.uuid4()),
            "on": (today - timedelta(days=len(values) - i)).isoformat(),
            "value": v,
        }
        for i, v in enumerate(values)
    ]
    recorded = api.data(RECORD, {"input": {"measureId": measure_id, "points": points}})
    body = recorded["dataPointsRecord"]
    assert body["errors"] == []
    chart = body["measure"]["runChart"]
    assert body["measure"]["pointCount"] == 12
    assert chart["median"] == 3.5  # of the six baseline points
    assert chart["reliable"] is True and chart["reason"] is None
    shifts = [s for s in chart["signals"] if s["kind"] == "SHIFT"]
    assert [s["pointIndexes"] for s in shifts] == [[6, 7, 8, 9, 10, 11]]
    # The start of Do is drawn without being asked for.
    assert [a["text"][:15] for a in chart["annotations"]] == ["Cycle 1 starts:"]

    again = api.data(RECORD, {"input": {"measureId": measure_id, "points": points}})
    assert again["dataPointsRecord"]["measure"]["pointCount"] == 12
    points[0]["value"] = 99
    conflict = api.data(RECORD, {"input": {"measureId": measure_id, "points": points}})
    assert conflict["dataPointsRecord"] == {
        "measure": None,
        "errors": [{"field": "points.0.clientId", "code": "CLIENT_ID_CONFLICT"}],
    }

    note = api.data(
        NOTE, {"input": {"measureId": measure_id, "on": today.isoformat(), "text": "Assembly"}}
    )["annotationAdd"]
    assert note["errors"] == []
    assert {"on": today.isoformat(), "text": "Assembly"} in note["measure"]["runChart"][
        "annotations"
    ]

    studying = api.data(ADVANCE, {"input": {"pdsaId": pdsa_id, "stage": "STUDY"}})
    assert studying["pdsaAdvance"]["pdsa"]["stage"] == "STUDY"
    early = api.data(ADVANCE, {"input": {"pdsaId": pdsa_id, "stage": "ACT"}})["pdsaAdvance"]
    assert early["errors"] == [{"field": "stage", "code": "INVALID_TRANSITION"}]
    wrong_stage = api.data(UPDATE, {"input": {"pdsaId": pdsa_id, "changeIdea": "Other"}})
    assert wrong_stage["pdsaUpdate"]["errors"] == [{"field": "changeIdea", "code": "NOT_ALLOWED"}]
    written = api.data(UPDATE, {"input": {"pdsaId": pdsa_id, "studyResults": "Up from 3 to 9"}})
    assert written["pdsaUpdate"]["pdsa"]["studyResults"] == "Up from 3 to 9"
    api.data(ADVANCE, {"input": {"pdsaId": pdsa_id, "stage": "ACT"}})
    decided = api.data(UPDATE, {"input": {"pdsaId": pdsa_id, "actDecision": "ADOPT"}})
    assert decided["pdsaUpdate"]["pdsa"]["actDecision"] == "ADOPT"
    done = api.data(ADVANCE, {"input": {"pdsaId": pdsa_id, "stage": "DONE"}})["pdsaAdvance"]
    assert done["pdsa"]["stage"] == "DONE"
    # plan, do, study, study written, act, decision, done
    assert done["pdsa"]["revision"] == 7


def test_another_teachers_question_is_not_found(api_for, owner, other_teacher):
    theirs = StudentLearningQuestionFactory(host=other_teacher)
    body = api_for(owner).data(
        CREATE,
        {
            "input": {
                "slqId": gid("StudentLearningQuestion", theirs),
                "changeIdea": "a",
                "predictions": "b",
            }
        },
    )["pdsaCreate"]
    assert body["pdsa"] is None
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("slqId", "NOT_FOUND")]
    assert not Pdsa.objects.exists()


@pytest.fixture
def owned(owner, linked, measure):
    DataPoint.objects.create(
        measure=measure, client_id=uuid.uuid4(), on=timezone.localdate(), value=1
    )
    return linked


@pytest.mark.parametrize(
    "who", ["other_teacher", "leader", "coordinator", "staff"], ids=lambda who: who
)
def test_nobody_else_reads_or_changes_a_cycle(api_for, owner, owned, measure, who):
    people = {
        "other_teacher": lambda: TeacherFactory(school=owner.school),
        "leader": lambda: LeaderFactory(school=owner.school),
        "coordinator": lambda: CoordinatorFactory(coordinated_district=owner.school.district),
        "staff": lambda: StaffFactory(),
    }
    api = api_for(people[who]())
    pdsa_id, measure_id = gid("Pdsa", owned), gid("Measure", measure)
    assert api.data(READ, {"id": pdsa_id}) == {"pdsa": None, "node": None}
    assert api.data("query($id: ID!) { node(id: $id) { id } }", {"id": measure_id}) == {
        "node": None
    }
    assert api.data("{ myPdsas { totalCount } }") == {"myPdsas": {"totalCount": 0}}

    calls = [
        (UPDATE, {"pdsaId": pdsa_id, "changeIdea": "Mine"}, "pdsaUpdate", "pdsaId"),
        (ADVANCE, {"pdsaId": pdsa_id, "stage": "DO"}, "pdsaAdvance", "pdsaId"),
        (LINK, {"pdsaId": pdsa_id, "measureId": measure_id}, "pdsaMeasureLink", "pdsaId"),
        (
            RECORD,
            {
                "measureId": measure_id,
                "points": [
                    {
                        "clientId": str(uuid.uuid4()),
                        "on": timezone.localdate().isoformat(),
                        "value": 1,
                    }
                ],
            },
            "dataPointsRecord",
            "measureId",
        ),
        (
            NOTE,
            {"measureId": measure_id, "on": timezone.localdate().isoformat(), "text": "x"},
            "annotationAdd",
            "measureId",
        ),
    ]
    for document, variables, name, field in calls:
        body = api.post_graphql(document, {"input": variables})
        if who in ("coordinator", "staff"):
            # Not teachers: the declared permission refuses before anything is read.
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
            continue
        result = body["data"][name]
        assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "NOT_FOUND")]
    owned.refresh_from_db()
    assert (owned.stage, owned.change_idea, owned.revision) == (
        "PLAN",
        "Ninety seconds of think time before hands go up",
        1,
    )
    assert measure.points.count() == 1
    assert not measure.annotations.exists()


def test_the_owner_reads_their_cycle_by_id(api_for, owner, owned):
    pdsa_id = gid("Pdsa", owned)
    data = api_for(owner).data(READ, {"id": pdsa_id})
    assert data["pdsa"]["id"] == pdsa_id and data["node"] == {"id": pdsa_id}


def _cycles(owner, slq, count):
    for n in range(count):
        pdsa = pdsa_create(owner=owner, slq=slq, change_idea=f"idea {n}", predictions="p")
        for m in range(2):
            measure = measure_create(owner=owner, name=f"m{n}.{m}")
            pdsa_measure_link(owner=owner, pdsa=pdsa, measure=measure)
            DataPoint.objects.bulk_create(
                DataPoint(
                    measure=measure,
                    client_id=uuid.uuid4(),
                    on=timezone.localdate() - timedelta(days=d),
                    value=d % 4,
                )
                for d in range(12)
            )


def _queries(api) -> int:
    api.data(MY_PDSAS)  # warm-up: the session and permission lookups are cached after
    with CaptureQueriesContext(connection) as captured:
        body = api.data(MY_PDSAS)
    assert body["myPdsas"]["edges"]
    return len(captured)


def test_my_pdsas_with_run_charts_costs_the_same_for_one_cycle_or_four(api_for, owner, slq):
    api = api_for(owner)
    _cycles(owner, slq, 1)
    one = _queries(api)
    _cycles(owner, slq, 3)
    four = _queries(api)
    assert four == one
    assert PdsaMeasure.objects.count() == 8
