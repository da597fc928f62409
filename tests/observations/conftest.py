"""People, a cohort, a question and a tool for the reflection cycle; time is frozen on a
Monday morning in Chicago (the schools' zone) so local times are easy to read."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from graphql_relay import to_global_id

from cohorts.models import Role
from observations.services.visits import VisitTime
from tests.factories import TeacherFactory

from .factories import (
    CohortFactory,
    MembershipFactory,
    StudentLearningQuestionFactory,
    ToolFactory,
)
from .operations import SET_BELLS

CHICAGO = ZoneInfo("America/Chicago")
# Monday 2 March 2026, 08:00 in Chicago (CST, UTC-6).
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
TUESDAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Photo files go to a fresh directory per test, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def host(school):
    return TeacherFactory(school=school, full_name="Hana Host")


@pytest.fixture
def visitor(school):
    return TeacherFactory(school=school, full_name="Victor Visitor")


@pytest.fixture
def outsider(school):
    return TeacherFactory(school=school, full_name="Olive Outsider")


@pytest.fixture
def cohort(school, leader, host, visitor):
    cohort = CohortFactory(school=school, created_by=leader)
    MembershipFactory(cohort=cohort, person=leader, role=Role.LEADER)
    MembershipFactory(cohort=cohort, person=visitor, role=Role.BLUE)
    MembershipFactory(cohort=cohort, person=host, role=Role.YELLOW)
    return cohort


@pytest.fixture
def slq(host, visitor):
    # Crafted together, so the visitor can see it and propose a visit for it.
    return StudentLearningQuestionFactory(host=host, crafted_with=visitor)


@pytest.fixture
def tool(visitor):
    return ToolFactory(owner=visitor)


def at(hour: int, minute: int = 0, *, day: date = TUESDAY, minutes: int = 45) -> VisitTime:
    return VisitTime(day=day, start=time(hour, minute), minutes=minutes)


def gid(type_name: str, obj) -> str:
    return to_global_id(type_name, obj.pk)


def refused(service, **kwargs) -> list[tuple[str | None, str]]:
    """Call a service that must refuse; its errors as the API would list them (field, code)."""
    from django.core.exceptions import ValidationError

    from backend.graphql.mutations import errors_from_validation
    from observations.graphql.errors import ObservationErrorCode

    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    rows = errors_from_validation(caught.value, ObservationErrorCode)
    return [(row["field"], row["code"].name) for row in rows]


@pytest.fixture
def bells(api_for, leader):
    """Two bell periods the school's leader set; their ids by name."""
    payload = api_for(leader).data(
        SET_BELLS,
        {
            "input": {
                "periods": [
                    {"name": "Period 1", "startTime": "08:00", "endTime": "08:50"},
                    {"name": "Period 2", "startTime": "08:55", "endTime": "09:45"},
                ]
            }
        },
    )["bellScheduleSet"]
    assert payload["errors"] == []
    return {p["name"]: p["id"] for p in payload["bellPeriods"]}
