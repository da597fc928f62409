"""GRAPHQL_EXECUTOR picks the executor inside `execute_prepared`, for every transport: "fast"
(ours) or "stock" (graphql-core's own), with the same answers, the same wall clock and the
same count of what a query resolved."""

import time

import graphene
import pytest

from backend.graphql.context import GraphQLContext
from backend.graphql.execution import SyncExecutionContext, execute_prepared, prepare
from backend.graphql.execution import run as execution_run


class Item(graphene.ObjectType):
    """An item."""

    name = graphene.String(description="Its name.")
    rank = graphene.Int(description="Its rank.")


class Query(graphene.ObjectType):
    """Root."""

    items = graphene.List(graphene.NonNull(Item), description="Some items.")
    broken = graphene.String(description="Always fails.")

    @staticmethod
    def resolve_items(root, info):
        return [{"name": f"item {n}", "rank": n} for n in range(30)]

    @staticmethod
    def resolve_broken(root, info):
        raise ValueError("no")


SCHEMA = graphene.Schema(query=Query)
DOCUMENT = "{ items { name rank __typename } broken }"


def _run(document=DOCUMENT):
    prepared = prepare(SCHEMA, document, None, None)
    assert not prepared.errors
    return execute_prepared(
        SCHEMA, prepared, context=GraphQLContext(), variables=None, operation_name=None
    )


def _spent(monkeypatch) -> list[int]:
    """What each query resolved, as `execute_prepared` hands it to the budget."""
    spent = []
    monkeypatch.setattr(
        execution_run, "_charge_overrun", lambda _context, _prepared, n: spent.append(n)
    )
    return spent


def test_both_executors_answer_the_same_and_count_the_same(settings, monkeypatch):
    spent = _spent(monkeypatch)
    answers = {}
    for executor in ("fast", "stock"):
        settings.GRAPHQL_EXECUTOR = executor
        result = _run()
        answers[executor] = (result.data, [e.formatted for e in result.errors])

    assert answers["fast"] == answers["stock"]
    assert answers["stock"][0]["items"][29] == {"name": "item 29", "rank": 29, "__typename": "Item"}
    # 2 root fields, then 3 fields on each of 30 items
    assert spent == [2 + 30 * 3, 2 + 30 * 3]


def test_stock_runs_on_graphql_cores_own_execution(settings, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the fast executor ran")

    monkeypatch.setattr(SyncExecutionContext, "execute_fields", refuse)
    monkeypatch.setattr(SyncExecutionContext, "complete_list_value", refuse)
    settings.GRAPHQL_EXECUTOR = "stock"

    result = _run()

    assert result.data["items"][0] == {"name": "item 0", "rank": 0, "__typename": "Item"}


def test_the_stock_executor_keeps_the_wall_clock_budget(settings):
    class Row(graphene.ObjectType):
        """A row whose name takes time."""

        name = graphene.String(description="Slow.")

        @staticmethod
        def resolve_name(root, info):
            time.sleep(0.002)
            return "x"

    class SlowQuery(graphene.ObjectType):
        """Root."""

        rows = graphene.List(graphene.NonNull(Row), description="Many.")

        @staticmethod
        def resolve_rows(root, info):
            return [object() for _ in range(2000)]  # 4 s of names

    settings.GRAPHQL_EXECUTOR = "stock"
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_seconds": 0.2}
    schema = graphene.Schema(query=SlowQuery)
    prepared = prepare(schema, "{ rows { name } }", None, None)

    started = time.monotonic()
    result = execute_prepared(
        schema, prepared, context=GraphQLContext(), variables=None, operation_name=None
    )

    assert time.monotonic() - started < 1.0
    assert result.data is None
    assert result.errors[0].extensions["code"] == "QUERY_TIMEOUT"


def test_an_unknown_executor_is_refused(settings):
    settings.GRAPHQL_EXECUTOR = "turbo"

    with pytest.raises(ValueError, match="GRAPHQL_EXECUTOR"):
        _run()
