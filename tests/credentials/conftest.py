"""Catalogue rows and cohorts for the credentials tests.

The catalogue is built here with the models (not the shipped catalogue), so these tests say
exactly which slots they count; versions are published with an UPDATE, as the triggers freeze
a published version's children.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from backend.seeding.rows import Seeder
from credentials.models import (
    Credential,
    CredentialVersion,
    Programme,
    RequirementSlot,
)
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory

T0 = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)


def at_day(days: int, hour: int = 15) -> datetime:
    return (T0 + timedelta(days=days)).replace(hour=hour)


def publish(version: CredentialVersion) -> CredentialVersion:
    CredentialVersion.objects.filter(pk=version.pk).update(
        status="PUBLISHED", published_at=timezone.now()
    )
    version.refresh_from_db()
    return version


@dataclass
class Catalogue:
    programme: Programme
    credentials: dict[str, Credential] = field(default_factory=dict)
    versions: dict[str, CredentialVersion] = field(default_factory=dict)

    def add(self, key: str, title: str, slots: list[dict], *, series=None, published=True):
        credential = Credential.objects.create(
            programme=self.programme,
            key=key,
            position=len(self.credentials) + 1,
            series=series,
        )
        version = CredentialVersion.objects.create(credential=credential, number=1, title=title)
        for position, slot in enumerate(slots, start=1):
            options = slot.pop("options", [])
            parent = RequirementSlot.objects.create(version=version, position=position, **slot)
            for index, option in enumerate(options, start=1):
                RequirementSlot.objects.create(
                    version=version, parent=parent, position=index, **option
                )
        if published:
            publish(version)
        self.credentials[key] = credential
        self.versions[key] = version
        return credential


def records(key: str, source: str, count: int, **rules) -> dict:
    return {
        "key": key,
        "kind": "RECORDS",
        "title": key.replace("-", " ").capitalize(),
        "spec": {"source": source, "count": count, "rules": rules},
    }


def text(key: str, title: str, *, words=(0, 400), prompts=("answer",), scope="PROMPT") -> dict:
    return {
        "key": key,
        "kind": "TEXT",
        "title": title,
        "spec": {
            "prompts": [{"key": p, "text": f"Write about {p}."} for p in prompts],
            "words": {"min": words[0], "max": words[1]},
            "limit_scope": scope,
        },
    }


@pytest.fixture
def catalogue(db) -> Catalogue:
    cat = Catalogue(Programme.objects.create(key="test-slrc", title="Test programme"))
    cat.add(
        "building-will",
        "Building Will",
        [
            records("blue-visits", "VISIT_AS_VISITOR_TO_ROLE", 4, host_role="BLUE"),
            records(
                "yellow-visits",
                "VISIT_BY_ROLE_TO_ROLE",
                8,
                host_role="YELLOW",
                visitor_role="BLUE",
            ),
        ],
    )
    cat.add(
        "measuring-impact",
        "Measuring Impact",
        [
            records(
                "facilitated-sheets",
                "REFLECTION_SHEET_AS_FACILITATOR",
                8,
                host_role="BLUE",
                per_host_max=2,
                max_hosts=4,
            ),
            text("increased-learning", "How the data show increased learning"),
        ],
    )
    cat.add(
        "impact-on-culture",
        "Considering Impact on Culture",
        [
            records("survey-pair", "SURVEY_PAIR", 2),
            text("trends", "Trends and themes", words=(0, 500)),
        ],
    )
    cat.add(
        "sharing",
        "Sharing Learning",
        [
            {
                "key": "agree",
                "kind": "ATTESTATION",
                "title": "Agree to answer questions",
                "spec": {"statement": "I will answer questions."},
            },
            {"key": "video", "kind": "UPLOAD", "title": "A video", "spec": {"media": "VIDEO"}},
            records("pdsa", "PDSA", 2),
        ],
    )
    cat.add(
        "everything",
        "Everything",
        [
            records("a", "VISIT_AS_VISITOR_TO_ROLE", 4, host_role="BLUE"),
            records("b", "VISIT_BY_ROLE_TO_ROLE", 8),
            records("c", "REFLECTION_SHEET_AS_FACILITATOR", 8),
            records("d", "REFLECTION_SHEET_AS_HOST", 2),
            records("e", "SLQ_TOOL_CRAFTED_FOR_PEER", 3),
            records("f", "DATA_SET_COLLECTED", 3),
            records("g", "SURVEY_PAIR", 2),
            records("h", "SURVEY_ADMINISTRATION", 1, kind="PEER_FEEDBACK", min_invitees=4),
            records("i", "MEETING_AGENDA", 1, meeting_kind="BLUE_GROUP"),
            records("j", "PROTOCOL_SESSION", 1, protocol_key="looking-at-student-work"),
            records("k", "PROTOCOL_SESSION", 1, as_facilitator=True),
            text("l", "Reflection"),
        ],
    )
    return cat


@dataclass
class World:
    """A cohort: a leader, four blue dots, eight yellow dots (two per blue dot), all joined at
    T0. Rows are written by `save()`."""

    seeder: Seeder
    school: object
    leader: object
    blues: list
    yellows: list
    cohort: object
    places: dict

    def save(self):
        self.seeder.save()

    def visit(self, visitor, host, day: int, **fields):
        visit = self.seeder.visit(
            visitor, host, starts_at=at_day(day), cohort=self.cohort, **fields
        )
        return visit


@pytest.fixture
def world(db) -> World:
    seeder = Seeder()
    school = SchoolFactory()
    leader = LeaderFactory(school=school, full_name="Lee Leader")
    blues = [TeacherFactory(school=school, full_name=f"Blue {n}") for n in range(1, 5)]
    yellows = [TeacherFactory(school=school, full_name=f"Yellow {n}") for n in range(1, 9)]
    seeded = seeder.group(
        school=school,
        name="Cohort A",
        leader=leader,
        started_at=T0 - timedelta(days=1),
        blues=blues,
        yellows_of_blue=[yellows[0:2], yellows[2:4], yellows[4:6], yellows[6:8]],
    )
    seeder.save()
    return World(Seeder(), school, leader, blues, yellows, seeded.cohort, seeded.places)


@pytest.fixture
def programme_catalogue(db):
    """The programme's catalogue as migration 0003 loads it. Loaded again here (it is
    idempotent) because a transactional test elsewhere flushes what migrations wrote."""
    from credentials.services.definitions import catalogue_load

    catalogue_load()
