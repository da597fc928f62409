"""Credential definitions: versions, publishing, and what the database refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from credentials.models import (
    ConsentGrant,
    Credential,
    CredentialVersion,
    EvidenceItem,
    Packet,
    Programme,
    Pursuit,
    RequirementSlot,
    ReviewCriterion,
)
from credentials.services.definitions import version_new_draft, version_publish
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


def _refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def draft():
    programme = Programme.objects.create(key="test-programme", title="Test programme")
    credential = Credential.objects.create(programme=programme, key="c", position=1)
    version = CredentialVersion.objects.create(credential=credential, number=1, title="First")
    RequirementSlot.objects.create(
        version=version,
        key="why",
        position=1,
        kind="TEXT",
        title="Why",
        spec={"prompts": [{"key": "why", "text": "Why?"}], "words": {"min": 0, "max": 50}},
    )
    return version


def test_publishing_freezes_the_version_and_its_children(draft):
    version_publish(version=draft)
    draft.refresh_from_db()
    slot = draft.slots.get()

    assert draft.status == "PUBLISHED" and draft.published_at and len(draft.content_sha256) == 64
    _refused(lambda: CredentialVersion.objects.filter(pk=draft.pk).update(title="Changed"))
    _refused(lambda: CredentialVersion.objects.filter(pk=draft.pk).update(status="DRAFT"))
    _refused(lambda: RequirementSlot.objects.filter(pk=slot.pk).update(spec={}))
    _refused(
        lambda: RequirementSlot.objects.create(
            version=draft, key="more", position=2, kind="ATTESTATION", title="More"
        )
    )
    _refused(
        lambda: ReviewCriterion.objects.create(
            version=draft, group="g", position=1, text="t", scale="PASS_FAIL"
        )
    )


def test_a_new_version_retires_the_old_one_which_stays_as_it_was(draft):
    version_publish(version=draft)
    second = version_new_draft(version=draft)
    RequirementSlot.objects.filter(version=second).update(title="Why, in other words")
    version_publish(version=second)

    draft.refresh_from_db()
    second.refresh_from_db()
    assert (draft.status, second.status, second.number) == ("RETIRED", "PUBLISHED", 2)
    assert draft.slots.get().title == "Why"
    assert draft.content_sha256 != second.content_sha256
    _refused(lambda: CredentialVersion.objects.filter(pk=draft.pk).update(status="PUBLISHED"))


def test_two_published_versions_of_one_credential_are_refused(draft):
    version_publish(version=draft)
    other = CredentialVersion.objects.create(credential=draft.credential, number=2, title="Two")

    _refused(
        lambda: CredentialVersion.objects.filter(pk=other.pk).update(
            status="PUBLISHED", published_at=timezone.now()
        )
    )


def test_a_spec_that_does_not_fit_its_kind_is_not_published(draft):
    RequirementSlot.objects.create(
        version=draft, key="visits", position=2, kind="RECORDS", title="Visits", spec={}
    )

    with pytest.raises(ValidationError) as refused:
        version_publish(version=draft)

    assert refused.value.code == "INVALID" and "visits" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == "DRAFT"


def test_only_a_draft_is_published(draft):
    version_publish(version=draft)

    with pytest.raises(ValidationError) as refused:
        version_publish(version=draft)

    assert refused.value.code == "VERSION_CONFLICT"


def test_a_pursuit_keeps_its_version_when_a_new_one_is_published(draft):
    version_publish(version=draft)
    pursuit = Pursuit.objects.create(
        person=TeacherFactory(), credential=draft.credential, version=draft
    )
    version_publish(version=version_new_draft(version=draft))

    pursuit.refresh_from_db()
    assert pursuit.version_id == draft.pk


def test_an_evidence_item_holds_exactly_one_thing(draft):
    version_publish(version=draft)
    pursuit = Pursuit.objects.create(
        person=TeacherFactory(), credential=draft.credential, version=draft
    )

    _refused(lambda: EvidenceItem.objects.create(pursuit=pursuit, slot_key="why"))
    _refused(
        lambda: EvidenceItem.objects.create(
            pursuit=pursuit, slot_key="why", text="t", attested_at=timezone.now()
        )
    )
    EvidenceItem.objects.create(pursuit=pursuit, slot_key="why", prompt_key="why", text="")
    _refused(
        lambda: EvidenceItem.objects.create(
            pursuit=pursuit, slot_key="why", prompt_key="why", text="again"
        )
    )


def test_one_pursuit_per_person_and_credential(draft):
    version_publish(version=draft)
    person = TeacherFactory()
    Pursuit.objects.create(person=person, credential=draft.credential, version=draft)

    _refused(
        lambda: Pursuit.objects.create(person=person, credential=draft.credential, version=draft)
    )


def test_a_submitted_packet_keeps_everything_but_its_state(draft):
    version_publish(version=draft)
    person = TeacherFactory()
    pursuit = Pursuit.objects.create(person=person, credential=draft.credential, version=draft)
    packet = Packet.objects.create(
        pursuit=pursuit,
        attempt=1,
        version=draft,
        submitted_at=timezone.now(),
        submitted_by=person,
        content={"a": "b"},
        manifest={},
        manifest_sha256="0" * 64,
    )

    _refused(lambda: Packet.objects.filter(pk=packet.pk).update(content={"a": "changed"}))
    _refused(lambda: Packet.objects.filter(pk=packet.pk).update(manifest_sha256="1" * 64))
    Packet.objects.filter(pk=packet.pk).update(state="UNDER_REVIEW")
    # A second packet in review for the same pursuit is refused.
    _refused(
        lambda: Packet.objects.create(
            pursuit=pursuit,
            attempt=2,
            version=draft,
            submitted_at=timezone.now(),
            submitted_by=person,
            content={},
            manifest={},
            manifest_sha256="2" * 64,
        )
    )


def test_a_consent_is_about_an_item_or_a_name_and_is_dated_once_decided(draft):
    version_publish(version=draft)
    pursuit = Pursuit.objects.create(
        person=TeacherFactory(), credential=draft.credential, version=draft
    )
    grantor = TeacherFactory()

    _refused(lambda: ConsentGrant.objects.create(pursuit=pursuit, grantor=grantor, scope="ITEM"))
    _refused(
        lambda: ConsentGrant.objects.create(
            pursuit=pursuit, grantor=grantor, scope="NAME", state="GRANTED"
        )
    )
    ConsentGrant.objects.create(pursuit=pursuit, grantor=grantor, scope="NAME")
    _refused(lambda: ConsentGrant.objects.create(pursuit=pursuit, grantor=grantor, scope="NAME"))
