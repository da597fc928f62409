"""surveyResponseCountChanged over the WebSocket: numbers only, for the survey's leader only."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from backend.accounts.services.tokens import access_token_issue
from backend.asgi import application
from tests.surveys.factories import administration, answer, small_instrument
from tests.surveys.graphql import administration_id

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

COUNT = """
subscription($id: ID!) {
  surveyResponseCountChanged(administrationId: $id) { administrationId invitedCount respondedCount }
}
"""


async def signed_in_socket(user):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    return socket


@database_sync_to_async
def open_survey(leader, peers):
    return administration(
        instrument=small_instrument(school=leader.school), people=peers[:6], created_by=leader
    )


async def follow_count(user, survey):
    """A socket signed in as `user`, subscribed (operation id "c") to the survey's count."""
    socket = await signed_in_socket(user)
    await socket.send_json_to(
        {
            "id": "c",
            "type": "subscribe",
            "payload": {"query": COUNT, "variables": {"id": administration_id(survey)}},
        }
    )
    return socket


async def test_the_leader_sees_the_count_rise_as_people_answer(leader, peers):
    survey = await open_survey(leader, peers)
    socket = await follow_count(leader, survey)
    expected = {"administrationId": administration_id(survey), "invitedCount": 6}

    first = await socket.receive_json_from(timeout=3)
    assert first["payload"]["data"]["surveyResponseCountChanged"] == {
        **expected,
        "respondedCount": 0,
    }
    await asyncio.sleep(0.05)  # let the subscription join its group

    await database_sync_to_async(answer)(survey, peers[0], {"q1": 4, "q3": "secret words"})

    message = await socket.receive_json_from(timeout=3)
    assert message["type"] == "next"
    assert message["payload"] == {
        "data": {"surveyResponseCountChanged": {**expected, "respondedCount": 1}}
    }
    await socket.disconnect()


async def test_the_count_completes_when_the_survey_closes(leader, peers):
    survey = await open_survey(leader, peers)
    survey.closes_at = timezone.now() + timedelta(seconds=0.5)
    await database_sync_to_async(survey.save)(update_fields=["closes_at"])
    socket = await follow_count(leader, survey)

    first = await socket.receive_json_from(timeout=3)
    assert first["payload"]["data"]["surveyResponseCountChanged"]["respondedCount"] == 0
    assert await socket.receive_json_from(timeout=3) == {"id": "c", "type": "complete"}
    await socket.disconnect()


async def test_a_closed_survey_gives_its_final_count_and_completes(leader, peers):
    survey = await open_survey(leader, peers)
    await database_sync_to_async(answer)(survey, peers[0], {"q1": 4, "q3": "words"})
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    await database_sync_to_async(survey.save)(update_fields=["closes_at"])
    socket = await follow_count(leader, survey)

    first = await socket.receive_json_from(timeout=3)
    assert first["payload"]["data"]["surveyResponseCountChanged"]["respondedCount"] == 1
    assert await socket.receive_json_from(timeout=1) == {"id": "c", "type": "complete"}
    await socket.disconnect()


async def test_respondents_cannot_follow_the_count(leader, peers):
    survey = await open_survey(leader, peers)
    socket = await follow_count(peers[0], survey)

    message = await socket.receive_json_from(timeout=3)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await socket.disconnect()


async def test_another_leader_cannot_follow_the_count(leader, peers):
    from tests.factories import LeaderFactory

    survey = await open_survey(leader, peers)
    other = await database_sync_to_async(LeaderFactory)(school=leader.school)
    socket = await follow_count(other, survey)

    # A survey you do not run answers as one that does not exist (FORBIDDEN is for a role).
    message = await socket.receive_json_from(timeout=3)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await socket.disconnect()


async def test_the_count_completes_when_the_leader_closes_the_survey_now(leader, peers):
    from surveys.services.windows import administration_close

    survey = await open_survey(leader, peers)  # closes in a week
    socket = await follow_count(leader, survey)
    await socket.receive_json_from(timeout=3)
    await asyncio.sleep(0.05)  # let the subscription join its group

    await database_sync_to_async(administration_close)(actor=leader, administration=survey)

    assert await socket.receive_json_from(timeout=3) == {"id": "c", "type": "complete"}
    await socket.disconnect()


async def test_the_count_runs_on_past_the_old_close_when_the_survey_is_extended(leader, peers):
    from surveys.services.windows import administration_extend

    survey = await open_survey(leader, peers)
    survey.closes_at = timezone.now() + timedelta(seconds=1)
    await database_sync_to_async(survey.save)(update_fields=["closes_at"])
    socket = await follow_count(leader, survey)
    await socket.receive_json_from(timeout=3)
    await asyncio.sleep(0.05)

    await database_sync_to_async(administration_extend)(actor=leader, administration=survey, days=1)
    await asyncio.sleep(1.5)  # past the old close: still following
    await database_sync_to_async(answer)(survey, peers[0], {"q1": 4})

    message = await socket.receive_json_from(timeout=3)
    assert message["payload"]["data"]["surveyResponseCountChanged"]["respondedCount"] == 1
    await socket.disconnect()
