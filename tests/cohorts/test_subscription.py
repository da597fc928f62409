"""cohortChanged over the WebSocket (graphql-transport-ws), end to end through Channels."""

import asyncio
from datetime import time, timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from backend.accounts.services.tokens import access_token_issue
from backend.asgi import application
from cohorts.models import Role
from cohorts.services.agendas import agenda_apply_template
from cohorts.services.meetings import meeting_create
from cohorts.services.memberships import membership_add, membership_end
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.factories import CoordinatorFactory, LeaderFactory, TeacherFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PROTOCOL = "graphql-transport-ws"
CHANGED = """
subscription($id: ID!) {
  cohortChanged(cohortId: $id) {
    kind cohortId membershipId meetingId
    cohort {
      name
      myMembership { role }
      members { role person { fullName email school { name } } visitedBy { person { fullName } } }
      guidance { groupSize messages { code } }
      meetings { title notes agenda { title protocol { name steps { title } } } }
    }
    meeting { title when { startTime timeZone } agenda { title minutes } cohort { name } }
  }
}
"""


async def signed_in_socket(user):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=[PROTOCOL])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    return socket


async def subscribe(socket, cohort, operation_id="c"):
    await socket.send_json_to(
        {
            "id": operation_id,
            "type": "subscribe",
            "payload": {"query": CHANGED, "variables": {"id": gid(cohort)}},
        }
    )
    await asyncio.sleep(0.1)  # let the subscription join its group


@pytest.fixture
def small_network(db):
    leader = LeaderFactory()
    return build_cohort(leader=leader, blues=2, yellows=2)


async def test_a_member_hears_of_a_new_peer_with_fresh_data(small_network):
    network = small_network
    yellow = network.yellows[0]
    socket = await signed_in_socket(yellow.person)
    await subscribe(socket, network.cohort)
    newcomer = await database_sync_to_async(TeacherFactory)(school=network.school)

    membership = await database_sync_to_async(membership_add)(
        actor=network.leader.person, cohort=network.cohort, person=newcomer, role=Role.BLUE
    )

    message = await socket.receive_json_from(timeout=3)
    assert message["type"] == "next"
    assert "errors" not in message["payload"], message
    event = message["payload"]["data"]["cohortChanged"]
    assert event["kind"] == "MEMBER_ADDED"
    assert event["cohortId"] == gid(network.cohort)
    assert event["membershipId"] == gid(membership)
    assert event["meeting"] is None
    cohort = event["cohort"]
    assert cohort["myMembership"] == {"role": "YELLOW"}
    assert cohort["guidance"]["groupSize"] == 6
    assert {
        "role": "BLUE",
        "person": {
            "fullName": newcomer.full_name,
            "email": newcomer.email,
            "school": {"name": network.school.name},
        },
        "visitedBy": {"person": {"fullName": network.leader.person.full_name}},
    } in cohort["members"]
    await socket.disconnect()


async def test_meeting_changes_carry_the_meeting(small_network):
    network = small_network
    socket = await signed_in_socket(network.blues[0].person)
    await subscribe(socket, network.cohort)
    local_day = (timezone.now() + timedelta(days=5)).date()

    meeting = await database_sync_to_async(meeting_create)(
        actor=network.leader.person,
        cohort=network.cohort,
        kind="BLUE_GROUP",
        local_date=local_day,
        local_time=time(15, 30),
        duration_minutes=75,
    )
    scheduled = await socket.receive_json_from(timeout=3)
    await database_sync_to_async(agenda_apply_template)(
        actor=network.leader.person, meeting=meeting, template_key="group-of-5-launch"
    )
    changed = await socket.receive_json_from(timeout=3)

    first = scheduled["payload"]["data"]["cohortChanged"]
    assert first["kind"] == "MEETING_SCHEDULED"
    assert first["meeting"]["when"]["startTime"] == "15:30:00"
    assert first["meeting"]["cohort"] == {"name": network.cohort.name}
    second = changed["payload"]["data"]["cohortChanged"]
    assert second["kind"] == "AGENDA_CHANGED"
    assert second["meetingId"] == gid(meeting)
    assert len(second["meeting"]["agenda"]) == 6
    agenda = second["cohort"]["meetings"][0]["agenda"]
    assert agenda[1]["protocol"]["name"] == "Setting group norms"
    assert agenda[1]["protocol"]["steps"]
    await socket.disconnect()


async def test_a_coordinator_can_follow_a_district_cohort(small_network):
    network = small_network
    coordinator = await database_sync_to_async(CoordinatorFactory)(
        coordinated_district=network.school.district
    )
    socket = await signed_in_socket(coordinator)
    await subscribe(socket, network.cohort)

    await database_sync_to_async(membership_end)(
        actor=network.leader.person, membership=network.yellows[1]
    )

    event = (await socket.receive_json_from(timeout=3))["payload"]["data"]["cohortChanged"]
    assert event["kind"] == "MEMBER_LEFT"
    assert event["cohort"]["myMembership"] is None
    assert event["cohort"]["guidance"]["groupSize"] == 4
    await socket.disconnect()


async def test_someone_outside_the_cohort_is_refused_before_listening(small_network):
    outsider = await database_sync_to_async(TeacherFactory)(school=small_network.school)
    socket = await signed_in_socket(outsider)

    await subscribe(socket, small_network.cohort)

    message = await socket.receive_json_from(timeout=3)
    assert message["type"] == "next"
    assert message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await socket.receive_json_from() == {"id": "c", "type": "complete"}
    await socket.disconnect()


async def test_a_garbage_id_is_not_found(small_network):
    socket = await signed_in_socket(small_network.leader.person)
    await socket.send_json_to(
        {"id": "c", "type": "subscribe", "payload": {"query": CHANGED, "variables": {"id": "x"}}}
    )

    message = await socket.receive_json_from(timeout=3)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await socket.disconnect()


async def test_the_stream_ends_for_someone_who_leaves(small_network):
    network = small_network
    yellow = network.yellows[0]
    socket = await signed_in_socket(yellow.person)
    await subscribe(socket, network.cohort)

    await database_sync_to_async(membership_end)(actor=yellow.person, membership=yellow)

    # Ends with the refusal subscribing now would get (issue 18: access is re-checked).
    message = await socket.receive_json_from(timeout=3)
    assert message["id"] == "c" and message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    await socket.disconnect()


async def test_events_of_other_cohorts_are_not_heard(small_network):
    network = small_network
    other = await database_sync_to_async(build_cohort)(
        leader=network.leader.person, blues=0, yellows=0
    )
    socket = await signed_in_socket(network.leader.person)
    await subscribe(socket, network.cohort)
    newcomer = await database_sync_to_async(TeacherFactory)(school=network.school)

    await database_sync_to_async(membership_add)(
        actor=network.leader.person, cohort=other.cohort, person=newcomer, role=Role.BLUE
    )

    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
