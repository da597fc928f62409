"""Apollo clients over the WebSocket with production settings (issue 18, item 10).

Apollo Client, Apollo iOS and Apollo Kotlin add `__typename` to every selection set; with
introspection off it must still work, while `__schema` and `__type` stay refused. The HTTP side
is in test_validation_limits.py (test_apollo_typename_works_with_introspection_off).
"""

import asyncio
import hashlib

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from backend.accounts.services.tokens import access_token_issue, access_token_revoke
from backend.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

_ME = "query Me { __typename me { __typename roles person { __typename fullName } } }"
_ME_HASH = hashlib.sha256(_ME.encode()).hexdigest()


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.GRAPHQL_INTROSPECTION = False
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    return settings


async def apollo_socket(user):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    return socket, _token


async def test_a_query_with_typename_everywhere_runs_over_the_socket(production, teacher):
    socket, _ = await apollo_socket(teacher)
    await socket.send_json_to(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {
                "operationName": "Me",
                "query": _ME,
                "variables": {},
                # Apollo sends the document's real hash (a wrong one is refused).
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": _ME_HASH}},
            },
        }
    )

    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    data = message["payload"]["data"]
    assert data["__typename"] == "Query"
    assert data["me"]["__typename"] == "Me"
    assert data["me"]["person"]["__typename"] == "Person"
    await socket.disconnect()


async def test_a_subscription_with_typename_delivers_it(production, teacher):
    socket, token = await apollo_socket(teacher)
    await socket.send_json_to(
        {
            "id": "s",
            "type": "subscribe",
            "payload": {
                "operationName": "OnRevoked",
                "query": "subscription OnRevoked { sessionRevoked { __typename sessionId } }",
                "variables": {},
            },
        }
    )
    await asyncio.sleep(0.05)  # let the subscription join its group

    await database_sync_to_async(access_token_revoke)(actor=teacher, token=token)

    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "next", message
    assert message["payload"]["data"]["sessionRevoked"]["__typename"]
    assert message["payload"]["data"]["sessionRevoked"]["sessionId"]


async def test_introspection_stays_refused_over_the_socket(production, teacher):
    socket, _ = await apollo_socket(teacher)
    await socket.send_json_to(
        {
            "id": "i",
            "type": "subscribe",
            "payload": {"query": "query I { __schema { types { name } } }", "variables": {}},
        }
    )

    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "error", message
    assert "introspection is disabled" in message["payload"][0]["message"]
    await socket.disconnect()
