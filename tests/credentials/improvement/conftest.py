"""The improvement credentials as seed 002 says them, and a teacher's real PDSA records made
through the improvement services (never by hand), for the credentials tests."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from credentials.models import Programme, Pursuit
from improvement.models import Stage
from improvement.services.annotations import annotation_add
from improvement.services.common import school_today
from improvement.services.measures import measure_create, pdsa_measure_link
from improvement.services.pdsa import pdsa_advance, pdsa_create, pdsa_update
from improvement.services.points import data_points_record
from tests.factories import SchoolFactory, TeacherFactory
from tests.observations.factories import StudentLearningQuestionFactory

from ..conftest import Catalogue, records

UNDERSTANDING = "Understanding Improvement"
USING = "Using Improvement Methods"
SHARING = "Sharing Improvement Strategies"
CHANGE_IDEA = "Ninety seconds of think time before hands go up"


@pytest.fixture
def improvement_catalogue(db) -> Catalogue:
    cat = Catalogue(Programme.objects.create(key="test-improvement", title="Improvement"))
    cat.add(
        "understanding",
        UNDERSTANDING,
        [
            records(
                "pdsa-tests",
                "PDSA",
                2,
                complete=True,
                needs=["slq", "prediction", "measures", "results"],
            )
        ],
    )
    cat.add("using", USING, [records("run-chart", "RUN_CHART", 1, min_points=15, annotated=True)])
    cat.add(
        "sharing",
        SHARING,
        [
            records("shared-pdsa", "PDSA", 1, complete=True),
            records("shared-run-chart", "RUN_CHART", 1, annotated=True),
        ],
    )
    return cat


@pytest.fixture
def teacher(db):
    return TeacherFactory(school=SchoolFactory(time_zone="America/Chicago"))


@pytest.fixture
def other_teacher(teacher):
    return TeacherFactory(school=teacher.school)


@dataclass
class Records:
    """Makes a teacher's cycles and measures through the improvement services."""

    owner: object

    @property
    def today(self) -> date:
        return school_today(self.owner)

    def measure(self, points: int = 0, *, first: date | None = None, name: str = "Explaining"):
        measure = measure_create(owner=self.owner, name=name)
        self.points(measure, points, first=first)
        return measure

    def points(self, measure, count: int, *, first: date | None = None, value=None):
        if not count:
            return
        first = first or self.today - timedelta(days=count + 5)
        data_points_record(
            owner=self.owner,
            measure=measure,
            points=[
                {
                    "client_id": str(uuid.uuid4()),
                    "on": first + timedelta(days=n),
                    "value": float(value if value is not None else (n * 7) % 11),
                }
                for n in range(count)
            ],
        )

    def cycle(self, *, to: str = Stage.ACT, measure=None, slq=None, idea=CHANGE_IDEA,
              results="Twelve of twenty explained, up from five", started=None):  # fmt: skip
        """A cycle moved through its stages up to `to`, with a linked measure (one with a
        point unless given)."""
        slq = slq or StudentLearningQuestionFactory(host=self.owner)
        pdsa = pdsa_create(
            owner=self.owner,
            slq=slq,
            change_idea=idea,
            predictions="More students will explain their reasoning",
        )
        measure = measure if measure is not None else self.measure(1)
        pdsa_measure_link(owner=self.owner, pdsa=pdsa, measure=measure)
        if to == Stage.PLAN:
            return pdsa
        pdsa = pdsa_advance(owner=self.owner, pdsa=pdsa, to=Stage.DO)
        if started is not None:
            pdsa = pdsa_update(owner=self.owner, pdsa=pdsa, do_started_on=started)
        if to == Stage.DO:
            return pdsa
        pdsa = pdsa_advance(owner=self.owner, pdsa=pdsa, to=Stage.STUDY)
        if to == Stage.STUDY:
            return pdsa
        pdsa = pdsa_update(owner=self.owner, pdsa=pdsa, study_results=results)
        pdsa = pdsa_advance(owner=self.owner, pdsa=pdsa, to=Stage.ACT)
        pdsa = pdsa_update(owner=self.owner, pdsa=pdsa, act_decision="ADOPT")
        if to == Stage.ACT:
            return pdsa
        return pdsa_advance(owner=self.owner, pdsa=pdsa, to=Stage.DONE)

    def note(self, measure, on: date, text: str = "New seating"):
        return annotation_add(owner=self.owner, measure=measure, on=on, text=text)


@pytest.fixture
def mine(teacher) -> Records:
    return Records(teacher)


@pytest.fixture
def theirs(other_teacher) -> Records:
    return Records(other_teacher)


def pursue(catalogue: Catalogue, person, key: str) -> Pursuit:
    return Pursuit.objects.create(
        person=person,
        credential=catalogue.credentials[key],
        version=catalogue.versions[key],
    )
