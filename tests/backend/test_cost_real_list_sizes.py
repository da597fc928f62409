"""Issue 18, item 7, found again by the verification run: a declared list maximum is not a wall.

`LIST_SIZES` says a cohort's `membershipHistory` holds at most 60, but nothing keeps it there:
every role change or departure adds a row. A leader who toggled one peer's role 500 times
(111 s over the API, no limit met) then asked for `membershipHistory x membershipHistory` of that
cohort: the cost check priced it at 21,842 (60 x 60), it ran until QUERY_TIMEOUT (10 s), and
the per-minute budget lets one account send about 45 of them a minute; six at once made every
other caller wait about a second per request.

Must hold: what runs is never more than what was charged. A list either holds at most its
declared maximum or counts with its real size.
"""

import base64

import pytest
from graphql import parse

from backend.graphql.limits import operation_cost
from backend.schema import schema

HISTORY_SQUARED = (
    "query($c: ID!) { node(id: $c) { ... on Cohort {"
    " membershipHistory { id cohort { membershipHistory { id } } } } } }"
)


def charged(query: str, variables: dict, settings) -> int:
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


@pytest.mark.django_db
def test_a_list_longer_than_its_declared_maximum_is_not_under_charged(
    api_for, leader, teacher, settings
):
    settings.GRAPHQL_LIMITS = {
        **settings.GRAPHQL_LIMITS,
        "max_seconds": 0,
        "cost_per_minute": 10**12,
    }
    api = api_for(leader)
    school_id = api.post_graphql("{ me { school { id } } }")["data"]["me"]["school"]["id"]
    created = api.post_graphql(
        'mutation($s: ID!) { cohortCreate(input: {schoolId: $s, name: "Churn",'
        ' schoolYear: "2026-2027"}) { cohort { id } errors { code } } }',
        {"s": school_id},
    )["data"]["cohortCreate"]
    assert created["errors"] == []
    cohort_id = created["cohort"]["id"]
    person = api.post_graphql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": base64.b64encode(f"Person:{teacher.pk}".encode()).decode()},
    )["data"]["node"]
    assert person is not None
    added = api.post_graphql(
        "mutation($c: ID!, $p: ID!) { membershipAdd(input: {cohortId: $c, personId: $p,"
        " role: BLUE}) { membership { id } errors { code } } }",
        {"c": cohort_id, "p": person["id"]},
    )["data"]["membershipAdd"]
    assert added["errors"] == []
    membership_id, role = added["membership"]["id"], "YELLOW"
    for _ in range(70):  # more than Cohort.membershipHistory's declared 60
        changed = api.post_graphql(
            "mutation($m: ID!, $r: PeerRole!) { membershipRoleChange(input: {membershipId: $m,"
            " role: $r}) { membership { id } errors { code } } }",
            {"m": membership_id, "r": role},
        )["data"]["membershipRoleChange"]
        assert changed["errors"] == []
        membership_id, role = changed["membership"]["id"], "BLUE" if role == "YELLOW" else "YELLOW"

    response = api.post(HISTORY_SQUARED, {"c": cohort_id})
    body = response.json()
    if body.get("errors"):
        # Refusing it (QUERY_TOO_COSTLY) is one way to hold the promise.
        assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COSTLY"], body
        return
    history = body["data"]["node"]["membershipHistory"]
    resolved = 2 + sum(3 + len(outer["cohort"]["membershipHistory"]) for outer in history)
    cost = charged(HISTORY_SQUARED, {"c": cohort_id}, settings)
    assert resolved <= cost, (
        f"{len(history)} history rows: {resolved} fields resolved, {cost} charged"
    )
