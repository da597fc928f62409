"""Bulk writes of cohorts, places, links, visits, reflection sheets, meetings and survey windows,
for the demo district, the benchmark and the tests. The API never calls this.

It writes other apps' tables directly (with `bulk_create`, so a 50,000-visit district takes
seconds, and with back-dated timestamps, so a map can be replayed over a year), which is why it
lives beside `sources.py`: when those apps' models change, these two files follow. Validation is
the caller's job; in particular, on PostgreSQL nobody may be in two active visits at
overlapping times (observations' exclusion constraint), so callers give distinct start times.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from backend.accounts.models import District, School, User
from cohorts.models import BlueYellowLink, Cohort, Membership, Role
from observations.models import (
    ACTIVE_STATUSES,
    ReflectionSheet,
    StudentLearningQuestion,
    Visit,
    VisitParticipant,
    VisitRole,
    VisitStatus,
)

try:
    from cohorts.models import Meeting
except ImportError:  # pragma: no cover - depends on the cohorts app's state
    Meeting = None

try:
    from surveys.models import Administration, Instrument, Invitee
except ImportError:  # pragma: no cover - depends on the surveys app's state
    Administration = Instrument = Invitee = None

BATCH = 2000


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


@dataclass
class SeededCohort:
    """A cohort written by `NetworkSeeder.group`, with its places by person id."""

    cohort: Cohort
    places: dict[int, Membership] = field(default_factory=dict)


class NetworkSeeder:
    """Collects rows in memory; `save()` writes them all in a few bulk inserts."""

    def __init__(self) -> None:
        self.cohorts: list[Cohort] = []
        self.memberships: list[Membership] = []
        self.links: list[BlueYellowLink] = []
        self.slqs: dict[int, StudentLearningQuestion] = {}
        self.visits: list[Visit] = []
        self.participants: list[VisitParticipant] = []
        self.sheets: list[ReflectionSheet] = []
        self.meetings: list = []
        self.administrations: list = []
        self.invitees: list = []

    # --- cohorts ------------------------------------------------------------------------

    def cohort(
        self,
        *,
        school,
        name: str,
        created_by,
        created_at: datetime,
        school_year: str = "2026-2027",
        archived_at: datetime | None = None,
        target_blue_count: int = 4,
        target_yellow_count: int = 8,
    ) -> Cohort:
        cohort = Cohort(
            school=school,
            name=name,
            school_year=school_year,
            created_by=created_by,
            created_at=created_at,
            archived_at=archived_at,
            target_blue_count=target_blue_count,
            target_yellow_count=target_yellow_count,
        )
        self.cohorts.append(cohort)
        return cohort

    def member(
        self,
        cohort: Cohort,
        person,
        role: str,
        *,
        started_at: datetime,
        ended_at: datetime | None = None,
    ) -> Membership:
        membership = Membership(
            cohort=cohort, person=person, role=role, started_at=started_at, ended_at=ended_at
        )
        self.memberships.append(membership)
        return membership

    def link(
        self,
        blue: Membership,
        yellow: Membership,
        *,
        started_at: datetime,
        ended_at: datetime | None = None,
    ) -> BlueYellowLink:
        link = BlueYellowLink(
            cohort=blue.cohort, blue=blue, yellow=yellow, started_at=started_at, ended_at=ended_at
        )
        self.links.append(link)
        return link

    def group(
        self,
        *,
        school,
        name: str,
        leader,
        started_at: datetime,
        blues: Sequence = (),
        yellows_of_blue: Mapping[int, Sequence] | Sequence[Sequence] = (),
        unassigned_yellows: Iterable = (),
        **cohort_fields,
    ) -> SeededCohort:
        """A cohort with a leader, blue dots and yellow dots all joining at `started_at`.

        `yellows_of_blue` maps a blue dot's position in `blues` (or is a list parallel to
        `blues`) to the yellow dots assigned to them.
        """
        cohort = self.cohort(
            school=school, name=name, created_by=leader, created_at=started_at, **cohort_fields
        )
        seeded = SeededCohort(cohort)
        seeded.places[leader.pk] = self.member(cohort, leader, Role.LEADER, started_at=started_at)
        assigned = (
            dict(yellows_of_blue)
            if isinstance(yellows_of_blue, Mapping)
            else dict(enumerate(yellows_of_blue))
        )
        for index, blue in enumerate(blues):
            place = self.member(cohort, blue, Role.BLUE, started_at=started_at)
            seeded.places[blue.pk] = place
            for yellow in assigned.get(index, ()):
                yellow_place = self.member(cohort, yellow, Role.YELLOW, started_at=started_at)
                seeded.places[yellow.pk] = yellow_place
                self.link(place, yellow_place, started_at=started_at)
        for yellow in unassigned_yellows:
            seeded.places[yellow.pk] = self.member(
                cohort, yellow, Role.YELLOW, started_at=started_at
            )
        return seeded

    # --- visits -------------------------------------------------------------------------

    def visit(
        self,
        visitor,
        host,
        *,
        starts_at: datetime,
        status: str = VisitStatus.COMPLETED,
        minutes: int = 45,
        cycle: int = 1,
        cohort: Cohort | None = None,
        created_at: datetime | None = None,
        completed_at: datetime | None = None,
        closed_at: datetime | None = None,
        other_visitors: Iterable = (),
    ) -> Visit:
        """A visit of `visitor` (and `other_visitors`) to `host`'s class.

        Booked a week before it starts unless `created_at` says otherwise; a COMPLETED visit
        is completed when it ends unless `completed_at` says otherwise; a DECLINED or
        CANCELLED one is closed a day before it would have started unless `closed_at` says.
        """
        ends_at = starts_at + timedelta(minutes=minutes)
        created_at = created_at or starts_at - timedelta(days=7)
        if status == VisitStatus.COMPLETED and completed_at is None:
            completed_at = ends_at
        if status in (VisitStatus.DECLINED, VisitStatus.CANCELLED) and closed_at is None:
            closed_at = max(created_at, starts_at - timedelta(days=1))
        visit = Visit(
            host=host,
            proposed_by=visitor,
            school_id=host.school_id,
            cohort=cohort,
            cycle_number=cycle,
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
            accepted_at=created_at if status != VisitStatus.PROPOSED else None,
            completed_at=completed_at if status == VisitStatus.COMPLETED else None,
            closed_at=closed_at,
            created_at=created_at,
        )
        self.visits.append(visit)
        active = status in ACTIVE_STATUSES
        for person, role in [(host, VisitRole.HOST), (visitor, VisitRole.VISITOR)] + [
            (other, VisitRole.VISITOR) for other in other_visitors
        ]:
            self.participants.append(
                VisitParticipant(
                    visit=visit,
                    person=person,
                    role=role,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    is_active=active,
                )
            )
        return visit

    def reflection(
        self, visit: Visit, *, created_at: datetime | None = None, facilitator=None
    ) -> ReflectionSheet:
        """A reflection sheet for `visit`, facilitated by its visitor, written after it ends."""
        host = visit.host
        slq = self.slqs.get(host.pk)
        if slq is None:
            slq = self.slqs[host.pk] = StudentLearningQuestion(
                host=host,
                area_of_focus="Student talk",
                question="Which students ask questions during group work?",
                created_at=visit.created_at,
            )
        sheet = ReflectionSheet(
            visit=visit,
            host=host,
            facilitator=facilitator or visit.proposed_by,
            cycle_number=visit.cycle_number,
            slq=slq,
            slq_area_of_focus=slq.area_of_focus,
            slq_question=slq.question,
            data_summary={},
            considerations="More students asked questions when roles were assigned.",
            next_steps="Try assigned roles in two more lessons.",
            keeps_slq=True,
            created_at=created_at or visit.ends_at + timedelta(hours=2),
        )
        self.sheets.append(sheet)
        return sheet

    # --- meetings and surveys -----------------------------------------------------------

    def meeting(
        self,
        cohort: Cohort,
        kind: str,
        *,
        starts_at: datetime,
        created_by,
        cancelled_at: datetime | None = None,
    ):
        if Meeting is None:  # pragma: no cover - depends on the cohorts app's state
            return None
        fields = {
            "cohort": cohort,
            "kind": kind,
            "title": "Group of 5" if kind == "BLUE_GROUP" else "Group of 13",
            "starts_at": starts_at,
            "duration_minutes": 60,
            "created_by": created_by,
            "created_at": starts_at - timedelta(days=7),
            "cancelled_at": cancelled_at,
        }
        if _has_field(Meeting, "ends_at"):  # stored since cohorts' migration 0004
            fields["ends_at"] = starts_at + timedelta(minutes=60)
        meeting = Meeting(**fields)
        self.meetings.append(meeting)
        return meeting

    def survey(
        self,
        cohort: Cohort,
        kind: str,
        *,
        opens_at: datetime,
        closes_at: datetime,
        created_by,
        invited: Iterable = (),
        responded: Iterable = (),
        cancelled_at: datetime | None = None,
    ):
        """A survey window for the cohort; `responded` people are invited and have answered."""
        if Administration is None:  # pragma: no cover - depends on the surveys app's state
            return None
        administration = Administration(
            instrument=self._instrument(cohort),
            school=cohort.school,
            cohort=cohort,
            kind=kind,
            title=f"{kind.replace('_', ' ').title()} survey",
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
            created_at=opens_at,
            cancelled_at=cancelled_at,
        )
        self.administrations.append(administration)
        answered = {person.pk for person in responded}
        people = {person.pk: person for person in [*invited, *responded]}
        for person_id, person in people.items():
            self.invitees.append(
                Invitee(
                    administration=administration,
                    person=person,
                    has_responded=person_id in answered,
                )
            )
        return administration

    def _instrument(self, cohort: Cohort):
        if not hasattr(self, "_instrument_cache"):
            found = Instrument.objects.filter(school__isnull=True).order_by("id").first()
            if found is None:
                found = Instrument.objects.create(
                    title="Trust and learning culture", kind="TRUST_CULTURE", school=cohort.school
                )
            self._instrument_cache = found
        return self._instrument_cache

    # --- writing ------------------------------------------------------------------------

    @transaction.atomic
    def save(self) -> None:
        """Insert everything collected, parents first, and forget it."""
        Cohort.objects.bulk_create(self.cohorts, batch_size=BATCH)
        Membership.objects.bulk_create(self.memberships, batch_size=BATCH)
        BlueYellowLink.objects.bulk_create(self.links, batch_size=BATCH)
        StudentLearningQuestion.objects.bulk_create(list(self.slqs.values()), batch_size=BATCH)
        Visit.objects.bulk_create(self.visits, batch_size=BATCH)
        VisitParticipant.objects.bulk_create(self.participants, batch_size=BATCH)
        ReflectionSheet.objects.bulk_create(self.sheets, batch_size=BATCH)
        if self.meetings:
            Meeting.objects.bulk_create(self.meetings, batch_size=BATCH)
        if self.administrations:
            Administration.objects.bulk_create(self.administrations, batch_size=BATCH)
            Invitee.objects.bulk_create(self.invitees, batch_size=BATCH)
        self.__init__()


# --- a synthetic district ---------------------------------------------------------------------


@dataclass
class SyntheticDistrict:
    district: object
    schools: list
    coordinator: object
    cohorts: list[Cohort]
    teacher_count: int
    visit_count: int


STAGES = ("complete", "midway", "midway", "started", "stuck")
"""How far a synthetic cohort has come, in rotation: share of its year's visits done."""
_STAGE_SHARE = {"complete": 1.0, "midway": 0.6, "started": 0.2, "stuck": 0.45}


def synthetic_district(
    *,
    slug: str,
    schools: int,
    cohorts: int,
    teachers: int,
    visits: int,
    now: datetime,
    seed: int = 0,
    time_zones: Sequence[str] = ("America/Chicago", "America/Denver", "America/Los_Angeles"),
    reflection_share: float = 0.7,
    cross_share: float = 0.03,
) -> SyntheticDistrict:
    """A district of `schools` schools, `teachers` teachers and `cohorts` cohorts in the
    programme's shape (1 leader, 4 blue, 8 yellow; teachers in more places than there are
    teachers join two cohorts), about `visits` visits over the school year up to `now`, with
    reflection sheets, meetings and survey windows, and cohorts at every stage (`STAGES`).

    Seeded: the same arguments give the same district. Every visit has its own ten-minute
    slot, so nobody is ever in two visits at once.
    """
    rng = random.Random(seed)
    unusable = make_password(None)
    district = District.objects.create(name=f"District {slug}", slug=slug)
    school_rows = School.objects.bulk_create(
        [
            School(district=district, name=f"School {i + 1:03d}", time_zone=time_zones[i % 3])
            for i in range(schools)
        ]
    )
    per_school_cohorts = [[] for _ in school_rows]
    for i in range(cohorts):
        per_school_cohorts[i % schools].append(i)
    # Leaders first in each school's pool, so that they can be flagged teacher leaders.
    people = []
    pools: list[list] = [[] for _ in school_rows]
    for index in range(teachers):
        school_index = index % schools
        school = school_rows[school_index]
        leads = len(pools[school_index]) < len(per_school_cohorts[school_index])
        person = User(
            email=f"t{index:05d}@{slug}.example.org",
            full_name=f"Teacher {index:05d}",
            school=school,
            is_teacher_leader=leads,
            password=unusable,  # these people never sign in
        )
        people.append(person)
        pools[school_index].append(person)
    User.objects.bulk_create(people, batch_size=BATCH)
    coordinator = User.objects.create(
        email=f"coordinator@{slug}.example.org",
        full_name=f"Coordinator of {slug}",
        coordinated_district=district,
        password=unusable,
    )

    year_start = now - timedelta(days=300)
    seeder = NetworkSeeder()
    planned: list[tuple[float, object, object, Cohort, int]] = []  # (when, visitor, host, ...)
    places_total = 0
    made = []
    members_of: list[list] = []
    for school_index, cohort_indexes in enumerate(per_school_cohorts):
        pool = pools[school_index]
        leaders, peers = pool[: len(cohort_indexes)], pool[len(cohort_indexes) :]
        cursor = 0
        for k, cohort_index in enumerate(cohort_indexes):
            stage = STAGES[cohort_index % len(STAGES)]
            started = year_start + timedelta(days=rng.randint(0, 40))
            if stage == "started":
                started = now - timedelta(days=rng.randint(20, 45))
            chosen = []
            while len(chosen) < 12 and peers:
                person = peers[cursor % len(peers)]
                cursor += 1
                if person not in chosen:
                    chosen.append(person)
                if cursor > 3 * len(peers) + 12:
                    break
            blues, yellows = chosen[:4], chosen[4:]
            seeded = seeder.group(
                school=school_rows[school_index],
                name=f"Cohort {cohort_index + 1:03d}",
                leader=leaders[k],
                started_at=started,
                blues=blues,
                yellows_of_blue=[yellows[b::4] for b in range(len(blues))],
            )
            places_total += 1 + len(chosen)
            made.append((seeded.cohort, stage, started, leaders[k], blues, yellows))
            members_of.append([leaders[k], *chosen])

    # Visits: the programme's pairs first (leader -> blue, blue -> its yellows, two cycles and
    # more), then visits between any two members, and a few across cohorts and schools.
    weights = [_STAGE_SHARE[stage] for _, stage, *_ in made]
    total_weight = sum(weights) or 1.0
    for index, (cohort, stage, started, leader, blues, yellows) in enumerate(made):
        count = round(visits * weights[index] / total_weight)
        structural = [(leader, b) for b in blues] + [
            (blues[i % len(blues)], y) for i, y in enumerate(yellows) if blues
        ]
        members = members_of[index]
        span_end = now if stage != "stuck" else now - timedelta(days=45)
        span = max((span_end - started).total_seconds(), 3600.0)
        for n in range(count):
            if n < len(structural) * 3 and structural:
                visitor, host = structural[n % len(structural)]
                cycle = n // len(structural) + 1
            elif rng.random() < cross_share and len(members_of) > 1:
                visitor = rng.choice(members)
                host = rng.choice(members_of[rng.randrange(len(members_of))])
                cycle = rng.randint(1, 4)
            else:
                visitor, host = rng.sample(members, 2)
                cycle = rng.randint(1, 4)
            if visitor is host:
                continue
            share = min(1.0, (n + rng.random()) / max(count, 1))
            when = started.timestamp() + share * span
            planned.append((when, visitor, host, cohort, min(cycle, 12)))

    # One ten-minute slot per visit, in the order they were meant to happen.
    planned.sort(key=lambda item: item[0])
    first = min((item[0] for item in planned), default=now.timestamp())
    step = max(600.0, (now.timestamp() + 30 * 86400 - first) / max(len(planned), 1))
    step -= step % 600
    for rank, (_, visitor, host, cohort, cycle) in enumerate(planned):
        starts_at = datetime.fromtimestamp(first - first % 600 + rank * step, tz=now.tzinfo)
        if starts_at > now:
            status = VisitStatus.ACCEPTED if rng.random() < 0.7 else VisitStatus.PROPOSED
        else:
            roll = rng.random()
            status = (
                VisitStatus.COMPLETED
                if roll < 0.88
                else VisitStatus.CANCELLED
                if roll < 0.93
                else VisitStatus.DECLINED
                if roll < 0.97
                else VisitStatus.ACCEPTED
            )
        visit = seeder.visit(
            visitor,
            host,
            starts_at=starts_at,
            status=status,
            minutes=10,
            cycle=cycle,
            cohort=cohort,
        )
        if status == VisitStatus.COMPLETED and rng.random() < reflection_share:
            seeder.reflection(visit)

    for cohort, stage, started, leader, blues, yellows in made:
        months = max(0, int((now - started).days // 30))
        if stage == "stuck":
            months = max(0, months - 2)
        for m in range(months):
            seeder.meeting(
                cohort,
                "BLUE_GROUP",
                starts_at=started + timedelta(days=30 * m + 3),
                created_by=leader,
            )
            if m % 2 == 0:
                seeder.meeting(
                    cohort,
                    "WHOLE_GROUP",
                    starts_at=started + timedelta(days=30 * m + 10, hours=2),
                    created_by=leader,
                )
        group = [leader, *blues, *yellows]
        baseline = started + timedelta(days=7)
        if baseline < now:
            seeder.survey(
                cohort,
                "BASELINE",
                opens_at=baseline,
                closes_at=baseline + timedelta(days=14),
                created_by=leader,
                invited=group,
                responded=[p for p in group if rng.random() < 0.8],
            )
        six_months = started + timedelta(days=190)
        if six_months < now:
            seeder.survey(
                cohort,
                "SIX_MONTH",
                opens_at=six_months,
                closes_at=six_months + timedelta(days=14),
                created_by=leader,
                invited=group,
                responded=[p for p in group if rng.random() < 0.7],
            )
    visit_count = len(seeder.visits)
    seeder.save()
    return SyntheticDistrict(
        district=district,
        schools=school_rows,
        coordinator=coordinator,
        cohorts=[cohort for cohort, *_ in made],
        teacher_count=teachers,
        visit_count=visit_count,
    )
