"""Issue 18, item 7, found again by the verification run: a declared list maximum is not a wall.

`LIST_SIZES` says a cohort's `membershipHistory` holds at most 60, but nothing keeps it there:
every role change or departure adds a row. A leader who toggled one peer's role 500 times
(111 s over the API, no limit met) then asked for `membershipHistory x membershipHistory` of that
cohort: the cost check priced it at 21,842 (60 x 60), it ran until QUERY_TIMEOUT (10 s), and
the per-minute budget let one account send about 45 of them a minute.

Must hold: what runs is never more than what was charged. Lists are priced at their declared
maximum before execution, counted as they run, and what ran beyond the price is charged to the
caller's per-minute budget (the wall clock, GRAPHQL_MAX_SECONDS, bounds one query).
"""

import pytest
from graphql import parse

from backend.graphql.limits import operation_cost
from backend.schema import schema
from cohorts.models import Role
from cohorts.services.cohorts import cohort_create
from cohorts.services.memberships import membership_add, membership_role_change
from tests.conftest import top_level_codes

HISTORY_SQUARED = (
    "query($c: ID!) { node(id: $c) { ... on Cohort {"
    " membershipHistory { id cohort { membershipHistory { id } } } } } }"
)
ROLE_CHANGES = 70  # more than Cohort.membershipHistory's declared 60


def priced(query: str, variables: dict, settings) -> int:
    limits = settings.GRAPHQL_LIMITS
    return operation_cost(
        schema.graphql_schema,
        parse(query),
        None,
        variables,
        default_page_size=limits["default_page_size"],
        max_page_size=100,
        default_list_size=limits["default_list_size"],
    )


@pytest.fixture
def churned_cohort(leader, teacher):
    """A cohort whose history outgrew its declared maximum: one peer's role toggled 70 times."""
    cohort = cohort_create(
        actor=leader, school=leader.school, name="Churn", school_year="2026-2027"
    )
    membership = membership_add(actor=leader, cohort=cohort, person=teacher, role=Role.BLUE)
    role = Role.YELLOW
    for _ in range(ROLE_CHANGES):
        membership = membership_role_change(actor=leader, membership=membership, role=role)
        role = Role.BLUE if role == Role.YELLOW else Role.YELLOW
    return cohort


def cohort_gid(cohort) -> str:
    from graphql_relay import to_global_id

    return to_global_id("Cohort", cohort.pk)


def limits(settings, **changes):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_seconds": 0, **changes}


def test_what_ran_beyond_the_price_is_charged_to_the_budget(
    api_for, leader, churned_cohort, settings, budget_window
):
    variables = {"c": cohort_gid(churned_cohort)}
    price = priced(HISTORY_SQUARED, variables, settings)
    resolved = 2 + (ROLE_CHANGES + 2) * (3 + ROLE_CHANGES + 2)  # what the query resolves
    assert price < resolved  # the price alone under-counts: the hole the verification found
    # Room for the priced query and a small one after it, not for what the query really ran.
    limits(settings, cost_per_minute=price + 100)
    api = api_for(leader)

    history = api.post(HISTORY_SQUARED, variables).json()["data"]["node"]["membershipHistory"]
    assert len(history) == ROLE_CHANGES + 2
    assert all(len(row["cohort"]["membershipHistory"]) == ROLE_CHANGES + 2 for row in history)
    after = api.post("{ me { person { id } } }")

    assert after.status_code == 429
    assert top_level_codes(after.json()) == ["RATE_LIMITED"]


def test_a_list_within_its_maximum_costs_only_its_price(api_for, leader, settings):
    cohort = cohort_create(actor=leader, school=leader.school, name="Calm", school_year="2026-2027")
    variables = {"c": cohort_gid(cohort)}
    price = priced(HISTORY_SQUARED, variables, settings)
    limits(settings, cost_per_minute=price + 100)
    api = api_for(leader)

    assert api.post(HISTORY_SQUARED, variables).json()["data"]["node"] is not None
    after = api.post("{ me { person { id } } }")

    assert after.status_code == 200
