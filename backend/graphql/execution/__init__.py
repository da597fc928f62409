"""Parse, validate and run one GraphQL operation; shared by the HTTP view and the WebSocket.

The public entry points are `prepare` (parse, validate, price: `preparation`) and
`execute_prepared` (run on the chosen executor within the query's limits: `run`). The
modules, one job each:
- `preparation`: documents, validation rules and the cost check before anything runs;
- `run`: executes a prepared operation on the executor settings.GRAPHQL_EXECUTOR names;
- `budget`: a running query's wall clock and cost meter, for both executors;
- `fast`: the fast executor, graphql-core's ExecutionContext with its hot paths replaced
  (its docstring is the upgrade note: which graphql-core internals it overrides and what to
  check on graphql-core 3.3);
- `leaf_plans`: how a leaf resolves in one step (graphene's resolver partials unwrapped, and
  the `reads_root_only` / `reads_attribute_through` marks resolvers carry);
- `rows`: compiled readers for the items of a list.

Executors: GRAPHQL_EXECUTOR=fast (default) or stock (graphql-core's own execution, the
fallback if the fast one is ever wrong or graphql-core changes under it). Same limits, same
errors, same JSON either way; the whole suite runs on both in CI (`.ci/run`).
"""

from .budget import TIMEOUT_MESSAGE, CostMeter, QueryDeadlineExceeded
from .fast import SyncExecutionContext, is_coroutine
from .leaf_plans import reads_attribute_through, reads_root_only
from .preparation import (
    NUL_MESSAGE,
    PreparedOperation,
    _parse_and_validate,
    prepare,
    require_non_null_inputs,
    strip_suggestions,
)
from .run import EXECUTORS, execute_prepared

__all__ = [
    "EXECUTORS",
    "NUL_MESSAGE",
    "TIMEOUT_MESSAGE",
    "CostMeter",
    "PreparedOperation",
    "QueryDeadlineExceeded",
    "SyncExecutionContext",
    "_parse_and_validate",
    "execute_prepared",
    "is_coroutine",
    "prepare",
    "reads_attribute_through",
    "reads_root_only",
    "require_non_null_inputs",
    "strip_suggestions",
]
