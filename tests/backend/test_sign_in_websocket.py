"""Sign-ins over the WebSocket are throttled by the caller's own address (issue 18, item 8):
twenty failures from one phone used to block every WebSocket sign-in, all being "unknown"."""

import pytest
from channels.testing import WebsocketCommunicator

from backend.asgi import application
from backend.client_address import scope_client_address

PROTOCOL = "graphql-transport-ws"
pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

SIGN_IN = """mutation S($input: SessionSignInInput!) {
  sessionSignIn(input: $input) { token errors { code } } }"""


async def socket_from(address: str, headers=()):
    socket = WebsocketCommunicator(
        application, "/graphql/", subprotocols=[PROTOCOL], headers=list(headers)
    )
    socket.scope["client"] = (address, 40000)
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "connection_init"})
    assert await socket.receive_json_from() == {"type": "connection_ack"}
    return socket


async def sign_in_over(socket, n: int, email: str, password: str) -> dict:
    variables = {"input": {"email": email, "password": password, "deviceName": "ws"}}
    await socket.send_json_to(
        {"id": str(n), "type": "subscribe", "payload": {"query": SIGN_IN, "variables": variables}}
    )
    message = await socket.receive_json_from(timeout=10)
    assert message["type"] == "next", message
    assert await socket.receive_json_from(timeout=10) == {"id": str(n), "type": "complete"}
    return message["payload"]["data"]["sessionSignIn"]


async def test_failures_from_one_socket_do_not_block_sign_ins_from_other_addresses(teacher):
    attacker = await socket_from("198.51.100.7")
    for n in range(25):
        await sign_in_over(attacker, n, f"nobody{n}@example.org", "guess-guess")
    blocked = await sign_in_over(attacker, 99, teacher.email, "correct-horse-battery")
    await attacker.disconnect()

    phone = await socket_from("203.0.113.20")
    payload = await sign_in_over(phone, 1, teacher.email, "correct-horse-battery")
    await phone.disconnect()

    assert [e["code"] for e in blocked["errors"]] == ["TOO_MANY_ATTEMPTS"]
    assert payload["errors"] == [] and payload["token"]


async def test_a_spoofed_forwarded_for_on_a_socket_is_not_believed_without_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    scope = {"client": ("198.51.100.7", 1), "headers": [(b"x-forwarded-for", b"10.9.9.9")]}

    assert scope_client_address(scope) == "198.51.100.7"


async def test_behind_one_proxy_the_socket_address_is_the_one_the_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    scope = {
        "client": ("127.0.0.1", 1),
        "headers": [(b"x-forwarded-for", b"10.9.9.9, 198.51.100.7")],
    }

    assert scope_client_address(scope) == "198.51.100.7"
