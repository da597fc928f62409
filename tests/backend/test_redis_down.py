"""With the shared cache (Redis) unreachable, the HTTP API keeps serving: limits fail open."""

import pytest

from tests.backend.mutations.test_session_sign_in import sign_in


@pytest.fixture
def redis_down(monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from backend import throttle

    # Nothing listens on port 1: every cache call fails the way a Redis outage does.
    unreachable = RedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    monkeypatch.setattr(throttle, "cache", unreachable)


@pytest.mark.django_db
def test_sign_in_and_queries_work_while_redis_is_down(api, client, teacher, redis_down, caplog):
    payload = sign_in(api, teacher.email)

    assert payload["errors"] == []
    assert payload["token"]
    assert "unavailable (cache down)" in caplog.text


@pytest.mark.django_db
def test_wrong_passwords_are_still_refused_while_redis_is_down(api, teacher, redis_down):
    payload = sign_in(api, teacher.email, "wrong")

    assert payload["errors"][0]["code"] == "INVALID_CREDENTIALS"
