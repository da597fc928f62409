"""Fixtures shared by every app's tests: an API client that speaks GraphQL, and people."""

import json
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from backend.accounts.services.tokens import access_token_issue

from .factories import (
    CoordinatorFactory,
    LeaderFactory,
    SchoolFactory,
    StaffFactory,
    TeacherFactory,
)

GRAPHQL_RESPONSE = "application/graphql-response+json"


class ApiClient:
    """POSTs GraphQL to /graphql/ the way the phone does."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def post(self, query: str, variables: dict | None = None, *, accept=GRAPHQL_RESPONSE, **extra):
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        headers = {"Accept": accept}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra.pop("headers", {}))
        return self.client.post(
            "/graphql/", json.dumps(body), content_type="application/json", headers=headers, **extra
        )

    def post_graphql(self, query: str, variables: dict | None = None) -> dict:
        """Run an operation that must execute; returns the JSON body."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.content
        return response.json()

    def data(self, query: str, variables: dict | None = None) -> dict:
        """Run an operation that must succeed without top-level errors; returns `data`."""
        body = self.post_graphql(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and persisted queries live in the cache; each test starts with a clean slate
    # (persisted queries also in each process's own short list of recent ones).
    from backend.graphql import persisted

    cache.clear()
    persisted.forget_recent()
    yield
    cache.clear()
    persisted.forget_recent()


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # Each async test runs on an event loop of its own, but Channels keeps one layer instance
    # per process: channels-redis's connection pools and receive lock belong to the loop that
    # first used them, so a layer carried into the next test's loop can wait on connections of
    # a closed loop. Each test gets a layer of its own.
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Demo data and uploads write photo files; keep them out of the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def api_for(client):
    """`api_for(user)` gives a client signed in as that person."""

    def make(user, device_name: str = "Test phone") -> ApiClient:
        _token, raw = access_token_issue(user=user, device_name=device_name)
        return ApiClient(client.__class__(), raw)

    return make


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def teacher(school):
    return TeacherFactory(school=school)


@pytest.fixture
def leader(school):
    return LeaderFactory(school=school)


@pytest.fixture
def coordinator(school):
    return CoordinatorFactory(coordinated_district=school.district)


@pytest.fixture
def staff(db):
    return StaffFactory()


def error_codes(payload: dict) -> list[str]:
    """The codes of a mutation payload's `errors` list, in order."""
    return [error["code"] for error in payload["errors"]]


def top_level_codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def link_refusal(response) -> tuple[int, str]:
    """(status, code) of a download link's refusal, after checking what every link kind's
    refusal shares: JSON `{"error": {"code", "message"}}`, never cached, no Referer."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    body = json.loads(response.content)
    assert list(body) == ["error"] and sorted(body["error"]) == ["code", "message"], body
    return response.status_code, body["error"]["code"]


NOT_FOUND_ANSWER = (404, "LINK_NOT_FOUND")
EXPIRED_ANSWER = (410, "LINK_EXPIRED")


def _on_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# What only PostgreSQL enforces (exclusion constraints, SKIP LOCKED) is tested
# there; CI runs the suite on PostgreSQL as well as SQLite.
postgres_only = pytest.mark.skipif(
    not _on_postgres(), reason="enforced by PostgreSQL only; CI runs it on PostgreSQL"
)


@pytest.fixture
def budget_window(monkeypatch):
    """Hold the rate limiter's clock one second into a one-minute window for the whole test.
    Budgets are fixed windows keyed by their start: a test that crossed a minute boundary
    between two charges saw a fresh budget and no refusal (it failed once in CI)."""
    from backend import throttle

    frozen = (time.time() // 60) * 60 + 1
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: frozen))
    return frozen
