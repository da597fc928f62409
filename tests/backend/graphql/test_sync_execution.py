"""The one-step leaf path of `SyncExecutionContext` answers exactly what graphql-core does:
the same data and the same errors (message, path, locations), field by field."""

import asyncio
import json
from datetime import date, datetime

import graphene
import pytest
from graphql import ExecutionContext, ExecutionResult, execute, parse

from backend.graphql.execution import (
    SyncExecutionContext,
    is_coroutine,
    reads_attribute_through,
    reads_root_only,
)
from backend.graphql.ids import GlobalIds


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


CODES = {0: "zero", 1: "one", 2: "two", 3: None}
CODE_RESOLVER_CALLS = []


class Row(graphene.ObjectType):
    """Leaves read straight off attributes: what the compiled row readers (`rows`) handle."""

    label = graphene.String(required=True)
    count = graphene.Int()
    share = graphene.Float()
    on = graphene.Boolean()
    day = graphene.Date()
    colour = graphene.Field(Colour)
    tag = graphene.ID()
    things = graphene.List(Thing)
    nameless_thing = graphene.NonNull(Thing)
    pals = graphene.List(graphene.NonNull(Thing), required=True)  # read off the attribute
    tags = graphene.List(graphene.String)
    code = graphene.String()  # `CODES[root.count]`, which compiled rows look up themselves

    @staticmethod
    @reads_attribute_through("count", CODES.__getitem__)
    def resolve_code(root, info):
        CODE_RESOLVER_CALLS.append(root)
        return CODES[root.count]

    @staticmethod
    def resolve_things(root, info):
        return [Holder(root.label)]

    @staticmethod
    def resolve_nameless_thing(root, info):  # its required name is null: the row cannot be
        return Holder(None)


class Plain:
    def __init__(self, label="row", **values):
        self.label = label
        defaults = {"count": 1, "share": 0.5, "on": True, "day": date(2026, 9, 1), "pals": ()}
        for name, value in {**defaults, "colour": "RED", "tag": "t1", **values}.items():
            setattr(self, name, value)


ROWS = [
    Plain("plain"),
    Plain("nulls", count=None, share=None, on=None, day=None, colour=None, tag=None),
    Plain("huge", count=2**40),
    Plain("not a number", share=float("nan")),
    Plain("infinite", share=float("inf")),
    Plain("int for float", share=3),
    Plain("int for bool", on=1),
    Plain("datetime for date", day=datetime(2026, 9, 1, 23, 30)),
    Plain("text for date", day="yesterday"),
    Plain("enum member", colour=Colour.BLUE),
    Plain("unknown colour", colour="PURPLE"),
    Plain("int id", tag=7),
    Plain(None),
    Plain("after the bad ones"),
    Plain("no pals in a list", pals=[], tags=[]),
    Plain("pals", pals=(Holder("hal", size=2), Holder("ida")), tags=["a", None]),
    Plain("a nameless pal", pals=[Holder(None)]),
    Plain("pals missing", pals=None),
    Plain("pals as text", pals="", tags=""),
    None,
    {"label": "a dict", "count": 2},
]


class Query(graphene.ObjectType):
    things = graphene.List(Thing)
    dicts = graphene.List(Thing)
    strict = graphene.Field(Thing)
    rows = graphene.List(Row)
    plain_rows = graphene.List(graphene.NonNull(Row), count=graphene.Int(required=True))

    @staticmethod
    def resolve_rows(root, info):
        return ROWS

    @staticmethod
    def resolve_plain_rows(root, info, count):
        return [Plain(f"row {i}", count=i) for i in range(count)]

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
    "{ rows { label count share on day colour tag } }",
    "{ rows { tag things { name size } label things2: things { name } count } }",
    "{ rows { count n: count label } }",
    "{ plainRows(count: 3) { label count } }",
    "{ plainRows(count: 2) { label things { name brokenRequired } count } }",
    "{ plainRows(count: 2) { label namelessThing { name } count } }",
    "{ rows { label namelessThing { name } count } }",
    "{ rows { label pals { name size } tags count } }",
    "{ rows { pals { name } } }",
    "{ rows { label code } }",
]


def _run(document, context_class, is_awaitable=None):
    result = execute(
        schema.graphql_schema,
        parse(document),
        execution_context_class=context_class,
        is_awaitable=is_awaitable,
    )
    errors = [(e.message, e.path, e.locations) for e in result.errors or []]
    return json.dumps(result.data), errors  # as text: the order of the keys counts too


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

    assert json.loads(data) == {"things": [{"rootOnly": "ada!"}, {"rootOnly": "bo!"}]}
    assert not errors
    assert SEEN_INFO == [None, None]


def test_a_list_of_plain_rows_is_completed_without_the_per_field_path(monkeypatch):
    calls = []
    general = SyncExecutionContext.execute_fields

    def counted(self, parent_type, source_value, path, fields):
        calls.append(parent_type.name)
        return general(self, parent_type, source_value, path, fields)

    monkeypatch.setattr(SyncExecutionContext, "execute_fields", counted)
    data, errors = _run("{ plainRows(count: 50) { label count } }", SyncExecutionContext)

    assert not errors
    assert json.loads(data)["plainRows"][49] == {"label": "row 49", "count": 49}
    assert calls == ["Query"]  # the root only: no row went through execute_fields


def test_only_the_rows_a_compiled_reader_gives_up_on_take_the_general_path(monkeypatch):
    completed = []
    general = SyncExecutionContext.execute_fields

    def counted(self, parent_type, source_value, path, fields):
        if parent_type.name == "Row":
            completed.append(_get(source_value, "label"))
        return general(self, parent_type, source_value, path, fields)

    monkeypatch.setattr(SyncExecutionContext, "execute_fields", counted)
    _run("{ rows { label count share on day colour tag } }", SyncExecutionContext)

    expected = {_get(row, "label") for row in ROWS if row is not None} - {
        "plain",
        "nulls",
        "after the bad ones",
        "no pals in a list",
        "pals",
        "a nameless pal",
        "pals missing",
        "pals as text",
    }
    assert set(completed) == expected


class AsyncRow(graphene.ObjectType):
    label = graphene.String(required=True)
    later = graphene.String()
    friend = graphene.Field(Thing)

    @staticmethod
    async def resolve_later(root, info):
        return _get(root, "label").upper()

    @staticmethod
    async def resolve_friend(root, info):
        return Holder(_get(root, "label") + "'s friend")


class AsyncQuery(graphene.ObjectType):
    rows = graphene.List(AsyncRow)
    dicts = graphene.List(AsyncRow)

    @staticmethod
    def resolve_rows(root, info):
        return [Plain("one"), Plain("two")]

    @staticmethod
    def resolve_dicts(root, info):  # dicts: never compiled, always the general path
        return [{"label": "one"}, {"label": "two"}]


def _run_async(document, context_class):
    async def run():
        result = execute(
            graphene.Schema(query=AsyncQuery).graphql_schema,
            parse(document),
            execution_context_class=context_class,
        )
        return await result if not isinstance(result, ExecutionResult) else result

    result = asyncio.run(run())
    return json.loads(json.dumps(result.data)), [(e.message, e.path) for e in result.errors or []]


def test_an_async_object_field_in_a_compiled_row_is_awaited_as_graphql_core_does():
    data, errors = _run_async("{ rows { label friend { name } } }", SyncExecutionContext)

    assert (data, errors) == _run_async("{ rows { label friend { name } } }", ExecutionContext)
    assert data["rows"][1] == {"label": "two", "friend": {"name": "two's friend"}}


def test_an_async_leaf_is_refused_the_same_in_compiled_and_general_rows():
    compiled = _run_async("{ rows { label later } }", SyncExecutionContext)
    general = _run_async("{ dicts { label later } }", SyncExecutionContext)

    assert (
        compiled[0]["rows"]
        == general[0]["dicts"]
        == [
            {"label": "one", "later": None},
            {"label": "two", "later": None},
        ]
    )
    assert [message for message, _path in compiled[1]] == [
        "An async resolver cannot run in a synchronous request."
    ] * 2
    assert [path for _message, path in compiled[1]] == [["rows", 0, "later"], ["rows", 1, "later"]]


def test_an_empty_list_read_off_an_attribute_is_not_completed_field_by_field(monkeypatch):
    completed = []
    general = SyncExecutionContext.execute_field

    def counted(self, parent_type, source, field_nodes, path):
        completed.append((parent_type.name, field_nodes[0].name.value))
        return general(self, parent_type, source, field_nodes, path)

    monkeypatch.setattr(SyncExecutionContext, "execute_field", counted)
    data, errors = _run("{ plainRows(count: 3) { label pals { name } } }", SyncExecutionContext)

    assert not errors and json.loads(data)["plainRows"][2] == {"label": "row 2", "pals": []}
    assert completed == [("Query", "plainRows")]


def test_a_resolver_that_reads_an_attribute_through_a_lookup_is_not_called_per_row():
    CODE_RESOLVER_CALLS.clear()

    data, errors = _run("{ plainRows(count: 4) { code } }", SyncExecutionContext)

    assert json.loads(data)["plainRows"] == [
        {"code": "zero"},
        {"code": "one"},
        {"code": "two"},
        {"code": None},
    ]
    assert not errors and CODE_RESOLVER_CALLS == []


def test_global_ids_are_memoised_and_bounded(monkeypatch):
    monkeypatch.setattr(GlobalIds, "LIMIT", 3)
    ids = GlobalIds("Person")

    assert ids[7] == "UGVyc29uOjc=" and ids[None] is None
    assert ids[7] is ids[7]
    ids[8], ids[9]  # past the limit: cleared before it grows
    assert len(ids) <= 3 and ids[7] == "UGVyc29uOjc="
