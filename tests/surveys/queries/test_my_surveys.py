from datetime import timedelta

import pytest
from django.utils import timezone

from tests.surveys.factories import administration, answer, small_instrument
from tests.surveys.graphql import administration_id

pytestmark = pytest.mark.django_db

MY_SURVEYS = """
query($all: Boolean) {
  mySurveys(includeAnswered: $all) {
    id title status viewerIsInvited viewerHasResponded viewerCanManage
    invitedCount respondedCount nonResponders { fullName }
    instrument { title constructs { title items { id prompt scale { points { value label } } } }
                 openTextItems { id prompt } }
  }
}
"""


def test_a_peer_sees_what_waits_for_them_and_can_render_it(api_for, leader, peers, trust):
    now = timezone.now()
    waiting = administration(instrument=trust, people=peers, created_by=leader)
    administration(  # not open yet
        instrument=trust, people=peers, created_by=leader,
        opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9),
    )  # fmt: skip
    administration(instrument=trust, people=peers[1:], created_by=leader)  # not invited

    surveys = api_for(peers[0]).data(MY_SURVEYS)["mySurveys"]

    assert [s["id"] for s in surveys] == [administration_id(waiting)]
    survey = surveys[0]
    assert (survey["status"], survey["viewerIsInvited"], survey["viewerHasResponded"]) == (
        "OPEN", True, False
    )  # fmt: skip
    # A respondent never sees counts or who else has answered.
    assert (survey["invitedCount"], survey["respondedCount"], survey["nonResponders"]) == (
        None, None, None
    )  # fmt: skip
    assert survey["viewerCanManage"] is False
    constructs = survey["instrument"]["constructs"]
    assert len(constructs) == 6
    assert constructs[0]["items"][0]["scale"]["points"][4] == {
        "value": 5,
        "label": "Strongly agree",
    }
    assert len(survey["instrument"]["openTextItems"]) == 2


def test_an_answered_survey_leaves_the_list(api_for, leader, peers):
    survey = administration(
        instrument=small_instrument(school=leader.school), people=peers, created_by=leader
    )
    answer(survey, peers[0], {"q1": 3})
    peer_api = api_for(peers[0])

    assert peer_api.data(MY_SURVEYS)["mySurveys"] == []
    everything = peer_api.data(MY_SURVEYS, {"all": True})["mySurveys"]
    assert [(s["id"], s["viewerHasResponded"]) for s in everything] == [
        (administration_id(survey), True)
    ]


def test_my_surveys_does_not_grow_queries_with_the_number_of_surveys(
    api_for, leader, peers, trust, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    peer_api = api_for(peers[0])
    administration(instrument=trust, people=peers, created_by=leader)
    with CaptureQueriesContext(connection) as one:
        peer_api.data(MY_SURVEYS)
    for _ in range(4):
        administration(
            instrument=small_instrument(school=leader.school), people=peers, created_by=leader
        )
    with CaptureQueriesContext(connection) as five:
        assert len(peer_api.data(MY_SURVEYS)["mySurveys"]) == 5

    assert len(five) == len(one)
