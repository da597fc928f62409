"""A synthetic district for the district network map: its benchmark (`bench/network_map.py`)
and its query-count and download tests. Rows come from `backend.seeding.rows.Seeder`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cohorts.models import Cohort
from observations.models import VisitStatus

from .rows import Seeder


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
    seeder = Seeder(rng=rng)
    district = seeder.district(name=f"District {slug}", slug=slug)
    school_rows = [
        seeder.school(district, name=f"School {i + 1:03d}", time_zone=time_zones[i % 3])
        for i in range(schools)
    ]
    per_school_cohorts = [[] for _ in school_rows]
    for i in range(cohorts):
        per_school_cohorts[i % schools].append(i)
    # Leaders first in each school's pool, so that they can be flagged teacher leaders.
    pools: list[list] = [[] for _ in school_rows]
    for index in range(teachers):
        school_index = index % schools
        leads = len(pools[school_index]) < len(per_school_cohorts[school_index])
        person = seeder.person(  # these people never sign in
            email=f"t{index:05d}@{slug}.example.org",
            full_name=f"Teacher {index:05d}",
            school=school_rows[school_index],
            is_teacher_leader=leads,
        )
        pools[school_index].append(person)
    coordinator = seeder.person(
        email=f"coordinator@{slug}.example.org",
        full_name=f"Coordinator of {slug}",
        coordinated_district=district,
    )
    seeder.save()  # people get their ids, which the groups below key places by

    year_start = now - timedelta(days=300)
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
