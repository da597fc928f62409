"""Teachers in two schools of one district and one of another district, and a cycle at DONE
with a measure of 12 points, for the library tests."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from improvement.models import DataPoint, Measure, Pdsa, PdsaMeasure, Stage
from observations.models import Tool
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from tests.observations.factories import StudentLearningQuestionFactory

CHILD = "Maya Rodriguez"
"""A student on the owner's seating chart: never in anything shared."""


@pytest.fixture
def district(db):
    return DistrictFactory()


@pytest.fixture
def school(district):
    return SchoolFactory(district=district, time_zone="America/Chicago")


@pytest.fixture
def owner(school):
    return TeacherFactory(school=school, full_name="Olive Owner")


@pytest.fixture
def colleague(school):
    return TeacherFactory(school=school, full_name="Cara Colleague")


@pytest.fixture
def district_colleague(district):
    return TeacherFactory(school=SchoolFactory(district=district), full_name="Dana District")


@pytest.fixture
def stranger(db):
    """A teacher of another district."""
    return TeacherFactory(
        school=SchoolFactory(district=DistrictFactory()), full_name="Sol Stranger"
    )


@pytest.fixture
def seating_chart(owner):
    return Tool.objects.create(
        kind="SEATING_CHART",
        name="Room 12",
        owner=owner,
        school=owner.school,
        definition={
            "seats": [
                {"key": "s1", "label": CHILD, "x": 0, "y": 0},
                {"key": "s2", "label": "Ben", "x": 1, "y": 0},
            ],
            "marks": [{"key": "asks", "label": "Asks"}],
        },
    )


@pytest.fixture
def slq(owner):
    return StudentLearningQuestionFactory(host=owner)


def make_cycle(owner, slq, *, stage=Stage.DONE, idea="Sentence starters for claims", points=12):
    today = timezone.localdate()
    pdsa = Pdsa.objects.create(
        owner=owner,
        slq=slq,
        change_idea=idea,
        predictions="More claims backed by evidence",
        stage=stage,
        do_started_on=today - timedelta(days=30) if stage != Stage.PLAN else None,
        do_ended_on=today - timedelta(days=2) if stage != Stage.PLAN else None,
        do_notes="Went well",
        study_results="Claims with evidence went from 4 to 9"
        if stage in (Stage.ACT, Stage.DONE)
        else "",
        act_decision="ADOPT" if stage == Stage.DONE else "",
    )
    measure = Measure.objects.create(owner=owner, name="Claims with evidence", baseline_count=6)
    PdsaMeasure.objects.create(pdsa=pdsa, measure=measure)
    for day in range(points):
        DataPoint.objects.create(
            measure=measure,
            client_id=uuid.uuid4(),
            on=today - timedelta(days=40 - 3 * day),
            value=float(3 + (day // 6) * 5 + day % 2),
        )
    return pdsa


@pytest.fixture
def done(owner, slq):
    return make_cycle(owner, slq)
