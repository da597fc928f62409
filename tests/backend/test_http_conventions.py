"""The /graphql/ endpoint against the GraphQL-over-HTTP specification and our error rules."""

import json
import logging

import pytest

from backend.accounts.graphql import types as types_module
from tests.conftest import GRAPHQL_RESPONSE, top_level_codes

ME = "{ me { roles } }"


@pytest.mark.django_db
def test_get_runs_queries(api_for, teacher):
    token = api_for(teacher).token

    response = api_for(teacher).client.get(
        "/graphql/",
        {"query": ME},
        headers={"Authorization": f"Bearer {token}", "Accept": GRAPHQL_RESPONSE},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"me": {"roles": ["TEACHER"]}}}


@pytest.mark.django_db
def test_get_refuses_mutations(client):
    response = client.get("/graphql/", {"query": "mutation { sessionSignOut { errors { code } } }"})

    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.django_db
def test_json_is_the_default_media_type_and_stays_200_on_validation_errors(client):
    response = client.post(
        "/graphql/", json.dumps({"query": "{ nope }"}), content_type="application/json"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert top_level_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.django_db
def test_graphql_response_json_uses_400_when_nothing_ran(api):
    parse = api.post("{ me { ")
    invalid = api.post("{ nope }")

    assert parse.status_code == 400
    assert top_level_codes(parse.json()) == ["GRAPHQL_PARSE_FAILED"]
    assert invalid.status_code == 400
    assert "data" not in invalid.json()


def test_malformed_bodies_are_400(client):
    not_json = client.post("/graphql/", "{oops", content_type="application/json")
    no_query = client.post("/graphql/", "{}", content_type="application/json")
    bad_variables = client.post(
        "/graphql/", json.dumps({"query": ME, "variables": [1]}), content_type="application/json"
    )

    assert [not_json.status_code, no_query.status_code, bad_variables.status_code] == [400] * 3
    assert top_level_codes(not_json.json()) == ["BAD_REQUEST"]


def test_batching_is_refused(client):
    body = json.dumps([{"query": ME}, {"query": ME}])

    response = client.post("/graphql/", body, content_type="application/json")

    assert response.status_code == 400
    assert "Batched" in response.json()["errors"][0]["message"]


def test_other_content_types_are_415(client):
    response = client.post("/graphql/", "query=x", content_type="text/plain")

    assert response.status_code == 415


def test_unacceptable_accept_header_is_406(client):
    response = client.post(
        "/graphql/", json.dumps({"query": ME}), content_type="application/json",
        headers={"Accept": "text/csv"},
    )  # fmt: skip

    assert response.status_code == 406


def test_oversized_bodies_are_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"query": ME, "variables": {"x": "y" * 2000}})

    response = client.post("/graphql/", body, content_type="application/json")

    assert response.status_code == 413


@pytest.mark.django_db
def test_unexpected_errors_are_masked_logged_and_carry_the_request_id(
    api_for, teacher, monkeypatch, caplog
):
    class Exploding:
        @property
        def objects(self):
            raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(types_module, "AccessToken", Exploding())
    caplog.set_level(logging.ERROR, logger="backend.graphql")

    response = api_for(teacher).post("{ me { sessions { deviceName } } }")

    body = response.json()
    error = body["errors"][0]
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["requestId"] == response["X-Request-ID"]
    assert "hunter2" not in response.content.decode()
    assert any(response["X-Request-ID"] in r.getMessage() for r in caplog.records)
    assert caplog.records[0].exc_info[0] is RuntimeError


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept(client):
    response = client.post(
        "/graphql/", json.dumps({"query": ME}), content_type="application/json",
        headers={"X-Request-ID": "proxy-abc-12345"},
    )  # fmt: skip

    assert response["X-Request-ID"] == "proxy-abc-12345"


@pytest.mark.django_db
def test_node_lookup_hides_what_you_may_not_see(api_for, teacher):
    from graphql_relay import to_global_id

    from tests.factories import TeacherFactory

    stranger = TeacherFactory()  # another district
    query = "query N($id: ID!) { node(id: $id) { id ... on Person { fullName } } }"

    hidden = api_for(teacher).data(query, {"id": to_global_id("Person", stranger.pk)})
    mine = api_for(teacher).data(query, {"id": to_global_id("Person", teacher.pk)})

    assert hidden == {"node": None}
    assert mine["node"]["fullName"] == teacher.full_name


def test_health_check(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("global_id", "expected"),
    [
        ("U2Nob29sOjk5OTk5", None),  # School:99999, no such school
        ("U2Nob29sOmFiYw==", None),  # School:abc, not a key
        ("Tm9wZTox", None),  # Nope:1, no such type
    ],
)
def test_node_answers_null_for_ids_that_lead_nowhere(api_for, teacher, global_id, expected):
    body = api_for(teacher).post_graphql(
        "query N($id: ID!) { node(id: $id) { id } }", {"id": global_id}
    )

    assert body == {"data": {"node": expected}}


@pytest.mark.django_db
def test_node_refuses_strings_that_are_not_ids(api_for, teacher):
    body = api_for(teacher).post_graphql("query N($id: ID!) { node(id: $id) { id } }", {"id": "x"})

    assert top_level_codes(body) == ["BAD_USER_INPUT"]
