"""The fast executor: graphql-core 3.2's `ExecutionContext` with its hot paths replaced.

graphql-core resolves every field the same way: look up the field, build a resolve info and
a path, coerce arguments, call the resolver, check twice whether the result is awaitable,
then complete it through a chain of type checks. Most fields of a response are leaves (a
name, a date, an id) read straight off a model or a dataclass, and that machinery is most of
their cost: profiles of the key operations (bench/profile.py) put graphql-core at about half
of a request that reads prefetched data. For leaf fields without arguments this context
does the same work in one step, with the same results and the same errors: a value that is
already what the built-in scalar would return (a str for String and ID, a 32-bit int, a
finite float, a bool) is used as it is, a date becomes its ISO text as graphene's Date
would make it, and a resolver marked `reads_root_only` is called without the resolve info it
would not read (`leaf_plans`). Lists of objects are completed in one loop, their items read
by a compiled function per selection (`rows`). About 24x faster than graphql-core on long
lists (a district map).

Upgrade note (graphql-core and graphene are pinned below their next minor in requirements.in)
-------------------------------------------------------------------------------------------
What this relies on that is not graphql-core's public API:
- `ExecutionContext.execute_fields(parent_type, source_value, path, fields)`: overridden;
  `fields` is the dict from `collect_subfields`, whose identity is our cache key.
- `ExecutionContext.complete_list_value(return_type, field_nodes, info, path, result)`:
  overridden; calls `collect_subfields(object_type, field_nodes)` (memoized per field nodes),
  `execute_field(parent_type, source, field_nodes, path)`, `complete_value`,
  `build_resolve_info`, `handle_field_error(error, return_type, path)`, `middleware_manager`
  and `is_awaitable`, all with their 3.2 signatures.
- graphene's resolver partials (`leaf_plans`), read by shape.
graphql-core 3.3 changes all of the first two: `ExecutionContext` becomes `Executor`
(`execute(..., executor_class=)`), `execute_fields`/`execute_field`/`complete_list_value` take
a grouped field set of `FieldDetails` and a `position_context`, and `collect_subfields`
returns `CollectedFields`. So on 3.3: run the suite with GRAPHQL_EXECUTOR=stock first (it uses
only `execute(..., middleware=)`, public in both), then port these overrides to the new
signatures (or drop them) and run `tests/backend/graphql/test_sync_execution.py`, which holds
every fast path to graphql-core's own answer, and the benchmark (`bench/`, the district map).

The fallback: GRAPHQL_EXECUTOR=stock (environment variable, read in backend/settings.py)
runs every operation on graphql-core's own execution with the same limits and answers; CI
runs the API tests on both.
"""

import math
import time
from asyncio import gather
from datetime import date
from types import CoroutineType

from graphql import ExecutionContext, Undefined, is_non_null_type, is_object_type, located_error
from graphql.pyutils import Path, inspect

from .budget import QueryDeadlineExceeded
from .leaf_plans import GRAPHQL_INT, leaf_plan
from .rows import ATTRIBUTE as _ATTRIBUTE
from .rows import GLOBAL_ID as _GLOBAL_ID
from .rows import ROOT_RESOLVER as _ROOT_RESOLVER
from .rows import SLOW, leaf_spec, list_attribute_spec, row_reader


def is_coroutine(value) -> bool:
    """The HTTP view is synchronous: nothing a resolver returns is awaited, so only a
    coroutine (an async resolver by mistake) needs telling apart; graphql-core's own check
    also probes every object for `__await__`."""
    return type(value) is CoroutineType


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
            plan = leaf_plan(field_def) if field_def is not None else None
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
                or (value_class is int and -GRAPHQL_INT <= value < GRAPHQL_INT)
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
