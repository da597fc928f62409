"""Parse, validate and run one GraphQL operation; shared by the HTTP view and the WebSocket."""

import contextlib
import logging
import math
import re
import time
from asyncio import gather
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from types import CoroutineType

import graphene
from django.conf import settings
from graphene.relay.node import GlobalID
from graphene.types.resolver import dict_or_attr_resolver
from graphene_django import DjangoObjectType
from graphql import (
    DocumentNode,
    ExecutionContext,
    ExecutionResult,
    GraphQLBoolean,
    GraphQLError,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLString,
    OperationDefinitionNode,
    StringValueNode,
    Undefined,
    ValidationRule,
    execute,
    get_operation_ast,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
    located_error,
    parse,
    specified_rules,
    validate,
)
from graphql.pyutils import Path, inspect

from backend.client_address import context_client_address
from backend.request_id import current_request_id

from .errors import request_error
from .limits import (
    CostBudgetExceeded,
    alias_limit_rule,
    charge_query_cost,
    depth_limit_rule,
    operation_cost,
)
from .rows import ATTRIBUTE as _ATTRIBUTE
from .rows import GLOBAL_ID as _GLOBAL_ID
from .rows import RESOLVER as _RESOLVER
from .rows import ROOT_RESOLVER as _ROOT_RESOLVER
from .rows import SLOW, leaf_spec, list_attribute_spec, row_reader

logger = logging.getLogger("backend.graphql")
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


@dataclass(frozen=True)
class PreparedOperation:
    document: DocumentNode | None
    operation: OperationDefinitionNode | None
    errors: tuple[GraphQLError, ...]
    cost: int = 0

    @property
    def kind(self) -> str | None:
        return self.operation.operation.value if self.operation else None


NUL_MESSAGE = "Text may not contain NUL (\\u0000) characters."


class NoNulInStrings(ValidationRule):
    """PostgreSQL cannot store NUL in text, and no person types one: refuse at the door."""

    def enter_string_value(self, node: StringValueNode, *_args):
        if "\x00" in node.value:
            self.report_error(
                GraphQLError(NUL_MESSAGE, node, extensions={"code": "BAD_USER_INPUT"})
            )


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


INTROSPECTION_FIELDS = frozenset(("__schema", "__type"))


class DisableIntrospection(ValidationRule):
    """Refuse `__schema` and `__type` when introspection is off. Unlike graphene's rule (which
    refuses every name starting with `__`), `__typename` stays allowed: Apollo Client, Apollo
    iOS and Apollo Kotlin add it to every selection set, and it reveals nothing the client
    did not already ask for."""

    def enter_field(self, node, *_args):
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            self.report_error(
                GraphQLError(f"Cannot query '{name}': introspection is disabled.", node)
            )


def _limit_rules():
    """Our own rules; they assume a document the specification's rules found valid."""
    limits = settings.GRAPHQL_LIMITS
    rules = [
        NoNulInStrings,
        depth_limit_rule(limits["max_depth"]),
        alias_limit_rule(limits["max_aliases"]),
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(DisableIntrospection)
    return rules


def strip_suggestions(message: str) -> str:
    """`message` without graphql-core's "Did you mean ...?" when suggestions are off: they
    name fields, arguments and enum values of the schema to anyone who guesses near them."""
    if settings.GRAPHQL_FIELD_SUGGESTIONS:
        return message
    return _SUGGESTION.sub("", message)


def _strip_suggestion(error: GraphQLError) -> GraphQLError:
    if settings.GRAPHQL_FIELD_SUGGESTIONS:
        return error
    return GraphQLError(strip_suggestions(error.message), error.nodes, extensions=error.extensions)


def require_non_null_inputs(graphql_schema) -> None:
    """Make every non-null input field without a real default required.

    graphene gives an input field declared as `graphene.Field(SomeEnum, required=True)` a
    default of None (not "no default"), so graphql-core's validation let a document leave it
    out and the resolver crashed on the None (the long fuzz found `createTool` without `kind`:
    a 500). A null default on a non-null type is never meant: drop it. Once per schema."""
    if getattr(graphql_schema, "_non_null_inputs_required", False):
        return
    for named in graphql_schema.type_map.values():
        if isinstance(named, GraphQLInputObjectType):
            for field in named.fields.values():
                if is_non_null_type(field.type) and field.default_value is None:
                    field.default_value = Undefined
    graphql_schema._non_null_inputs_required = True


def _parse_and_validate(schema, query: str) -> tuple[DocumentNode | None, tuple]:
    """Documents repeat (mobile apps send the same few), so parse and validate once each. The
    settings the result depends on are part of the cache key, so changing them (tests do)
    never serves a stale verdict."""
    require_non_null_inputs(schema.graphql_schema)
    limits = settings.GRAPHQL_LIMITS
    return _parse_and_validate_cached(
        schema,
        query,
        settings.GRAPHQL_INTROSPECTION,
        settings.GRAPHQL_FIELD_SUGGESTIONS,
        tuple(sorted(limits.items())),
    )


@lru_cache(maxsize=512)
def _parse_and_validate_cached(schema, query: str, *_settings) -> tuple:
    limits = settings.GRAPHQL_LIMITS
    try:
        document = parse(
            query,
            max_tokens=limits["max_tokens"],
            max_source_length=limits["max_document_chars"],
        )
    except GraphQLError as error:
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
        return None, (_strip_suggestion(error),)
    # The specification's rules first: the limit rules walk fragments and would recurse
    # forever on a fragment cycle or fail on a spread of an undefined fragment.
    errors = validate(schema.graphql_schema, document, specified_rules)
    if not errors:
        errors = validate(schema.graphql_schema, document, _limit_rules())
    for error in errors:
        error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}
    return document, tuple(_strip_suggestion(error) for error in errors)


_parse_and_validate.cache_clear = _parse_and_validate_cached.cache_clear


def prepare(schema, query: str, operation_name: str | None, variables: dict | None):
    """Everything that happens before execution; errors here mean nothing ran."""
    document, errors = _parse_and_validate(schema, query)
    if errors:
        return PreparedOperation(document, None, errors)
    if _has_nul(variables):
        return PreparedOperation(document, None, (request_error(NUL_MESSAGE, "BAD_USER_INPUT"),))
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (
            f"Unknown operation named '{operation_name}'."
            if operation_name
            else "Provide operationName: the document has several operations."
        )
        return PreparedOperation(document, None, (request_error(message, "BAD_REQUEST"),))
    limits = settings.GRAPHQL_LIMITS
    try:
        cost = operation_cost(
            schema.graphql_schema,
            document,
            operation_name,
            variables,
            default_page_size=limits["default_page_size"],
            max_page_size=settings.GRAPHENE["RELAY_CONNECTION_MAX_LIMIT"],
            default_list_size=limits["default_list_size"],
        )
    except GraphQLError as error:
        return PreparedOperation(document, operation, (error,))
    if cost > limits["max_cost"]:
        error = request_error(
            f"The operation would cost {cost}, over the limit of {limits['max_cost']}. "
            "Ask for smaller pages or fewer fields.",
            "QUERY_TOO_COSTLY",
        )
        return PreparedOperation(document, operation, (error,))
    return PreparedOperation(document, operation, (), cost)


# --- the wall-clock budget of a query -----------------------------------------------------------


class QueryDeadlineExceeded(BaseException):
    """Raised between fields once a query has run past GRAPHQL_LIMITS["max_seconds"]. A
    BaseException on purpose: graphql-core turns every Exception raised under a field into a
    field error and goes on with the next field; this must stop the whole execution."""


TIMEOUT_MESSAGE = "The request took too long. Ask for less at once."


class CostMeter:
    """The fields one query has resolved so far: its cost as it really ran.

    The check before execution prices a plain list at its declared maximum
    (`limits.LIST_SIZES`), but some lists only usually stay under it (a cohort's membership
    history grows with every role change; a district map holds every teacher of the district),
    so what runs is counted too and the difference charged afterwards (`_charge_overrun`).
    Counting does not stop a query: refusing a district map because it is large would take
    the coordinators' map away; the wall clock (`max_seconds`) bounds one query, and the
    budget, now charged with real sizes, bounds how many a caller can send."""

    __slots__ = ("spent",)

    def __init__(self):
        self.spent = 0


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
            execution_context_class=SyncExecutionContext,
            is_awaitable=is_coroutine,
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


# --- execution for the synchronous HTTP view --------------------------------------------------
#
# graphql-core resolves every field the same way: look up the field, build a resolve info and
# a path, coerce arguments, call the resolver, check twice whether the result is awaitable,
# then complete it through a chain of type checks. Most fields of a response are leaves (a
# name, a date, an id) read straight off a model or a dataclass, and that machinery is most of
# their cost: profiles of the key operations (bench/profile.py) put graphql-core at about half
# of a request that reads prefetched data. For leaf fields without arguments this context
# does the same work in one step, with the same results and the same errors: a value that is
# already what the built-in scalar would return (a str for String and ID, a 32-bit int, a
# finite float, a bool) is used as it is, a date becomes its ISO text as graphene's Date
# would make it, and a resolver marked `reads_root_only` is called
# without the resolve info it would not read. Lists of objects are completed in one loop.

_GRAPHQL_INT = 2**31  # GraphQL's Int is a signed 32-bit integer
# The Python class of a value each built-in scalar serializes to itself.
_SERIALIZED_AS_IS = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLInt: int,
    GraphQLFloat: float,
    GraphQLBoolean: bool,
}


def reads_root_only(resolver):
    """Mark a leaf resolver that reads only its root (`info` unused), so the synchronous
    execution can skip building a resolve info for each of the thousands of rows that use it."""
    resolver.reads_root_only = True
    return resolver


def reads_attribute_through(attribute: str, lookup):
    """Mark a leaf resolver that returns `lookup(getattr(root, attribute))` (and is marked
    `reads_root_only`), so compiled rows (`rows`) call `lookup` on the attribute themselves;
    `lookup` must be a pure function of the value, like `GlobalIds.__getitem__`."""

    def mark(resolver):
        resolver.reads_attribute_through = (attribute, lookup)
        return reads_root_only(resolver)

    return mark


def is_coroutine(value) -> bool:
    """The HTTP view is synchronous: nothing a resolver returns is awaited, so only a
    coroutine (an async resolver by mistake) needs telling apart; graphql-core's own check
    also probes every object for `__await__`."""
    return type(value) is CoroutineType


def _leaf_plan(field_def):
    """How to resolve a leaf field without arguments in one step, or None for the usual path."""
    if field_def.args:
        return None
    field_type = field_def.type
    non_null = is_non_null_type(field_type)
    named = field_type.of_type if non_null else field_type
    if not is_leaf_type(named):
        return None
    as_is = _SERIALIZED_AS_IS.get(named)
    if getattr(named, "graphene_type", None) is graphene.Date:
        as_is = date
    resolve = field_def.resolve
    if resolve is None:
        return None
    if (
        isinstance(resolve, partial)
        and resolve.func is dict_or_attr_resolver
        and len(resolve.args) == 2
        and not resolve.keywords
    ):
        attname, default = resolve.args
        return (_ATTRIBUTE, (attname, default), named, non_null, as_is)
    if (
        isinstance(resolve, partial)
        and resolve.func is GlobalID.id_resolver
        and len(resolve.args) == 2
        and resolve.args[0] is DjangoObjectType.resolve_id
    ):
        return (
            _GLOBAL_ID,
            (resolve.args[1], resolve.keywords.get("parent_type_name")),
            named,
            non_null,
            as_is,
        )
    if getattr(resolve, "reads_root_only", False):
        return (_ROOT_RESOLVER, resolve, named, non_null, as_is)
    return (_RESOLVER, resolve, named, non_null, as_is)


async def _gathered(results, keys):
    """`results` (a dict or a list) once the awaitables at `keys` have been awaited in place,
    as graphql-core completes them (not reached from the synchronous view)."""
    values = await gather(*(results[key] for key in keys))
    for key, value in zip(keys, values, strict=True):
        results[key] = value
    return results


class SyncExecutionContext(ExecutionContext):
    """graphql-core's execution with a one-step path for leaf fields (see above)."""

    _leaf_plans: dict = {}  # (id(parent type), field name) -> (parent type, field, plan)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set by `execute_prepared` for queries; checked for every object and list item.
        self.deadline = getattr(self.context_value, "deadline", None)
        self.meter = getattr(self.context_value, "cost_meter", None)

    def _check_deadline(self):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryDeadlineExceeded

    def _field_plan(self, parent_type, name: str):
        key = (id(parent_type), name)
        found = self._leaf_plans.get(key)
        if found is None or found[0] is not parent_type:
            field_def = parent_type.fields.get(name) if not name.startswith("__") else None
            plan = _leaf_plan(field_def) if field_def is not None else None
            found = self._leaf_plans[key] = (parent_type, field_def, plan)
        return found[1], found[2]

    def _selection_plan(self, parent_type, fields) -> tuple:
        """The plan of every field of a selection. The `fields` dict of a selection comes from
        graphql-core's subfield cache, so every object of a list shares it (and this)."""
        cache = self.__dict__.setdefault("_selection_plans", {})
        key = (id(fields), id(parent_type))
        found = cache.get(key)
        if found is None or found[0] is not fields:
            plans = tuple(
                (name, nodes, *self._field_plan(parent_type, nodes[0].name.value))
                for name, nodes in fields.items()
            )
            found = cache[key] = (fields, parent_type, plans)
        return found[2]

    def execute_fields(self, parent_type, source_value, path, fields):
        if self.deadline is not None:
            self._check_deadline()
        if self.meter is not None:
            self.meter.spent += len(fields)
        if self.middleware_manager:
            return super().execute_fields(parent_type, source_value, path, fields)
        results = {}
        awaitable_fields = []
        for response_name, field_nodes, field_def, plan in self._selection_plan(
            parent_type, fields
        ):
            if plan is None:
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_nodes,
                    Path(path, response_name, parent_type.name),
                )
                if result is Undefined:
                    continue
                if self.is_awaitable(result):
                    awaitable_fields.append(response_name)
                results[response_name] = result
                continue
            results[response_name] = self._complete_leaf(
                parent_type, source_value, path, response_name, field_nodes, field_def, plan
            )
        return _gathered(results, awaitable_fields) if awaitable_fields else results

    def _complete_leaf(
        self, parent_type, source_value, path, response_name, field_nodes, field_def, plan
    ):
        """One leaf field in one step (see above): its serialized value, or None with the
        error recorded as graphql-core records it."""
        kind, how, leaf_type, non_null, as_is = plan
        field_path = None
        try:
            if kind == _ROOT_RESOLVER:
                value = how(source_value, None)
            elif kind == _ATTRIBUTE:
                attname, default = how
                if isinstance(source_value, dict):
                    value = source_value.get(attname, default)
                else:
                    value = getattr(source_value, attname, default)
            elif kind == _GLOBAL_ID:
                node, type_name = how
                value = node.to_global_id(type_name or parent_type.name, source_value.pk)
            else:
                field_path = Path(path, response_name, parent_type.name)
                info = self.build_resolve_info(field_def, field_nodes, parent_type, field_path)
                value = how(source_value, info)
            value_class = value.__class__
            if value_class is as_is and (
                value_class is str
                or value_class is bool
                or (value_class is int and -_GRAPHQL_INT <= value < _GRAPHQL_INT)
                or (value_class is float and math.isfinite(value))
            ):
                pass  # already what the scalar would serialize it to
            elif value_class is as_is and value_class is date:
                value = value.isoformat()
            elif value_class is CoroutineType:
                value.close()
                raise TypeError("An async resolver cannot run in a synchronous request.")
            elif value is None or value is Undefined:
                if non_null:
                    raise TypeError(
                        "Cannot return null for non-nullable field"
                        f" {parent_type.name}.{field_nodes[0].name.value}."
                    )
                value = None
            elif isinstance(value, Exception):
                raise value
            else:
                serialized = leaf_type.serialize(value)
                if serialized is None or serialized is Undefined:
                    raise TypeError(
                        f"Expected `{inspect(leaf_type)}.serialize({inspect(value)})`"
                        " to return non-nullable value, returned:"
                        f" {inspect(serialized)}"
                    )
                value = serialized
        except Exception as raw_error:
            field_path = field_path or Path(path, response_name, parent_type.name)
            error = located_error(raw_error, field_nodes, field_path.as_list())
            self.handle_field_error(error, field_def.type, field_path)
            value = None
        return value

    def complete_list_value(self, return_type, field_nodes, info, path, result):
        """A list of objects (a map's nodes, a page's edges) in one loop: each item goes
        straight to `execute_fields` with the selection collected once, instead of through
        `complete_value` and `complete_object_value` (two type dispatches each). Anything
        else, and any item that is not a plain object, takes graphql-core's path."""
        item_type = return_type.of_type
        object_type = item_type.of_type if is_non_null_type(item_type) else item_type
        if (
            self.middleware_manager
            or not isinstance(result, list | tuple)
            or not is_object_type(object_type)
            or object_type.is_type_of is not None
            or any(type(item) is CoroutineType for item in result)
        ):
            return super().complete_list_value(return_type, field_nodes, info, path, result)
        sub_fields = self.collect_subfields(object_type, field_nodes)
        execute_fields = self.execute_fields
        read, other, at = self._row_reader(object_type, sub_fields)
        completed = []
        awaitable_indices = []
        deadline = self.deadline
        compiled = 0  # rows read by the compiled reader skip `execute_fields` and its count
        for index, item in enumerate(result):
            # Compiled rows never reach `execute_fields`: the wall-clock check goes here too.
            if deadline is not None and time.monotonic() > deadline:
                raise QueryDeadlineExceeded
            try:
                if item is None or isinstance(item, Exception):
                    value = self.complete_value(
                        item_type, field_nodes, info, path.add_key(index, None), item
                    )
                else:
                    value = SLOW
                    if read is not None:
                        at[0], at[1] = path, index
                        value = read(item, other)
                        if value is not SLOW:
                            compiled += 1
                        if at[2]:  # a field `other` completed was Undefined or awaitable
                            value = self._settle_row(value, at)
                    if value is SLOW:
                        value = execute_fields(
                            object_type, item, path.add_key(index, None), sub_fields
                        )
            except Exception as raw_error:
                if at is not None:
                    at[2] = []  # nothing of the failed row is settled later
                item_path = path.add_key(index, None)
                error = located_error(raw_error, field_nodes, item_path.as_list())
                self.handle_field_error(error, item_type, item_path)
                value = None
            if is_coroutine(value):
                awaitable_indices.append(index)
            completed.append(value)
        if compiled and self.meter is not None:
            self.meter.spent += compiled * len(sub_fields)
        return _gathered(completed, awaitable_indices) if awaitable_indices else completed

    def _row_reader(self, object_type, sub_fields):
        """(compiled reader or None, the `other` callback it completes non-leaf fields
        with, the callback's state: [list path, index, unusual results]); see `rows`."""
        cache = self.__dict__.setdefault("_row_readers", {})
        key = (id(sub_fields), id(object_type))
        found = cache.get(key)
        if found is None or found[0] is not sub_fields:
            found = cache[key] = (sub_fields, *self._compile_row_reader(object_type, sub_fields))
        return found[1:]

    def _compile_row_reader(self, object_type, sub_fields):
        plans = self._selection_plan(object_type, sub_fields)
        shape = tuple(
            (
                name,
                leaf_spec(plan, object_type.name)
                if plan is not None
                else list_attribute_spec(field_def),
            )
            for name, _nodes, field_def, plan in plans
        )
        if all(spec is None for _name, spec in shape):
            return None, None, None
        read = row_reader(shape)
        at = [None, 0, []]
        execute_field = self.execute_field
        complete_leaf = self._complete_leaf
        is_awaitable = self.is_awaitable
        type_name = object_type.name

        def other(item, position):
            name, nodes, field_def, plan = plans[position]
            item_path = Path(at[0], at[1], None)
            if plan is not None:  # a leaf the compiled reader leaves to the one-step path
                return complete_leaf(object_type, item, item_path, name, nodes, field_def, plan)
            result = execute_field(object_type, item, nodes, Path(item_path, name, type_name))
            if result is Undefined or is_awaitable(result):
                at[2].append(name)
            return result

        return read, other, at

    def _settle_row(self, row, at):
        """A compiled row with Undefined or awaitable results from `other`, made what
        `execute_fields` would have returned (Undefined left out, awaitables gathered)."""
        names, at[2] = at[2], []
        awaitable = []
        for name in names:
            if row[name] is Undefined:
                del row[name]
            else:
                awaitable.append(name)
        return _gathered(row, awaitable) if awaitable else row
