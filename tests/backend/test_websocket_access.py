"""Lost access ends live streams (issue 18, item 6).

The attack: a deactivated account's HTTP token got 401, but its open
`cohortChanged { meeting { notes } }` went on delivering new meeting notes. Now a socket
re-checks its session and each subscription's access before every event and every
`revalidate_seconds`; deactivation closes it with 4403, leaving a cohort or losing a role ends
the stream with the refusal subscribing now would get.
"""

import asyncio
from datetime import time, timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from backend.accounts.models import User
from cohorts.models import Membership
from cohorts.services.meetings import meeting_create, meeting_record
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.factories import CoordinatorFactory, LeaderFactory

from .test_websocket import closed_with, signed_in_socket

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

NOTES = """
subscription($id: ID!) {
  cohortChanged(cohortId: $id) { kind meeting { title notes } cohort { meetings { notes } } }
}
"""
SECRET = "zq the notes nobody outside may read zq"


@pytest.fixture
def network(db):
    network = build_cohort(leader=LeaderFactory(), blues=2, yellows=2)
    network.meeting = meeting_create(
        actor=network.leader.person,
        cohort=network.cohort,
        kind="BLUE_GROUP",
        local_date=(timezone.now() + timedelta(days=3)).date(),
        local_time=time(15, 0),
        duration_minutes=60,
    )
    return network


@pytest.fixture
def revalidate(settings):
    def set_to(seconds: float):
        settings.WEBSOCKET_LIMITS = {**settings.WEBSOCKET_LIMITS, "revalidate_seconds": seconds}

    return set_to


async def _subscribe(socket, cohort):
    await socket.send_json_to(
        {
            "id": "c",
            "type": "subscribe",
            "payload": {"query": NOTES, "variables": {"id": gid(cohort)}},
        }
    )
    await asyncio.sleep(0.1)  # the subscription joins its group


async def _record_notes(network):
    await database_sync_to_async(meeting_record)(
        actor=network.leader.person, meeting=network.meeting, notes=SECRET
    )


async def _messages_until_closed(socket, seconds: float = 3) -> tuple[list, int | None]:
    """Everything the socket sends for `seconds` or until it closes; and the close code."""
    messages = []
    try:
        while True:
            output = await socket.receive_output(timeout=seconds)
            if output["type"] == "websocket.close":
                return messages, output["code"]
            messages.append(output.get("text", ""))
    except TimeoutError:
        return messages, None


async def test_deactivation_closes_the_socket_within_seconds_without_any_event(network, revalidate):
    revalidate(0.2)
    person = network.yellows[0].person
    socket, _ = await signed_in_socket(person)
    await _subscribe(socket, network.cohort)

    await database_sync_to_async(User.objects.filter(pk=person.pk).update)(is_active=False)

    assert await closed_with(socket) == 4403


async def test_a_deactivated_account_hears_no_new_meeting_notes(network, revalidate):
    revalidate(600)  # only the check at delivery stands between the notes and the socket
    person = network.blues[0].person
    socket, _ = await signed_in_socket(person)
    await _subscribe(socket, network.cohort)

    await database_sync_to_async(User.objects.filter(pk=person.pk).update)(is_active=False)
    await _record_notes(network)

    messages, code = await _messages_until_closed(socket)
    assert not any(SECRET in message for message in messages)
    assert code == 4403


async def test_leaving_the_cohort_ends_its_stream_within_seconds(network, revalidate):
    revalidate(0.2)
    membership = network.yellows[0]
    socket, _ = await signed_in_socket(membership.person)
    await _subscribe(socket, network.cohort)

    # Ended the way the admin or a script would: no event is broadcast.
    await database_sync_to_async(Membership.objects.filter(pk=membership.pk).update)(
        ended_at=timezone.now()
    )

    message = await socket.receive_json_from(timeout=3)
    assert message["id"] == "c" and message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    await _record_notes(network)
    assert await socket.receive_nothing(timeout=0.5)
    await socket.send_json_to({"type": "ping"})  # the socket itself stays open
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.parametrize("path", ["at the next event", "periodically"])
async def test_losing_the_coordinator_role_ends_the_stream(network, revalidate, path):
    revalidate(600 if path == "at the next event" else 0.2)
    coordinator = await database_sync_to_async(CoordinatorFactory)(
        coordinated_district=network.cohort.school.district
    )
    socket, _ = await signed_in_socket(coordinator)
    await _subscribe(socket, network.cohort)

    await database_sync_to_async(User.objects.filter(pk=coordinator.pk).update)(
        coordinated_district=None
    )
    if path == "at the next event":
        await _record_notes(network)

    message = await socket.receive_json_from(timeout=3)
    assert SECRET not in str(message)
    assert message["id"] == "c" and message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    await socket.disconnect()


async def test_a_member_still_hears_notes_while_access_holds(network, revalidate):
    revalidate(0.2)
    socket, _ = await signed_in_socket(network.blues[0].person)
    await _subscribe(socket, network.cohort)
    await asyncio.sleep(0.6)  # several re-validations pass

    await _record_notes(network)

    message = await socket.receive_json_from(timeout=3)
    assert message["type"] == "next"
    assert message["payload"]["data"]["cohortChanged"]["meeting"]["notes"] == SECRET
    await socket.disconnect()


async def test_an_access_check_that_fails_withholds_the_event_and_keeps_the_stream(
    network, revalidate, monkeypatch
):
    from django.db import OperationalError

    from backend.accounts.models import AccessToken

    revalidate(600)
    socket, _ = await signed_in_socket(network.blues[0].person)
    await _subscribe(socket, network.cohort)
    real = AccessToken.is_usable

    def database_away(self, *args, **kwargs):
        # The session check (access_token_session_user, given to the consumer) fails.
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(AccessToken, "is_usable", database_away)
    await _record_notes(network)
    assert await socket.receive_nothing(timeout=0.5)  # unknown is not allowed

    monkeypatch.setattr(AccessToken, "is_usable", real)
    await database_sync_to_async(meeting_record)(
        actor=network.leader.person, meeting=network.meeting, notes="later"
    )
    message = await socket.receive_json_from(timeout=3)
    assert message["type"] == "next"
    assert message["payload"]["data"]["cohortChanged"]["meeting"]["notes"] == "later"
    await socket.disconnect()
