"""GraphQL over WebSocket with the `graphql-transport-ws` protocol (the `graphql-ws` library's).

The token travels in `connection_init`'s payload (`{"authorization": "Bearer ..."}`). Sessions
are the accounts app's: it is given to the consumer as `authenticate` and `session_user` where
the application is assembled (backend.asgi), so this module imports no app.
Close codes are the protocol's: 4400 bad message, 4401 subscribe before ack, 4403 forbidden
(bad token; the session revoked, expired or its account deactivated), 4406 wrong subprotocol,
4408 no init in time, 4409 duplicate id, 4429 second init; and the WebSocket's own 1008
(policy violation) for a message flood, 1013 (try again later) when the channel layer is down.

Access is not decided once: a socket re-checks its session, and each subscription its access,
before every event it delivers and every WEBSOCKET_LIMITS["revalidate_seconds"] in between.
A dead session closes the socket with 4403; a subscription its caller may no longer have (they
left the cohort, lost the role) ends with an `error` message carrying the refusal. The check
is the subscription's own `subscribe_*` resolver run again with the user as now stored, so a
stream is allowed exactly when subscribing to it now would be.

Limits per socket (WEBSOCKET_LIMITS): at most `max_operations` running at once (one more gets
an `error` TOO_MANY_OPERATIONS for its id and the socket stays open: the protocol's way to
refuse one operation), and messages of any type at `messages_per_second` with bursts of
`message_burst`; a flood closes the socket with 1008. Not 4429: graphql-transport-ws defines
that as "too many initialisation requests" and clients act on it as such.

Operations go through the pipeline the HTTP view uses (`pipeline.py`): the same limits, the
caller's one per-minute cost budget, the executor the settings choose, the same error masking;
subscriptions are admitted by the same steps and then stream their events.
"""

import asyncio
import contextvars
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from graphql import ExecutionResult

from backend.json_bytes import json_text
from backend.live import SESSION_REVOKED, token_group
from backend.request_id import new_request_id

from . import pipeline
from .context import GraphQLContext
from .pipeline import OperationRequest, Refusal

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

try:
    # uvicorn raises this (an OSError) when we send to a client that has gone; it must not be
    # taken for the channel layer failing, which is logged as a warning for the operator.
    from uvicorn.protocols.utils import ClientDisconnected
except ImportError:  # another ASGI server: nothing of the kind to tell apart
    ClientDisconnected = ()
# The operation whose stream is being read: `listen` re-authorizes it before each event.
_OPERATION: contextvars.ContextVar[str | None] = contextvars.ContextVar("operation", default=None)


class AccessLost(Exception):
    """Raised into a stream whose caller may no longer have it (`errors`: what to tell them;
    None when the whole socket is closing)."""

    def __init__(self, errors: list[dict] | None):
        super().__init__("access lost")
        self.errors = errors


# What a refusal looks like (permission decorators, selectors' NotFound); other errors while
# re-checking are failures to check, not answers.
REFUSALS = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"})


def _limits() -> dict:
    return settings.WEBSOCKET_LIMITS


def _names_a_document(payload: dict) -> bool:
    """A subscribe message carries a `query`, or only a persisted query's hash in
    `extensions` (the pipeline resolves it and applies the allow-list, as for HTTP)."""
    extensions = payload.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        return False
    if "query" not in payload or payload["query"] is None:
        return bool(extensions) and "persistedQuery" in extensions
    return isinstance(payload["query"], str)


def _error(message: str, code: str, **extensions) -> dict:
    return {"message": message, "extensions": {"code": code, **extensions}}


# (raw_token=) -> (user, session) or None: who a connection_init's token signs in.
Authenticate = Callable[..., tuple[Any, Any] | None]
# (token_id=) -> the session's user as now stored, or None if the session may not be used.
SessionUser = Callable[..., Any | None]


class GraphQLWebSocketConsumer(AsyncWebsocketConsumer):
    def __init__(
        self, *args, schema, authenticate: Authenticate, session_user: SessionUser, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.authenticate = authenticate
        self.session_user = session_user

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnected:
            logger.debug("Client went away while we sent to it")
        except CHANNEL_LAYER_ERRORS:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # We were being stopped (the client went, the server shuts down) and the layer's
                # read answered the cancellation with a connection error: not Redis failing.
                raise asyncio.CancelledError() from None
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
        # Running subscriptions: (document, variables, operation name), to re-authorize them.
        self.subscriptions: dict[str, tuple] = {}
        self.contexts: dict[str, GraphQLContext] = {}
        self.listeners: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self.closing = False
        self.revalidator: asyncio.Task | None = None
        self.allowance = float(_limits()["message_burst"])
        self.allowance_at = time.monotonic()
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
        if getattr(self, "revalidator", None) is not None:
            self.revalidator.cancel()
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
        if not self._within_rate():
            await self._close(1008, "Too many messages")
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

    def _within_rate(self) -> bool:
        """A token bucket: `messages_per_second`, bursts of `message_burst`."""
        limits = _limits()
        now = time.monotonic()
        self.allowance = min(
            float(limits["message_burst"]),
            self.allowance + (now - self.allowance_at) * limits["messages_per_second"],
        )
        self.allowance_at = now
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True

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
            found = await database_sync_to_async(self.authenticate)(raw_token=token)
            if found is None:
                await self._close(4403, "Forbidden")
                return
            self.user, self.access_token = found
            await self.channel_layer.group_add(token_group(self.access_token.id), self.channel_name)
            self.revalidator = asyncio.ensure_future(self._revalidate_periodically())
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
            or not _names_a_document(payload)
            or not isinstance(payload.get("variables") or {}, dict)
        ):
            await self._close(4400, "Invalid subscribe message")
            return
        if operation_id in self.operations:
            await self._close(4409, f"Subscriber for {operation_id} already exists"[:120])
            return
        maximum = _limits()["max_operations"]
        if len(self.operations) >= maximum:
            message = f"At most {maximum} operations run at once on one connection."
            await self.send_message(
                {
                    "id": operation_id,
                    "type": "error",
                    "payload": [_error(message, "TOO_MANY_OPERATIONS", limit=maximum)],
                }
            )
            return
        if not await self._refresh_session():
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
        operation = OperationRequest(
            payload.get("query"),
            payload.get("operationName"),
            payload.get("variables") or None,
            payload.get("extensions"),
        )
        _OPERATION.set(operation_id)
        context = self._context()
        try:
            # The steps HTTP runs (pipeline.py): limits, the caller's one per-minute budget.
            prepared = await pipeline.admit_async(self.schema, operation, context)
        except Refusal as refusal:
            await self.send_message(
                {"id": operation_id, "type": "error", "payload": refusal.errors}
            )
            return
        self.contexts[operation_id] = context
        try:
            if prepared.kind == "subscription":
                await self._stream(operation_id, prepared, operation, context)
            else:
                answer = await pipeline.execute_async(self.schema, prepared, operation, context)
                await self._send_next(operation_id, answer.payload)
        except asyncio.CancelledError:
            raise
        except AccessLost as lost:
            if lost.errors is not None:
                await self.send_message(
                    {"id": operation_id, "type": "error", "payload": lost.errors}
                )
            return
        except Exception:
            error = pipeline.internal_error(operation)
            await self.send_message({"id": operation_id, "type": "error", "payload": [error]})
            return
        finally:
            self.subscriptions.pop(operation_id, None)
            self.contexts.pop(operation_id, None)
        await self.send_message({"id": operation_id, "type": "complete"})

    async def _stream(self, operation_id: str, prepared, operation: OperationRequest, context):
        """Send a subscription's results until its stream ends."""
        stream = await pipeline.open_stream(
            self.schema,
            prepared.document,
            context,
            variables=operation.variables,
            operation_name=operation.operation_name,
        )
        if isinstance(stream, ExecutionResult):  # refused or failed before any event
            await self._send_next(operation_id, pipeline.response_payload(stream))
            return
        self.subscriptions[operation_id] = (
            prepared.document,
            operation.variables,
            operation.operation_name,
        )
        try:
            async for result in stream:
                await self._send_next(operation_id, pipeline.response_payload(result))
        finally:
            await stream.aclose()

    def _context(self) -> GraphQLContext:
        return GraphQLContext(
            user=self.user, access_token=self.access_token, listen=self.listen, scope=self.scope
        )

    async def _send_next(self, operation_id: str, payload: dict):
        await self.send_message({"id": operation_id, "type": "next", "payload": payload})

    # --- access, re-checked -----------------------------------------------------------------
    async def _refresh_session(self) -> bool:
        """Re-read the session and its user; close with 4403 if it may no longer be used.
        Running operations then see the user as now stored (role, district, active)."""
        if self.access_token is None:
            return not self.closing
        user = await database_sync_to_async(self.session_user)(token_id=self.access_token.id)
        if user is None:
            await self._close(4403, "Forbidden: session no longer valid")
            return False
        self.user = user
        for context in list(self.contexts.values()):
            context.user = user
        return not self.closing

    async def _refusal(self, operation_id: str) -> list[dict] | None:
        """Why subscription `operation_id` may not go on (its errors), or None if it may: its
        `subscribe_*` resolver, run again for the user as now stored, decides."""
        spec = self.subscriptions.get(operation_id)
        if spec is None:
            return None
        document, variables, operation_name = spec
        stream = await pipeline.open_stream(
            self.schema,
            document,
            self._context(),
            variables=variables,
            operation_name=operation_name,
        )
        if isinstance(stream, ExecutionResult):
            errors = pipeline.response_payload(stream).get("errors", [])
            if not any(error["extensions"].get("code") in REFUSALS for error in errors):
                # Not a refusal (the database away for a moment): decide on the next check.
                raise RuntimeError(f"Could not re-check access: {errors}")
            return errors
        await stream.aclose()  # never iterated: only its checks ran
        return None

    async def _reauthorize(self, operation_id: str | None) -> None:
        """Before an event reaches `operation_id`: raise AccessLost if it may not."""
        if not await self._refresh_session():
            raise AccessLost(None)
        if operation_id is not None:
            errors = await self._refusal(operation_id)
            if errors is not None:
                raise AccessLost(errors)

    async def _revalidate_periodically(self):
        """Deactivation or a lost membership ends streams even when no event comes."""
        while not self.closing:
            await asyncio.sleep(_limits()["revalidate_seconds"])
            try:
                if not await self._refresh_session():
                    return
                for operation_id in list(self.subscriptions):
                    errors = await self._refusal(operation_id)
                    task = self.operations.get(operation_id)
                    if errors is None or task is None:
                        continue
                    task.cancel()
                    await self.send_message(
                        {"id": operation_id, "type": "error", "payload": errors}
                    )
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database is away for a moment: the next round, or the next event, checks.
                logger.warning("Could not re-validate a socket's access", exc_info=True)

    # --- events from the channel layer -----------------------------------------------------
    async def listen(self, group: str):
        """Yield the payloads broadcast to `group` while the subscription lives, each only
        after the caller's access has been checked again."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=256)
        first = not self.listeners[group]
        self.listeners[group].add(queue)
        if first:
            await self.channel_layer.group_add(group, self.channel_name)
        try:
            while True:
                event = await queue.get()
                if not self._is_own_token_group(group):
                    # The session's own events (its revocation) carry no data and must arrive.
                    try:
                        await self._reauthorize(_OPERATION.get())
                    except AccessLost:
                        raise
                    except Exception:
                        # Unknown is not allowed: this hint is withheld, the client refetches.
                        logger.warning("Access not re-checked; event withheld", exc_info=True)
                        continue
                yield event
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
            message["event"] == SESSION_REVOKED
            and self.access_token is not None
            and message["group"] == token_group(self.access_token.id)
        ):
            # Give sessionRevoked subscribers a moment to be told before the socket closes.
            await asyncio.sleep(0.1)
            await self._close(4403, "Forbidden: session revoked")
