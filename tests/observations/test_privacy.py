"""A visit's content (SLQ, tool, notes, data, reflection) is its host's and visitors' only.
Leaders and coordinators see that it happened and when; node(id:) and nested fields obey."""

import pytest

from backend.schema import schema
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from tests.observations.conftest import gid
from tests.observations.factories import ToolFactory
from tests.observations.factories import visit as make_visit
from tests.observations.operations import NODE

pytestmark = pytest.mark.django_db

SUMMARIES = """
query S($cohortId: ID) {
  visitSummaries(cohortId: $cohortId) {
    totalCount
    edges { node { id status when { date } cycleNumber host { fullName } visitors { fullName }
                   hasReflectionSheet visit { id notes } sharedReflectionSheet { id } } }
  }
}
"""
MY_VISITS = "{ myVisits { totalCount edges { node { id notes } } } }"


@pytest.fixture
def visit(host, visitor, cohort, slq):
    tool = ToolFactory(owner=visitor)
    return make_visit(
        host=host, visitor=visitor, cohort=cohort, slq=slq, tool=tool, notes="Table 3 struggles"
    )


def node(api, type_name, obj):
    return api.data(NODE, {"id": gid(type_name, obj)})["node"]


def test_the_host_and_visitor_read_the_visit(api_for, host, visitor, visit, slq):
    for person in (host, visitor):
        found = node(api_for(person), "Visit", visit)
        assert found["notes"] == "Table 3 struggles"
        assert found["slq"] == {"question": slq.question}


def test_nobody_else_reads_its_content_even_by_id(
    api_for, visit, slq, leader, coordinator, outsider, staff
):
    for person in (leader, coordinator, outsider, staff):
        api = api_for(person)
        assert node(api, "Visit", visit) is None
        assert node(api, "StudentLearningQuestion", slq) is None
        assert api.data(MY_VISITS)["myVisits"]["totalCount"] == 0
    # The visitor's private tool is theirs (staff see every tool: templates, not content).
    for person in (leader, coordinator, outsider):
        assert node(api_for(person), "Tool", visit.tool) is None


LEAK_PROBE = """
query Probe($id: ID!) {
  node(id: $id) {
    __typename
    ... on Visit { notes slq { question } entries { payload { __typename } } }
    ... on VisitSummary { status }
  }
}
"""


def test_a_summary_id_never_resolves_as_a_visit(api_for, visit, leader, coordinator):
    for person in (leader, coordinator):
        found = api_for(person).data(LEAK_PROBE, {"id": gid("VisitSummary", visit)})["node"]
        assert found == {"__typename": "VisitSummary", "status": "ACCEPTED"}


def test_a_participant_gets_each_type_by_its_own_id(api_for, visit, host):
    api = api_for(host)

    as_summary = api.data(LEAK_PROBE, {"id": gid("VisitSummary", visit)})["node"]
    as_visit = api.data(LEAK_PROBE, {"id": gid("Visit", visit)})["node"]

    assert as_summary["__typename"] == "VisitSummary"
    assert (as_visit["__typename"], as_visit["notes"]) == ("Visit", "Table 3 struggles")


def test_the_leader_and_coordinator_see_that_it_happens_and_when(
    api_for, visit, leader, coordinator, cohort
):
    for person in (leader, coordinator):
        summaries = api_for(person).data(SUMMARIES, {"cohortId": None})["visitSummaries"]
        assert summaries["totalCount"] == 1
        summary = summaries["edges"][0]["node"]
        assert summary["host"] == {"fullName": "Hana Host"}
        assert summary["visitors"] == [{"fullName": "Victor Visitor"}]
        assert (summary["visit"], summary["sharedReflectionSheet"]) == (None, None)
        assert node(api_for(person), "VisitSummary", visit)["visit"] is None


def test_people_outside_see_no_summary(api_for, visit, outsider):
    other_coordinator = TeacherFactory(school=SchoolFactory(district=DistrictFactory()))

    for person in (outsider, other_coordinator):
        assert api_for(person).data(SUMMARIES, {})["visitSummaries"]["totalCount"] == 0
        assert node(api_for(person), "VisitSummary", visit) is None


def test_a_participant_moves_between_the_two_views(api_for, visitor, visit):
    summary = node(api_for(visitor), "VisitSummary", visit)
    back = api_for(visitor).data(
        """query V($id: ID!) { node(id: $id) { ... on Visit { summary { __typename id } } } }""",
        {"id": gid("Visit", visit)},
    )["node"]

    assert summary["visit"] == {"id": gid("Visit", visit)}
    assert back["summary"] == {"__typename": "VisitSummary", "id": gid("VisitSummary", visit)}


def test_the_summary_type_has_no_content_fields():
    fields = set(schema.graphql_schema.type_map["VisitSummary"].fields)

    assert fields == {
        "id",
        "status",
        "cycleNumber",
        "when",
        "host",
        "visitors",
        "cohortId",
        "hasReflectionSheet",
        "visit",
        "sharedReflectionSheet",
    }


def test_the_content_is_not_in_reminders_or_events(visit):
    from notifications.models import Notification
    from observations.services.visits import visit_cancel

    visit_cancel(actor=visit.host, visit=visit, reason="Sick")

    for notification in Notification.objects.all():
        assert visit.slq.question not in notification.body
        assert "Table 3" not in notification.body
