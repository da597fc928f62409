"""Factories for the reflection cycle. Visits go through the services in most tests; `visit`
here writes one directly (with its participant rows) for lists, privacy and query counts."""

from datetime import UTC, datetime, time, timedelta

import factory
from factory.django import DjangoModelFactory

from cohorts.models import Cohort, Membership, Role
from observations.models import (
    ACTIVE_STATUSES,
    PeriodKind,
    Sharing,
    StudentLearningQuestion,
    TimetablePeriod,
    Tool,
    Visit,
    VisitParticipant,
    VisitRole,
    VisitStatus,
)
from tests.factories import SchoolFactory, TeacherFactory

TALLY_DEFINITION = {
    "categories": [
        {"key": "asks-peer", "label": "Asks a peer"},
        {"key": "asks-teacher", "label": "Asks the teacher"},
    ],
    "student_groups": [
        {"key": "g1", "label": "Group 1"},
        {"key": "g2", "label": "Group 2"},
    ],
}


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    school_year = "2025-2026"
    created_by = factory.SubFactory(TeacherFactory, school=factory.SelfAttribute("..school"))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(TeacherFactory)
    role = Role.BLUE


class StudentLearningQuestionFactory(DjangoModelFactory):
    class Meta:
        model = StudentLearningQuestion

    host = factory.SubFactory(TeacherFactory)
    area_of_focus = "Questioning in group work"
    question = "Which students ask questions during group work?"


class ToolFactory(DjangoModelFactory):
    class Meta:
        model = Tool

    kind = "TALLY"
    name = factory.Sequence(lambda n: f"Tally {n}")
    definition = factory.LazyFunction(lambda: {**TALLY_DEFINITION})
    owner = factory.SubFactory(TeacherFactory)
    school = factory.SelfAttribute("owner.school")
    sharing = Sharing.PRIVATE


def timetable(person, *periods):
    """periods: (weekday, "HH:MM", "HH:MM", kind)."""
    return TimetablePeriod.objects.bulk_create(
        [
            TimetablePeriod(
                person=person,
                weekday=weekday,
                start_time=time.fromisoformat(start),
                end_time=time.fromisoformat(end),
                kind=kind,
            )
            for weekday, start, end, kind in periods
        ]
    )


def teaching_all_week(person, start="08:00", end="15:00"):
    return timetable(person, *[(day, start, end, PeriodKind.TEACHING) for day in range(5)])


def visit(
    *,
    host,
    visitor,
    starts_at=None,
    minutes=45,
    status=VisitStatus.ACCEPTED,
    cycle_number=1,
    slq=None,
    tool=None,
    cohort=None,
    room="",
    notes="",
):
    """A visit written directly, as the services would leave it."""
    starts_at = starts_at or datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
    obj = Visit.objects.create(
        host=host,
        proposed_by=visitor,
        school=host.school,
        cohort=cohort,
        slq=slq,
        tool=tool,
        cycle_number=cycle_number,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        room=room,
        notes=notes,
    )
    VisitParticipant.objects.bulk_create(
        [
            VisitParticipant(
                visit=obj,
                person=person,
                role=role,
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                is_active=status in ACTIVE_STATUSES,
            )
            for person, role in ((host, VisitRole.HOST), (visitor, VisitRole.VISITOR))
        ]
    )
    return obj
