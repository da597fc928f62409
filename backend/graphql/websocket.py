"""GraphQL over WebSocket with the `graphql-transport-ws` protocol (the `graphql-ws` library's).

The token travels in `connection_init`'s payload (`{"authorization": "Bearer ..."}`).
Close codes are the protocol's: 4400 bad message, 4401 subscribe before ack, 4403 forbidden,
4406 wrong subprotocol, 4408 no init in time, 4409 duplicate id, 4429 second init.
"""

import asyncio
import json
import logging
from collections import defaultdict

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from graphql import ExecutionResult, execute, subscribe

from backend.json_bytes import json_text
from backend.request_id import new_request_id

from .context import GraphQLContext
from .errors import format_error
from .execution import prepare

logger = logging.getLogger("backend.websocket")

PROTOCOL = "graphql-transport-ws"


def _channel_layer_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (OSError, asyncio.TimeoutError)
    try:
        from redis.exceptions import RedisError
    except ImportError:  # the in-memory layer needs no Redis
        return errors
    return (*errors, RedisError)


CHANNEL_LAYER_ERRORS = _channel_layer_errors()
REVOKED_EVENT = "session_revoked"


def token_group(token_id: int) -> str:
    return f"token.{token_id}"


class GraphQLWebSocketConsumer(AsyncWebsocketConsumer):
    def __init__(self, *args, schema, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except CHANNEL_LAYER_ERRORS:
            # Redis went away under us. 1013 (try again later) makes clients reconnect; the
            # database stays the truth, so they refetch what they missed.
            logger.warning("Channel layer unavailable; closing the socket with 1013", exc_info=True)
            try:
                await send({"type": "websocket.close", "code": 1013, "reason": "Try again later"})
            except Exception:  # the connection may already be gone
                logger.debug("Socket already closed", exc_info=True)

    async def connect(self):
        self.user = AnonymousUser()
        self.access_token = None
        self.init_received = False
        self.acknowledged = False
        self.operations: dict[str, asyncio.Task] = {}
        self.listeners: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self.closing = False
        if PROTOCOL not in self.scope.get("subprotocols", []):
            await self.accept()
            await self._close(4406, "Subprotocol not acceptable")
            return
        await self.accept(PROTOCOL)
        self.init_timeout = asyncio.get_running_loop().call_later(
            settings.WEBSOCKET_INIT_TIMEOUT_SECONDS,
            lambda: asyncio.ensure_future(self._close_if_not_initialised()),
        )

    async def disconnect(self, code):
        self.closing = True
        timer = getattr(self, "init_timeout", None)
        if timer:
            timer.cancel()
        for task in list(getattr(self, "operations", {}).values()):
            task.cancel()
        for group in list(getattr(self, "listeners", {})):
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.access_token is not None:
            await self.channel_layer.group_discard(
                token_group(self.access_token.id), self.channel_name
            )

    async def _close(self, code: int, reason: str):
        self.closing = True
        await self.close(code=code, reason=reason)

    async def _close_if_not_initialised(self):
        if not self.init_received and not self.closing:
            await self._close(4408, "Connection initialisation timeout")

    async def send_message(self, message: dict):
        if not self.closing:
            await self.send(text_data=json_text(message))

    # --- incoming messages ---------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        try:
            message = json.loads(text_data) if text_data is not None else None
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._close(4400, "Invalid message received")
            return
        handler = {
            "connection_init": self._on_init,
            "ping": self._on_ping,
            "pong": self._on_pong,
            "subscribe": self._on_subscribe,
            "complete": self._on_complete,
        }.get(message["type"])
        if handler is None:
            await self._close(4400, f"Unexpected message type {message['type']!r}"[:120])
            return
        await handler(message)

    async def _on_init(self, message):
        if self.init_received:
            await self._close(4429, "Too many initialisation requests")
            return
        self.init_received = True
        self.init_timeout.cancel()
        payload = message.get("payload") or {}
        if not isinstance(payload, dict):
            await self._close(4400, "connection_init payload must be an object")
            return
        raw = payload.get("authorization") or payload.get("Authorization") or payload.get("token")
        if raw:
            token = str(raw).removeprefix("Bearer ").strip()
            found = await database_sync_to_async(_authenticate)(token)
            if found is None:
                await self._close(4403, "Forbidden")
                return
            self.user, self.access_token = found
            await self.channel_layer.group_add(token_group(self.access_token.id), self.channel_name)
        self.acknowledged = True
        await self.send_message({"type": "connection_ack"})

    async def _on_ping(self, message):
        pong = {"type": "pong"}
        if isinstance(message.get("payload"), dict):
            pong["payload"] = message["payload"]
        await self.send_message(pong)

    async def _on_pong(self, message):
        return None

    async def _on_subscribe(self, message):
        if not self.acknowledged:
            await self._close(4401, "Unauthorized")
            return
        operation_id = message.get("id")
        payload = message.get("payload")
        if (
            not isinstance(operation_id, str)
            or not operation_id
            or not isinstance(payload, dict)
            or not isinstance(payload.get("query"), str)
            or not isinstance(payload.get("variables") or {}, dict)
        ):
            await self._close(4400, "Invalid subscribe message")
            return
        if operation_id in self.operations:
            await self._close(4409, f"Subscriber for {operation_id} already exists"[:120])
            return
        if self.access_token is not None and not await database_sync_to_async(_still_usable)(
            self.access_token.id
        ):
            await self._close(4403, "Forbidden")
            return
        task = asyncio.ensure_future(self._run(operation_id, payload))
        self.operations[operation_id] = task
        task.add_done_callback(lambda _t, key=operation_id: self.operations.pop(key, None))

    async def _on_complete(self, message):
        task = self.operations.pop(message.get("id"), None)
        if task is not None:
            task.cancel()

    # --- running operations ----------------------------------------------------------------
    async def _run(self, operation_id: str, payload: dict):
        new_request_id()
        query = payload["query"]
        operation_name = payload.get("operationName")
        variables = payload.get("variables") or None
        prepared = prepare(self.schema, query, operation_name, variables)
        if prepared.errors:
            await self.send_message(
                {
                    "id": operation_id,
                    "type": "error",
                    "payload": [format_error(e) for e in prepared.errors],
                }
            )
            return
        context = GraphQLContext(
            user=self.user, access_token=self.access_token, listen=self.listen, scope=self.scope
        )
        arguments = {
            "context_value": context,
            "variable_values": variables,
            "operation_name": operation_name,
        }
        try:
            if prepared.kind == "subscription":
                stream = await subscribe(self.schema.graphql_schema, prepared.document, **arguments)
                if isinstance(stream, ExecutionResult):
                    await self._send_result(operation_id, stream)
                else:
                    try:
                        async for result in stream:
                            await self._send_result(operation_id, result)
                    finally:
                        await stream.aclose()
            else:
                result = await sync_to_async(execute, thread_sensitive=True)(
                    self.schema.graphql_schema, prepared.document, **arguments
                )
                await self._send_result(operation_id, result)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Subscription %s failed", operation_id)
            await self.send_message(
                {
                    "id": operation_id,
                    "type": "error",
                    "payload": [
                        {
                            "message": "Internal server error.",
                            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                        }
                    ],
                }
            )
            return
        await self.send_message({"id": operation_id, "type": "complete"})

    async def _send_result(self, operation_id: str, result: ExecutionResult):
        payload = {"data": result.data}
        if result.errors:
            payload["errors"] = [format_error(error) for error in result.errors]
        await self.send_message({"id": operation_id, "type": "next", "payload": payload})

    # --- events from the channel layer -----------------------------------------------------
    async def listen(self, group: str):
        """Yield the payloads broadcast to `group` while the subscription lives."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=256)
        first = not self.listeners[group]
        self.listeners[group].add(queue)
        if first:
            await self.channel_layer.group_add(group, self.channel_name)
        try:
            while True:
                yield await queue.get()
        finally:
            listeners = self.listeners.get(group)
            if listeners is not None:
                listeners.discard(queue)
                if not listeners:
                    del self.listeners[group]
                    if not self._is_own_token_group(group):
                        await self.channel_layer.group_discard(group, self.channel_name)

    def _is_own_token_group(self, group: str) -> bool:
        # The consumer stays in its token's group for life: that is how it hears of revocation.
        return self.access_token is not None and group == token_group(self.access_token.id)

    async def graphql_event(self, message):
        event = {"event": message["event"], **message.get("payload", {})}
        for queue in list(self.listeners.get(message["group"], ())):
            if queue.full():
                # A slow client loses the oldest hint, never the connection: it can refetch.
                queue.get_nowait()
            queue.put_nowait(event)
        if (
            message["event"] == REVOKED_EVENT
            and self.access_token is not None
            and message["group"] == token_group(self.access_token.id)
        ):
            # Give sessionRevoked subscribers a moment to be told before the socket closes.
            await asyncio.sleep(0.1)
            await self._close(4403, "Forbidden: session revoked")


def _authenticate(raw_token: str):
    from backend.accounts.services.tokens import access_token_authenticate

    return access_token_authenticate(raw_token=raw_token)


def _still_usable(token_id: int) -> bool:
    from backend.accounts.models import AccessToken

    token = AccessToken.objects.select_related("user").filter(id=token_id).first()
    return token is not None and token.is_usable()
