"""A phone that drops its socket while the server sends is not a channel-layer failure.

Found by the issue 18 verification run: uvicorn raises ClientDisconnected (an OSError) when a
send reaches a socket the client already closed; it was caught with the channel-layer errors
and logged as "Channel layer unavailable; closing the socket with 1013" with a traceback, a
warning any anonymous client could trigger at will and that sends operators after Redis."""

import logging

import pytest
from uvicorn.protocols.utils import ClientDisconnected

from backend.accounts.services.tokens import access_token_authenticate, access_token_session_user
from backend.graphql.websocket import GraphQLWebSocketConsumer
from backend.schema import schema

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_a_client_gone_mid_send_is_no_channel_layer_warning(caplog):
    app = GraphQLWebSocketConsumer.as_asgi(
        schema=schema,
        authenticate=access_token_authenticate,
        session_user=access_token_session_user,
    )
    scope = {
        "type": "websocket",
        "path": "/graphql/",
        "headers": [],
        "subprotocols": ["graphql-transport-ws"],
        "client": ("127.0.0.1", 50000),
        "query_string": b"",
    }
    messages = [{"type": "websocket.connect"}]

    async def receive():
        return messages.pop(0) if messages else {"type": "websocket.disconnect", "code": 1006}

    async def send(message):
        raise ClientDisconnected

    with caplog.at_level(logging.DEBUG, logger="backend.websocket"):
        await app(scope, receive, send)

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []
