import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CoordinatorFactory, LeaderFactory
from tests.surveys.factories import administration, answer, small_instrument
from tests.surveys.graphql import ADMINISTRATION_FIELDS, administration_id, gid

pytestmark = pytest.mark.django_db

LIST = f"""
query($cohortId: ID, $kind: SurveyAdministrationKind) {{
  surveyAdministrations(first: 50, cohortId: $cohortId, kind: $kind) {{
    totalCount edges {{ node {{ {ADMINISTRATION_FIELDS} }} }}
  }}
}}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


@pytest.fixture
def survey(leader, cohort, peers):
    survey = administration(
        instrument=small_instrument(school=leader.school),
        people=peers,
        created_by=leader,
        cohort=cohort,
    )
    for person in peers[:3]:
        answer(survey, person, {"q1": 4})
    return survey


def nodes(body):
    return [edge["node"] for edge in body["surveyAdministrations"]["edges"]]


def test_the_leader_sees_the_count_and_who_has_not_answered(api_for, leader, peers, survey):
    [node] = nodes(api_for(leader).data(LIST))

    assert (node["invitedCount"], node["respondedCount"]) == (12, 3)
    assert node["responseRate"] == pytest.approx(0.25)
    assert sorted(p["fullName"] for p in node["nonResponders"]) == sorted(
        p.full_name for p in peers[3:]
    )
    assert node["viewerCanManage"] is True


def test_a_coordinator_sees_the_rate_but_not_who(api_for, leader, survey):
    coordinator = CoordinatorFactory(coordinated_district=leader.school.district)

    [node] = nodes(api_for(coordinator).data(LIST))

    assert node["responseRate"] == pytest.approx(0.25)
    assert node["nonResponders"] is None
    assert node["viewerCanManage"] is False


def test_others_see_nothing(api_for, survey, peers):
    other_leader = api_for(LeaderFactory(school=survey.school))
    other_district = api_for(CoordinatorFactory())

    assert nodes(other_leader.data(LIST)) == []
    assert nodes(other_district.data(LIST)) == []
    assert other_leader.data(NODE, {"id": administration_id(survey)}) == {"node": None}
    # An invitee sees it as a node, but it is not among the surveys they run.
    assert api_for(peers[0]).data(NODE, {"id": administration_id(survey)})["node"] is not None


def test_filters(api_for, leader, cohort, survey):
    leader_api = api_for(leader)

    assert len(nodes(leader_api.data(LIST, {"cohortId": gid("Cohort", cohort)}))) == 1
    assert nodes(leader_api.data(LIST, {"kind": "BASELINE"})) == []
    assert nodes(leader_api.data(LIST, {"cohortId": gid("School", leader.school)})) == []


def test_the_list_does_not_grow_queries_with_its_length(api_for, leader, cohort, peers, survey):
    leader_api = api_for(leader)
    with CaptureQueriesContext(connection) as one:
        leader_api.data(LIST)
    for _ in range(9):
        administration(instrument=survey.instrument, people=peers, created_by=leader, cohort=cohort)

    with CaptureQueriesContext(connection) as ten:
        assert len(nodes(leader_api.data(LIST))) == 10

    assert len(ten) == len(one)


def test_a_teacher_lists_their_class_surveys_and_nobody_else_s(api_for, survey, peers):
    from tests.surveys.class_codes.helpers import launch

    teacher, colleague = peers[0], peers[1]
    mine = launch(teacher, class_size=20).administration
    [node] = nodes(api_for(teacher).data(LIST))
    assert node["id"] == administration_id(mine)
    assert (node["audience"], node["invitedCount"], node["viewerCanManage"]) == (
        "CLASS_CODES",
        20,
        True,
    )
    # A colleague (who was invited to the leader's survey) runs nothing: an empty list.
    assert nodes(api_for(colleague).data(LIST)) == []
