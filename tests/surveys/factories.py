"""Surveys test data: cohorts of peers, small instruments, administrations and answers."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cohorts.models import Cohort, Membership, Role
from surveys.models import (
    Administration,
    AdministrationKind,
    Construct,
    Instrument,
    InstrumentKind,
    Invitee,
    Item,
    ItemFormat,
    ResponseScale,
)
from surveys.seeding import instruments_seed
from surveys.services.responses import AnswerDraft, response_submit
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Learning group {n}")
    school_year = "2026-2027"
    created_by = factory.SubFactory(LeaderFactory, school=factory.SelfAttribute("..school"))


def cohort_with_peers(*, leader=None, peers: int = 12, school=None) -> tuple[Cohort, list]:
    """A cohort led by `leader` with `peers` members: the first four blue, the rest yellow."""
    school = school or (leader.school if leader else SchoolFactory())
    leader = leader or LeaderFactory(school=school)
    cohort = CohortFactory(school=school, created_by=leader)
    Membership.objects.create(cohort=cohort, person=leader, role=Role.LEADER)
    people = TeacherFactory.create_batch(peers, school=school)
    for index, person in enumerate(people):
        Membership.objects.create(
            cohort=cohort, person=person, role=Role.BLUE if index < 4 else Role.YELLOW
        )
    return cohort, people


def shipped(key: str) -> Instrument:
    instruments_seed()
    return Instrument.objects.get(key=key)


def small_instrument(school=None) -> Instrument:
    """One construct of two agreement items (the second reverse-scored) and one open question:
    small enough to compute its report by hand."""
    instruments_seed()
    agreement = ResponseScale.objects.get(key="agreement_5")
    instrument = Instrument.objects.create(
        title="Small survey",
        kind=InstrumentKind.CUSTOM,
        school=school or SchoolFactory(),
    )
    construct = Construct.objects.create(instrument=instrument, key="c1", title="Trust", position=0)
    for position, (key, reverse) in enumerate((("q1", False), ("q2", True)), start=1):
        Item.objects.create(
            instrument=instrument,
            construct=construct,
            key=key,
            prompt=f"Statement {key}",
            format=ItemFormat.SCALE,
            scale=agreement,
            reverse_scored=reverse,
            position=position,
        )
    Item.objects.create(
        instrument=instrument, key="q3", prompt="Anything else?", format=ItemFormat.OPEN_TEXT,
        position=3,
    )  # fmt: skip
    return instrument


def administration(
    *,
    instrument,
    people,
    created_by,
    kind=AdministrationKind.OTHER,
    opens_at=None,
    closes_at=None,
    cohort=None,
    follows=None,
) -> Administration:
    """An administration written directly (no reminders), open now unless told otherwise."""
    now = timezone.now()
    created = Administration.objects.create(
        instrument=instrument,
        school=created_by.school,
        cohort=cohort,
        kind=kind,
        title="A survey",
        opens_at=opens_at or now - timedelta(days=1),
        closes_at=closes_at or now + timedelta(days=7),
        follows=follows,
        created_by=created_by,
    )
    Invitee.objects.bulk_create([Invitee(administration=created, person=p) for p in people])
    return created


def items_by_key(instrument) -> dict[str, Item]:
    return {item.key: item for item in instrument.items.all()}


def answer(administration, person, values: dict, *, now=None) -> str:
    """Submit `values` ({item key: int or str}) for `person`; returns the receipt code."""
    items = items_by_key(administration.instrument)
    drafts = [
        AnswerDraft(item_id=items[key].pk, text=value)
        if isinstance(value, str)
        else AnswerDraft(item_id=items[key].pk, value=value)
        for key, value in values.items()
    ]
    return response_submit(
        respondent=person, administration=administration, answers=drafts, now=now
    )
