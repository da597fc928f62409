"""Demo surveys for Maple Elementary: the trust survey at baseline (about seven months ago) and
six months later, answered by all twelve peers, with rises in open practice and reflective
dialogue and a dip in collective efficacy; and a confidence survey open now that eight of the
twelve have answered. The leader has noted the trends she sees."""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from notifications.outbox import cancel

from .instrument_library import CONFIDENCE_SURVEY, TRUST_AND_LEARNING_CULTURE
from .models import AdministrationKind, Instrument, Item, ItemFormat
from .seeding import instruments_seed
from .services.administrations import administration_launch
from .services.notes import report_note_add
from .services.responses import AnswerDraft, response_submit, responses_open

# Where the group stands on each construct (1-5), and how that moved in six months.
TRUST_BASELINE = {
    "teacher_trust": 3.1,
    "collective_responsibility": 3.4,
    "reflective_dialogue": 2.7,
    "deprivatised_practice": 2.0,
    "focus_on_student_learning": 3.2,
    "collective_efficacy": 3.7,
}
TRUST_CHANGE = {
    "teacher_trust": 0.6,
    "collective_responsibility": 0.2,
    "reflective_dialogue": 0.9,
    "deprivatised_practice": 1.4,
    "focus_on_student_learning": 0.4,
    # Looking closely at student data first shows how much is left to do.
    "collective_efficacy": -0.4,
}
BASELINE_COMMENTS = {
    "tlc_open_text_helps": [
        "We share materials generously, especially across the grade level.",
        "People are friendly and will help if you ask.",
        "Our grade-level team plans units together.",
        "Honestly we mostly work alone; the friendliness is there but not the time.",
        "New teachers get a lot of informal support in the hallway.",
        "We celebrate student successes at staff meetings.",
        "Some of us swap ideas at lunch about students who are struggling.",
        "Shared planning time once a week.",
    ],
    "tlc_open_text_easier": [
        "Knowing the visit is not an evaluation and nothing goes to the principal.",
        "Coverage for my class so I can go see someone else's.",
        "Having a clear purpose for the visit so it doesn't feel like being judged.",
        "Starting with a colleague I already trust.",
        "Time. There is no time.",
        "A short, simple tool to use while I'm in the room.",
        "Seeing someone else go first.",
        "If the visitor focuses on students rather than on me.",
        "A protocol for talking about it afterwards.",
    ],
}
FOLLOW_UP_COMMENTS = {
    "tlc_open_text_helps": [
        "We talk about what students actually said and did, not just what we planned.",
        "The reflection protocol keeps us on student learning instead of advice.",
        "Blue dots visiting yellow dots spread the habit fast.",
        "I now know what my colleagues' classrooms look like, which changes our conversations.",
        "We bring data from visits to the group of 13 and look at it together.",
        "Asking questions instead of giving advice made it safe to try things.",
        "We plan next steps together after a visit.",
        "Student work is on the table at almost every meeting now.",
        "The SLQs give us a common language.",
    ],
    "tlc_open_text_easier": [
        "More coverage days: scheduling visits is still the hardest part.",
        "A shared calendar of visits.",
        "Shorter tools for quick visits.",
        "Honestly it is easy now; I'd like more of it.",
        "Visiting other grade levels, not just my own.",
        "Time to reflect right after the visit, not days later.",
        "Seeing how other schools do it.",
        "Knowing the data really stays with the host teacher.",
    ],
}
CONFIDENCE_LEVELS = {
    "observing_student_learning": 3.0,
    "crafting_questions_and_tools": 2.5,
    "facilitating_peer_reflection": 2.7,
}
CONFIDENCE_COMMENTS = [
    "Designing tools for quantitative data: tallies work but seating-chart maps are hard.",
    "Asking questions instead of jumping to advice during the reflection.",
    "Helping a colleague narrow an area of interest into a real question.",
    "Keeping to time in the protocol.",
    "Scripting fast enough to catch what students say.",
]
NOTE = (
    "Biggest rises: open classroom practice and reflective dialogue. Twelve of twelve answered "
    "both times. Collective efficacy dipped: in the group of 13 we read this as the data from "
    "visits showing us how much is left to do, not as lost confidence - worth asking about at "
    "the next meeting. Comments moved from 'we share materials' to talking about what students "
    "said and did. Next: protect coverage days so visits keep happening."
)


def _answer(rng: random.Random, level: float, *, low: int, high: int, reverse: bool) -> int:
    value = min(high, max(low, round(level + rng.gauss(0, 0.6))))
    return low + high - value if reverse else value


def _answers(rng, instrument, levels: dict, offset: float, comments: dict) -> list[AnswerDraft]:
    drafts = []
    items = Item.objects.filter(instrument=instrument).select_related("construct", "scale")
    for item in items.prefetch_related("scale__points"):
        if item.format == ItemFormat.OPEN_TEXT:
            pool = comments.get(item.key) or []
            if pool:
                drafts.append(AnswerDraft(item_id=item.pk, text=pool.pop()))
            continue
        values = [point.value for point in item.scale.points.all()]
        if rng.random() < 0.03:
            continue  # now and then someone skips a question
        drafts.append(
            AnswerDraft(
                item_id=item.pk,
                value=_answer(
                    rng,
                    levels[item.construct.key] + offset,
                    low=min(values),
                    high=max(values),
                    reverse=item.reverse_scored,
                ),
            )
        )
    return drafts


def load(context) -> None:
    instruments_seed()
    rng = random.Random(2026)
    leader = context.leader
    cohort = context.extra.get("maple_cohort")
    # Surveys go to a whole group the leader leads (#18): the cohorts demo's learning group.
    audience = {"cohort": cohort}
    respondents = None
    now = timezone.now()
    zone = leader.school.zone

    trust = Instrument.objects.get(key=TRUST_AND_LEARNING_CULTURE.key)
    baseline_opens = (now.astimezone(zone) - relativedelta(months=7)).replace(
        hour=7, minute=30, second=0, microsecond=0
    )
    baseline = administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.BASELINE,
        opens_at=baseline_opens,
        closes_at=baseline_opens + timedelta(days=14),
        now=baseline_opens,
        **audience,
    )
    follow_up = baseline.follow_ups.get()
    if respondents is None:
        respondents = [invitee.person for invitee in baseline.invitees.select_related("person")]

    offsets = {person.pk: rng.gauss(0, 0.4) for person in respondents}
    comments = {key: list(texts) for key, texts in BASELINE_COMMENTS.items()}
    for day, person in enumerate(respondents):
        response_submit(
            respondent=person,
            administration=baseline,
            answers=_answers(rng, trust, TRUST_BASELINE, offsets[person.pk], comments),
            now=baseline.opens_at + timedelta(days=day % 10, hours=3),
        )
    later = {key: TRUST_BASELINE[key] + TRUST_CHANGE[key] for key in TRUST_BASELINE}
    comments = {key: list(texts) for key, texts in FOLLOW_UP_COMMENTS.items()}
    for day, person in enumerate(reversed(respondents)):
        response_submit(
            respondent=person,
            administration=follow_up,
            answers=_answers(rng, trust, later, offsets[person.pk], comments),
            now=follow_up.opens_at + timedelta(days=day % 12, hours=5),
        )
    # Both have closed: their sealed responses become plain ones, as the worker would do.
    responses_open(administration=baseline)
    responses_open(administration=follow_up)
    report_note_add(actor=leader, administration=follow_up, text=NOTE)

    confidence = Instrument.objects.get(key=CONFIDENCE_SURVEY.key)
    confidence_opens = now - timedelta(days=3)
    end_of_year = administration_launch(
        actor=leader,
        instrument=confidence,
        kind=AdministrationKind.END_OF_YEAR,
        opens_at=confidence_opens,
        closes_at=now + timedelta(days=11),
        now=confidence_opens,
        **audience,
    )
    comments = {"conf_open_text_practice_next": list(CONFIDENCE_COMMENTS)}
    for index, person in enumerate(respondents[:8]):
        response_submit(
            respondent=person,
            administration=end_of_year,
            answers=_answers(rng, confidence, CONFIDENCE_LEVELS, offsets[person.pk], comments),
            now=confidence_opens + timedelta(hours=4 + 5 * index),
        )

    # The reminders of surveys that ran in the past would otherwise all be pushed at start-up.
    cancel(key_prefix=f"survey:{baseline.pk}:")
    cancel(key_prefix=f"survey:{follow_up.pk}:")
    for invitee in end_of_year.invitees.all():
        cancel(key_prefix=f"survey:{end_of_year.pk}:person:{invitee.person_id}:opened")
    context.extra["surveys"] = {
        "trust_baseline": baseline,
        "trust_six_month": follow_up,
        "confidence": end_of_year,
    }
