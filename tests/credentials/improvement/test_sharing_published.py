"""Sharing Improvement Strategies asks that the shared cycle be live in the improvement library
(issue 22): the rule, the source flag it reads, and the catalogue's version 2."""

import importlib

import pytest

from credentials.models import CredentialVersion, Programme, RequirementSlot
from credentials.services.definitions import catalogue_slot_revise
from improvement.models import LibraryScope, Stage
from improvement.services.library import pdsa_publish, pdsa_unpublish

from ..conftest import Catalogue, records
from .conftest import SHARING
from .test_progress import IN_PROGRESS, MET, progress_of, pursue

pytestmark = pytest.mark.django_db

SHARING_KEY = "sharing-improvement-strategies-to-advance-professional-knowledge"
PUBLISHED_SPEC = {"source": "PDSA", "count": 1, "rules": {"complete": True, "published": True}}


@pytest.fixture
def sharing_catalogue(db) -> Catalogue:
    cat = Catalogue(Programme.objects.create(key="test-sharing", title="Sharing"))
    cat.add("sharing", SHARING, [records("shared-pdsa", "PDSA", 1, complete=True, published=True)])
    return cat


def test_the_shared_cycle_counts_only_while_it_is_in_the_library(sharing_catalogue, teacher, mine):
    pursuit = pursue(sharing_catalogue, teacher, "sharing")
    cycle = mine.cycle(to=Stage.DONE)
    waiting = progress_of(pursuit)["shared-pdsa"]
    assert waiting.state == IN_PROGRESS
    assert waiting.reasons == [
        f"{SHARING}: tests of change 0 of 1; cycle 1 is not published in the improvement "
        "library yet"
    ]
    entry = pdsa_publish(
        actor=teacher, pdsa=cycle, scope=LibraryScope.SCHOOL, commit_to_answer=True
    )
    assert progress_of(pursuit)["shared-pdsa"].state == MET
    pdsa_unpublish(actor=teacher, entry=entry)
    assert progress_of(pursuit)["shared-pdsa"].state == IN_PROGRESS


def test_the_catalogue_has_sharing_ask_for_a_published_cycle_and_photos_of_materials():
    version = CredentialVersion.objects.get(credential__key=SHARING_KEY, status="PUBLISHED")
    slot = RequirementSlot.objects.get(version=version, key="shared-pdsa")
    assert slot.spec["rules"] == {"complete": True, "published": True}
    materials = RequirementSlot.objects.get(version=version, key="related-artifacts")
    assert (materials.spec, materials.later_capability) == ({"media": "PHOTO", "count": 1}, "")


def test_a_database_on_version_1_gets_version_2_and_its_pursuits_keep_version_1():
    from credentials.services.definitions import version_new_draft, version_publish

    migration = importlib.import_module(
        "credentials.migrations.0005_sharing_asks_for_a_published_cycle"
    )
    published = CredentialVersion.objects.get(credential__key=SHARING_KEY, status="PUBLISHED")
    # As a database migrated before this revision holds it: the old rule and file uploads.
    old = version_new_draft(version=published)
    RequirementSlot.objects.filter(version=old, key="shared-pdsa").update(
        spec={"source": "PDSA", "count": 1, "rules": {"complete": True}}
    )
    RequirementSlot.objects.filter(version=old, key="related-artifacts").update(
        spec={"media": "FILE", "count": 1}, later_capability="ARTIFACT"
    )
    version_publish(version=old)

    assert catalogue_slot_revise(credential_key=SHARING_KEY, slots=migration.SLOTS)

    now = CredentialVersion.objects.get(credential__key=SHARING_KEY, status="PUBLISHED")
    assert now.number == old.number + 1
    assert RequirementSlot.objects.get(version=now, key="shared-pdsa").spec == PUBLISHED_SPEC
    materials = RequirementSlot.objects.get(version=now, key="related-artifacts")
    assert (materials.spec["media"], materials.later_capability) == ("PHOTO", "")
    old.refresh_from_db()
    assert old.status == "RETIRED"
    # Asking again changes nothing.
    assert not catalogue_slot_revise(credential_key=SHARING_KEY, slots=migration.SLOTS)
