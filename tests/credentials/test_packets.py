"""Submitting a packet end to end (slice 5 of docs/design/credentials.md): evidence added
through the services, `packetSubmit` over GraphQL as the phone calls it, and what is frozen.

The pursuit comes from packet_world.py: real tool kinds, so the entries hold children's names
in their structured fields, and a Building Will visit between two peers the teacher did not
take part in.
"""

import hashlib
import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cohorts.models import Membership
from credentials.errors import CredentialError
from credentials.exports.json_export import render_json
from credentials.exports.manifest import manifest_sha256
from credentials.models import (
    ConsentGrant,
    ConsentScope,
    EvidenceItem,
    Packet,
    PacketFile,
    Pursuit,
    PursuitState,
)
from credentials.services.consent import consent_decline
from credentials.services.packets import packet_submit
from observations.models import Photo, ReflectionSheet, StudentLearningQuestion

from ..conftest import postgres_only
from .packet_world import (
    PEER_NOTE,
    PEER_QUESTION,
    PEER_STUDENT,
    PHOTO_BYTES,
    PREVIEW,
    cancel,
    ready,
    submit,
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _zip_bytes(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.content


# --- a full submission -----------------------------------------------------------------------


def test_a_met_pursuit_submits_into_a_packet_whose_hashes_verify(world, api_for):
    r = ready(world)
    revision = r.revision()
    payload = submit(api_for(r.leader), r, revision)

    assert payload["errors"] == []
    assert payload["packet"]["attempt"] == 1
    assert payload["pursuit"]["state"] == "SUBMITTED"
    assert payload["pursuit"]["revision"] == revision + 1
    packet = Packet.objects.get()
    assert packet.pursuit_id == r.pursuit.pk and packet.attempt == 1
    assert packet.submitted_by_id == r.leader.pk
    assert Pursuit.objects.get(pk=r.pursuit.pk).state == PursuitState.SUBMITTED
    assert payload["packet"]["manifestSha256"] == packet.manifest_sha256

    # The manifest hashes the content as packet.json holds it, and each file's bytes.
    manifest = packet.manifest
    assert manifest_sha256(manifest) == packet.manifest_sha256
    assert _sha(render_json(packet.content)) == manifest["contentSha256"]
    assert manifest["attempt"] == 1 and manifest["credentialKey"] == "opening-doors"
    assert manifest["packet"] == str(packet.reference)
    files = {f.path: f for f in PacketFile.objects.filter(packet=packet)}
    assert sorted(files) == [entry["path"] for entry in manifest["files"]] == ["files/photo-1.jpg"]
    for entry in manifest["files"]:
        with files[entry["path"]].file.open("rb") as handle:
            data = handle.read()
        assert _sha(data) == entry["sha256"] == files[entry["path"]].sha256
        assert len(data) == entry["bytes"]
    assert data == PHOTO_BYTES  # a copy of the photo as it was

    # Every requirement frozen MET, with the evidence that met it.
    requirements = {req["key"]: req for req in packet.content["requirements"]}
    assert {k: r["state"] for k, r in requirements.items()} == dict.fromkeys(
        ["data", "sheet", "will", "reflect", "photo"], "MET"
    )
    assert [len(requirements[k]["items"]) for k in requirements] == [3, 1, 2, 1, 1]
    assert packet.content["credential"]["title"] == "Opening Doors Together"
    assert packet.content["teacher"] == {"name": "Lee Leader"}


def test_a_visit_between_two_peers_is_frozen_as_who_and_when_only(world, api_for):
    # Lee leads the cohort and took no part in Blue 1's visit to Yellow 1: progress counts it
    # (visit_summaries_visible_to), and the packet says who and when, never what was in it.
    r = ready(world, decline=())
    submit(api_for(r.leader), r)
    content = Packet.objects.get().content
    will = next(req for req in content["requirements"] if req["key"] == "will")
    first, second = will["items"]
    assert first["title"] == "Blue 1 visited Yellow 1"
    assert first["date"] == r.will_visits[0].starts_at.date().isoformat()
    assert first["people"] == [
        {"role": "Yellow dot 1", "name": "Yellow 1"},
        {"role": "Blue dot 1", "name": "Blue 1"},
    ]
    assert first["fields"] == [] and first["entries"] == [] and first["file"] is None
    assert second["title"] == "Blue 2 visited Yellow 3"
    text = render_json(content).decode()
    for inside in (PEER_QUESTION, PEER_NOTE, PEER_STUDENT, "Room of a peer"):
        assert inside not in text


def test_a_peer_who_declined_their_name_is_their_role_and_ordinal(world, api_for):
    r = ready(world, decline=(2,))  # Yellow 3
    submit(api_for(r.leader), r)
    content = Packet.objects.get().content
    will = next(req for req in content["requirements"] if req["key"] == "will")
    assert will["state"] == "MET"  # a declined name still counts
    assert will["items"][1]["title"] == "Blue 2 visited Yellow dot 3"
    assert will["items"][1]["people"][0] == {"role": "Yellow dot 3", "name": None}
    assert "Yellow 3" not in render_json(content).decode()


# --- the snapshot does not follow its sources ------------------------------------------------


def test_the_packet_does_not_change_when_its_sources_change(world, api_for, client):
    r = ready(world)
    payload = submit(api_for(r.leader), r)
    packet = Packet.objects.get()
    before = (packet.content, packet.manifest_sha256, packet.manifest)
    zip_before = _zip_bytes(client, payload["packet"]["zipDownload"]["url"])
    json_before = _zip_bytes(client, payload["packet"]["jsonDownload"]["url"])

    # Edit the question, rewrite the sheet, delete the photo and its file, cancel a later
    # visit and one of the counted ones, end a membership, rename a peer.
    StudentLearningQuestion.objects.filter(pk=r.slqs[0].pk).update(question="Rewritten?")
    ReflectionSheet.objects.filter(pk=r.sheet.pk).update(
        considerations="Entirely new words", data_summary={}
    )
    r.photo.image.storage.delete(r.photo.image.name)
    Photo.objects.filter(pk=r.photo.pk).delete()
    cancel(r.later_visit)
    cancel(r.visits[0])
    Membership.objects.filter(person=world.yellows[2]).update(ended_at=timezone.now())
    type(world.blues[0]).objects.filter(pk=world.blues[0].pk).update(full_name="Renamed")

    packet = Packet.objects.get()
    assert (packet.content, packet.manifest_sha256, packet.manifest) == before
    assert _zip_bytes(client, payload["packet"]["zipDownload"]["url"]) == zip_before
    assert _zip_bytes(client, payload["packet"]["jsonDownload"]["url"]) == json_before
    # The control: the sources did change (the photo's evidence item went with the photo).
    assert not EvidenceItem.objects.filter(pursuit=r.pursuit, slot_key="photo").exists()
    assert "Rewritten?" not in json_before.decode()


def test_the_database_refuses_to_change_a_packets_content(world, api_for):
    r = ready(world)
    submit(api_for(r.leader), r)
    packet = Packet.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Packet.objects.filter(pk=packet.pk).update(content={"rewritten": True})
    packet.refresh_from_db()
    assert "rewritten" not in packet.content


# --- attempts and a second submission --------------------------------------------------------


def test_a_packet_sent_back_is_submitted_again_as_attempt_two(world, api_for):
    r = ready(world)
    client = api_for(r.leader)
    submit(client, r)
    # What review will do (not built yet): NOT_YET on the packet, the pursuit back to DRAFT.
    Packet.objects.filter(pursuit=r.pursuit).update(state=PursuitState.NOT_YET)
    Pursuit.objects.filter(pk=r.pursuit.pk).update(state=PursuitState.DRAFT)

    payload = submit(client, r)
    assert payload["errors"] == []
    assert payload["packet"]["attempt"] == 2
    assert sorted(Packet.objects.values_list("attempt", flat=True)) == [1, 2]
    second = Packet.objects.get(attempt=2)
    assert second.content["packet"]["attempt"] == 2 and second.manifest["attempt"] == 2
    assert second.manifest["packet"] != Packet.objects.get(attempt=1).manifest["packet"]


def test_a_second_submit_with_a_stale_pursuit_is_already_submitted(world):
    r = ready(world)
    stale = Pursuit.objects.get(pk=r.pursuit.pk)  # read while DRAFT
    revision = stale.revision
    packet_submit(person=r.leader, pursuit=stale, expected_revision=revision)
    assert stale.state == PursuitState.DRAFT  # the caller's object is stale
    with pytest.raises(ValidationError) as refused:
        packet_submit(person=r.leader, pursuit=stale, expected_revision=revision)
    assert refused.value.code == CredentialError.ALREADY_SUBMITTED
    assert Packet.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_make_one_packet(world):
    r = ready(world)
    revision = r.revision()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt():
        try:
            barrier.wait(timeout=10)
            pursuit = Pursuit.objects.get(pk=r.pursuit.pk)
            packet_submit(person=r.leader, pursuit=pursuit, expected_revision=revision)
            outcomes.append("packet")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ALREADY_SUBMITTED", "packet"]
    assert Packet.objects.filter(pursuit=r.pursuit).count() == 1


# --- refusals --------------------------------------------------------------------------------


def _nothing_written(r, revision):
    assert Packet.objects.count() == 0 and PacketFile.objects.count() == 0
    pursuit = Pursuit.objects.get(pk=r.pursuit.pk)
    assert pursuit.state == PursuitState.DRAFT and pursuit.revision == revision


def _refused(client, r, revision=None) -> list[tuple]:
    current = r.revision()
    payload = submit(client, r, current if revision is None else revision)
    assert payload["packet"] is None
    _nothing_written(r, current)
    return sorted(
        ((e["field"], e["code"]) for e in payload["errors"]), key=lambda e: (e[0] or "", e[1])
    )


def test_each_unmet_requirement_is_refused_on_its_own_field(world, api_for):
    r = ready(world)
    Photo.objects.filter(pk=r.photo.pk).delete()  # the photo slot: nothing left in it
    cancel(r.will_visits[1])  # Building Will: one yellow dot visited of two
    assert _refused(api_for(r.leader), r) == [
        ("requirements.photo", "REQUIREMENT_NOT_MET"),
        ("requirements.will", "REQUIREMENT_NOT_MET"),
    ]


def test_records_that_count_but_were_not_added_are_not_met(world, api_for):
    # The visits exist and count, so progress says MET; but the packet holds only what was
    # added as evidence, and one of the three data sets was taken out.
    r = ready(world)
    EvidenceItem.objects.filter(pk=r.items["data1"].pk).delete()
    payload = submit(api_for(r.leader), r)
    assert [(e["field"], e["code"], e["message"]) for e in payload["errors"]] == [
        (
            "requirements.data",
            "REQUIREMENT_NOT_MET",
            "Add the records that count as evidence: 2 of 3 added.",
        )
    ]
    assert Packet.objects.count() == 0


def test_a_pursuit_with_no_evidence_lists_every_requirement(world, api_for):
    r = ready(world)
    EvidenceItem.objects.filter(pursuit=r.pursuit).delete()
    ConsentGrant.objects.filter(pursuit=r.pursuit).delete()
    assert _refused(api_for(r.leader), r) == [
        (f"requirements.{key}", "REQUIREMENT_NOT_MET")
        for key in sorted(["data", "sheet", "will", "reflect", "photo"])
    ]


def test_an_unanswered_consent_is_pending(world, api_for):
    r = ready(world, answer=False)
    assert _refused(api_for(r.leader), r) == [(None, "CONSENT_PENDING")]


def test_a_declined_item_is_refused(world, api_for):
    r = ready(world)
    grant = ConsentGrant.objects.filter(pursuit=r.pursuit, scope=ConsentScope.ITEM).first()
    ConsentGrant.objects.filter(pk=grant.pk).update(state="REQUESTED")
    consent_decline(person=grant.grantor, consent=grant)
    codes = _refused(api_for(r.leader), r)
    assert any(code == "CONSENT_DECLINED" for _field, code in codes), codes
    # ...and its requirement is blocked until the item is removed or replaced.
    assert any(code == "REQUIREMENT_NOT_MET" for _field, code in codes), codes


@pytest.mark.parametrize(
    ("unconfirmed", "code"), [("photo", "UNREVIEWED_PHOTO"), ("reflect", "UNREVIEWED_TEXT")]
)
def test_an_unconfirmed_photo_or_text_is_refused(world, api_for, unconfirmed, code):
    r = ready(world)
    EvidenceItem.objects.filter(pk=r.items[unconfirmed].pk).update(confirmed_clean_at=None)
    assert [c for _f, c in _refused(api_for(r.leader), r)] == [code]


def test_a_stale_revision_is_refused_on_expected_revision(world, api_for):
    r = ready(world)
    assert _refused(api_for(r.leader), r, revision=r.revision() - 1) == [
        ("expectedRevision", "STALE_REVISION")
    ]


def test_a_submitted_pursuit_is_already_submitted(world, api_for):
    r = ready(world)
    client = api_for(r.leader)
    submit(client, r)
    revision = r.revision()
    payload = submit(client, r, revision)
    assert payload["packet"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "ALREADY_SUBMITTED")]
    assert Packet.objects.count() == 1 and r.revision() == revision


def test_another_teachers_pursuit_is_not_found(world, api_for):
    r = ready(world)
    payload = submit(api_for(world.blues[0]), r, r.revision())
    assert payload["packet"] is None
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
    _nothing_written(r, r.revision())


# --- preview ---------------------------------------------------------------------------------


def test_the_preview_is_what_submission_freezes(world, api_for):
    r = ready(world)
    client = api_for(r.leader)
    preview = client.data(PREVIEW, {"id": r.gid})["pursuit"]
    submit(client, r, preview["revision"])
    frozen = Packet.objects.get().content
    previewed = json.loads(preview["packetPreviewJson"])
    assert previewed["packet"].pop("submittedAt")
    frozen_copy = json.loads(render_json(frozen))
    frozen_copy["packet"].pop("submittedAt")
    assert previewed == frozen_copy
    # Once submitted there is nothing to preview.
    assert client.data(PREVIEW, {"id": r.gid})["pursuit"]["packetPreviewJson"] is None
