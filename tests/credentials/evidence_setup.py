"""Fixtures of test_evidence.py and test_consent.py (they import them by name): a small
published credential with one slot of each shape the evidence services handle, a cohort
(leader, a blue dot, a yellow dot) and an outsider leading another cohort.

Progress comes from branch `progress` (`credentials.selectors.pursuit_progress`); here it is
replaced by `counted`, a dict slot key -> record ids that count, which each test fills.
"""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from cohorts.models import Role
from credentials.models import (
    Credential,
    CredentialVersion,
    Programme,
    Pursuit,
    RequirementSlot,
)
from observations.models import VisitStatus
from tests.factories import SchoolFactory, TeacherFactory
from tests.observations.factories import (
    CohortFactory,
    MembershipFactory,
    visit,
)

WORDS = {"min": 3, "max": 10}


def _slot(version, position, key, kind, spec, **fields):
    return RequirementSlot.objects.create(
        version=version, key=key, position=position, kind=kind, title=key.title(), spec=spec,
        **fields,
    )  # fmt: skip


@pytest.fixture
def version(db):
    programme = Programme.objects.create(key="test-programme", title="Test programme")
    credential = Credential.objects.create(programme=programme, key="will", position=1)
    version = CredentialVersion.objects.create(
        credential=credential, number=1, title="Building Will"
    )
    records = "RECORDS"
    _slot(version, 1, "data", records, {"source": "DATA_SET_COLLECTED", "count": 2},
          consent_from="HOST")  # fmt: skip
    _slot(version, 2, "will", records, {"source": "VISIT_BY_ROLE_TO_ROLE", "count": 3},
          consent_from="NAMED_PEERS")  # fmt: skip
    _slot(version, 3, "sheets", records,
          {"source": "REFLECTION_SHEET_AS_FACILITATOR", "count": 2},
          consent_from="HOST")  # fmt: skip
    _slot(version, 4, "pdsa", records, {"source": "PDSA", "count": 2}, later_capability="PDSA")
    _slot(version, 5, "photo", "UPLOAD", {"media": "PHOTO", "count": 1})
    _slot(version, 6, "video", "UPLOAD", {"media": "VIDEO", "count": 1}, later_capability="VIDEO")
    prompts = [{"key": k, "text": f"Prompt {k}"} for k in ("a", "b")]
    _slot(version, 7, "reflect", "TEXT", {"prompts": prompts, "words": WORDS})
    _slot(version, 8, "synopsis", "TEXT",
          {"prompts": prompts, "words": WORDS, "limit_scope": "SLOT"})  # fmt: skip
    form = _slot(version, 9, "form", "CHOICE", {"choose": 1})
    RequirementSlot.objects.create(
        version=version, parent=form, key="written", position=1, kind="TEXT", title="Written",
        spec={"prompts": [{"key": "why", "text": "Why?"}], "words": {"min": 0, "max": 20}},
    )  # fmt: skip
    RequirementSlot.objects.create(
        version=version, parent=form, key="filmed", position=2, kind="UPLOAD", title="Filmed",
        spec={"media": "VIDEO"}, later_capability="VIDEO",
    )  # fmt: skip
    _slot(version, 10, "sources", "LIST",
          {"item": {"title": True, "url": True}, "count": {"min": 2}})  # fmt: skip
    _slot(version, 11, "agree", "ATTESTATION", {"statement": "I will answer questions."})
    # Published after the slots: the database freezes a published version and its children.
    CredentialVersion.objects.filter(pk=version.pk).update(
        status="PUBLISHED", published_at=timezone.now()
    )
    version.refresh_from_db()
    return version


@pytest.fixture
def people(db):
    school = SchoolFactory()
    leader = TeacherFactory(school=school, full_name="Lena Leader", is_teacher_leader=True)
    blue = TeacherFactory(school=school, full_name="Bea Blue")
    yellow = TeacherFactory(school=school, full_name="Yuri Yellow")
    cohort = CohortFactory(school=school)
    for person, role in ((leader, Role.LEADER), (blue, Role.BLUE), (yellow, Role.YELLOW)):
        MembershipFactory(cohort=cohort, person=person, role=role)
    # A teacher leader of another cohort in the same school: the attacker.
    outsider = TeacherFactory(school=school, full_name="Olga Outsider", is_teacher_leader=True)
    MembershipFactory(cohort=CohortFactory(school=school), person=outsider, role=Role.LEADER)
    return SimpleNamespace(
        school=school, leader=leader, blue=blue, yellow=yellow, cohort=cohort, outsider=outsider
    )


@pytest.fixture
def pursuit(version, people):
    return Pursuit.objects.create(
        person=people.leader, credential=version.credential, version=version, cohort=people.cohort
    )


@pytest.fixture
def counted(monkeypatch):
    """slot key -> ids that count; what `pursuit_progress` answers for every pursuit."""
    found: dict[str, list[int]] = {}

    def pursuit_progress(pursuits):
        rows = [SimpleNamespace(slot_key=k, candidates=list(v)) for k, v in found.items()]
        return {pursuit.pk: rows for pursuit in pursuits}

    monkeypatch.setattr("credentials.selectors.pursuit_progress", pursuit_progress)
    return found


@pytest.fixture
def make_visit(people):
    def make(*, host=None, visitor=None, day=7, status=VisitStatus.COMPLETED):
        from datetime import UTC, datetime

        return visit(
            host=host or people.blue,
            visitor=visitor or people.leader,
            status=status,
            cohort=people.cohort,
            starts_at=datetime(2030, 1, day, 15, 0, tzinfo=UTC),
        )

    return make
