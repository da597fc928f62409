"""The one-step leaf path of `SyncExecutionContext` answers exactly what graphql-core does:
the same data and the same errors (message, path, locations), field by field."""

from datetime import date, datetime

import graphene
import pytest
from graphql import ExecutionContext, execute, parse

from backend.graphql.execution import SyncExecutionContext, is_coroutine, reads_root_only


class Colour(graphene.Enum):
    RED = "RED"
    BLUE = "BLUE"


class Thing(graphene.ObjectType):
    name = graphene.String(required=True)
    nickname = graphene.String()
    size = graphene.Int()
    colour = graphene.Field(Colour)
    shouted = graphene.String(required=True)
    broken = graphene.String()
    broken_required = graphene.String(required=True)
    missing_required = graphene.String(required=True)
    bad_int = graphene.Int()
    returned_error = graphene.String()
    with_argument = graphene.String(times=graphene.Int())
    huge = graphene.Int()
    ratio = graphene.Float()
    flag = graphene.Boolean()
    flag_as_int = graphene.Int()
    root_only = graphene.String(required=True)
    root_only_broken = graphene.ID(required=True)
    friends = graphene.List(graphene.NonNull(lambda: Thing))
    born = graphene.Date()
    bad_date = graphene.Date()
    maybe_friends = graphene.List(lambda: Thing)

    @staticmethod
    def resolve_huge(root, info):
        return 2**40  # over GraphQL's 32-bit Int

    @staticmethod
    def resolve_ratio(root, info):
        value = _get(root, "size")
        return float("inf") if value is None else value / 2

    @staticmethod
    def resolve_flag(root, info):
        return _get(root, "size") is not None

    @staticmethod
    def resolve_flag_as_int(root, info):
        return True

    @staticmethod
    @reads_root_only
    def resolve_root_only(root, info):
        SEEN_INFO.append(info)
        return _get(root, "name") + "!"

    @staticmethod
    @reads_root_only
    def resolve_root_only_broken(root, info):  # null where it is required, or an exception
        if _get(root, "size") is None:
            raise ValueError("root-only and broken")

    @staticmethod
    def resolve_born(root, info):  # a date, and a datetime (which Date shows as its day)
        return date(1815, 12, 10) if _get(root, "size") else datetime(1906, 12, 9, 23, 30)

    @staticmethod
    def resolve_bad_date(root, info):
        return "yesterday"

    @staticmethod
    def resolve_friends(root, info):
        return [Holder("eve", size=1), None] if _get(root, "name") == "bo" else [Holder("fay")]

    @staticmethod
    def resolve_maybe_friends(root, info):
        return (Holder("gus"), None, ValueError("no friend here"))

    @staticmethod
    def resolve_shouted(root, info):
        return (root["name"] if isinstance(root, dict) else root.name).upper()

    @staticmethod
    def resolve_broken(root, info):
        raise ValueError("broken on purpose")

    @staticmethod
    def resolve_broken_required(root, info):
        raise ValueError("required and broken")

    @staticmethod
    def resolve_missing_required(root, info):
        return None

    @staticmethod
    def resolve_bad_int(root, info):
        return "not a number"

    @staticmethod
    def resolve_returned_error(root, info):
        return ValueError("returned, not raised")

    @staticmethod
    def resolve_with_argument(root, info, times=1):
        return "x" * times


SEEN_INFO = []


def _get(root, name):
    return root[name] if isinstance(root, dict) else getattr(root, name, None)


class Holder:
    def __init__(self, name, nickname=None, size=None, colour=None):
        self.name, self.nickname, self.size, self.colour = name, nickname, size, colour


class Query(graphene.ObjectType):
    things = graphene.List(Thing)
    dicts = graphene.List(Thing)
    strict = graphene.Field(Thing)

    @staticmethod
    def resolve_things(root, info):
        return [Holder("ada", "A", 3, "RED"), Holder("bo", None, None, Colour.BLUE)]

    @staticmethod
    def resolve_dicts(root, info):
        return [{"name": "cy", "size": 5}]

    @staticmethod
    def resolve_strict(root, info):
        return Holder(None)


schema = graphene.Schema(query=Query)

DOCUMENTS = [
    "{ things { name nickname size colour shouted withArgument(times: 2) } }",
    "{ dicts { name size nickname shouted } }",
    "{ things { name broken badInt returnedError } }",
    "{ things { name brokenRequired } }",
    "{ things { missingRequired } }",
    "{ strict { name } }",
    "{ things { __typename name n: nickname } }",
    "{ things { name huge } }",
    "{ things { name born badDate } }",
    "{ things { name ratio flag flagAsInt } }",
    "{ things { rootOnly rootOnlyBroken } }",
    "{ things { name rootOnlyBroken } }",
    "{ things { name friends { name size rootOnly } } }",
    "{ things { name friends { name missingRequired } } }",
    "{ things { maybeFriends { name shouted } } }",
]


def _run(document, context_class, is_awaitable=None):
    result = execute(
        schema.graphql_schema,
        parse(document),
        execution_context_class=context_class,
        is_awaitable=is_awaitable,
    )
    errors = [(e.message, e.path, e.locations) for e in result.errors or []]
    return result.data, errors


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_same_data_and_errors_as_graphql_core(document):
    assert _run(document, SyncExecutionContext, is_coroutine) == _run(document, ExecutionContext)


def test_an_async_resolver_is_an_error_not_a_hang():
    class AsyncQuery(graphene.ObjectType):
        value = graphene.String()

        @staticmethod
        async def resolve_value(root, info):
            return "never"

    result = execute(
        graphene.Schema(query=AsyncQuery).graphql_schema,
        parse("{ value }"),
        execution_context_class=SyncExecutionContext,
        is_awaitable=is_coroutine,
    )

    assert result.data == {"value": None}
    assert "synchronous" in result.errors[0].message


def test_a_resolver_that_reads_only_its_root_gets_no_resolve_info():
    SEEN_INFO.clear()

    data, errors = _run("{ things { rootOnly } }", SyncExecutionContext, is_coroutine)

    assert data == {"things": [{"rootOnly": "ada!"}, {"rootOnly": "bo!"}]} and not errors
    assert SEEN_INFO == [None, None]
