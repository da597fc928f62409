"""visitChanged over the WebSocket: the host and visitors hear of changes to their visits."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from graphql_relay import to_global_id

from backend.accounts.services.tokens import access_token_issue
from backend.asgi import application
from observations.services.data import EntryInput, observation_data_submit
from observations.services.visits import (
    visit_accept,
    visit_cancel,
    visit_propose,
    visit_reschedule,
)
from tests.observations.conftest import NOW, at

MONDAY = NOW.date()

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

CHANGED = """
subscription Changed($visitId: ID) {
  visitChanged(visitId: $visitId) {
    change visitId revision status actorId visit { id when { startsAt } }
  }
}
"""


async def subscribed(user, variables=None, op="s"):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    await socket.send_json_to(
        {"id": op, "type": "subscribe", "payload": {"query": CHANGED, "variables": variables or {}}}
    )
    await asyncio.sleep(0.1)  # let the subscription join its group
    return socket


async def test_host_and_visitor_hear_of_a_proposal_and_its_acceptance(host, visitor):
    host_socket = await subscribed(host)
    visitor_socket = await subscribed(visitor)

    visit = await database_sync_to_async(visit_propose)(
        actor=visitor, host=host, when=at(9), cycle_number=1
    )
    proposed = await host_socket.receive_json_from(timeout=3)
    await visitor_socket.receive_json_from(timeout=3)
    await database_sync_to_async(visit_accept)(actor=host, visit=visit)
    accepted = await visitor_socket.receive_json_from(timeout=3)

    assert proposed == {
        "id": "s",
        "type": "next",
        "payload": {
            "data": {
                "visitChanged": {
                    "change": "PROPOSED",
                    "visitId": to_global_id("Visit", visit.pk),
                    "revision": 1,
                    "status": "PROPOSED",
                    "actorId": to_global_id("Person", visitor.pk),
                    "visit": {
                        "id": to_global_id("Visit", visit.pk),
                        "when": {"startsAt": "2026-03-03T15:00:00+00:00"},
                    },
                }
            }
        },
    }
    assert accepted["payload"]["data"]["visitChanged"]["change"] == "ACCEPTED"
    assert accepted["payload"]["data"]["visitChanged"]["revision"] == 2
    await host_socket.disconnect()
    await visitor_socket.disconnect()


async def heard(socket) -> dict:
    return (await socket.receive_json_from(timeout=3))["payload"]["data"]["visitChanged"]


async def test_a_reschedule_data_and_a_cancellation_reach_the_other_side(
    host, visitor, outsider, tool, frozen_time
):
    # Today, not tomorrow: the in-memory layer forgets groups a day after joining (its clock
    # is the frozen one), so the test must not move time by a day.
    visit = await database_sync_to_async(visit_propose)(
        actor=visitor, host=host, when=at(9, day=MONDAY), cycle_number=1, tool=tool
    )
    await database_sync_to_async(visit_accept)(actor=host, visit=visit)
    host_socket = await subscribed(host)
    visitor_socket = await subscribed(visitor)
    outsider_socket = await subscribed(outsider)

    moved = await database_sync_to_async(visit_reschedule)(
        actor=host, visit=visit, when=at(10, day=MONDAY), reason="Assembly at nine."
    )
    rescheduled = await heard(visitor_socket)
    assert (await heard(host_socket))["change"] == "RESCHEDULED"

    frozen_time.move_to(moved.starts_at + timedelta(minutes=5))
    entry = EntryInput(
        uuid.uuid4(), moved.starts_at, {"at": 1, "category": "asks-peer", "group": "g1"}
    )
    await database_sync_to_async(observation_data_submit)(
        actor=visitor, visit=moved, entries=[entry]
    )
    data = await heard(host_socket)
    assert (await heard(visitor_socket))["change"] == "DATA_ARRIVED"

    # Data during the visit may complete it; the cancellation is of the next one.
    later = await database_sync_to_async(visit_propose)(
        actor=visitor, host=host, when=at(13, day=MONDAY), cycle_number=2, tool=tool
    )
    assert (await heard(host_socket))["change"] == "PROPOSED"
    assert (await heard(visitor_socket))["change"] == "PROPOSED"
    await database_sync_to_async(visit_cancel)(actor=visitor, visit=later, reason="Sick today.")
    cancelled = await heard(host_socket)
    assert (await heard(visitor_socket))["change"] == "CANCELLED"

    assert rescheduled == {
        "change": "RESCHEDULED",
        "visitId": to_global_id("Visit", visit.pk),
        "revision": rescheduled["revision"],
        "status": "ACCEPTED",  # the host moved it: no new acceptance needed
        "actorId": to_global_id("Person", host.pk),
        "visit": {
            "id": to_global_id("Visit", visit.pk),
            "when": {"startsAt": "2026-03-02T16:00:00+00:00"},
        },
    }
    assert data["change"] == "DATA_ARRIVED"
    assert data["actorId"] == to_global_id("Person", visitor.pk)
    assert cancelled["change"] == "CANCELLED"
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["visitId"] == to_global_id("Visit", later.pk)
    assert rescheduled["revision"] < data["revision"]
    # The visit's own fields asked for here carry nothing of what was observed.
    assert "asks-peer" not in str(data)
    assert await outsider_socket.receive_nothing(timeout=0.3)
    for socket in (host_socket, visitor_socket, outsider_socket):
        await socket.disconnect()


async def test_others_hear_nothing_and_a_filter_keeps_to_one_visit(host, visitor, outsider):
    outsider_socket = await subscribed(outsider)
    first = await database_sync_to_async(visit_propose)(
        actor=visitor, host=host, when=at(9), cycle_number=1
    )
    filtered = await subscribed(visitor, {"visitId": to_global_id("Visit", first.pk)})

    await database_sync_to_async(visit_propose)(
        actor=visitor, host=host, when=at(11), cycle_number=1
    )
    await database_sync_to_async(visit_accept)(actor=host, visit=first)

    message = await filtered.receive_json_from(timeout=3)
    assert message["payload"]["data"]["visitChanged"]["change"] == "ACCEPTED"
    assert await outsider_socket.receive_nothing(timeout=0.3)
    await outsider_socket.disconnect()
    await filtered.disconnect()


async def test_anonymous_subscribers_are_refused():
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    await socket.connect()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()
    await socket.send_json_to({"id": "s", "type": "subscribe", "payload": {"query": CHANGED}})

    message = await socket.receive_json_from()

    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await socket.disconnect()


FULL = """
subscription Changed {
  visitChanged {
    change
    visit {
      id myRole status revision room notes entryCount dataSummary { __typename }
      hasReflectionSheet
      when { startsAt endsAt timeZone date startTime endTime minutes }
      host { fullName email } visitors { fullName email } proposedBy { fullName }
      statusChangedBy { fullName } slq { question } tool { name kind }
      entries { clientId payload { __typename } submittedBy { fullName } }
      photos { id } reflectionSheet { id }
      summary { id visit { id } sharedReflectionSheet { id } }
    }
  }
}
"""


async def subscribed_to(user, query: str):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    await socket.send_json_to({"id": "s", "type": "subscribe", "payload": {"query": query}})
    await asyncio.sleep(0.1)
    return socket


async def test_each_subscriber_gets_the_visit_as_they_may_see_it(host, visitor, cohort, slq, tool):
    # Given the host and the visitor listening with a phone's whole visit screen
    host_socket = await subscribed_to(host, FULL)
    visitor_socket = await subscribed_to(visitor, FULL)

    # When the visitor proposes (the host's current question by default)
    visit = await database_sync_to_async(visit_propose)(
        actor=visitor, host=host, when=at(9), tool=tool
    )

    # Then each hears the visit itself, loaded for them: no refetch, no failure on any field
    for_host = await host_socket.receive_json_from(timeout=3)
    for_visitor = await visitor_socket.receive_json_from(timeout=3)
    assert "errors" not in for_host["payload"] and "errors" not in for_visitor["payload"]
    host_view = for_host["payload"]["data"]["visitChanged"]["visit"]
    visitor_view = for_visitor["payload"]["data"]["visitChanged"]["visit"]
    assert (host_view["myRole"], visitor_view["myRole"]) == ("HOST", "VISITOR")
    assert host_view["id"] == visitor_view["id"] == to_global_id("Visit", visit.pk)
    assert host_view["when"]["startTime"] == "09:00:00"
    assert host_view["slq"] == {"question": slq.question}
    assert host_view["tool"] == {"name": tool.name, "kind": tool.kind}
    assert host_view["summary"]["visit"] == {"id": host_view["id"]}
    for socket in (host_socket, visitor_socket):
        await socket.disconnect()


async def test_an_event_about_a_visit_the_subscriber_cannot_read_is_not_sent(
    host, visitor, outsider
):
    # Given an outsider listening, and a visit they take no part in
    from channels.layers import get_channel_layer

    from backend.live import VISIT_CHANGED, event_message, user_group

    socket = await subscribed(outsider)
    hidden = await database_sync_to_async(visit_propose)(
        actor=visitor, host=host, when=at(9), cycle_number=1
    )

    # When an event about it reaches the outsider's group (as if they had lost access since)
    payload = {
        "visit_id": hidden.pk,
        "change": "ACCEPTED",
        "revision": 2,
        "status": "ACCEPTED",
        "actor_id": host.pk,
    }
    await get_channel_layer().group_send(
        user_group(outsider.pk), event_message(user_group(outsider.pk), VISIT_CHANGED, payload)
    )

    # Then nothing is delivered, not even the ids; the stream goes on for their own visits
    assert await socket.receive_nothing(timeout=0.5)
    own = await database_sync_to_async(visit_propose)(
        actor=outsider, host=host, when=at(11), cycle_number=1
    )
    heard_next = await heard(socket)
    assert heard_next["visitId"] == to_global_id("Visit", own.pk)
    assert heard_next["visit"]["id"] == to_global_id("Visit", own.pk)
    await socket.disconnect()
