"""Cohort test data: factories, and `build_cohort` for a whole network in one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cohorts.models import (
    AgendaItem,
    BlueYellowLink,
    Cohort,
    Meeting,
    MeetingKind,
    Membership,
    Protocol,
    ProtocolStep,
    Role,
)
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Learning group {n}")
    school_year = "2026-2027"
    created_by = factory.SubFactory(LeaderFactory, school=factory.SelfAttribute("..school"))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(TeacherFactory, school=factory.SelfAttribute("..cohort.school"))
    role = Role.BLUE


class LinkFactory(DjangoModelFactory):
    class Meta:
        model = BlueYellowLink

    blue = factory.SubFactory(MembershipFactory, role=Role.BLUE)
    yellow = factory.SubFactory(
        MembershipFactory, role=Role.YELLOW, cohort=factory.SelfAttribute("..blue.cohort")
    )
    cohort = factory.SelfAttribute("blue.cohort")


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    cohort = factory.SubFactory(CohortFactory)
    kind = MeetingKind.WHOLE_GROUP
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    duration_minutes = 60
    location = "Library"
    created_by = factory.SelfAttribute("cohort.created_by")


class ProtocolFactory(DjangoModelFactory):
    class Meta:
        model = Protocol
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Protocol {n}")
    purpose = "Practice."

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        for position, minutes in enumerate(extracted or (10, 5), start=1):
            ProtocolStep.objects.create(
                protocol=self, position=position, title=f"Step {position}", minutes=minutes
            )


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")
    minutes = 10


@dataclass
class Network:
    """A cohort with its leader, blue dots and yellow dots (memberships)."""

    cohort: Cohort
    leader: Membership
    blues: list[Membership] = field(default_factory=list)
    yellows: list[Membership] = field(default_factory=list)

    @property
    def school(self):
        return self.cohort.school


def build_cohort(
    *, leader=None, school=None, blues: int = 4, yellows: int = 8, assigned: int | None = None
) -> Network:
    """A cohort led by `leader` (a new teacher leader if not given). The first `assigned`
    yellow dots (all by default) are spread over the blue dots two by two."""
    school = school or (leader.school if leader else SchoolFactory())
    leader = leader or LeaderFactory(school=school)
    cohort = CohortFactory(school=school, created_by=leader)
    network = Network(
        cohort=cohort,
        leader=MembershipFactory(cohort=cohort, person=leader, role=Role.LEADER),
    )
    network.blues = [MembershipFactory(cohort=cohort, role=Role.BLUE) for _ in range(blues)]
    network.yellows = [MembershipFactory(cohort=cohort, role=Role.YELLOW) for _ in range(yellows)]
    assigned = yellows if assigned is None else assigned
    if blues:
        for index, yellow in enumerate(network.yellows[:assigned]):
            LinkFactory(cohort=cohort, blue=network.blues[(index // 2) % blues], yellow=yellow)
    return network
