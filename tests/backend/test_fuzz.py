"""Property-based fuzzing of the real /graphql/ endpoint, with production settings.

Whatever arrives, the server answers without a 5xx and every error is well-formed (a message and
a machine-readable code, never INTERNAL_SERVER_ERROR). The documents are:

- valid operations (hypothesis-graphql POSITIVE), signed in and anonymous;
- operations with one schema violation (hypothesis-graphql NEGATIVE: wrong argument types,
  missing required arguments, unknown enum values);
- hostile documents written for this server: fragment cycles, spreads of undefined fragments,
  fragments that spread each other twice (2**n expansion), deep nesting, huge strings, floods
  of aliases, directives and variable definitions;
- every root field with its arguments taken from variables, and those variables any JSON at all
  (wrong types in every position, huge lists, nested objects);
- valid documents with a few characters broken, and garbage bodies.

The CI budget is small (FUZZ_EXAMPLES per target, 40 by default; about a minute on SQLite).
The long run (documented in the README) is the same file with a larger budget against
PostgreSQL, collecting every failure instead of stopping at the first one:

    FUZZ_EXAMPLES=1300 FUZZ_COLLECT=1 FUZZ_REPORT=/tmp/fuzz-report.json \\
    DATABASE_URL=postgres://... REDIS_URL=redis://... \\
      timeout 7200 .venv/bin/python -m pytest -q -p no:cacheprovider -o timeout=7200 \\
      tests/backend/test_fuzz.py

8 targets x 1,300 examples is 10,400 operations; the report counts them and lists each 5xx or
masked internal error with the document that caused it.
"""

import datetime
import json
import os
import string
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from backend.accounts.services.tokens import access_token_issue
from backend.schema import schema as app_schema
from tests.factories import LeaderFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
COLLECT = os.environ.get("FUZZ_COLLECT") == "1"
REPORT = os.environ.get("FUZZ_REPORT")
SDL = str(app_schema)
GRAPHQL_SCHEMA = app_schema.graphql_schema
SCALARS = {
    "Upload": st.none(),
    # graphene's own scalars, as the phone would send them (and sometimes garbage).
    "DateTime": st.one_of(
        st.datetimes(timezones=st.just(datetime.UTC)).map(lambda d: d.isoformat()),
        st.text(max_size=20),
    ).map(nodes.String),
    "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String),
    "Time": st.one_of(st.times().map(str), st.text(max_size=10)).map(nodes.String),
    "UUID": st.one_of(st.uuids().map(str), st.text(max_size=40)).map(nodes.String),
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False).map(str).map(nodes.String),
    "JSONString": st.one_of(st.just("{}"), st.text(max_size=40)).map(nodes.String),
    # An entry's time: a timestamp string or seconds since the visit started.
    "ObservationTime": st.one_of(
        st.datetimes(timezones=st.just(datetime.UTC))
        .map(lambda d: d.isoformat())
        .map(nodes.String),
        st.integers(-5, 90_000).map(nodes.Int),
        st.floats(-1, 90_000, allow_nan=False).map(nodes.Float),
        st.text(max_size=20).map(nodes.String),
    ),
    "GenericScalar": st.one_of(
        st.text(max_size=30).map(nodes.String), st.integers(-5, 5).map(nodes.Int)
    ),
}
# 429: a throttle (sign-in, invitations, uploads) answering a flood is a clean refusal too.
ALLOWED_STATUS = {200, 400, 401, 405, 406, 413, 415, 429}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

STATS = {"operations": Counter(), "statuses": Counter(), "failures": []}


def _write_report():
    if REPORT:
        with open(REPORT, "w") as report:
            json.dump(
                {
                    "operations": sum(STATS["operations"].values()),
                    "per_target": dict(STATS["operations"]),
                    "statuses": {str(k): v for k, v in STATS["statuses"].items()},
                    "server_errors": len(STATS["failures"]),
                    "failures": STATS["failures"][:200],
                },
                report,
                indent=2,
            )


def problem(response) -> str | None:
    """What is wrong with this answer, or None when it is a clean answer or refusal."""
    if response.status_code not in ALLOWED_STATUS:
        return f"status {response.status_code}: {response.content[:300]!r}"
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"not JSON: {response.content[:300]!r}"
    for error in body.get("errors", []):
        if not (isinstance(error.get("message"), str) and error["message"]):
            return f"error without a message: {error}"
        code = (error.get("extensions") or {}).get("code")
        if not (isinstance(code, str) and code.isupper()):
            return f"error without a code: {error}"
        if code == "INTERNAL_SERVER_ERROR":
            return f"internal error: {error}"
    return None


def check(target, response, sent):
    STATS["operations"][target] += 1
    STATS["statuses"][response.status_code] += 1
    found = problem(response)
    if found and COLLECT:
        STATS["failures"].append({"target": target, "problem": found, "sent": str(sent)[:2000]})
        _write_report()
        return
    if sum(STATS["operations"].values()) % 500 == 0:
        _write_report()
    assert found is None, f"{found}\nsent: {str(sent)[:2000]}"


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    _write_report()


@pytest.fixture(autouse=True)
def production(settings):
    """What a deployment runs: no DEBUG, no introspection, no suggestions; a cost budget large
    enough that the fuzzer keeps reaching the resolvers instead of the 429."""
    settings.DEBUG = False
    settings.GRAPHQL_INTROSPECTION = False
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "cost_per_minute": 10**12}


class FreshToken:
    """A new session for every example: a fuzzed `sessionSignOut` or `sessionRevoke` ends the one it
    ran with, and everything after it would only test the 401."""

    def __init__(self):
        self.user = LeaderFactory()

    def __str__(self):
        _token, raw = access_token_issue(user=self.user, device_name="fuzz")
        return raw


@pytest.fixture
def token(transactional_db):
    return FreshToken()


def post(client, body, token=None):
    """POST an operation: a query string or a whole JSON body (a dict)."""
    return post_raw(client, json.dumps({"query": body} if isinstance(body, str) else body), token)


def post_raw(client, raw, token=None):
    headers = {"Accept": "application/graphql-response+json, application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"  # a FreshToken issues a session here
    return client.post("/graphql/", raw, content_type="application/json", headers=headers)


# For other apps' fuzz tests (tests/networks/test_fuzz_networks.py).
UPLOAD = SCALARS


def assert_well_formed(response):
    found = problem(response)
    assert found is None, found


# --- hostile documents -----------------------------------------------------------------------

NAMES = st.sampled_from(["A", "B", "C", "D", "E"])
ROOT_FIELDS = sorted(GRAPHQL_SCHEMA.query_type.fields)


@st.composite
def fragment_graphs(draw):
    """Fragments spreading each other at random: cycles, self-spreads, undefined spreads,
    spreads on the wrong type, and a selection that may start anywhere."""
    count = draw(st.integers(1, 5))
    names = ["A", "B", "C", "D", "E"][:count]
    parts = []
    for name in names:
        on = draw(st.sampled_from(["Query", "Me", "Person", "Nope", "Mutation"]))
        spreads = " ".join(f"...{draw(NAMES)}" for _ in range(draw(st.integers(0, 3))))
        field = draw(st.sampled_from(["__typename", "me { roles }", "x: __typename", "roles"]))
        parts.append(f"fragment {name} on {on} {{ {spreads} {field} }}")
    start = draw(st.sampled_from(["{ ...A }", "{ me { ...A } }", "{ ...Z }", "query Q { ...B }"]))
    return start + " " + " ".join(draw(st.permutations(parts)))


@st.composite
def exponential_fragments(draw):
    levels = draw(st.integers(5, 60))
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    leaf = draw(st.sampled_from(["x: __typename", "me { roles }", "a: me { b: roles }"]))
    return f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ {leaf} }}"


@st.composite
def deep_nesting(draw):
    depth = draw(st.integers(5, 400))
    kind = draw(st.sampled_from(["fields", "braces", "inline", "lists"]))
    if kind == "fields":
        chain = ["me", "person", "school", "district"] * depth
        return "{ " + " { ".join(chain[:depth]) + " { __typename" + " }" * depth + " }"
    if kind == "braces":
        return "{" * depth + "}" * draw(st.integers(0, depth))
    if kind == "inline":
        return "{ " + "... on Query { " * depth + "__typename" + " }" * depth + " }"
    value = "[" * depth + "1" + "]" * depth
    return f"{{ schools(first: {value}) {{ totalCount }} }}"


@st.composite
def huge_strings(draw):
    size = draw(st.sampled_from([1_000, 19_000, 25_000, 200_000]))
    char = draw(st.sampled_from(["a", "\\u0000", "é", "\\\\", '\\"', "\\uD800"]))
    where = draw(st.sampled_from(["argument", "operationName", "alias", "comment"]))
    text = char * (size // len(char))
    if where == "argument":
        return (
            'mutation { sessionSignIn(input: {email: "'
            + text
            + '", password: "p", deviceName: "d"})'
            " { token errors { code } } }"
        )
    if where == "operationName":
        return "query " + "Q" * size + " { __typename }"
    if where == "alias":
        return "{ " + "a" * size + ": __typename }"
    return "# " + text + "\n{ __typename }"


@st.composite
def floods(draw):
    count = draw(st.integers(10, 3000))
    kind = draw(st.sampled_from(["aliases", "directives", "variables", "operations", "args"]))
    if kind == "aliases":
        return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"
    if kind == "directives":
        return "{ __typename " + "@include(if: true) " * count + "}"
    if kind == "variables":
        definitions = ", ".join(f"$v{i}: Int" for i in range(count))
        return f"query Q({definitions}) {{ __typename }}"
    if kind == "operations":
        return " ".join(f"query Q{i} {{ __typename }}" for i in range(count))
    return "{ schools(" + ", ".join(f"first: {i}" for i in range(count)) + ") { totalCount } }"


HOSTILE = st.one_of(
    fragment_graphs(), exponential_fragments(), deep_nesting(), huge_strings(), floods()
)


# --- every root field's arguments from variables of any JSON at all ----------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(string.printable, max_size=30)
    | st.sampled_from(["HOST", "VISITOR", "2026-01-01", "0" * 40, "TWFwOjE=", "Q29ob3J0OjE="]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
HUGE_LISTS = st.integers(1_000, 50_000).map(lambda n: list(range(n)))


def _field_operation(kind, name):
    root = GRAPHQL_SCHEMA.query_type if kind == "query" else GRAPHQL_SCHEMA.mutation_type
    field = root.fields[name]
    definitions = ", ".join(f"${arg}: {field.args[arg].type}" for arg in field.args)
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    from graphql import get_named_type, is_leaf_type

    selection = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    head = f"{kind} Op({definitions})" if definitions else f"{kind} Op"
    call = f"{name}({arguments})" if arguments else name
    return f"{head} {{ {call}{selection} }}", list(field.args)


FIELD_OPERATIONS = [("query", name) for name in ROOT_FIELDS] + [
    ("mutation", name) for name in sorted(GRAPHQL_SCHEMA.mutation_type.fields)
]


@st.composite
def wrong_variables(draw):
    kind, name = draw(st.sampled_from(FIELD_OPERATIONS))
    query, args = _field_operation(kind, name)
    variables = {arg: draw(JSON_VALUES | HUGE_LISTS) for arg in args if draw(st.booleans())}
    variables = draw(st.one_of(st.just(variables), JSON_VALUES))  # sometimes not even an object
    body = {"query": query, "operationName": draw(st.sampled_from(["Op", None, "Nope", 7]))}
    body["variables"] = variables
    return body


# --- valid documents, broken a little --------------------------------------------------------


@st.composite
def broken(draw, documents):
    text = draw(documents)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["drop", "insert", "spread", "duplicate"]))
        if edit == "drop":
            text = text[:where] + text[where + 1 :]
        elif edit == "insert":
            text = text[:where] + draw(st.sampled_from("{}()[]:$@!.,\"'#\\")) + text[where:]
        elif edit == "spread":
            text = text[:where] + " ...Nope " + text[where:]
        else:
            text = text[:where] + text[where : where + 40] * 2 + text[where + 40 :]
    return text


POSITIVE = from_schema(SDL, custom_scalars=SCALARS, mode=Mode.POSITIVE)
NEGATIVE = from_schema(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE)

pytestmark = pytest.mark.django_db(transaction=True)


@FUZZ
@given(query=POSITIVE)
def test_valid_operations_never_fail_the_server(client, token, query):
    check("valid", post(client, {"query": query}, token), query)


@FUZZ
@given(query=NEGATIVE)
def test_invalid_operations_are_refused_cleanly(client, token, query):
    check("negative", post(client, {"query": query}, token), query)


@FUZZ
@given(query=POSITIVE)
def test_anonymous_callers_get_clean_refusals(client, query):
    check("anonymous", post(client, {"query": query}), query)


@FUZZ
@given(query=HOSTILE, signed_in=st.booleans())
def test_hostile_documents_are_refused_cleanly(client, token, query, signed_in):
    check("hostile", post(client, {"query": query}, token if signed_in else None), query[:500])


@FUZZ
@given(body=wrong_variables())
def test_wrong_variables_in_every_position_are_refused_cleanly(client, token, body):
    check("variables", post(client, body, token), body)


@FUZZ
@given(query=broken(POSITIVE))
def test_broken_documents_are_refused_cleanly(client, token, query):
    check("broken", post(client, {"query": query}, token), query)


@FUZZ
@given(query=NEGATIVE | broken(NEGATIVE))
def test_anonymous_invalid_documents_are_refused_cleanly(client, query):
    check("anonymous-negative", post(client, {"query": query}), query)


@FUZZ
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300), JSON_VALUES.map(json.dumps)))
def test_garbage_bodies_are_refused_cleanly(client, body):
    check("garbage", post_raw(client, body), body)


def test_the_long_run_found_no_server_errors():
    """With FUZZ_COLLECT=1 the targets above record failures instead of stopping; this fails
    the run if any were recorded (they are listed in FUZZ_REPORT)."""
    _write_report()
    assert not STATS["failures"], json.dumps(STATS["failures"][:5], indent=2)
