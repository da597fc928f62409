"""A teacher with their own student learning question, for the improvement tests."""

import pytest

from improvement.services.measures import measure_create, pdsa_measure_link
from improvement.services.pdsa import pdsa_create
from tests.factories import SchoolFactory, TeacherFactory
from tests.observations.factories import StudentLearningQuestionFactory


@pytest.fixture
def owner(db):
    return TeacherFactory(school=SchoolFactory(time_zone="America/Chicago"))


@pytest.fixture
def other_teacher(owner):
    return TeacherFactory(school=owner.school)


@pytest.fixture
def slq(owner):
    return StudentLearningQuestionFactory(host=owner)


@pytest.fixture
def plan(owner, slq):
    return pdsa_create(
        owner=owner,
        slq=slq,
        change_idea="Ninety seconds of think time before hands go up",
        predictions="More students will explain their reasoning",
    )


@pytest.fixture
def measure(owner):
    return measure_create(owner=owner, name="Students explaining in the exit ticket")


@pytest.fixture
def linked(owner, plan, measure):
    pdsa_measure_link(owner=owner, pdsa=plan, measure=measure)
    return plan
