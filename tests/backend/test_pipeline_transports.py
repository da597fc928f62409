"""One operation pipeline (backend/graphql/pipeline.py): every rule about a request holds over
HTTP and over the WebSocket alike (issue 19, item 2).

The attacks: a limit enforced by the HTTP view only is a limit a script dodges by opening a
socket; a budget charged on one path is two budgets; a bug answered with its internals on one
path leaks them there; and a socket that runs queries on another executor than HTTP runs them
on is a second API with its own bugs. Each test runs the same steps over both transports.
"""

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.test import Client
from graphql import ExecutionContext

from backend.accounts.graphql import types as accounts_types
from backend.accounts.services.tokens import access_token_issue
from tests.conftest import ApiClient

from .test_websocket import signed_in_socket

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

TRANSPORTS = ("http", "websocket")
# Costs 301: the connection, then 100 each for edges, nodes and names.
SCHOOLS = "{ schools(first: 100) { edges { node { name } } } }"
# Costs 2: the event and its one field.
REVOKED = "subscription { sessionRevoked { sessionId } }"
SECRET = "secret internals: password=hunter2"


@pytest.fixture(autouse=True)
def fresh_budgets(budget_window):
    cache.clear()  # budgets live in the cache; ids repeat between transactional tests
    yield
    cache.clear()


@dataclass
class Reply:
    """What came back, in one shape for both transports."""

    data: object = None
    errors: list = field(default_factory=list)
    status: int | None = None  # HTTP only
    request_id: str | None = None  # HTTP only: the X-Request-ID header
    raw: str = ""

    @property
    def codes(self) -> list[str]:
        return [error.get("extensions", {}).get("code") for error in self.errors]


class OverHttp:
    def __init__(self, raw_token: str):
        self.phone = ApiClient(Client(), raw_token)

    async def run(
        self, query: str | None, variables: dict | None = None, *, streams=False, extensions=None
    ) -> Reply:
        if extensions is None:
            response = await database_sync_to_async(self.phone.post)(query, variables)
        else:
            response = await database_sync_to_async(self._post_with)(query, variables, extensions)
        body = response.json()
        return Reply(
            body.get("data"),
            body.get("errors", []),
            response.status_code,
            response.get("X-Request-ID"),
            response.content.decode(),
        )

    def _post_with(self, query, variables, extensions):
        body = {"variables": variables or {}, "extensions": extensions}
        if query is not None:
            body["query"] = query
        return self.phone.client.post(
            "/graphql/",
            json.dumps(body),
            content_type="application/json",
            headers={
                "Accept": "application/graphql-response+json",
                "Authorization": f"Bearer {self.phone.token}",
            },
        )

    async def close(self):
        return None


class OverWebSocket:
    def __init__(self, socket):
        self.socket = socket
        self.sent = 0

    async def run(
        self, query: str | None, variables: dict | None = None, *, streams=False, extensions=None
    ) -> Reply:
        """`streams`: a subscription that, once admitted, waits for events (nothing comes)."""
        self.sent += 1
        operation_id = f"op{self.sent}"
        payload = {"query": query, **({"variables": variables} if variables else {})}
        if extensions is not None:
            payload["extensions"] = extensions
        if query is None:
            del payload["query"]
        await self.socket.send_json_to(
            {"id": operation_id, "type": "subscribe", "payload": payload}
        )
        if streams and await self.socket.receive_nothing(timeout=0.5):
            return Reply()  # admitted: its stream is open
        message = await self.socket.receive_json_from(timeout=5)
        assert message["id"] == operation_id
        if message["type"] == "error":
            return Reply(errors=message["payload"], raw=str(message))
        assert message["type"] == "next", message
        if not streams:
            assert await self.socket.receive_json_from(timeout=5) == {
                "id": operation_id,
                "type": "complete",
            }
        body = message["payload"]
        return Reply(body.get("data"), body.get("errors", []), raw=str(message))

    async def close(self):
        await self.socket.disconnect()


async def connect(transport: str, user):
    if transport == "http":
        _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="p")
        return OverHttp(raw)
    socket, _token = await signed_in_socket(user)
    return OverWebSocket(socket)


LIMITS = {
    # name: (limits to set, the document, the code that refuses it)
    "depth": ({"max_depth": 3}, "{ me { person { school { district { name } } } } }", None),
    "aliases": (
        {"max_aliases": 3},
        "{ a: me { roles } b: me { roles } c: me { roles } d: me { roles } }",
        "TOO_MANY_ALIASES",
    ),
    "page size": ({}, "{ schools(first: 101) { totalCount } }", "PAGE_SIZE_EXCEEDED"),
    # A plain list without a declared maximum counts `default_list_size` items.
    "list size": (
        {"default_list_size": 500, "max_cost": 400},
        "{ me { sessions { deviceName } } }",
        "QUERY_TOO_COSTLY",
    ),
    "cost": ({"max_cost": 250}, SCHOOLS, "QUERY_TOO_COSTLY"),
}


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("limit", list(LIMITS))
async def test_each_limit_refuses_with_the_same_code_over_both(teacher, settings, transport, limit):
    lowered, query, code = LIMITS[limit]
    caller = await connect(transport, teacher)
    if limit != "page size":  # no page size limit to lift: 101 is always too many
        allowed = await caller.run(query)
        assert allowed.errors == [] and allowed.data, allowed.raw
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, **lowered}

    refused = await caller.run(query)

    assert refused.data is None
    if code is None:  # the depth limit is a validation rule, as graphene's was
        assert refused.codes == ["GRAPHQL_VALIDATION_FAILED"]
        assert "exceeds maximum operation depth of 3" in refused.errors[0]["message"]
    else:
        assert refused.codes == [code]
    if transport == "http":
        assert refused.status == 400
    await caller.close()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_nul_in_variables_is_refused_over_both(teacher, transport):
    caller = await connect(transport, teacher)
    query = "query S($t: String) { schools(first: 1, after: $t) { totalCount } }"

    refused = await caller.run(query, {"t": "a\x00b"})

    assert refused.codes == ["BAD_USER_INPUT"]
    await caller.close()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_subscriptions_are_held_to_the_same_document_limits(teacher, settings, transport):
    """Over HTTP a subscription is refused (405) only after the document rules: the same
    refusal as over the socket for a document that breaks them."""
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_aliases": 3, "max_depth": 1}
    caller = await connect(transport, teacher)
    aliased = (
        "subscription { sessionRevoked { a: sessionId b: sessionId c: sessionId d: sessionId } }"
    )
    deep = (
        'subscription { cohortChanged(cohortId: "x") { cohort { school { district { name } } } } }'
    )

    too_many = await caller.run(aliased, streams=True)
    too_deep = await caller.run(deep, streams=True)

    assert too_many.codes == ["TOO_MANY_ALIASES"]
    assert too_deep.codes == ["GRAPHQL_VALIDATION_FAILED"]
    await caller.close()


@pytest.mark.parametrize(("spender", "refused_on"), [("websocket", "http"), ("http", "websocket")])
async def test_a_budget_spent_on_one_transport_refuses_on_the_other(
    teacher, settings, spender, refused_on
):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "cost_per_minute": 700}
    spending = await connect(spender, teacher)
    other = await connect(refused_on, teacher)

    spent = [await spending.run(SCHOOLS) for _ in range(2)]  # 602 of 700
    refused = await other.run(SCHOOLS)

    assert [reply.errors for reply in spent] == [[], []]
    assert refused.codes == ["RATE_LIMITED"]
    assert refused.errors[0]["extensions"]["retryAfter"] > 0
    assert refused.data is None
    if refused_on == "http":
        assert refused.status == 429
        assert int((await database_sync_to_async(_retry_after)(other)) or 0) > 0
    await spending.close()
    await other.close()


def _retry_after(http: OverHttp) -> str | None:
    return http.phone.post(SCHOOLS).get("Retry-After")


async def test_subscriptions_are_charged_to_the_budget(teacher, settings):
    """A subscription is priced and charged like any operation: not a free way to make the
    server do work."""
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "cost_per_minute": 303}
    http = await connect("http", teacher)
    socket = await connect("websocket", teacher)

    assert (await http.run(SCHOOLS)).errors == []  # 301 of 303
    first = await socket.run(REVOKED, streams=True)  # 303: admitted
    second = await socket.run(REVOKED, streams=True)  # 305: over

    assert first.errors == []
    assert second.codes == ["RATE_LIMITED"]
    await socket.close()


def _explode_in_a_resolver(monkeypatch):
    class Exploding:
        @property
        def objects(self):
            raise RuntimeError(SECRET)

    monkeypatch.setattr(accounts_types, "AccessToken", Exploding())


def _explode_in_the_executor(monkeypatch):
    from backend.graphql import execution

    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(execution, "execute_prepared", broken)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("where", ["resolver", "executor"])
async def test_a_bug_is_answered_without_internals_and_with_a_request_id(
    teacher, monkeypatch, caplog, transport, where
):
    caller = await connect(transport, teacher)
    {"resolver": _explode_in_a_resolver, "executor": _explode_in_the_executor}[where](monkeypatch)
    caplog.set_level(logging.ERROR, logger="backend.graphql")

    reply = await caller.run("{ me { sessions { deviceName } } }")

    error = reply.errors[0]
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]
    assert re.fullmatch(r"[A-Za-z0-9._-]{8,64}", request_id)
    assert "hunter2" not in reply.raw and "RuntimeError" not in reply.raw
    if transport == "http":
        assert request_id == reply.request_id
        assert reply.status == (500 if where == "executor" else 200)
    logged = [record for record in caplog.records if request_id in record.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError
    await caller.close()


@pytest.mark.parametrize("executor", ["fast", "stock"])
async def test_websocket_queries_and_mutations_run_on_the_configured_executor(
    teacher, settings, monkeypatch, executor
):
    settings.GRAPHQL_EXECUTOR = executor
    built: list[type] = []
    build = ExecutionContext.build.__func__

    def spy(cls, *args, **kwargs):
        built.append(cls)
        return build(cls, *args, **kwargs)

    monkeypatch.setattr(ExecutionContext, "build", classmethod(spy))
    http = await connect("http", teacher)
    socket = await connect("websocket", teacher)
    mutation = (
        "mutation { notificationPreferencesUpdate(input: {quietHoursEnabled: false}) "
        "{ errors { code } } }"
    )

    await http.run(SCHOOLS)
    over_http = built.pop()
    await socket.run(SCHOOLS)
    query_over_socket = built.pop()
    assert (await socket.run(mutation)).errors == []
    mutation_over_socket = built.pop()

    assert query_over_socket is over_http
    assert mutation_over_socket is over_http
    if executor == "stock":
        assert over_http is ExecutionContext
    else:
        assert over_http is not ExecutionContext and issubclass(over_http, ExecutionContext)
    await socket.close()


# --- persisted queries (backend/graphql/persisted.py, a step of `admit`) ----------------------
ME = "query Me { me { roles } }"


def _hashed(query: str, sha: str | None = None) -> dict:
    digest = sha or hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_persisted_query_refusals_are_the_same_over_both(teacher, transport):
    caller = await connect(transport, teacher)
    unknown = await caller.run(None, extensions=_hashed(ME))
    mismatched = await caller.run(ME, extensions=_hashed(ME, sha="0" * 64))
    version = await caller.run(ME, extensions={"persistedQuery": {"version": 2}})
    assert unknown.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert unknown.errors[0]["message"] == "PersistedQueryNotFound"
    assert mismatched.codes == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert version.codes == ["BAD_REQUEST"]
    await caller.close()


@pytest.mark.parametrize(
    ("registers_on", "runs_on"), [("websocket", "http"), ("http", "websocket")]
)
async def test_a_document_registered_on_one_transport_runs_by_hash_on_the_other(
    teacher, registers_on, runs_on
):
    registrar = await connect(registers_on, teacher)
    runner = await connect(runs_on, teacher)
    registered = await registrar.run(ME, extensions=_hashed(ME))
    assert registered.errors == [] and registered.data, registered.raw

    by_hash = await runner.run(None, extensions=_hashed(ME))

    assert by_hash.errors == [] and by_hash.data == registered.data, by_hash.raw
    await registrar.close()
    await runner.close()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_allow_list_refuses_an_unlisted_document_over_both(teacher, settings, transport):
    caller = await connect(transport, teacher)
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"

    in_full = await caller.run(SCHOOLS)
    with_hash = await caller.run(SCHOOLS, extensions=_hashed(SCHOOLS))
    subscription = await caller.run(REVOKED, streams=True)

    for refused in (in_full, with_hash, subscription):
        assert refused.data is None
        assert refused.codes == ["PERSISTED_QUERY_NOT_ALLOWED"], refused.raw
    await caller.close()
