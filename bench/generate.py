"""A large district for the benchmarks, generated from a seed with bulk inserts.

    .venv/bin/python -m bench.generate --scale 0.1 [--database-url postgres://...]

Scale 1 is 50 schools, 2,000 teachers, 150 cohorts (a leader, 4 blue and 8 yellow dots each),
20,000 visits (completed ones with tally data and most with a reflection sheet), 300 survey
administrations (a baseline and a six-month follow-up per cohort) with anonymous responses,
and 100,000 notifications (most in inboxes). Everything is written with `bulk_create`
straight into the apps' tables, keeping their invariants: one leader per cohort, links
between a blue and a yellow dot of the same cohort, nobody in two visits at overlapping times
(each visit takes a time slot that is free for all its people), and the two sides of a survey
(who was invited and whether they answered; what was answered) never referring to each other.

The *subjects* the key operations ask about grow with the scale, so that a list whose SQL
grows per row shows it when the query counts of two scales are compared: the bench leader's
visits in the bench week, the bench cohort's yellow dots and meetings, the bench survey's
responses, the bench leader's inbox and the district itself.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

TIME_ZONES = ("America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles")
FIRST = [
    "Amara",
    "Ben",
    "Carmen",
    "Dev",
    "Elena",
    "Farah",
    "Gabe",
    "Hana",
    "Isaac",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
]
LAST = [
    "Okafor",
    "Whitaker",
    "Ruiz",
    "Patel",
    "Novak",
    "Haddad",
    "Thompson",
    "Sato",
    "Mensah",
    "Kowalski",
    "Asante",
]
WEEKS_BEFORE = 20  # the timeline starts this many weeks before the bench week
WEEKS = 30  # and lasts this many weeks
SLOTS_PER_DAY = 6  # visit slots per school day (one hour apart)
SLOTS_PER_WEEK = 5 * SLOTS_PER_DAY
VISIT_MINUTES = 45
COORDINATORS = 200  # the map is rate limited per person (30 a minute): spread the load


@dataclass(frozen=True)
class Size:
    """How much to generate. `at(scale)` gives the issue's default district times `scale`."""

    schools: int
    teachers: int
    cohorts: int
    visits: int
    administrations: int
    notifications: int
    # What the key operations' subjects hold (see the module docstring).
    week_visits: int
    cohort_yellows: int
    cohort_meetings: int
    survey_responses: int
    inbox: int
    meetings_per_cohort: int = 6
    agenda_items: int = 5
    entries_per_visit: int = 6
    coordinators: int = COORDINATORS

    @classmethod
    def at(cls, scale: float) -> Size:
        def scaled(n: int, minimum: int = 1) -> int:
            return max(minimum, round(n * scale))

        cohorts = scaled(150, 2)
        return cls(
            schools=scaled(50),
            teachers=max(scaled(2000), cohorts * 13 + 5),
            cohorts=cohorts,
            visits=scaled(20_000, cohorts * 12),
            administrations=min(scaled(300, 2), cohorts * 2),
            notifications=scaled(100_000),
            week_visits=2 + round(8 * scale),
            cohort_yellows=min(8, 4 + round(20 * scale)),
            cohort_meetings=2 + round(10 * scale),
            survey_responses=min(12, 5 + round(7 * scale)),
            inbox=10 + round(90 * scale),
        )

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Generated:
    """What was made, and the people and objects the key operations run for."""

    slug: str
    size: Size
    seconds: float
    counts: dict
    district_id: int
    leader_id: int
    coordinator_ids: list[int]
    cohort_id: int
    administration_id: int
    week_start: datetime
    member_ids: list[int] = field(default_factory=list)


def generate(*, size: Size, seed: int = 7, slug: str = "bench", now: datetime | None = None):
    """Write a district of `size` (in one transaction) and return `Generated`."""
    from django.db import connection, transaction

    from backend.accounts.models import District

    started = time.perf_counter()
    with transaction.atomic():
        made = _Builder(size=size, seed=seed, slug=slug, now=now).build()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a live database has
    made.seconds = time.perf_counter() - started
    # Remembered for later runs that reuse the district (see `find`).
    District.objects.filter(pk=made.district_id).update(
        name=f"Bench district {slug}, generated in {made.seconds:.1f} s"
    )
    return made


def find(slug: str) -> Generated | None:
    """The subjects of an already generated district (for a run that reuses the database)."""
    from backend.accounts.models import District, User
    from cohorts.models import Cohort, Membership, Role
    from surveys.models import Administration, AdministrationKind

    district = District.objects.filter(slug=slug).first()
    if district is None:
        return None
    cohort = Cohort.objects.filter(school__district=district, name="Bench cohort").first()
    if cohort is None:
        return None
    leader = Membership.objects.get(cohort=cohort, role=Role.LEADER, ended_at__isnull=True)
    administration = Administration.objects.get(cohort=cohort, kind=AdministrationKind.BASELINE)
    coordinators = list(
        User.objects.filter(coordinated_district=district)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    members = list(
        Membership.objects.filter(cohort=cohort, ended_at__isnull=True)
        .order_by("pk")
        .values_list("person_id", flat=True)
    )
    seconds = re.search(r"generated in ([\d.]+) s", district.name)
    return Generated(
        slug=slug,
        size=None,
        seconds=float(seconds[1]) if seconds else 0.0,
        counts={},
        district_id=district.pk,
        leader_id=leader.person_id,
        coordinator_ids=coordinators,
        cohort_id=cohort.pk,
        administration_id=administration.pk,
        week_start=_week_start(district.created_at),
        member_ids=members,
    )


def _week_start(now: datetime) -> datetime:
    """The bench week is the seven days around the generation time (three days before it), so
    that it holds past visits (completed, with data and a reflection sheet) and coming ones
    whatever the weekday: the same shape of data at every scale."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=3)


class _Builder:
    """The benchmark's district, written stage by stage with `backend.seeding.rows.Seeder`
    (a stage that plans by id saves the stages before it)."""

    def __init__(self, *, size: Size, seed: int, slug: str, now: datetime | None):
        from django.utils import timezone

        from backend.seeding.rows import Seeder

        self.size = size
        self.rng = random.Random(seed)
        self.seeder = Seeder(rng=self.rng)
        self.slug = slug
        self.now = now or timezone.now()
        self.week_start = _week_start(self.now)
        self.timeline_start = self.week_start - timedelta(weeks=WEEKS_BEFORE)
        self.busy: dict[int, set[int]] = {}

    # --- helpers ---------------------------------------------------------------------------
    def _name(self, n: int) -> str:
        return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}"

    def _slot_start(self, slot: int) -> datetime:
        week, rest = divmod(slot, SLOTS_PER_WEEK)
        day, hour = divmod(rest, SLOTS_PER_DAY)
        return self.timeline_start + timedelta(weeks=week, days=day, hours=hour)

    def _free_slot(self, people: tuple[int, ...], *, week: int | None, avoid_week: int | None):
        """A slot free for all `people` (marked busy), or None."""
        if week is not None:
            candidates = list(range(week * SLOTS_PER_WEEK, (week + 1) * SLOTS_PER_WEEK))
            self.rng.shuffle(candidates)
        else:
            first = self.rng.randrange(WEEKS * SLOTS_PER_WEEK)
            candidates = (
                (first + step * 7) % (WEEKS * SLOTS_PER_WEEK) for step in range(WEEKS * 30)
            )
        for slot in candidates:
            if avoid_week is not None and slot // SLOTS_PER_WEEK == avoid_week:
                continue
            if all(slot not in self.busy.setdefault(p, set()) for p in people):
                for p in people:
                    self.busy[p].add(slot)
                return slot
        return None

    # --- the district ----------------------------------------------------------------------
    def build(self) -> Generated:
        self._people()
        self._cohorts()
        self._content()
        self._visits()
        self._meetings()
        self._surveys()
        self._notifications()
        self.seeder.save()
        written = self.seeder.written
        counts = {name: written[model] for name, model in COUNTED.items()}
        counts["teachers"] = len(self.teachers)
        return Generated(
            slug=self.slug,
            size=self.size,
            seconds=0.0,
            counts=counts,
            district_id=self.district.pk,
            leader_id=self.bench_leader.pk,
            coordinator_ids=[c.pk for c in self.coordinators],
            cohort_id=self.bench_cohort.pk,
            administration_id=self.bench_administration.pk,
            week_start=self.week_start,
            member_ids=[m.person_id for m in self.bench_members],
        )

    def _people(self) -> None:
        from backend.accounts.models import District

        size, seeder = self.size, self.seeder
        self.district = seeder.district(name=f"Bench district {self.slug}", slug=self.slug)
        # The generation time, which later runs read back to find the bench week.
        District.objects.filter(pk=self.district.pk).update(created_at=self.now)
        self.schools = [
            seeder.school(
                self.district, name=f"School {n:03d}", time_zone=TIME_ZONES[n % len(TIME_ZONES)]
            )
            for n in range(size.schools)
        ]
        seeder.save()
        self.teachers = [
            seeder.person(
                email=f"t{n}@{self.slug}.bench.invalid",
                full_name=self._name(n),
                school=self.schools[n % size.schools],
            )
            for n in range(size.teachers)
        ]
        self.by_school: dict[int, list] = {}
        for teacher in self.teachers:
            self.by_school.setdefault(id(teacher.school), []).append(teacher)
        # Each cohort's first person leads it: marked before the insert.
        self._plan_cohorts()
        self.coordinators = [
            seeder.person(
                email=f"c{n}@{self.slug}.bench.invalid",
                full_name=f"Coordinator {n}",
                coordinated_district=self.district,
            )
            for n in range(size.coordinators)
        ]
        seeder.save()

    def _plan_cohorts(self) -> None:
        """Cohorts round-robin over the schools, 13 of a school's teachers each."""
        size = self.size
        self.plans = []  # (school, [leader, blues, yellows])
        taken: dict[int, int] = {}
        schools = [s for s in self.schools if self.by_school.get(id(s))]
        for n in range(size.cohorts):
            school = schools[n % len(schools)]
            pool = self.by_school[id(school)]
            start = taken.get(id(school), 0)
            group = pool[start : start + 13]
            if len(group) < 13:  # the school is full: take anyone not yet in a cohort
                group = [t for t in self.teachers if not getattr(t, "_in_cohort", False)][:13]
                school = group[0].school
            for teacher in group:
                teacher._in_cohort = True
            taken[id(school)] = start + 13
            group[0].is_teacher_leader = True
            self.plans.append((school, group))

    def _cohorts(self) -> None:
        from cohorts.models import Role

        seeder = self.seeder
        started = self.timeline_start - timedelta(weeks=2)
        self.groups = []  # (cohort, leader, blues, yellows): memberships
        for n, (school, group) in enumerate(self.plans):
            cohort = seeder.cohort(
                school=school,
                name="Bench cohort" if n == 0 else f"Cohort {n:03d}",
                created_by=group[0],
                created_at=started,
            )
            yellows = self.size.cohort_yellows if n == 0 else 8
            leader = seeder.member(cohort, group[0], Role.LEADER, started_at=started)
            blues = [seeder.member(cohort, p, Role.BLUE, started_at=started) for p in group[1:5]]
            yellow_places = [
                seeder.member(cohort, p, Role.YELLOW, started_at=started)
                for p in group[5 : 5 + yellows]
            ]
            for index, yellow in enumerate(yellow_places):
                seeder.link(blues[index % len(blues)], yellow, started_at=started)
            self.groups.append((cohort, leader, blues, yellow_places))
        seeder.save()
        self.bench_cohort = self.groups[0][0]
        self.bench_leader = self.groups[0][1].person
        self.bench_members = [self.groups[0][1], *self.groups[0][2], *self.groups[0][3]]

    def _content(self) -> None:
        """The tally tool every host copies, and the data points a visit records with it."""
        from observations.models import Tool
        from observations.tool_kinds import validate_definition, validate_entry
        from observations.tool_library import get_library_tool

        library = get_library_tool("questions-in-group-work")
        self.library_tool = Tool.objects.filter(library_key=library.key).first()
        self.definition = validate_definition(library.kind, library.definition)
        self.tool_kind = library.kind.value
        categories = [c["key"] for c in self.definition["categories"]]
        groups = [g["key"] for g in self.definition["student_groups"]]
        self.payloads = [
            validate_entry(
                self.tool_kind,
                self.definition,
                {"at": 60 * (n + 1), "category": c, "group": g, "count": 1 + n % 3},
            )
            for n, (c, g) in enumerate((c, g) for c in categories for g in groups)
        ]
        self.tools: dict[int, object] = {}

    def _host_content(self, host):
        """The host's SLQ and tally tool, made the first time they host."""
        slq = self.seeder.slq(
            host,
            created_at=self.timeline_start,
            area_of_focus="Student questions",
            question=f"Which of my students ask questions during group work? ({host.pk})",
        )
        if host.pk not in self.tools:
            self.tools[host.pk] = self.seeder.tool(
                host,
                kind=self.tool_kind,
                definition=self.definition,
                slq=slq,
                copied_from=self.library_tool,
                name=f"Question tally of {host.full_name}",
            )
        return slq, self.tools[host.pk]

    def _visits(self) -> None:
        from observations.models import VisitStatus

        rng, size, seeder = self.rng, self.size, self.seeder
        bench_week = WEEKS_BEFORE
        leader_pk = self.bench_leader.pk
        pairs_by_cohort = []
        for cohort, leader, blues, yellows in self.groups:
            pairs = [(leader.person, blue.person) for blue in blues]  # (visitor, host)
            pairs += [
                (blues[index % len(blues)].person, yellow.person)
                for index, yellow in enumerate(yellows)
            ]
            pairs_by_cohort.append((cohort, pairs))
        plan = []  # (cohort, visitor, host, slot)
        # The bench leader's week: alternately visiting a blue dot and hosting one; every
        # other visit is past (completed, with data and a reflection sheet), the rest to come.
        cohort, pairs = pairs_by_cohort[0]
        first = bench_week * SLOTS_PER_WEEK
        past = [first + day * SLOTS_PER_DAY + hour for day in (0, 1) for hour in range(6)]
        coming = [first + day * SLOTS_PER_DAY + hour for day in (3, 4) for hour in range(1, 6)]
        self.bench_visits: dict[tuple, str] = {}
        for n in range(size.week_visits):
            visitor, host = pairs[n % 4]
            if n % 2:
                visitor, host = host, visitor
            slots = past if n % 2 == 0 else coming
            slot = next(
                (
                    s
                    for s in slots
                    if all(s not in self.busy.setdefault(p, set()) for p in (visitor.pk, host.pk))
                ),
                None,
            )
            if slot is None:
                continue
            for p in (visitor.pk, host.pk):
                self.busy[p].add(slot)
            plan.append((cohort, visitor, host, slot))
            kind = "past" if n % 2 == 0 else ("accepted" if n % 4 == 1 else "proposed")
            self.bench_visits[(visitor.pk, host.pk, slot)] = kind
        remaining = size.visits - len(plan)
        cross = remaining // 20  # cross-cohort visits, for the district map's ties
        per_cohort, extra = divmod(remaining - cross, len(pairs_by_cohort))
        for index, (cohort, pairs) in enumerate(pairs_by_cohort):
            for n in range(per_cohort + (1 if index < extra else 0)):
                visitor, host = pairs[n % len(pairs)]
                plan.append((cohort, visitor, host, None))
        for _ in range(cross):
            visitor, host = rng.sample(self.teachers, 2)
            plan.append((None, visitor, host, None))
        scheduled = []  # (cohort, visitor, host, starts_at, bench)
        for cohort, visitor, host, slot in plan:
            people = (visitor.pk, host.pk)
            if slot is None:
                avoid = bench_week if leader_pk in people else None
                slot = self._free_slot(people, week=None, avoid_week=avoid)
            if slot is not None:
                bench = self.bench_visits.get((visitor.pk, host.pk, slot))
                scheduled.append((cohort, visitor, host, self._slot_start(slot), bench))
        visits, with_sheet = [], set()
        for cohort, visitor, host, starts_at, bench in scheduled:
            past = starts_at + timedelta(minutes=VISIT_MINUTES) < self.now
            roll = rng.random()
            if bench:
                status = {
                    "past": VisitStatus.COMPLETED,
                    "accepted": VisitStatus.ACCEPTED,
                    "proposed": VisitStatus.PROPOSED,
                }[bench]
            elif past:
                status = (
                    VisitStatus.COMPLETED
                    if roll < 0.85
                    else VisitStatus.CANCELLED
                    if roll < 0.95
                    else VisitStatus.DECLINED
                )
            else:
                status = VisitStatus.ACCEPTED if roll < 0.7 else VisitStatus.PROPOSED
            slq, tool = self._host_content(host)
            visit = seeder.visit(
                visitor,
                host,
                starts_at=starts_at,
                status=status,
                minutes=VISIT_MINUTES,
                cycle=1 if starts_at < self.now - timedelta(weeks=10) else 2,
                cohort=cohort,
                slq=slq,
                tool=tool,
                room=f"Room {host.pk % 40 + 1}",
            )
            visits.append(visit)
            if bench == "past":
                with_sheet.add(id(visit))
        for visit in visits:
            if visit.status != VisitStatus.COMPLETED:
                continue
            for n in range(size.entries_per_visit):
                seeder.entry(
                    visit,
                    recorded_at=visit.starts_at + timedelta(minutes=5 * n + 1),
                    payload=rng.choice(self.payloads),
                )
            if rng.random() < 0.7 or id(visit) in with_sheet:
                seeder.reflection(
                    visit,
                    data_summary={"kind": self.tool_kind, "entry_count": size.entries_per_visit},
                    keeps_slq=rng.random() < 0.6,
                )

    def _meetings(self) -> None:
        from cohorts.models import MeetingKind

        size, seeder = self.size, self.seeder
        titles = ("Norms", "Protocol practice", "Data review", "Scheduling visits", "Reflection")
        for index, (cohort, leader, _blues, _yellows) in enumerate(self.groups):
            count = size.cohort_meetings if index == 0 else size.meetings_per_cohort
            for n in range(count):
                meeting = seeder.meeting(
                    cohort,
                    MeetingKind.BLUE_GROUP if n % 2 == 0 else MeetingKind.WHOLE_GROUP,
                    starts_at=self.timeline_start + timedelta(weeks=3 * n + 1, days=2, hours=21),
                    created_by=leader.person,
                    title=f"Group meeting {n + 1}",
                    location="Library",
                    notes="Norms, data review, next round of visits.",
                )
                for position in range(size.agenda_items):
                    seeder.agenda_item(
                        meeting,
                        position=position + 1,
                        title=titles[position % len(titles)],
                        minutes=10 + 2 * position,
                        facilitator=leader.person,
                        materials="Reflection sheets",
                    )

    def _surveys(self) -> None:
        from surveys.models import AdministrationKind, Item, ItemFormat, ScalePoint

        rng, size, seeder = self.rng, self.size, self.seeder
        instrument = seeder.instrument()
        items = list(Item.objects.filter(instrument=instrument).order_by("position"))
        values: dict[int, list[int]] = {}
        for point in ScalePoint.objects.filter(scale_id__in={i.scale_id for i in items}):
            values.setdefault(point.scale_id, []).append(point.value)
        windows = (
            (AdministrationKind.BASELINE, 18, 16),
            (AdministrationKind.SIX_MONTH, 2, 0),
        )
        administrations = []  # (administration, cohort's blue and yellow places)
        admins_left = size.administrations
        for cohort, leader, blues, yellows in self.groups:
            baseline = None
            for kind, opens_weeks, closes_weeks in windows:
                if admins_left <= 0:
                    break
                admins_left -= 1
                closes_at = self.week_start - timedelta(weeks=closes_weeks, hours=1)
                administration = seeder.administration(
                    cohort,
                    kind,
                    opens_at=self.week_start - timedelta(weeks=opens_weeks),
                    closes_at=closes_at,
                    created_by=leader.person,
                    follows=baseline,
                    # Closed, with plain responses as their opening leaves them.
                    responses_opened_at=closes_at,
                )
                baseline = baseline or administration
                administrations.append((administration, blues + yellows))
        self.bench_administration = administrations[0][0]
        for administration, places in administrations:
            peers = [m.person for m in places]
            if administration is self.bench_administration:
                responding = min(size.survey_responses, len(peers))
            else:
                responding = rng.randint(min(5, len(peers)), len(peers))
            answered = set(rng.sample(range(len(peers)), responding))
            for n, person in enumerate(peers):
                seeder.invitee(administration, person, has_responded=n in answered)
            for _ in range(responding):
                answers = []
                for item in items:
                    if item.format == ItemFormat.OPEN_TEXT:
                        if rng.random() < 0.5:
                            answers.append((item, "We talk about student work more than before."))
                        continue
                    answers.append((item, rng.choice(values[item.scale_id])))
                seeder.response(administration, answers)

    def _notifications(self) -> None:
        from notifications.models import Kind, Status

        rng, size, seeder = self.rng, self.size, self.seeder
        kinds = [k for k in Kind if k != Kind.TEST]
        people = [t for t in self.teachers if t.pk != self.bench_leader.pk]
        plan = [self.bench_leader] * size.inbox
        plan += [people[n % len(people)] for n in range(max(0, size.notifications - size.inbox))]
        for n, person in enumerate(plan):
            due_at = self.now - timedelta(minutes=37 * (n % 4000) + 1)
            bench = n < size.inbox
            roll = rng.random()
            if bench or roll < 0.9:
                status = Status.SENT if roll < 0.8 or bench else Status.SKIPPED
                delivered_at, sent_at = due_at, due_at + timedelta(seconds=2)
                read_at = due_at + timedelta(hours=1) if rng.random() < 0.6 else None
            else:
                status, delivered_at, sent_at, read_at = Status.PENDING, None, None, None
                due_at = self.now + timedelta(hours=1 + n % 100)
            seeder.notification(
                person,
                kind=kinds[n % len(kinds)],
                key=f"{self.slug}:{n}",
                due_at=due_at,
                status=status,
                delivered_at=delivered_at,
                sent_at=sent_at,
                read_at=read_at,
                target_type="Visit",
                target_id=f"VmlzaXQ6{n}",
            )
        for teacher in self.teachers:
            seeder.device(teacher, token=f"{self.slug}-device-{teacher.pk}")


# What `Generated.counts` reports: rows written, by the Seeder's model names.
COUNTED = {
    "schools": "school",
    "teachers": "user",  # replaced by the teachers alone (coordinators are users too)
    "cohorts": "cohort",
    "memberships": "membership",
    "links": "blueyellowlink",
    "visits": "visit",
    "visit_participants": "visitparticipant",
    "observation_entries": "observationentry",
    "reflection_sheets": "reflectionsheet",
    "meetings": "meeting",
    "agenda_items": "agendaitem",
    "administrations": "administration",
    "invitees": "invitee",
    "responses": "response",
    "answers": "answer",
    "notifications": "notification",
    "devices": "device",
}


def scaled(size: Size, **changes) -> Size:
    return replace(size, **changes)


def main(argv=None) -> int:
    import argparse

    from bench.setup import configure, describe_database, migrate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--slug", default=None)
    args = parser.parse_args(argv)
    configure(args.database_url)
    migrate()
    slug = args.slug or f"bench-s{args.scale:g}-r{args.seed}"
    if find(slug) is not None:
        print(f"{slug} already exists in {describe_database()}")
        return 0
    made = generate(size=Size.at(args.scale), seed=args.seed, slug=slug)
    print(f"{slug}: {made.counts} in {made.seconds:.1f} s ({describe_database()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
