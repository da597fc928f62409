"""Depth, aliases, cost, page size and document size limits refuse before anything runs."""

import pytest

from tests.conftest import top_level_codes


def codes(api, query, variables=None):
    response = api.post(query, variables)
    assert response.status_code == 400, response.content
    return top_level_codes(response.json())


@pytest.mark.django_db
def test_too_deep_is_refused(api, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_depth": 3}
    query = "{ me { person { school { district { name } } } } }"

    body = api.post(query).json()

    assert "exceeds maximum operation depth of 3" in body["errors"][0]["message"]
    assert top_level_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.django_db
def test_too_many_aliases_is_refused(api, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_aliases": 3}
    query = "{ a: me { roles } b: me { roles } c: me { roles } d: me { roles } }"

    assert codes(api, query) == ["TOO_MANY_ALIASES"]


@pytest.mark.django_db
def test_cost_multiplies_by_page_size(api, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_cost": 250}
    small = "{ schools(first: 10) { edges { node { name timeZone } } } }"
    large = "{ schools(first: 100) { edges { node { name timeZone } } } }"

    assert api.post(small).status_code == 200
    body = api.post(large).json()
    assert top_level_codes(body) == ["QUERY_TOO_COSTLY"]
    assert "Ask for smaller pages" in body["errors"][0]["message"]


@pytest.mark.django_db
def test_cost_reads_page_sizes_from_variables(api, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_cost": 250}
    query = "query S($n: Int) { schools(first: $n) { edges { node { name timeZone } } } }"

    assert codes(api, query, {"n": 100}) == ["QUERY_TOO_COSTLY"]


@pytest.mark.django_db
def test_pages_larger_than_100_are_refused(api):
    assert codes(api, "{ schools(first: 101) { edges { node { name } } } }") == [
        "PAGE_SIZE_EXCEEDED"
    ]


def test_oversized_documents_are_refused(api, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "max_document_chars": 100}

    body = api.post("{ me { roles } }" + " " * 200).json()

    assert top_level_codes(body) == ["GRAPHQL_PARSE_FAILED"]


def test_token_floods_are_refused(api):
    query = "{ me { " + "roles " * 3000 + "} }"

    assert codes(api, query) == ["GRAPHQL_PARSE_FAILED"]


@pytest.mark.django_db
def test_introspection_can_be_turned_off(api, settings):
    from backend.graphql.execution import _parse_and_validate

    settings.GRAPHQL_INTROSPECTION = False
    _parse_and_validate.cache_clear()
    try:
        assert codes(api, "{ __schema { types { name } } }") == ["GRAPHQL_VALIDATION_FAILED"]
    finally:
        _parse_and_validate.cache_clear()


def test_field_suggestions_can_be_turned_off(api, settings):
    from backend.graphql.execution import _parse_and_validate

    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    _parse_and_validate.cache_clear()
    try:
        message = api.post("{ mee { roles } }").json()["errors"][0]["message"]
    finally:
        _parse_and_validate.cache_clear()

    assert message == "Cannot query field 'mee' on type 'Query'."


@pytest.mark.django_db
def test_offset_with_before_is_a_clear_request_error(api):
    query = '{ schools(offset: 1, before: "YXJyYXljb25uZWN0aW9uOjA=") { totalCount } }'

    assert codes(api, query) == ["BAD_REQUEST"]


@pytest.mark.django_db
def test_throttle_keys_survive_any_input(api):
    weird = "\x0f\u00eb" + "x" * 400 + "@example.org"
    query = 'mutation S($e: String!) { signIn(input: {email: $e, password: "p", deviceName: "d"}) { errors { code } } }'  # noqa: E501

    body = api.post_graphql(query, {"e": weird})

    assert body["data"]["signIn"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


@pytest.mark.django_db
def test_each_caller_has_a_per_minute_cost_budget(api_for, teacher, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "cost_per_minute": 700}
    phone = api_for(teacher)
    # Costs 301: the connection, then 100 each for edges, nodes and names.
    query = "{ schools(first: 100) { edges { node { name } } } }"

    first, second, third = (phone.post(query) for _ in range(3))

    assert [first.status_code, second.status_code] == [200, 200]
    assert third.status_code == 429
    assert top_level_codes(third.json()) == ["RATE_LIMITED"]
    assert int(third["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_runaway_statement_is_cut_off_with_a_clear_error(api_for, teacher, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting; CI runs this on PostgreSQL")
    from backend.accounts import selectors

    def slow(user, queryset=None):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(1)")
        return queryset

    monkeypatch.setattr(selectors, "schools_visible_to", slow)

    body = api_for(teacher).post_graphql("{ schools(first: 1) { totalCount } }")

    assert top_level_codes(body) == ["QUERY_TIMEOUT"]


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["literal", "variable"])
def test_nul_characters_are_refused_before_they_reach_the_database(api, where):
    if where == "literal":
        query = 'mutation { signIn(input: {email: "a\\u0000b", password: "p", deviceName: "d"}) { token } }'  # noqa: E501
        body = api.post(query)
    else:
        query = 'mutation S($e: String!) { signIn(input: {email: $e, password: "p", deviceName: "d"}) { token } }'  # noqa: E501
        body = api.post(query, {"e": "a\x00b"})

    assert body.status_code == 400
    assert top_level_codes(body.json()) == ["BAD_USER_INPUT"]


@pytest.mark.django_db
def test_made_up_cursors_are_refused_clearly(api):
    assert codes(api, '{ schools(offset: 1, after: "x") { totalCount } }') == ["BAD_REQUEST"]


def test_a_scalar_that_refuses_a_literal_is_a_validation_error_not_a_bug():
    from graphene import JSONString, ObjectType, Schema, String

    from backend.graphql.errors import format_error
    from backend.graphql.execution import _parse_and_validate

    class Query(ObjectType):
        echo = String(value=JSONString(), description="x")

    schema = Schema(query=Query)
    _document, errors = _parse_and_validate(schema, '{ echo(value: "not json") }')

    formatted = format_error(errors[0])
    assert formatted["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "JSONString" in formatted["message"]


@pytest.mark.django_db
def test_an_omitted_page_variable_falls_back_to_the_default(api):
    query = "query S($n: Int) { schools(first: $n) { totalCount } }"

    assert api.post(query, {}).status_code == 200
