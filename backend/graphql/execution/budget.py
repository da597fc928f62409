"""The limits of a running query, the same on both executors: a wall clock
(GRAPHQL_LIMITS["max_seconds"]) and a count of the fields it resolved (`CostMeter`).

The fast executor (`fast.SyncExecutionContext`) checks them in its own loops. The stock one
cannot be given a loop of ours without overriding graphql-core's internals, which is what it
is there to avoid, so it gets `RunLimits`, a graphql-core middleware (public API, the same in
3.2 and 3.3) that does both checks around every resolver call: the clock is read per field
rather than per object, and every resolved field is counted once, as the fast executor counts
the fields of each object it completes."""

import time


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


class RunLimits:
    """graphql-core middleware for the stock executor: before each field's resolver, stop the
    query once past its deadline and count the field on its cost meter (both from the
    context, set by `run.execute_prepared`; a mutation has neither)."""

    __slots__ = ("deadline", "meter")

    def __init__(self, deadline: float | None, meter: CostMeter | None):
        self.deadline = deadline
        self.meter = meter

    def resolve(self, next_, root, info, **args):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryDeadlineExceeded
        if self.meter is not None:
            self.meter.spent += 1
        return next_(root, info, **args)
