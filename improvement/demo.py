"""Demo improvement work: the Maple leader (leader@demo.school, the teacher whose
micro-credentials the credentials demo pursues) writes a question about their own class and
runs two complete PDSA cycles on it, the second adapting the first. Both are judged by one
measure with 18 points: eight of baseline, then ten after the first cycle's Do started, all
above the baseline median, so the run chart shows a shift after the change. One free note
sits on the chart beside the two derived ones (each cycle's start of Do).

Everything goes through the services the phone calls (question, plan, link, advance, update,
points, note), so loading the demo runs the whole flow. Dates count back from today at the
leader's school, so the chart always ends today. The first cycle is then shared with the
leader's school in the improvement library (with the commitment to answer), a Maple colleague
asks about it and the leader answers: the library has one entry with one answered question.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from backend.accounts.models import User
from observations.services.slqs import slq_create

from .models import ActDecision, LibraryEntry, LibraryScope, Measure, Pdsa, Stage
from .services.annotations import annotation_add
from .services.common import school_today
from .services.library import pdsa_publish
from .services.measures import measure_create, pdsa_measure_link
from .services.pdsa import pdsa_advance, pdsa_create, pdsa_update
from .services.points import data_points_record
from .services.questions import library_question_answer, library_question_ask

LEADER_EMAIL = "leader@demo.school"
# The same client ids every time: a point's id is what makes recording it again a no-op.
POINT_IDS = uuid.UUID("6b1f3c2e-22a0-4d5e-9c61-2f0d6a8e1d22")

BASELINE = (11, 13, 12, 10, 14, 12, 13, 11)  # median 12, the last below it
AFTER_CHANGE = (14, 15, 13, 16, 17, 16, 18, 17, 19, 18)  # all above 12: a shift
DAYS_APART = 2  # one exit ticket every other school day or so
FIRST_DO_POINT = len(BASELINE)  # the first cycle's Do starts on the day of the 9th point
FIRST_DO_LAST_POINT = 12
SECOND_DO_POINT = 13
SECOND_DO_LAST_POINT = 16
NOTE_POINT = 3  # the low baseline day

QUESTION = (
    "Scaffolded reasoning",
    "How many of my students explain why their answer is right, not just what it is?",
)
MEASURE = {
    "name": "Students who explain their reasoning on the exit ticket",
    "unit": "students (of 26)",
    "how_collected": "Each exit ticket with a 'because' that justifies the answer counts once.",
    "better": "UP",
    "baseline_count": len(BASELINE),
}
FIRST_CYCLE = {
    "change_idea": "Ninety seconds of silent think time before any hand goes up.",
    "predictions": "At least 15 of 26 students will explain their reasoning within two weeks.",
    "do_notes": "Used a visible timer; two days the lesson ran long and think time was cut.",
    "study_results": "Every ticket after the change was above the baseline median of 12: a "
    "shift. The timer days did best; the cut days were the lowest.",
    "act_next": "Keep the think time and add sentence stems on the table cards.",
}
SECOND_CYCLE = {
    "change_idea": "Think time plus 'I think ... because ...' stems on every table card.",
    "predictions": "The stems will help the students who write an answer with no reason.",
    "do_notes": "Stems were on the tables all week; a few students copied them word for word.",
    "study_results": "The count stayed high (17 to 19): the stems help, the shift holds.",
    "act_next": "Adopt both; next, ask students to judge a partner's reason.",
}
NOTE = "Half day: tickets done in a hurry"

# The Maple colleague who reads the leader's shared cycle and asks about it (a peer of the
# leader's school in backend/demo.py, not the leader).
COLLEAGUE_EMAIL = "peer01@demo.school"
LIBRARY_QUESTION = (
    "On the days the lesson ran long and think time was cut, did you skip it entirely or "
    "shorten it? I want to try this with my fourth graders."
)
LIBRARY_ANSWER = (
    "Shortened it to about thirty seconds. Those were the two lowest tickets after the change, "
    "so I now protect the full ninety seconds and cut the warm-up instead."
)


def load(context) -> None:
    """The demo loader's hook (backend/demo.py APP_DEMOS)."""
    load_improvement_demo()


def point_day(today: date, index: int) -> date:
    """The day of the demo measure's point `index` (from 0): the last point is today."""
    last = len(BASELINE) + len(AFTER_CHANGE) - 1
    return today - timedelta(days=DAYS_APART * (last - index))


def load_improvement_demo() -> bool:
    """Create the leader's question, cycles, measure and points unless they exist; returns
    whether it did. Needs the demo people; without the leader it does nothing."""
    leader = User.objects.filter(email=LEADER_EMAIL).first()
    if leader is None or Pdsa.objects.filter(owner=leader).exists():
        return False
    today = school_today(leader)
    slq = slq_create(actor=leader, area_of_focus=QUESTION[0], question=QUESTION[1])
    measure = measure_create(owner=leader, **MEASURE)
    values = BASELINE + AFTER_CHANGE
    data_points_record(
        owner=leader,
        measure=measure,
        points=[
            {
                "client_id": uuid.uuid5(POINT_IDS, str(index)),
                "on": point_day(today, index),
                "value": value,
            }
            for index, value in enumerate(values)
        ],
    )
    first = _complete_cycle(
        leader,
        slq,
        measure,
        FIRST_CYCLE,
        started=point_day(today, FIRST_DO_POINT),
        ended=point_day(today, FIRST_DO_LAST_POINT),
        decision=ActDecision.ADAPT,
    )
    _complete_cycle(
        leader,
        slq,
        measure,
        SECOND_CYCLE,
        started=point_day(today, SECOND_DO_POINT),
        ended=point_day(today, SECOND_DO_LAST_POINT),
        decision=ActDecision.ADOPT,
        follows=first,
    )
    annotation_add(owner=leader, measure=measure, on=point_day(today, NOTE_POINT), text=NOTE)
    _publish_demo_entry(leader, first)
    return True


def _publish_demo_entry(leader, first: Pdsa) -> LibraryEntry | None:
    """Share the first cycle with the leader's school; a Maple colleague asks about it and the
    leader answers. The first cycle, not the second: its chart shows the shift the change
    made (the baseline before, every point after above the median), its decision to ADAPT
    shows a test of change that taught something and is worth asking about, and the second
    cycle stays unshared so the phone can publish it itself. The question and the answer each
    schedule a push through the outbox (delivered by the worker, to demo devices: harmless).
    Without the colleague the entry is still shared, with no question."""
    entry = pdsa_publish(actor=leader, pdsa=first, scope=LibraryScope.SCHOOL, commit_to_answer=True)
    colleague = User.objects.filter(email=COLLEAGUE_EMAIL, school_id=leader.school_id).first()
    if colleague is None:
        return entry
    question = library_question_ask(actor=colleague, entry=entry, text=LIBRARY_QUESTION)
    library_question_answer(actor=leader, question=question, text=LIBRARY_ANSWER)
    return entry


def _complete_cycle(
    leader,
    slq,
    measure: Measure,
    texts: dict,
    *,
    started: date,
    ended: date,
    decision: str,
    follows: Pdsa | None = None,
) -> Pdsa:
    """Plan, do, study, act and finish one cycle, each stage written as the phone would."""
    pdsa = pdsa_create(
        owner=leader,
        slq=slq,
        change_idea=texts["change_idea"],
        predictions=texts["predictions"],
        follows=follows,
    )
    pdsa_measure_link(owner=leader, pdsa=pdsa, measure=measure)
    pdsa = pdsa_advance(owner=leader, pdsa=pdsa, to=Stage.DO)
    pdsa = pdsa_update(
        owner=leader,
        pdsa=pdsa,
        do_started_on=started,
        do_ended_on=ended,
        do_notes=texts["do_notes"],
    )
    pdsa = pdsa_advance(owner=leader, pdsa=pdsa, to=Stage.STUDY)
    pdsa = pdsa_update(owner=leader, pdsa=pdsa, study_results=texts["study_results"])
    pdsa = pdsa_advance(owner=leader, pdsa=pdsa, to=Stage.ACT)
    pdsa = pdsa_update(owner=leader, pdsa=pdsa, act_decision=decision, act_next=texts["act_next"])
    return pdsa_advance(owner=leader, pdsa=pdsa, to=Stage.DONE)
