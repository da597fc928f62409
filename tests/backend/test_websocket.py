"""GraphQL over WebSocket: the graphql-transport-ws protocol, end to end through Channels."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from backend.accounts.services.tokens import access_token_issue, access_token_revoke
from backend.asgi import application

PROTOCOL = "graphql-transport-ws"
pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

REVOKED = "subscription { sessionRevoked { sessionId } }"


async def open_socket(subprotocols=(PROTOCOL,)):
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=list(subprotocols))
    connected, subprotocol = await socket.connect()
    assert connected
    return socket, subprotocol


async def closed_with(socket) -> int:
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output["code"]


async def signed_in_socket(user):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket, _ = await open_socket()
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    return socket, _token


async def test_handshake_acknowledges_and_agrees_the_subprotocol():
    socket, subprotocol = await open_socket()
    await socket.send_json_to({"type": "connection_init"})

    assert subprotocol == PROTOCOL
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    await socket.disconnect()


async def test_other_subprotocols_are_closed_with_4406():
    socket, _ = await open_socket(subprotocols=("graphql-ws",))

    assert await closed_with(socket) == 4406


async def test_no_init_in_time_closes_with_4408(settings):
    settings.WEBSOCKET_INIT_TIMEOUT_SECONDS = 0.05
    socket, _ = await open_socket()

    assert await closed_with(socket) == 4408


async def test_a_second_init_closes_with_4429():
    socket, _ = await open_socket()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()
    await socket.send_json_to({"type": "connection_init"})

    assert await closed_with(socket) == 4429


async def test_subscribe_before_ack_closes_with_4401():
    socket, _ = await open_socket()
    await socket.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": REVOKED}})

    assert await closed_with(socket) == 4401


async def test_a_bad_token_closes_with_4403():
    socket, _ = await open_socket()
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": "Bearer pob_forged"}}
    )

    assert await closed_with(socket) == 4403


async def test_invalid_messages_close_with_4400():
    socket, _ = await open_socket()
    await socket.send_to(text_data="not json")

    assert await closed_with(socket) == 4400


async def test_ping_is_answered_with_pong():
    socket, _ = await open_socket()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()
    await socket.send_json_to({"type": "ping", "payload": {"t": 1}})

    assert await socket.receive_json_from() == {"type": "pong", "payload": {"t": 1}}
    await socket.disconnect()


async def test_queries_run_over_the_socket_then_complete(teacher):
    socket, _ = await signed_in_socket(teacher)
    await socket.send_json_to(
        {"id": "q", "type": "subscribe", "payload": {"query": "{ me { roles } }"}}
    )

    assert await socket.receive_json_from() == {
        "id": "q",
        "type": "next",
        "payload": {"data": {"me": {"roles": ["TEACHER"]}}},
    }
    assert await socket.receive_json_from() == {"id": "q", "type": "complete"}
    await socket.disconnect()


async def test_validation_errors_come_as_an_error_message():
    socket, _ = await open_socket()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()
    await socket.send_json_to({"id": "x", "type": "subscribe", "payload": {"query": "{ nope }"}})

    message = await socket.receive_json_from()
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    await socket.disconnect()


async def test_anonymous_subscriptions_are_refused_with_a_code():
    socket, _ = await open_socket()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()
    await socket.send_json_to({"id": "s", "type": "subscribe", "payload": {"query": REVOKED}})

    message = await socket.receive_json_from()
    assert message["type"] == "next"
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await socket.receive_json_from() == {"id": "s", "type": "complete"}
    await socket.disconnect()


async def test_a_duplicate_operation_id_closes_with_4409(teacher):
    socket, _ = await signed_in_socket(teacher)
    await socket.send_json_to({"id": "s", "type": "subscribe", "payload": {"query": REVOKED}})
    await socket.send_json_to({"id": "s", "type": "subscribe", "payload": {"query": REVOKED}})

    assert await closed_with(socket) == 4409


async def test_revoking_the_session_notifies_the_subscriber_and_closes_4403(teacher):
    socket, token = await signed_in_socket(teacher)
    await socket.send_json_to({"id": "r", "type": "subscribe", "payload": {"query": REVOKED}})
    await asyncio.sleep(0.05)  # let the subscription join its group

    await database_sync_to_async(access_token_revoke)(actor=teacher, token=token)

    message = await socket.receive_json_from(timeout=3)
    assert message["type"] == "next"
    assert message["payload"]["data"]["sessionRevoked"]["sessionId"]
    assert await socket.receive_json_from() == {"id": "r", "type": "complete"}
    assert await closed_with(socket) == 4403


async def test_complete_stops_a_subscription_and_the_socket_stays_usable(teacher):
    socket, _ = await signed_in_socket(teacher)
    await socket.send_json_to({"id": "r", "type": "subscribe", "payload": {"query": REVOKED}})
    await socket.send_json_to({"id": "r", "type": "complete"})
    await asyncio.sleep(0.05)
    # The id is free again once completed.
    await socket.send_json_to(
        {"id": "r", "type": "subscribe", "payload": {"query": "{ me { roles } }"}}
    )

    assert (await socket.receive_json_from())["type"] == "next"
    await socket.disconnect()
