"""What one socket may ask of the server (issue 18, items 9 and 7).

The attacks: one socket held 500 subscriptions and had 3,000 pings answered in a second; and
the per-minute cost budget was charged over HTTP only, so the WebSocket answered all 30 of an
operation in a minute where HTTP answered 27 and then 429.
"""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from backend.accounts.services.tokens import access_token_issue
from tests.conftest import ApiClient

from .test_websocket import signed_in_socket

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

REVOKED = "subscription { sessionRevoked { sessionId } }"
# Costs 301: the connection, then 100 each for edges, nodes and names.
SCHOOLS = "{ schools(first: 100) { edges { node { name } } } }"


@pytest.fixture(autouse=True)
def fresh_budgets():
    cache.clear()  # budgets live in the cache; ids repeat between transactional tests
    yield
    cache.clear()


def _subscribe(operation_id: str, query: str = REVOKED) -> dict:
    return {"id": operation_id, "type": "subscribe", "payload": {"query": query}}


async def test_operations_over_the_cap_are_refused_one_by_one(teacher, settings):
    maximum = settings.WEBSOCKET_LIMITS["max_operations"]
    socket, _ = await signed_in_socket(teacher)

    for number in range(maximum + 10):
        await socket.send_json_to(_subscribe(str(number)))
    refused = [await socket.receive_json_from(timeout=3) for _ in range(10)]

    assert {message["type"] for message in refused} == {"error"}
    assert [message["id"] for message in refused] == [str(n) for n in range(maximum, maximum + 10)]
    assert {m["payload"][0]["extensions"]["code"] for m in refused} == {"TOO_MANY_OPERATIONS"}
    assert await socket.receive_nothing(timeout=0.2)
    # Completing one makes room; the socket was never closed.
    await socket.send_json_to({"id": "0", "type": "complete"})
    await asyncio.sleep(0.1)
    await socket.send_json_to(_subscribe("again", "{ me { roles } }"))
    answer = await socket.receive_json_from(timeout=3)
    assert answer["id"] == "again" and answer["type"] == "next"
    await socket.disconnect()


async def test_five_hundred_subscriptions_do_not_all_run(teacher):
    socket, _ = await signed_in_socket(teacher)
    for number in range(500):
        await socket.send_json_to(_subscribe(str(number)))

    # The flood closes the socket long before 500 could run.
    messages, code = [], None
    while code is None:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            code = output["code"]
        else:
            messages.append(json.loads(output["text"]))
    assert code == 1008
    assert all(m["payload"][0]["extensions"]["code"] == "TOO_MANY_OPERATIONS" for m in messages)


async def test_a_ping_flood_closes_the_socket_with_1008(teacher, settings):
    burst = settings.WEBSOCKET_LIMITS["message_burst"]
    socket, _ = await signed_in_socket(teacher)

    for _ in range(3000):
        await socket.send_json_to({"type": "ping"})
    pongs = 0
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            break
        pongs += 1

    assert output["code"] == 1008
    assert pongs < burst + 20  # the init counted too; a little refill while they arrive


async def test_a_client_at_a_normal_pace_is_never_closed(teacher, settings):
    rate = settings.WEBSOCKET_LIMITS["messages_per_second"]
    socket, _ = await signed_in_socket(teacher)

    for _ in range(3 * rate):  # three seconds at the full sustained rate, and more burst left
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
        await asyncio.sleep(1 / rate)
    await socket.disconnect()


async def test_http_and_websocket_draw_from_one_cost_budget(teacher, settings, budget_window):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "cost_per_minute": 700}
    from django.test import Client

    _token, raw = await database_sync_to_async(access_token_issue)(user=teacher, device_name="p")
    phone = ApiClient(Client(), raw)
    socket, _ = await signed_in_socket(teacher)

    first_http = await database_sync_to_async(phone.post)(SCHOOLS)
    await socket.send_json_to(_subscribe("ws-1", SCHOOLS))
    first_ws = await socket.receive_json_from(timeout=5)
    assert await socket.receive_json_from(timeout=5) == {"id": "ws-1", "type": "complete"}
    await socket.send_json_to(_subscribe("ws-2", SCHOOLS))
    second_ws = await socket.receive_json_from(timeout=5)
    second_http = await database_sync_to_async(phone.post)(SCHOOLS)

    assert first_http.status_code == 200
    assert first_ws["type"] == "next" and "errors" not in first_ws["payload"]
    assert second_ws["type"] == "error"
    assert second_ws["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert second_ws["payload"][0]["extensions"]["retryAfter"] > 0
    assert second_http.status_code == 429
    await socket.disconnect()


async def test_a_websocket_alone_is_held_to_the_budget(teacher, settings, budget_window):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "cost_per_minute": 700}
    socket, _ = await signed_in_socket(teacher)

    kinds = []
    for number in range(3):
        await socket.send_json_to(_subscribe(f"q{number}", SCHOOLS))
        kinds.append((await socket.receive_json_from(timeout=5))["type"])
        if kinds[-1] == "next":
            assert await socket.receive_json_from(timeout=5) == {
                "id": f"q{number}",
                "type": "complete",
            }

    assert kinds == ["next", "next", "error"]
    await socket.disconnect()
