"""A packet's download links: the owner's link serves the document, never to be cached;
a link for someone else, an altered or expired one, one whose owner has left, and one opened on
another format's address are refused like every link of the service (`link_refusal`)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from credentials import downloads
from credentials.models import Packet

from ..conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal
from .packet_world import ready, submit

FORMATS = {
    "pdf": ("PDF", "application/pdf", b"%PDF"),
    "zip": ("ZIP", "application/zip", b"PK"),
    "json": ("JSON", "application/json", b"{"),
}


@pytest.fixture
def submitted(world, api_for):
    r = ready(world)
    payload = submit(api_for(r.leader), r)
    return r, payload["packet"], Packet.objects.get()


def _url(format_name: str, token: str) -> str:
    return reverse(f"credentials:packet-{format_name}", args=[token])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_owners_link_serves_the_document_privately(submitted, client, name):
    _r, packet, _stored = submitted
    _format, content_type, magic = FORMATS[name]
    link = packet[f"{name}Download"]
    assert link["contentType"] == content_type
    response = client.get(link["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (f'inline; filename="opening-doors-attempt-1.{name}"')
    assert response.content.startswith(magic)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_link_made_for_someone_else_is_not_found(submitted, client, world, name):
    _r, _packet, stored = submitted
    token = downloads.sign(
        packet_id=stored.pk,
        user_id=world.blues[0].pk,  # a cohort peer who does not own the packet
        format=FORMATS[name][0],
        expires_at=timezone.now() + downloads.LINK_LIFETIME,
    )
    assert link_refusal(client.get(_url(name, token))) == NOT_FOUND_ANSWER


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_an_altered_token_is_not_found(submitted, client, name):
    _r, packet, _stored = submitted
    url = packet[f"{name}Download"]["url"]
    head, token = url.rsplit("/", 1)
    middle = len(token) // 2
    altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    assert link_refusal(client.get(f"{head}/{altered}")) == NOT_FOUND_ANSWER


def test_a_token_for_one_format_is_not_found_at_another(submitted, client):
    _r, packet, _stored = submitted
    token = packet["pdfDownload"]["url"].rsplit("/", 1)[1]
    assert link_refusal(client.get(_url("zip", token))) == NOT_FOUND_ANSWER
    assert link_refusal(client.get(_url("json", token))) == NOT_FOUND_ANSWER


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_an_expired_link_is_gone(submitted, client, name):
    _r, packet, _stored = submitted
    url = packet[f"{name}Download"]["url"]
    with time_machine.travel(timezone.now() + downloads.LINK_LIFETIME + timedelta(seconds=5)):
        assert link_refusal(client.get(url)) == EXPIRED_ANSWER
    # Within its lifetime it worked (the control).
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_link_whose_owner_was_deactivated_is_not_found(submitted, client, name):
    r, packet, _stored = submitted
    url = packet[f"{name}Download"]["url"]
    assert client.get(url).status_code == 200
    type(r.leader).objects.filter(pk=r.leader.pk).update(is_active=False)
    assert link_refusal(client.get(url)) == NOT_FOUND_ANSWER


def test_a_link_to_another_packet_than_its_own_is_not_found(submitted, client, world):
    # A valid token of the owner's, naming a packet id that is not theirs (or none).
    r, _packet, stored = submitted
    token = downloads.sign(
        packet_id=stored.pk + 1000,
        user_id=r.leader.pk,
        format="PDF",
        expires_at=timezone.now() + downloads.LINK_LIFETIME,
    )
    assert link_refusal(client.get(_url("pdf", token))) == NOT_FOUND_ANSWER


def test_links_are_rate_limited_per_person(submitted, client):
    _r, packet, _stored = submitted
    url = packet["jsonDownload"]["url"]
    for _ in range(downloads.FETCHES_PER_MINUTE):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
