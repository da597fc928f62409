"""Run a prepared operation on the executor settings.GRAPHQL_EXECUTOR names.

"fast" (the default) is `fast.SyncExecutionContext`, graphql-core's execution with its hot
paths replaced; "stock" is graphql-core's own, untouched, the fallback when the fast one is in
doubt (see `backend.graphql.execution` for when and how to switch). Everything around them is
the same: the wall clock and cost meter (`budget`), the QUERY_TIMEOUT answer, and what the
transports do with the result (error masking, JSON encoding). The choice is made here, per
operation, so HTTP and the WebSocket both follow it."""

import contextlib
import logging
import time

from django.conf import settings
from graphql import ExecutionResult, GraphQLError, execute

from backend.client_address import context_client_address
from backend.request_id import current_request_id

from ..limits import CostBudgetExceeded, charge_query_cost
from .budget import TIMEOUT_MESSAGE, CostMeter, QueryDeadlineExceeded, RunLimits
from .fast import SyncExecutionContext, is_coroutine
from .preparation import PreparedOperation

logger = logging.getLogger("backend.graphql")

EXECUTORS = ("fast", "stock")


def _executor_arguments(context) -> dict:
    """The arguments of graphql-core's `execute` that make the chosen executor."""
    executor = settings.GRAPHQL_EXECUTOR
    if executor == "fast":
        return {"execution_context_class": SyncExecutionContext, "is_awaitable": is_coroutine}
    if executor == "stock":
        if context.deadline is None and context.cost_meter is None:
            return {}  # a mutation: nothing to check per field
        return {"middleware": [RunLimits(context.deadline, context.cost_meter)]}
    raise ValueError(f"GRAPHQL_EXECUTOR is {executor!r}; it must be one of {', '.join(EXECUTORS)}.")


def _charge_overrun(context, prepared: PreparedOperation, spent: int) -> None:
    """Charge the per-minute budget for what ran beyond the price paid before execution, so
    a list longer than its declared maximum still counts with its real size. The answer is
    already computed: an exhausted budget refuses the caller's next operation, not this one."""
    overrun = spent - prepared.cost
    if overrun <= 0:
        return
    with contextlib.suppress(CostBudgetExceeded):
        charge_query_cost(user=context.user, address=context_client_address(context), cost=overrun)


def execute_prepared(
    schema, prepared: PreparedOperation, *, context, variables, operation_name
) -> ExecutionResult:
    """Run a prepared query or mutation synchronously (HTTP view, WebSocket through
    sync_to_async). A query gets GRAPHQL_LIMITS["max_seconds"] of wall clock: past it the
    execution stops between two fields (or two items of a list) and the result is only a
    top-level QUERY_TIMEOUT error. Mutations are not cut off half way: their writes have
    committed by the time their payload is read, and their cost is small.

    A query's cost is also counted as it runs (`CostMeter`): whatever it resolved beyond its
    price before execution is charged to the caller's per-minute budget afterwards."""
    limits = settings.GRAPHQL_LIMITS
    max_seconds = limits["max_seconds"]
    meter = None
    if prepared.kind == "query":
        if max_seconds:
            context.deadline = time.monotonic() + max_seconds
        meter = context.cost_meter = CostMeter()
    try:
        return execute(
            schema.graphql_schema,
            prepared.document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            **_executor_arguments(context),
        )
    except QueryDeadlineExceeded:
        logger.warning("Query %s stopped after %s s", operation_name or "(anonymous)", max_seconds)
        return ExecutionResult(
            data=None,
            errors=[
                GraphQLError(
                    TIMEOUT_MESSAGE,
                    extensions={"code": "QUERY_TIMEOUT", "requestId": current_request_id()},
                )
            ],
        )
    finally:
        context.deadline = None
        if meter is not None:
            context.cost_meter = None
            _charge_overrun(context, prepared, meter.spent)
