"""Demo data that makes the district map worth looking at.

The cohorts and observations demos give Riverside Unified one busy cohort at Maple Elementary
and one forming at Harbor Middle School. This adds a third school and three cohorts at other
stages, so a coordinator's map and stuck list have something to say:

- **Lakeside Science Collaborative** (Lakeside High School): the year is nearly done. Two cycles
  of the leader with each blue dot and of each blue dot with their yellow dots, every sheet
  written, baseline and six-month surveys closed, meetings held.
- **Lakeside Literacy Group**: stuck. The leader reached three blue dots, one blue dot one
  yellow dot, nothing since seven weeks, a reflection sheet still missing.
- **Harbor Math Circle** (Harbor Middle School): midway. The leader has visited every blue dot,
  two blue dots their yellow dots, the next round is booked, the baseline survey is closed.

Cross-school ties: a Harbor blue dot visited a Lakeside yellow dot, and the Lakeside science
leader visited Maple's leader after school. History is back-dated (memberships, visits, sheets),
so `asOf` replays the year; rows are written in bulk by `backend.seeding`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from backend.accounts.models import School
from backend.demo import DEMO_PASSWORD, DemoContext
from backend.seeding.rows import Seeder

FIRST = [
    "Ana", "Bruno", "Chloe", "Dmitri", "Esi", "Felix", "Grace", "Hugo", "Ines", "Jonah",
    "Keiko", "Liam", "Maya", "Nico", "Olu", "Priya", "Quinn", "Rafael", "Sana", "Tomas",
]  # fmt: skip
LAST = [
    "Abara", "Berg", "Castillo", "Duarte", "Eze", "Fontaine", "Gupta", "Holm", "Ibarra",
    "Jensen", "Kaur", "Lindqvist", "Moreau", "Nakamura", "Osei", "Petrov",
]  # fmt: skip


def school_year_of(day: date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


class _Calendar:
    """Visit times on school days, at most one visit in any clock hour across the demo's
    schools, so nobody is ever booked twice (visits last 45 minutes from five past)."""

    HOURS = (8, 9, 10, 11, 13)

    def __init__(self, now: datetime):
        self.now = now
        self.used: set[datetime] = set()

    def slot(self, weeks_ago: float, zone: ZoneInfo, hours=HOURS) -> datetime:
        day = (self.now - timedelta(weeks=weeks_ago)).astimezone(zone).date()
        while True:
            if day.weekday() < 5:
                for hour in hours:
                    start = datetime.combine(day, time(hour, 5), tzinfo=zone)
                    bucket = start.astimezone(UTC).replace(minute=0)
                    if bucket not in self.used:
                        self.used.add(bucket)
                        return start
            day += timedelta(days=1)


def load(context: DemoContext) -> None:
    now = timezone.now()
    district = context.district
    harbor = next((s for s in context.schools if "Harbor" in s.name), context.schools[-1])
    lakeside = School.objects.create(
        district=district, name="Lakeside High School", time_zone="America/Denver"
    )
    names = iter(f"{f} {last}" for last in LAST for f in FIRST)
    seeder = Seeder()
    password = make_password(DEMO_PASSWORD)  # hashed once: 39 people sign in with it

    def people(school, prefix: str, count: int, *, leaders: int = 0) -> list:
        return [
            seeder.person(
                email=f"{prefix}{n:02d}@demo.school",
                password=password,
                full_name=next(names),
                school=school,
                is_teacher_leader=n <= leaders,
            )
            for n in range(1, count + 1)
        ]

    lakeside_people = people(lakeside, "lakeside", 26, leaders=2)
    harbor_people = people(harbor, "harbor.math", 13, leaders=1)
    seeder.save()  # the people get their ids, which the cohorts' places are keyed by
    calendar = _Calendar(now)
    year = school_year_of(now.astimezone(lakeside.zone).date())

    def cohort(school, name, team, weeks_ago):
        leader, *peers = team
        blues, yellows = peers[:4], peers[4:12]
        group = seeder.group(
            school=school,
            name=name,
            leader=leader,
            started_at=now - timedelta(weeks=weeks_ago),
            blues=blues,
            yellows_of_blue=[yellows[2 * i : 2 * i + 2] for i in range(4)],
            school_year=year,
        )
        return group.cohort, leader, blues, [yellows[2 * i : 2 * i + 2] for i in range(4)], team

    def visit(visitor, host, weeks_ago, *, cycle=1, cohort=None, sheet=True, hours=None, **fields):
        zone = host.school.zone
        made = seeder.visit(
            visitor,
            host,
            starts_at=calendar.slot(weeks_ago, zone, hours or _Calendar.HOURS),
            cycle=cycle,
            cohort=cohort,
            **fields,
        )
        if sheet and made.status == "COMPLETED":
            seeder.reflection(made)
        return made

    def meetings(cohort, leader, weeks: list[float], kind: str):
        for weeks_ago in weeks:
            start = datetime.combine(
                (now - timedelta(weeks=weeks_ago)).astimezone(lakeside.zone).date(),
                time(15, 30),
                tzinfo=cohort.school.zone,
            )
            seeder.meeting(cohort, kind, starts_at=start, created_by=leader)

    def surveys(cohort, leader, everyone, weeks: dict[str, float]):
        for kind, weeks_ago in weeks.items():
            opens = now - timedelta(weeks=weeks_ago)
            seeder.survey(
                cohort,
                kind,
                opens_at=opens,
                closes_at=opens + timedelta(weeks=2),
                created_by=leader,
                invited=everyone[-2:],
                responded=everyone[:-2],
            )

    # --- Lakeside Science: the whole year's work, nearly done ----------------------------
    science, s_leader, s_blues, s_yellows, s_team = cohort(
        lakeside, "Lakeside Science Collaborative", lakeside_people[0:1] + lakeside_people[2:14], 30
    )
    for c, weeks in ((1, 26), (2, 14)):
        for i, blue in enumerate(s_blues):
            visit(s_leader, blue, weeks - i * 0.3, cycle=c, cohort=science)
            for j, yellow in enumerate(s_yellows[i]):
                visit(blue, yellow, weeks - 3 - i * 0.4 - j * 0.2, cycle=c, cohort=science)
    visit(s_yellows[0][0], s_yellows[1][1], 3, cohort=science)  # yellow dots visit each other
    visit(s_yellows[1][1], s_yellows[0][0], 2, cohort=science)
    # Maple's leader, after school (the observations demo books Maple's teaching periods)
    visit(s_leader, context.leader, 6, sheet=False, hours=(15,))
    meetings(science, s_leader, [28, 24, 20, 16, 12, 8], "BLUE_GROUP")
    meetings(science, s_leader, [27, 18, 9], "WHOLE_GROUP")
    surveys(science, s_leader, s_team, {"BASELINE": 29, "SIX_MONTH": 4})

    # --- Lakeside Literacy: stuck for seven weeks ----------------------------------------
    literacy, l_leader, l_blues, l_yellows, l_team = cohort(
        lakeside, "Lakeside Literacy Group", lakeside_people[1:2] + lakeside_people[14:26], 16
    )
    for i, blue in enumerate(l_blues[:3]):
        visit(l_leader, blue, 13 - i, cohort=literacy)
    visit(l_blues[0], l_yellows[0][0], 7, cohort=literacy, sheet=False)
    meetings(literacy, l_leader, [15, 11], "BLUE_GROUP")
    meetings(literacy, l_leader, [14], "WHOLE_GROUP")
    surveys(literacy, l_leader, l_team, {"BASELINE": 15})

    # --- Harbor Math Circle: midway ------------------------------------------------------
    math, m_leader, m_blues, m_yellows, m_team = cohort(
        harbor, "Harbor Math Circle", harbor_people, 10
    )
    for i, blue in enumerate(m_blues):
        visit(m_leader, blue, 8 - i * 0.4, cohort=math)
    for i, blue in enumerate(m_blues[:2]):
        for j, yellow in enumerate(m_yellows[i]):
            visit(blue, yellow, 5 - i - j * 0.3, cohort=math)
    # the next round: booked for next week, and one proposal waiting for an answer
    booked = {"created_at": now - timedelta(days=2)}
    visit(m_blues[2], m_yellows[2][0], -1, cohort=math, status="ACCEPTED", **booked)
    visit(m_blues[3], m_yellows[3][0], -1.2, cohort=math, status="PROPOSED", **booked)
    visit(m_leader, m_blues[0], -1.5, cycle=2, cohort=math, status="ACCEPTED", **booked)
    visit(m_blues[1], s_yellows[3][1], 3, cohort=None)  # across schools and cohorts
    meetings(math, m_leader, [9, 5, 1], "BLUE_GROUP")
    meetings(math, m_leader, [7], "WHOLE_GROUP")
    surveys(math, m_leader, m_team, {"BASELINE": 9})

    seeder.save()
    context.schools.append(lakeside)
    context.extra["network_cohorts"] = {
        "complete": science,
        "stuck": literacy,
        "midway": math,
    }
