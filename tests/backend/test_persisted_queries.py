"""Apollo's automatic persisted queries (GRAPHQL_PERSISTED_QUERIES=apq, the default), with the
requests shaped as Apollo Client's persisted-queries link sends them: the first try carries only
the hash (over GET with `useGETForHashedQueries`, or POST), and on `PersistedQueryNotFound` the
retry is a POST with the query and the same `extensions`."""

import hashlib
import json
from urllib.parse import urlencode

import pytest
from graphql import parse, print_ast

from backend.accounts.services.tokens import access_token_issue
from tests.conftest import top_level_codes

pytestmark = pytest.mark.django_db

# Apollo Client 3.9+ sends this Accept; with it a request that could not run is a 4xx.
ACCEPT = "application/graphql-response+json,application/json;q=0.9"
# As Apollo Client sends it: printed by graphql-js, `__typename` added to every selection.
ME = print_ast(parse("query Me { me { person { id email __typename } __typename } }"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extensions_for(query: str, version: int = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256(query)}}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.GRAPHQL_INTROSPECTION = False
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    settings.GRAPHIQL = False
    assert settings.GRAPHQL_PERSISTED_QUERIES == "apq"  # the default
    return settings


@pytest.fixture
def token(teacher):
    return access_token_issue(user=teacher, device_name="Apollo iOS")[1]


def hashed_get(client, query: str, operation_name: str, token=None, variables=None, **ext):
    """Apollo Client's first try with `useGETForHashedQueries: true`."""
    params = {
        "operationName": operation_name,
        "variables": json.dumps(variables or {}),
        "extensions": json.dumps(ext.get("extensions") or extensions_for(query)),
    }
    headers = {"Accept": ACCEPT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get("/graphql/?" + urlencode(params), headers=headers)


def post(client, body: dict, token=None, accept=ACCEPT):
    headers = {"Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(
        "/graphql/", json.dumps(body), content_type="application/json", headers=headers
    )


def hashed_post_body(query: str, operation_name: str, variables=None) -> dict:
    """Apollo Client's first try over POST: no `query`."""
    return {
        "operationName": operation_name,
        "variables": variables or {},
        "extensions": extensions_for(query),
    }


def retry_body(query: str, operation_name: str, variables=None) -> dict:
    """Apollo Client's retry after PersistedQueryNotFound: the query with the same extensions."""
    return {**hashed_post_body(query, operation_name, variables), "query": query}


def test_first_hashed_get_is_not_found_then_the_post_retry_runs_and_later_gets_hit(
    client, production, token, teacher
):
    # given a server that has never seen the document
    # when Apollo sends the hash alone over GET
    first = hashed_get(client, ME, "Me", token)
    # then it is told, with Apollo's wording, status 200, so it retries with the query
    assert first.status_code == 200
    assert first.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert top_level_codes(first.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "data" not in first.json()

    # when it retries over POST with the query and the hash
    retry = post(client, retry_body(ME, "Me"), token)
    # then the query runs
    assert retry.status_code == 200
    assert retry.json()["data"]["me"]["person"]["email"] == teacher.email

    # and from then on the hash alone is enough, over GET and POST
    again = hashed_get(client, ME, "Me", token)
    assert again.status_code == 200
    assert again.json() == retry.json()
    by_post = post(client, hashed_post_body(ME, "Me"), token)
    assert by_post.json() == retry.json()


def test_hashed_post_first_try_is_not_found_with_plain_json_too(client, production):
    # given a client that accepts only application/json
    # when it sends the hash alone over POST
    response = post(client, hashed_post_body(ME, "Me"), accept="application/json")
    # then the answer is the same 200 PersistedQueryNotFound
    assert response.status_code == 200
    assert top_level_codes(response.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_variables_travel_with_the_hash(client, production, token, teacher):
    # given a stored document with a variable
    query = print_ast(
        parse("query Inbox($first: Int) { myNotifications(first: $first) { totalCount } }")
    )
    assert post(client, retry_body(query, "Inbox", {"first": 5}), token).status_code == 200
    # when the hash is sent over GET with other variables
    response = hashed_get(client, query, "Inbox", token, variables={"first": 1})
    # then they are used
    assert response.json() == {"data": {"myNotifications": {"totalCount": 0}}}


def test_a_document_is_known_to_every_process_through_the_shared_cache(client, production, token):
    # given a document registered by one process
    from django.core.cache import cache

    from backend.graphql import persisted

    post(client, retry_body(ME, "Me"), token)
    # then it is in the Django cache (Redis in production), under its hash, not in memory only
    assert cache.get(persisted.CACHE_PREFIX + sha256(ME)) == ME


def test_a_hash_that_does_not_match_its_document_is_refused_and_not_stored(
    client, production, token
):
    # given a document sent with a hash that is not its own
    body = {**retry_body(ME, "Me"), "extensions": extensions_for("query Other { __typename }")}
    # when it is posted
    response = post(client, body, token)
    # then nothing runs
    assert response.status_code == 400
    assert top_level_codes(response.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert "data" not in response.json()
    # and the hash stays unknown
    later = hashed_get(client, "query Other { __typename }", "Other", token)
    assert top_level_codes(later.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_a_stored_document_cannot_poison_anothers_hash(client, production, token, teacher):
    # given the app's document, hashed by the phones
    victim_hash = sha256(ME)
    # when an attacker sends their own document under that hash, over POST and GET
    attack = "query Me { me { sessions { id deviceName } } }"
    poisoned = {
        "operationName": "Me",
        "variables": {},
        "query": attack,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": victim_hash}},
    }
    refused = post(client, poisoned, token)
    refused_get = client.get(
        "/graphql/?"
        + urlencode(
            {
                "query": attack,
                "operationName": "Me",
                "extensions": json.dumps(poisoned["extensions"]),
            }
        ),
        headers={"Accept": ACCEPT},
    )
    # and in upper case, in case a cache key were made of the text as sent
    shouting = {
        **poisoned,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": victim_hash.upper()}},
    }
    refused_upper = post(client, shouting, token)
    # then every try is refused
    for response in (refused, refused_get, refused_upper):
        assert top_level_codes(response.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    # and the phone's hash is still unknown, then gets its own document
    assert top_level_codes(hashed_get(client, ME, "Me", token).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]
    post(client, retry_body(ME, "Me"), token)
    me = hashed_get(client, ME, "Me", token).json()["data"]["me"]
    assert sorted(me) == ["__typename", "person"]
    assert me["person"]["email"] == teacher.email


def test_a_cache_entry_under_the_wrong_hash_is_never_run(client, production, token):
    # given a cache that (shared with something else, or corrupted) holds another document
    # under the app's hash
    from django.core.cache import cache

    from backend.graphql import persisted

    cache.set(persisted.CACHE_PREFIX + sha256(ME), "query Me { me { sessions { id } } }")
    persisted.forget_recent()
    # when the hash alone is sent
    response = hashed_get(client, ME, "Me", token)
    # then it is not found: the entry is checked against its key before it runs
    assert top_level_codes(response.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_an_invalid_document_is_not_stored(client, production):
    # given a document that does not validate, sent with its own hash
    bad = "query Bad { noSuchField }"
    response = post(client, retry_body(bad, "Bad"))
    assert top_level_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    # then its hash stays unknown: only documents that were admitted are kept
    assert top_level_codes(hashed_get(client, bad, "Bad").json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_a_document_over_the_size_cap_is_refused_and_not_stored(client, production):
    # given a document longer than GRAPHQL_MAX_DOCUMENT_CHARS, with its own hash
    big = "query Big { __typename }" + " " * (production.GRAPHQL_LIMITS["max_document_chars"])
    response = post(client, retry_body(big, "Big"))
    # then it is refused as today and its hash stays unknown
    assert top_level_codes(response.json()) == ["GRAPHQL_PARSE_FAILED"]
    assert top_level_codes(hashed_get(client, big, "Big").json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_an_unsupported_version_is_a_clear_bad_request(client, production):
    # when a client speaks a version of the protocol other than 1
    body = {"operationName": "Me", "extensions": extensions_for(ME, version=2)}
    response = post(client, body)
    # then it is told which version is spoken
    assert response.status_code == 400
    assert top_level_codes(response.json()) == ["BAD_REQUEST"]
    assert "version" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "persisted_query",
    [
        "abc",
        {"version": 1},
        {"version": 1, "sha256Hash": "not-hex"},
        {"version": 1, "sha256Hash": 12},
    ],
)
def test_a_malformed_persisted_query_is_a_bad_request(client, production, persisted_query):
    response = post(client, {"extensions": {"persistedQuery": persisted_query}})
    assert response.status_code == 400
    assert top_level_codes(response.json()) == ["BAD_REQUEST"]


def test_a_hashed_mutation_over_get_is_refused_like_any_mutation_over_get(
    client, production, token
):
    # given a mutation registered over POST
    mutation = print_ast(parse("mutation Read { notificationMarkAllRead { markedCount } }"))
    registered = post(client, retry_body(mutation, "Read"), token)
    assert "errors" not in registered.json(), registered.json()
    # when its hash is sent over GET
    response = hashed_get(client, mutation, "Read", token)
    # then GET stays for queries only
    assert response.status_code == 405
    assert top_level_codes(response.json()) == ["METHOD_NOT_ALLOWED"]


def test_a_stored_document_still_checks_who_is_asking(client, production, token):
    # given a document a signed-in phone registered
    post(client, retry_body(ME, "Me"), token)
    # when someone signed out sends its hash
    response = hashed_get(client, ME, "Me")
    # then it runs as them: refused
    assert top_level_codes(response.json()) == ["UNAUTHENTICATED"]


def test_off_answers_not_supported_for_a_hash_alone(client, production):
    production.GRAPHQL_PERSISTED_QUERIES = "off"
    response = hashed_get(client, ME, "Me")
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
    assert top_level_codes(response.json()) == ["PERSISTED_QUERY_NOT_SUPPORTED"]


def test_a_process_that_has_not_seen_a_document_finds_it_in_the_shared_cache(
    client, production, token
):
    # given a document registered by another process (here: this one, which then forgets its
    # own list of recent documents, as a fresh process would)
    from backend.graphql import persisted

    post(client, retry_body(ME, "Me"), token)
    persisted.forget_recent()
    # when the hash alone comes
    response = hashed_get(client, ME, "Me", token)
    # then it runs from the shared cache
    assert response.json()["data"]["me"]["person"]["__typename"] == "Person"


def test_version_true_is_not_version_one(client, production):
    body = {"extensions": {"persistedQuery": {"version": True, "sha256Hash": sha256(ME)}}}
    response = post(client, body)
    assert top_level_codes(response.json()) == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    "body",
    [
        {"extensions": []},
        {"extensions": "persistedQuery"},
        {"query": 5, "extensions": extensions_for(ME)},
        {"query": "", "extensions": extensions_for("")},
        {"query": None, "extensions": {"persistedQuery": None}},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "f" * 100_000}}},
        {"extensions": {"persistedQuery": {"version": "1", "sha256Hash": "0" * 64}}},
    ],
)
def test_hostile_persisted_query_bodies_are_bad_requests_never_failures(client, production, body):
    response = post(client, body)
    assert response.status_code == 400, response.content
    assert top_level_codes(response.json()) == ["BAD_REQUEST"]
