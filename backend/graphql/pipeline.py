"""One operation pipeline for every transport: the HTTP view and the WebSocket call it alike.

An operation goes through these steps, each written once, here:

1. `admit`: find the document (sent in full, or by the hash of a persisted query; in
   allow-list mode only one the app shipped: `persisted.py`), parse and validate (the
   specification's rules, then ours: depth, aliases, NUL in text, introspection), price it
   (page sizes, list sizes, `max_cost`) by `execution.prepare`; then the transport's own rule
   about operation kinds (`allow`: HTTP sends subscriptions to the WebSocket and mutations to
   POST); then charge the caller's per-minute cost budget (`limits.charge_query_cost`, one
   budget per caller whatever the path); a document sent with its hash is then stored under
   it. A `Refusal` means nothing ran.
2. `execute` (queries and mutations): the executor the settings choose
   (`execution.execute_prepared`: its wall clock and its count of what really ran), run
   synchronously; the WebSocket runs it on the database thread (`execute_async`).
   `open_stream` (subscriptions): graphql-core's `subscribe`, whose events then run on their own.
3. `response_payload` / `internal_error`: the result in wire form, errors masked by
   `errors.format_error`; a failure outside any resolver is logged and answered without its
   internals, with the request id that finds it in the logs.

A rule about a request as a whole goes into one of these steps (or, for a rule about the
document, into `limits.py` and `execution/preparation.py:_limit_rules`), never into a
transport: then it holds over HTTP and WebSocket alike, and
`tests/backend/test_pipeline_transports.py` says so.
"""

import logging
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from graphql import ExecutionResult
from graphql import subscribe as graphql_subscribe

from backend.client_address import context_client_address
from backend.request_id import current_request_id

from . import execution, persisted
from .errors import INTERNAL_MESSAGE, ApiErrorCode, format_error
from .execution import PreparedOperation
from .limits import CostBudgetExceeded, charge_query_cost

logger = logging.getLogger("backend.graphql")


@dataclass(frozen=True)
class OperationRequest:
    """What a transport received: the document (None when only a persisted query's hash
    came), the operation to run, its variables and the request's `extensions`."""

    query: str | None
    operation_name: str | None = None
    variables: dict | None = None
    extensions: dict | None = None


@dataclass(frozen=True)
class Answer:
    """The response payload (`data`, `errors`) and the HTTP status it deserves."""

    payload: dict
    status: int = 200


class Refusal(Exception):
    """The operation did not run. `errors` in wire form; `status` for a transport that has one
    (with `application/graphql-response+json`; `status_as_json` with plain `application/json`,
    where a well-formed request that failed validation is still a 200), `headers` to send."""

    def __init__(
        self,
        errors: list[dict],
        *,
        status: int = 400,
        status_as_json: int | None = None,
        headers: dict | None = None,
    ):
        super().__init__(errors[0]["message"] if errors else "refused")
        self.errors = errors
        self.status = status
        self.status_as_json = status if status_as_json is None else status_as_json
        self.headers = headers or {}


def refusal(message: str, code: str, *, status: int = 400, headers=None, **extensions) -> Refusal:
    """A refusal of one error: `message`, `extensions.code` and any more `extensions`."""
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return Refusal([error], status=status, headers=dict(headers or {}))


def admit(
    schema,
    operation: OperationRequest,
    context,
    *,
    allow: Callable[[PreparedOperation], None] | None = None,
) -> PreparedOperation:
    """Steps before execution: the document (persisted queries, the allow-list), parse,
    validate, limits, the transport's `allow` (raises a Refusal for a kind it does not carry),
    then the per-minute budget; then a document sent with its hash is stored. Raises Refusal."""
    document = _document(operation, persisted.resolve)
    prepared = _prepare(schema, document.query, operation, allow)
    charge(context, prepared.cost)
    persisted.register(document)
    return prepared


def _document(operation: OperationRequest, resolve) -> persisted.Resolved:
    try:
        document = resolve(operation.query, operation.extensions)
        persisted.check_allowed(document.query)
    except persisted.PersistedQueryRefused as refused:
        raise _refusal_of(refused) from refused
    return document


def _refusal_of(refused: persisted.PersistedQueryRefused) -> Refusal:
    error = {"message": str(refused), "extensions": {"code": refused.code}}
    return Refusal([error], status=refused.status, status_as_json=refused.status_as_json)


def _prepare(schema, query: str, operation: OperationRequest, allow) -> PreparedOperation:
    prepared = execution.prepare(schema, query, operation.operation_name, operation.variables)
    if prepared.errors:
        errors = [format_error(error) for error in prepared.errors]
        raise Refusal(errors, status=400, status_as_json=200)
    if allow is not None:
        allow(prepared)
    return prepared


def charge(context, cost: int) -> None:
    """Charge `cost` to the caller's per-minute budget: one per caller (the account, or the
    address when signed out), so one phone or a script with a stolen token cannot keep the
    server busy with expensive lists, over HTTP or WebSocket. Raises Refusal (429)."""
    try:
        charge_query_cost(user=context.user, address=context_client_address(context), cost=cost)
    except CostBudgetExceeded as exc:
        raise refusal(
            str(exc),
            exc.code,
            status=429,
            headers={"Retry-After": str(exc.retry_after)},
            retryAfter=exc.retry_after,
        ) from exc


async def charge_async(context, cost: int) -> None:
    # A cache call, safe off the database thread: it need not queue behind queries.
    await sync_to_async(charge, thread_sensitive=False)(context, cost)


async def admit_async(schema, operation: OperationRequest, context, *, allow=None):
    """`admit` from async code: parsing and pricing here (cached, CPU only), the cache and the
    budget off the database thread."""
    resolve = sync_to_async(persisted.resolve, thread_sensitive=False)
    try:
        resolved = await resolve(operation.query, operation.extensions)
    except persisted.PersistedQueryRefused as refused:
        raise _refusal_of(refused) from refused
    document = _document(operation, lambda *_: resolved)
    prepared = _prepare(schema, document.query, operation, allow)
    await charge_async(context, prepared.cost)
    await sync_to_async(persisted.register, thread_sensitive=False)(document)
    return prepared


def execute(schema, prepared: PreparedOperation, operation: OperationRequest, context) -> Answer:
    """Run an admitted query or mutation on the configured executor; never raises."""
    try:
        result = execution.execute_prepared(
            schema,
            prepared,
            context=context,
            variables=operation.variables,
            operation_name=operation.operation_name,
        )
    except Exception:
        return Answer({"data": None, "errors": [internal_error(operation)]}, status=500)
    return Answer(response_payload(result))


async def execute_async(schema, prepared, operation: OperationRequest, context) -> Answer:
    """`execute` from async code, on the database thread (the ORM is sync)."""
    return await sync_to_async(execute, thread_sensitive=True)(schema, prepared, operation, context)


async def open_stream(
    schema, document, context, *, variables=None, operation_name=None
) -> AsyncIterator[ExecutionResult] | ExecutionResult:
    """Start a subscription (its `subscribe_*` resolver runs, with its permission checks): an
    iterator of results, or one ExecutionResult when it was refused or failed."""
    return await graphql_subscribe(
        schema.graphql_schema,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
    )


def response_payload(result: ExecutionResult) -> dict:
    """A result in wire form: errors masked, codes in `extensions.code`."""
    payload = {"data": result.data}
    if result.errors:
        payload["errors"] = [format_error(error) for error in result.errors]
    return payload


def internal_error(operation: OperationRequest | None = None) -> dict:
    """Call in an `except` block: log the failure with the request id, answer without it."""
    request_id = current_request_id()
    name = (operation.operation_name if operation else None) or "(anonymous)"
    logger.exception("Operation %s failed (request %s)", name, request_id)
    failure = sys.exc_info()[1]
    message = f"{type(failure).__name__}: {failure}" if settings.DEBUG else INTERNAL_MESSAGE
    return {
        "message": message,
        "extensions": {"code": ApiErrorCode.INTERNAL_SERVER_ERROR, "requestId": request_id},
    }
