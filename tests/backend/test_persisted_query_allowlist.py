"""Allow-list mode (GRAPHQL_PERSISTED_QUERIES=allowlist): only the operations the app shipped
(client/persisted-query-manifest.json, made from client/operations) run, whether sent by hash
or in full, over HTTP or the WebSocket, with the requests shaped as Apollo clients send them."""

import hashlib
import json
from urllib.parse import urlencode

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from graphql import parse, print_ast

from backend.accounts.services.tokens import access_token_issue
from backend.asgi import application
from backend.graphql import persisted
from tests.conftest import top_level_codes

ACCEPT = "application/graphql-response+json,application/json;q=0.9"
SHIPPED_SOURCE = """
query CurrentViewer {
  me {
    ...Viewer
  }
}

fragment Viewer on Me {
  person {
    id
    fullName
    email
  }
  school {
    id
    name
  }
  district {
    id
    name
  }
  roles
}
"""
# The same operation as Apollo Client prints it (graphql-js, `__typename` added), and as a
# hand-written client might send it (other spacing, no `__typename`, fragment first).
AS_APOLLO_CLIENT_SENDS = print_ast(
    parse(
        SHIPPED_SOURCE.replace("    email\n", "    email\n    __typename\n")
        .replace("    name\n  }\n  district", "    name\n    __typename\n  }\n  district")
        .replace("  roles\n", "  roles\n  __typename\n")
    )
)
AS_WRITTEN_BY_HAND = (
    "fragment Viewer on Me { person { id fullName email } school { id name } "
    "district { id name } roles } query CurrentViewer { me { ...Viewer } }"
)
UNLISTED = "query Sessions { me { sessions { id deviceName lastUsedAt } } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extensions_for(query: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}


def manifest_entry(name: str) -> dict:
    with open(persisted_manifest_path(), encoding="utf-8") as handle:
        manifest = json.load(handle)
    return next(entry for entry in manifest["operations"] if entry["name"] == name)


def persisted_manifest_path() -> str:
    from django.conf import settings

    return settings.GRAPHQL_PERSISTED_QUERY_MANIFEST


@pytest.fixture
def allowlist(settings):
    settings.DEBUG = False
    settings.GRAPHQL_INTROSPECTION = False
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    settings.GRAPHIQL = False
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"
    return settings


@pytest.fixture
def token(teacher):
    return access_token_issue(user=teacher, device_name="Apollo Kotlin")[1]


def post(client, body: dict, token=None):
    headers = {"Accept": ACCEPT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(
        "/graphql/", json.dumps(body), content_type="application/json", headers=headers
    )


def hashed_get(client, sha: str, operation_name: str, token=None):
    params = {
        "operationName": operation_name,
        "variables": "{}",
        "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha}}),
    }
    headers = {"Accept": ACCEPT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get("/graphql/?" + urlencode(params), headers=headers)


def test_the_committed_manifest_has_the_shipped_operation():
    # the fixture documents below are the app's own operation, not a copy that drifted
    assert persisted.canonical_document(parse(SHIPPED_SOURCE)) == persisted.canonical_document(
        parse(manifest_entry("CurrentViewer")["body"])
    )


@pytest.mark.django_db
def test_a_shipped_operation_runs_by_its_manifest_id_over_get(client, allowlist, token, teacher):
    # given a phone that sends the manifest's id (Apollo's persisted query lists)
    entry = manifest_entry("CurrentViewer")
    # when it sends the id alone over GET
    response = hashed_get(client, entry["id"], "CurrentViewer", token)
    # then the manifest's document runs, with the __typename Apollo's cache needs
    assert response.status_code == 200, response.content
    me = response.json()["data"]["me"]
    assert me["person"]["email"] == teacher.email
    assert me["__typename"] == "Me"


@pytest.mark.django_db
@pytest.mark.parametrize("document", [AS_APOLLO_CLIENT_SENDS, AS_WRITTEN_BY_HAND])
def test_a_shipped_operation_runs_through_the_apq_handshake_as_each_client_prints_it(
    client, allowlist, token, teacher, document
):
    # given a client that hashes its own printing of a shipped operation
    first = hashed_get(client, sha256(document), "CurrentViewer", token)
    assert top_level_codes(first.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    # when it retries over POST with the document, as Apollo does
    retry = post(
        client,
        {
            "operationName": "CurrentViewer",
            "variables": {},
            "extensions": extensions_for(document),
            "query": document,
        },
        token,
    )
    # then it runs, and its hash works from then on
    assert retry.json()["data"]["me"]["person"]["email"] == teacher.email
    again = hashed_get(client, sha256(document), "CurrentViewer", token)
    assert again.json() == retry.json()


@pytest.mark.django_db
def test_an_unlisted_document_is_refused_over_http_in_full_and_by_hash(client, allowlist, token):
    # when a script sends a document the app never shipped, in full
    plain = post(client, {"query": UNLISTED}, token)
    # then it is refused before anything runs
    assert plain.status_code == 400
    assert top_level_codes(plain.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]
    assert "data" not in plain.json()
    # and through the APQ handshake: unknown hash, then the document is refused, not stored
    first = hashed_get(client, sha256(UNLISTED), "Sessions", token)
    assert top_level_codes(first.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    retry = post(client, {"query": UNLISTED, "extensions": extensions_for(UNLISTED)}, token)
    assert top_level_codes(retry.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]
    assert top_level_codes(hashed_get(client, sha256(UNLISTED), "Sessions", token).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]
    # and over GET
    by_get = client.get("/graphql/?" + urlencode({"query": UNLISTED}), headers={"Accept": ACCEPT})
    assert top_level_codes(by_get.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]


@pytest.mark.django_db
def test_a_shipped_operation_with_one_more_field_is_refused(client, allowlist, token):
    # given a shipped operation an attacker extends
    extended = AS_WRITTEN_BY_HAND.replace("roles }", "roles sessions { id deviceName } }")
    # when it is sent
    response = post(client, {"query": extended, "extensions": extensions_for(extended)}, token)
    # then it is not the shipped operation any more
    assert top_level_codes(response.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]


@pytest.mark.django_db
def test_a_document_stored_before_the_switch_to_allowlist_does_not_run(
    client, settings, allowlist, token
):
    # given a document registered while the server ran in apq mode (the cache is shared)
    settings.GRAPHQL_PERSISTED_QUERIES = "apq"
    stored = post(client, {"query": UNLISTED, "extensions": extensions_for(UNLISTED)}, token)
    assert "errors" not in stored.json(), stored.json()
    # when the server is switched to allowlist and the hash alone is sent
    settings.GRAPHQL_PERSISTED_QUERIES = "allowlist"
    response = hashed_get(client, sha256(UNLISTED), "Sessions", token)
    # then the stored document is checked like any other
    assert top_level_codes(response.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]


@pytest.mark.django_db
def test_without_a_manifest_nothing_runs(client, allowlist, token, tmp_path):
    # given a deployment whose manifest file is missing: fail closed
    allowlist.GRAPHQL_PERSISTED_QUERY_MANIFEST = str(tmp_path / "missing.json")
    response = post(client, {"query": AS_WRITTEN_BY_HAND}, token)
    assert top_level_codes(response.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]


@pytest.mark.django_db
def test_introspection_passes_only_where_introspection_is_on(client, allowlist):
    query = "query IntrospectionQuery { __schema { queryType { name } } }"
    # in production (introspection off), it is not a shipped operation
    refused = post(client, {"query": query})
    assert top_level_codes(refused.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]
    # in DEBUG (introspection on), GraphiQL's explorer works as today
    allowlist.GRAPHQL_INTROSPECTION = True
    allowed = post(client, {"query": query})
    assert allowed.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    # but a document that also asks for data is still refused
    mixed = post(client, {"query": "{ __schema { queryType { name } } me { roles } }"})
    assert top_level_codes(mixed.json()) == ["PERSISTED_QUERY_NOT_ALLOWED"]


# --- over the WebSocket: the same check, in the pipeline --------------------------------------
async def _socket(user):
    _token, raw = await database_sync_to_async(access_token_issue)(user=user, device_name="ws")
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "connection_init", "payload": {"authorization": f"Bearer {raw}"}}
    )
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    return socket


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_unlisted_document_is_refused_over_the_websocket(allowlist, teacher):
    # given a script that opens a socket instead of using HTTP
    socket = await _socket(teacher)
    # when it subscribes with a document the app never shipped (a query, then a subscription)
    await socket.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": UNLISTED}})
    first = await socket.receive_json_from(timeout=5)
    subscription = "subscription { sessionRevoked { sessionId } }"
    await socket.send_json_to({"id": "2", "type": "subscribe", "payload": {"query": subscription}})
    second = await socket.receive_json_from(timeout=5)
    # then both are refused like over HTTP, and nothing ran
    for message, operation_id in ((first, "1"), (second, "2")):
        assert message["id"] == operation_id
        assert message["type"] == "error"
        assert [e["extensions"]["code"] for e in message["payload"]] == [
            "PERSISTED_QUERY_NOT_ALLOWED"
        ]
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_shipped_operation_runs_over_the_websocket_in_full_and_by_id(allowlist, teacher):
    socket = await _socket(teacher)
    # in full, as Apollo prints it, with its hash
    await socket.send_json_to(
        {
            "id": "full",
            "type": "subscribe",
            "payload": {
                "operationName": "CurrentViewer",
                "query": AS_APOLLO_CLIENT_SENDS,
                "variables": {},
                "extensions": extensions_for(AS_APOLLO_CLIENT_SENDS),
            },
        }
    )
    full = await socket.receive_json_from(timeout=5)
    assert full["type"] == "next", full
    assert full["payload"]["data"]["me"]["person"]["email"] == teacher.email
    assert (await socket.receive_json_from(timeout=5))["type"] == "complete"
    # by the manifest's id alone
    entry = manifest_entry("CurrentViewer")
    await socket.send_json_to(
        {
            "id": "hash",
            "type": "subscribe",
            "payload": {
                "operationName": "CurrentViewer",
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": entry["id"]}},
            },
        }
    )
    by_id = await socket.receive_json_from(timeout=5)
    assert by_id["type"] == "next", by_id
    assert by_id["payload"]["data"]["me"]["person"]["email"] == teacher.email
    await socket.disconnect()
