"""Starting and withdrawing pursuits: each refusal, and the race the database decides."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts.models import Membership
from credentials.errors import CredentialError
from credentials.models import Packet, Prerequisite, Pursuit, Series
from credentials.services.pursuits import pursuit_start, pursuit_withdraw
from tests.factories import TeacherFactory

from .conftest import publish, text

pytestmark = pytest.mark.django_db


def refusal(call) -> tuple[str, str, str]:
    """(field, code, message) of the one error a service raised."""
    with pytest.raises(ValidationError) as caught:
        call()
    [(field, [error])] = caught.value.error_dict.items()
    return field, error.code, error.message


def test_start_keeps_the_published_version_and_the_cohort(catalogue, world):
    pursuit = pursuit_start(
        person=world.leader, credential=catalogue.credentials["building-will"], cohort=world.cohort
    )
    assert (pursuit.version, pursuit.cohort, pursuit.state) == (
        catalogue.versions["building-will"],
        world.cohort,
        "DRAFT",
    )


def test_a_second_start_is_already_pursuing(catalogue, world):
    credential = catalogue.credentials["sharing"]
    pursuit_start(person=world.leader, credential=credential)
    assert refusal(lambda: pursuit_start(person=world.leader, credential=credential))[:2] == (
        "credential_id",
        CredentialError.ALREADY_PURSUING,
    )


def test_the_unique_constraint_decides_a_race(catalogue, world, monkeypatch):
    """Both reads saw no pursuit; the second insert still fails cleanly."""
    credential = catalogue.credentials["sharing"]
    pursuit_start(person=world.leader, credential=credential)
    real_filter = Pursuit.objects.filter

    class Blind:
        def exists(self):
            return False

    def filter_(*args, **kwargs):
        if "credential" in kwargs and "person_id" in kwargs:
            return Blind()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Pursuit.objects, "filter", filter_)
    field, code, _ = refusal(lambda: pursuit_start(person=world.leader, credential=credential))
    assert (field, code) == ("credential_id", CredentialError.ALREADY_PURSUING)
    monkeypatch.undo()
    assert Pursuit.objects.filter(person=world.leader).count() == 1


def test_nothing_published_is_not_published(catalogue, world):
    catalogue.add("draft-only", "Draft only", [text("t", "T")], published=False)
    field, code, _ = refusal(
        lambda: pursuit_start(person=world.leader, credential=catalogue.credentials["draft-only"])
    )
    assert (field, code) == ("credential_id", CredentialError.NOT_PUBLISHED)


def test_a_prerequisite_credential_must_be_earned_and_is_named(catalogue, world):
    later = catalogue.add("later", "Later One", [text("t", "T")], published=False)
    Prerequisite.objects.create(
        version=catalogue.versions["later"],
        required_credential=catalogue.credentials["building-will"],
    )
    publish(catalogue.versions["later"])
    field, code, message = refusal(lambda: pursuit_start(person=world.leader, credential=later))
    assert (field, code) == ("credential_id", CredentialError.PREREQUISITE_NOT_MET)
    assert "Building Will" in message

    earned = pursuit_start(
        person=world.leader, credential=catalogue.credentials["building-will"], cohort=world.cohort
    )
    assert refusal(lambda: pursuit_start(person=world.leader, credential=later))[1] == (
        CredentialError.PREREQUISITE_NOT_MET
    )  # started is not earned
    Pursuit.objects.filter(pk=earned.pk).update(state="EARNED")
    assert pursuit_start(person=world.leader, credential=later).credential == later


def test_a_series_prerequisite_needs_every_credential_and_an_empty_series_is_never_earned(
    catalogue, world
):
    foundation = Series.objects.create(
        programme=catalogue.programme, key="foundation", title="Foundations"
    )
    advocacy = Series.objects.create(
        programme=catalogue.programme,
        key="advocacy",
        title="Advocacy",
        requires_series=foundation,
    )
    advocate = catalogue.add("advocate", "Advocate", [text("t", "T")], series=advocacy)
    _, code, message = refusal(lambda: pursuit_start(person=world.leader, credential=advocate))
    assert code == CredentialError.PREREQUISITE_NOT_MET
    assert "Foundations" in message  # empty: never earned

    basic = catalogue.add("basic", "Basic", [text("t", "T")], series=foundation)
    other = catalogue.add("basic-2", "Basic Two", [text("t", "T")], series=foundation)
    for credential in (basic, other):
        pursuit_start(person=world.leader, credential=credential)
    Pursuit.objects.filter(credential=basic).update(state="EARNED")
    assert refusal(lambda: pursuit_start(person=world.leader, credential=advocate))[1] == (
        CredentialError.PREREQUISITE_NOT_MET
    )
    Pursuit.objects.filter(credential=other).update(state="EARNED")
    assert pursuit_start(person=world.leader, credential=advocate).credential == advocate


def test_a_cohort_scoped_credential_requires_a_cohort(catalogue, world):
    for key in ("building-will", "measuring-impact", "impact-on-culture"):
        field, code, _ = refusal(
            lambda key=key: pursuit_start(
                person=world.leader, credential=catalogue.credentials[key]
            )
        )
        assert (field, code) == ("cohort_id", CredentialError.COHORT_REQUIRED)
    # No cohort-scoped source: none needed.
    assert pursuit_start(person=world.leader, credential=catalogue.credentials["sharing"])


def test_a_cohort_never_joined_is_not_found_and_a_left_one_is_fine(catalogue, world):
    stranger = TeacherFactory(school=world.school)
    field, code, _ = refusal(
        lambda: pursuit_start(
            person=stranger,
            credential=catalogue.credentials["building-will"],
            cohort=world.cohort,
        )
    )
    assert (field, code) == ("cohort_id", CredentialError.NOT_FOUND)

    former = world.blues[0]
    Membership.objects.filter(person=former).update(ended_at=timezone.now())
    pursuit = pursuit_start(
        person=former, credential=catalogue.credentials["building-will"], cohort=world.cohort
    )
    assert pursuit.cohort == world.cohort


def test_withdraw_deletes_a_draft_only_for_its_owner(catalogue, world):
    pursuit = pursuit_start(person=world.leader, credential=catalogue.credentials["sharing"])
    pursuit.evidence.create(slot_key="agree", attested_at=timezone.now())
    field, code, _ = refusal(lambda: pursuit_withdraw(person=world.blues[0], pursuit=pursuit))
    assert (field, code) == ("pursuit_id", CredentialError.NOT_FOUND)

    Pursuit.objects.filter(pk=pursuit.pk).update(state="SUBMITTED")
    assert refusal(lambda: pursuit_withdraw(person=world.leader, pursuit=pursuit))[1] == (
        CredentialError.NOT_DRAFT
    )
    Pursuit.objects.filter(pk=pursuit.pk).update(state="DRAFT")
    pursuit_withdraw(person=world.leader, pursuit=pursuit)
    assert not Pursuit.objects.filter(pk=pursuit.pk).exists()


def test_a_pursuit_with_a_packet_is_never_withdrawn(catalogue, world):
    pursuit = pursuit_start(person=world.leader, credential=catalogue.credentials["sharing"])
    Packet.objects.create(
        pursuit=pursuit,
        attempt=1,
        version=pursuit.version,
        submitted_at=timezone.now(),
        submitted_by=world.leader,
        content={},
        manifest={},
        manifest_sha256="0" * 64,
        state="NOT_YET",
    )  # "not yet": the pursuit is a draft again, with its first attempt kept
    assert refusal(lambda: pursuit_withdraw(person=world.leader, pursuit=pursuit))[1] == (
        CredentialError.NOT_ALLOWED
    )
    assert Pursuit.objects.filter(pk=pursuit.pk).exists()
