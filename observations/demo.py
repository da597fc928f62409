"""Demo reflection cycles at Maple Elementary, written through the services.

- a bell schedule and everyone's timetable (each visitor is free in a period the host teaches);
- two cycles of the leader visiting the four blue dots, with data on tools of every kind and
  eight reflection sheets (shared with the cohort when there is one: the evidence the
  micro-credential asks for);
- one cycle of blue dots visiting their yellow dots, and the next cycle being scheduled
  (accepted and proposed visits next week), plus one declined proposal;
- a tool shared with the district by a teacher at Harbor Middle School;
- photos of student work on two visits, a question and a reflection sheet, and the room photo
  of the leader's seating chart (drawn with Pillow, see `demo_photos`).

Roles come from the cohorts demo's `context.extra["maple_cohort"]` when it exists; otherwise
the first four peers are blue dots and the next eight yellow dots (two per blue dot).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time, timedelta

from cohorts.models import BlueYellowLink, Role
from notifications import outbox

from . import demo_photos
from .models import PeriodKind, Sharing, Tool, Visit
from .services.data import EntryInput, observation_data_submit
from .services.reflections import reflection_sheet_share, reflection_sheet_write
from .services.slqs import slq_create
from .services.timetable import BellPeriodInput, PeriodInput, bell_schedule_set, timetable_set
from .services.tools import tool_copy, tool_library_sync
from .services.visits import VisitTime, visit_accept, visit_decline, visit_propose

BELLS = [
    ("Period 1", "08:00", "08:50"),
    ("Period 2", "08:55", "09:45"),
    ("Period 3", "09:50", "10:40"),
    ("Period 4", "10:45", "11:35"),
    ("Lunch", "11:35", "12:15"),
    ("Period 5", "12:15", "13:05"),
    ("Period 6", "13:10", "14:00"),
]
CLASS_PERIODS = ["Period 1", "Period 2", "Period 3", "Period 4", "Period 5", "Period 6"]
LEADER_FREE = "Period 2"
BLUE_FREE = ["Period 3", "Period 4", "Period 5", "Period 6"]
YELLOW_FREE = "Period 1"
VISIT_MINUTES = 45

# The tool each blue dot's class is observed with (leader's visits), and the yellow dots'.
BLUE_TOOLS = [
    "questions-in-group-work",
    "participation-map",
    "engagement-sweep-3min",
    "success-criteria-evidence",
]
YELLOW_TOOLS = ["student-talk-scripting", "question-levels"]

SLQS = {
    "questions-in-group-work": (
        "Student questioning",
        "Which students ask questions during group work, and whom do they ask?",
    ),
    "participation-map": (
        "Participation in discussion",
        "Which students take part in whole-class discussion?",
    ),
    "engagement-sweep-3min": (
        "Engagement during independent work",
        "When during independent work do students lose focus?",
    ),
    "success-criteria-evidence": (
        "Success criteria",
        "Can my students say what success looks like in today's task?",
    ),
    "student-talk-scripting": (
        "Explaining thinking",
        "How do students explain their thinking when they solve a problem?",
    ),
    "question-levels": (
        "Kinds of questions",
        "What kinds of questions do my students ask during discussion?",
    ),
}
NEW_SLQS = {
    "participation-map": (
        "Peer responses",
        "Do students respond to each other's ideas, not only to mine?",
    ),
    "success-criteria-evidence": (
        "Self-assessment",
        "Do students check their work against the criteria before handing it in?",
    ),
}


def load(context) -> None:
    leader = context.leader
    school = leader.school
    zone = school.zone
    cohort = context.extra.get("maple_cohort")
    blues, pairs = _roles(context, cohort)
    yellows = [yellow for _, yellow in pairs]

    tool_library_sync()
    bells = {
        p.name: p
        for p in bell_schedule_set(
            actor=leader,
            school=school,
            periods=[
                BellPeriodInput(name, time.fromisoformat(s), time.fromisoformat(e))
                for name, s, e in BELLS
            ],
        )
    }
    _timetable(leader, LEADER_FREE, bells, "Grade 5")
    for index, blue in enumerate(blues):
        _timetable(blue, BLUE_FREE[index % len(BLUE_FREE)], bells, f"Grade {1 + index}")
    for index, yellow in enumerate(yellows):
        _timetable(yellow, YELLOW_FREE, bells, f"Grade {1 + index % 5}")

    today = datetime.now(UTC).astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())

    def when(week: int, weekday: int, period: str) -> VisitTime:
        return VisitTime(
            day=monday + timedelta(weeks=week, days=weekday),
            start=bells[period].start_time,
            minutes=VISIT_MINUTES,
        )

    # Leader visits the blue dots: two cycles, four weeks apart, with reflection sheets.
    for index, blue in enumerate(blues):
        library_key = BLUE_TOOLS[index % len(BLUE_TOOLS)]
        tool = tool_copy(
            actor=leader,
            source=_library(library_key),
            sharing=Sharing.SCHOOL if index == 0 else Sharing.PRIVATE,
        )
        area, question = SLQS[library_key]
        slq = slq_create(
            actor=blue,
            area_of_focus=area,
            question=question,
            crafted_with=leader,
            now=_at(when(-9, 0, LEADER_FREE), zone),
        )
        tool.slq = slq
        tool.save(update_fields=["slq"])
        keeps = library_key not in NEW_SLQS
        visit = _past_visit(
            visitor=leader,
            host=blue,
            when=when(-8, index % 5, LEADER_FREE),
            cycle=1,
            slq=slq,
            tool=tool,
            zone=zone,
            seed=index,
            improved=False,
            keeps_slq=keeps,
        )
        if not keeps:
            area, question = NEW_SLQS[library_key]
            slq = slq_create(
                actor=blue,
                area_of_focus=area,
                question=question,
                crafted_with=leader,
                replaces=slq,
                now=visit.ends_at + timedelta(days=2),
            )
        visit = _past_visit(
            visitor=leader,
            host=blue,
            when=when(-4, index % 5, LEADER_FREE),
            cycle=2,
            slq=slq,
            tool=tool,
            zone=zone,
            seed=10 + index,
            improved=True,
            keeps_slq=True,
        )
        if cohort is not None:
            for sheet_visit in Visit.objects.filter(host=blue, proposed_by=leader):
                reflection_sheet_share(
                    actor=blue,
                    sheet=sheet_visit.reflection_sheet,
                    shared=True,
                    now=sheet_visit.ends_at + timedelta(days=1),
                )

    # Blue dots visit their yellow dots: one cycle done, the next one being scheduled.
    for number, (blue, yellow) in enumerate(pairs):
        blue_index = blues.index(blue)
        free = BLUE_FREE[blue_index % len(BLUE_FREE)]
        library_key = YELLOW_TOOLS[number % len(YELLOW_TOOLS)]
        tool = tool_copy(actor=blue, source=_library(library_key))
        area, question = SLQS[library_key]
        slq = slq_create(
            actor=yellow,
            area_of_focus=area,
            question=question,
            crafted_with=blue,
            now=_at(when(-7, 0, free), zone),
        )
        _past_visit(
            visitor=blue,
            host=yellow,
            when=when(-6, number % 5, free),
            cycle=1,
            slq=slq,
            tool=tool,
            zone=zone,
            seed=100 + number,
            improved=False,
            keeps_slq=True,
        )
        upcoming = when(1, number % 5, free)
        visit = visit_propose(
            actor=blue,
            host=yellow,
            when=upcoming,
            cycle_number=2,
            slq=slq,
            tool=tool,
            room=f"Room {101 + number}",
        )
        if number % 2 == 0:
            visit_accept(actor=yellow, visit=visit)

    if pairs:
        # A proposal the host could not take, then a new one (the history the app shows).
        blue, yellow = pairs[0]
        free = BLUE_FREE[0]
        declined = visit_propose(
            actor=blue,
            host=yellow,
            when=when(2, 2, free),
            cycle_number=2,
            now=_at(when(2, 2, free), zone) - timedelta(days=10),
        )
        visit_decline(
            actor=yellow,
            visit=declined,
            reason="Assembly that morning; next week works.",
        )

    if context.other_school_teachers:
        sharer = context.other_school_teachers[0]
        tool_copy(
            actor=sharer,
            source=_library("engagement-sweep-3min"),
            name="Engagement sweep (5 behaviours)",
            sharing=Sharing.DISTRICT,
        )

    demo_photos.load(leader=leader, blues=blues)

    # The history is in the past: nothing about it should be pushed when the worker starts.
    for visit in Visit.objects.filter(ends_at__lt=datetime.now(UTC)):
        outbox.cancel(key_prefix=f"visit:{visit.pk}:")


def _roles(context, cohort):
    """(blue dots, [(blue, yellow), ...]) from the cohort, or from the peers' order."""
    if cohort is not None:
        current = cohort.memberships.filter(ended_at__isnull=True).select_related("person")
        blues = [m.person for m in current if m.role == Role.BLUE]
        links = BlueYellowLink.objects.filter(cohort=cohort, ended_at__isnull=True).select_related(
            "blue__person", "yellow__person"
        )
        pairs = [(link.blue.person, link.yellow.person) for link in links]
        if blues and not pairs:
            yellows = [m.person for m in current if m.role == Role.YELLOW]
            pairs = [(blues[i // 2 % len(blues)], y) for i, y in enumerate(yellows)]
        if blues:
            return blues, pairs
    blues = context.peers[:4]
    yellows = context.peers[4:12]
    return blues, [(blues[i // 2], yellow) for i, yellow in enumerate(yellows)]


def _timetable(person, free_period: str, bells, label: str) -> None:
    periods = []
    for weekday in range(5):
        for name in CLASS_PERIODS:
            kind = PeriodKind.FREE if name == free_period else PeriodKind.TEACHING
            periods.append(
                PeriodInput(
                    weekday=weekday,
                    kind=kind,
                    bell_period=bells[name],
                    label=label if kind == PeriodKind.TEACHING else "Planning",
                )
            )
        periods.append(
            PeriodInput(weekday=weekday, kind=PeriodKind.FREE, bell_period=bells["Lunch"])
        )
    timetable_set(actor=person, periods=periods)


def _library(key: str) -> Tool:
    return Tool.objects.get(library_key=key)


def _at(when: VisitTime, zone) -> datetime:
    return datetime.combine(when.day, when.start, tzinfo=zone).astimezone(UTC)


def _past_visit(*, visitor, host, when, cycle, slq, tool, zone, seed, improved, keeps_slq) -> Visit:
    starts_at = _at(when, zone)
    visit = visit_propose(
        actor=visitor,
        host=host,
        when=when,
        cycle_number=cycle,
        slq=slq,
        tool=tool,
        room="Room " + str(100 + seed % 20),
        now=starts_at - timedelta(days=7),
    )
    visit = visit_accept(actor=host, visit=visit, now=starts_at - timedelta(days=6))
    entries = _entries(tool, starts_at, random.Random(seed), improved=improved)
    for batch_start in range(0, len(entries), 20):  # as a phone on poor Wi-Fi would
        observation_data_submit(
            actor=visitor,
            visit=visit,
            entries=entries[batch_start : batch_start + 20],
            now=starts_at + timedelta(minutes=VISIT_MINUTES),
        )
    considerations, next_steps = _reflection(tool.kind, improved)
    reflection_sheet_write(
        actor=visitor,
        visit=visit,
        considerations=considerations,
        next_steps=next_steps,
        keeps_slq=keeps_slq,
        now=starts_at + timedelta(days=1),
    )
    return visit


def _entries(tool, starts_at, rng: random.Random, *, improved: bool) -> list[EntryInput]:
    definition = tool.definition
    payloads = _PAYLOADS[tool.kind](definition, rng, improved)
    return [
        EntryInput(
            client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            recorded_at=starts_at + timedelta(seconds=offset),
            payload=payload,
        )
        for offset, payload in payloads
    ]


def _tally(definition, rng, improved):
    keys = [c["key"] for c in definition["categories"]]
    groups = [g["key"] for g in definition["student_groups"]]
    # Later cycles: more of the categories that come first in the library tools' own order
    # (asking a peer, reasoning), fewer of the rest.
    weights = [4, 1, 2, 2] if improved else [1, 4, 1, 1]
    out = []
    for n in range(rng.randint(18, 26)):
        payload = {"at": 60 + n * 90, "category": rng.choices(keys, weights[: len(keys)])[0]}
        if groups:
            payload["group"] = groups[n % len(groups)]
        out.append((60 + n * 90, payload))
    return out


def _seating(definition, rng, improved):
    seats = [s["key"] for s in definition["seats"]]
    marks = [m["key"] for m in definition["marks"]]
    reach = seats if improved else seats[: len(seats) // 3]  # front rows only, at first
    return [
        (90 + n * 75, {"at": 90 + n * 75, "seat": rng.choice(reach), "mark": rng.choice(marks)})
        for n in range(rng.randint(20, 30))
    ]


def _sweep(definition, rng, improved):
    behaviours = [b["key"] for b in definition["behaviours"]]
    out = []
    for sweep in range(definition["sweeps"] or 10):
        off_task = rng.randint(1, 3) if improved else rng.randint(4, 8)
        counts = {
            behaviours[0]: rng.randint(6, 12),
            behaviours[1]: rng.randint(8, 14) if improved else rng.randint(2, 6),
            behaviours[2]: rng.randint(0, 2),
            behaviours[3]: off_task,
        }
        for behaviour, students in counts.items():
            out.append(
                (sweep * 180, {"sweep": sweep, "behaviour": behaviour, "students": students})
            )
    return out


def _checklist(definition, rng, improved):
    items = [i["key"] for i in definition["items"]]
    seen = len(items) - 1 if improved else 2
    return [
        (300 + n * 240, {"item": key, "checked": n < seen, "at": 300 + n * 240})
        for n, key in enumerate(items)
    ]


_LINES = [
    ("I think it's 24 because 4 groups of 6.", "Student A"),
    ("Wait, can you say how you knew it was groups?", "Student B"),
    ("We drew an array first and then counted the rows.", "Student C"),
    ("My answer is different. I added instead.", "Student D"),
    ("How do you know your answer is right?", "Student B"),
    ("Because if you take 6 away four times you get zero.", "Student A"),
    ("I used the number line like yesterday.", "Student E"),
]


def _scripting(definition, rng, improved):
    lines = _LINES if improved else _LINES[:4]
    return [
        (120 + n * 200, {"at": 120 + n * 200, "text": text, "student": student})
        for n, (text, student) in enumerate(lines)
    ]


_PAYLOADS = {
    "TALLY": _tally,
    "SEATING_CHART": _seating,
    "TIMED_INTERVAL_SWEEP": _sweep,
    "CHECKLIST": _checklist,
    "SCRIPTING": _scripting,
}


def _reflection(kind: str, improved: bool) -> tuple[str, str]:
    if improved:
        return (
            "Compared with the first cycle, more students took part and more of the talk was "
            "between students. The change to the task launch seems to have helped.",
            "Keep the structured talk routine; next, look at the students who still did not "
            "contribute and plan a small-group check-in with them.",
        )
    return (
        "Most of the activity came from a few students near the front; many questions went "
        "to the teacher rather than to peers.",
        "Try a 'three before me' routine and sentence starters for peer questions, then "
        "collect the same data in the next cycle.",
    )
