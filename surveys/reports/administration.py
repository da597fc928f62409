"""The report of one administration: what may be shown of its answers (`publish`, the rule that
keeps answers anonymous) and the report built from it.

Everything is computed in Python from a fixed number of queries (the instrument's items and
scale points, the counts, and one `values()` query of all answers), however many responses.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cohorts.models import Membership, Role

from .. import statistics
from ..models import (
    AccessCode,
    Administration,
    Answer,
    AudienceKind,
    Construct,
    Invitee,
    Item,
    ItemFormat,
    ScalePoint,
)
from ..services.responses import responses_open
from ..settings import report_minimums
from .results import (
    CommentSet,
    ConstructFigures,
    Figures,
    ItemFigures,
    PointCount,
    Report,
    ReportStatus,
)

# --- loading --------------------------------------------------------------------------------------


@dataclass
class _Instrument:
    """The instrument's structure, from two queries."""

    constructs: list[Construct]
    items_by_construct: dict[int, list[Item]]
    open_items: list[Item]
    points: dict[int, list[ScalePoint]]

    @classmethod
    def load(cls, instrument_id: int) -> _Instrument:
        items = list(
            Item.objects.filter(instrument_id=instrument_id)
            .select_related("construct", "scale")
            .order_by("position")
        )
        scale_ids = {item.scale_id for item in items if item.scale_id}
        points: dict[int, list[ScalePoint]] = defaultdict(list)
        for point in ScalePoint.objects.filter(scale_id__in=scale_ids).order_by("value"):
            points[point.scale_id].append(point)
        constructs: dict[int, Construct] = {}
        by_construct: dict[int, list[Item]] = defaultdict(list)
        open_items = []
        for item in items:
            if item.format == ItemFormat.OPEN_TEXT:
                open_items.append(item)
            else:
                constructs.setdefault(item.construct_id, item.construct)
                by_construct[item.construct_id].append(item)
        ordered = sorted(constructs.values(), key=lambda construct: construct.position)
        return cls(ordered, by_construct, open_items, points)


@dataclass
class _Answers:
    """All answers of one administration, by respondent, from one query."""

    respondents: list[dict[int, int]]  # item id -> value, one dict per response
    texts: dict[int, list[str]]  # item id -> comments

    @classmethod
    def load(cls, administration: Administration) -> _Answers:
        by_response: dict = defaultdict(dict)
        texts: dict[int, list[str]] = defaultdict(list)
        rows = Answer.objects.filter(response__administration=administration).values_list(
            "response_id", "item_id", "value", "text"
        )
        for response_id, item_id, value, text in rows:
            if value is not None:
                by_response[response_id][item_id] = value
            elif text:
                texts[item_id].append(text)
        return cls(list(by_response.values()), texts)


def _status(
    administration: Administration, response_count: int, now: datetime, minimum: int
) -> str:
    if administration.cancelled_at is not None:
        return ReportStatus.CANCELLED
    if now < administration.closes_at:
        return ReportStatus.NOT_CLOSED
    if response_count < minimum:
        return ReportStatus.TOO_FEW_RESPONSES
    return ReportStatus.AVAILABLE


def _counts(administration: Administration) -> tuple[int, int, int, int]:
    """(invited, responded, responses, insiders): `insiders` counts the people who run the
    survey (its launcher, its cohort's current leader) and answered it.

    Since #18 the launcher is never invited, but a survey launched before then may list them,
    and a peer who answered may since have become the cohort's leader (a cohort's leader also
    runs a peer-feedback survey a member of the cohort sent with it). Each knows their own
    answers, so every figure they read must stand on the minimum (`report_minimums`) of answers
    *besides theirs*: the minimum is raised by `insiders`."""
    if administration.audience == AudienceKind.CLASS_CODES:
        # A class's students: the class's size and the codes spent; nobody runs it but its
        # teacher, who holds no answer of their own (a spare code they spend is a student's
        # to the report, which is why the counts show codes spent against the class's size).
        spent = AccessCode.objects.filter(administration=administration, used=True).count()
        return administration.class_size or 0, spent, administration.responses.count(), 0
    leads = Membership.objects.filter(
        cohort_id=administration.cohort_id,
        person_id=OuterRef("person_id"),
        role=Role.LEADER,
        ended_at__isnull=True,
    )
    participation = Invitee.objects.filter(administration=administration).aggregate(
        invited=Count("id"),
        responded=Count("id", filter=Q(has_responded=True)),
        insiders=Count(
            "id",
            filter=Q(has_responded=True)
            & (Q(person_id=administration.created_by_id) | Q(Exists(leads))),
        ),
    )
    response_count = administration.responses.count()
    return (
        participation["invited"],
        participation["responded"],
        response_count,
        participation["insiders"],
    )


# --- one administration ---------------------------------------------------------------------------


def _figures(values: list[float], points: list[ScalePoint] | None, minimum: int) -> Figures:
    if len(values) < minimum:
        return Figures(suppressed=True)
    summary = statistics.summarise(values, [p.value for p in points] if points else None)
    labels = {p.value: p.label for p in points or ()}
    return Figures(
        suppressed=False,
        n=summary.n,
        mean=summary.mean,
        sd=summary.sd,
        distribution=tuple(
            PointCount(value=value, label=labels[value], count=count)
            for value, count in summary.distribution
        ),
    )


def _construct_scores(
    items: list[Item], points: dict[int, list[ScalePoint]], respondents: list[dict[int, int]]
) -> list[float]:
    scale_points = points[items[0].scale_id]
    return statistics.construct_scores(
        respondents,
        item_keys=[item.pk for item in items],
        reverse_item_keys=[item.pk for item in items if item.reverse_scored],
        low=scale_points[0].value,
        high=scale_points[-1].value,
    )


def _item_values(item: Item, respondents: list[dict[int, int]]) -> list[float]:
    return [answers[item.pk] for answers in respondents if item.pk in answers]


def _comment_set(item: Item, texts: list[str], respondents: int, minimum: int, rng) -> CommentSet:
    if respondents < minimum:
        return CommentSet(item=item, suppressed=True, comments=[])
    return CommentSet(
        item=item, suppressed=False, comments=statistics.shuffled_comments(texts, rng=rng)
    )


def publish(
    structure: _Instrument, respondents: list[dict[int, int]], minimum: int
) -> list[ConstructFigures]:
    """The figures of every construct and item that may be shown; the rest withheld.

    The rule (complementary withholding), per construct, with C the respondents who answered
    *every* item of it:

    A. if C holds at least `minimum` people, the construct and each of its items are shown,
       all computed over C and nothing else: the answers of people who answered only some of
       its items are left out of every figure of that construct;
    B. otherwise the construct is withheld, and each item is shown over the people who
       answered it when there are at least `minimum` of them, else withheld.

    Why this is enough, for any report, comparison or CSV built from it:

    - A figure is computed from the answers to the items it covers, of the people it covers:
      there is no figure across constructs, per subgroup or over the whole instrument (the
      survey-level counts say who responded, not what anyone answered).
    - Under A every figure of the construct (its n, mean, SD; each item's n, mean, SD and
      distribution) is about exactly the same set C of at least `minimum` people. No two of
      them can be differenced into a figure about fewer people, and the left-out partial
      answers enter no figure at all. (Mixing people would let them be differenced: a
      construct over 7 people with items X over 7 and Y over 6 gives the seventh person's X
      as sum(X) + sum(Y) - 2 sum(construct).)
    - Under B nothing combines the construct's items, and each shown item stands on at least
      `minimum` people. The answers to a withheld item X enter only X's figure (withheld) and
      the construct's (withheld): no shown figure depends on them. Two answer sets that differ
      only in X's answers (their values, or who gave them, no more of them) publish exactly
      the same output, so nothing shown can be combined to compute X. (The attack of issue
      #18: Y shown over six people, X over one, the construct over the six; Y's distribution
      and the construct's n, mean and SD gave X. Here C holds one person: B, construct
      withheld.)
    - Which of A or B applies depends on how many people answered every item, not on what
      they answered. Item n's may differ from the number of respondents: that shows some
      people skipped a question, never what anyone answered.
    - A comparison (`administrations_comparison`) is computed from the two published reports'
      figures only (n, mean, SD), so it shows nothing the two reports do not.
    - The CSV writes the published figures and nothing else.

    What no rule here withstands: several respondents pooling their own answers against one
    other person (README, threat model).
    """
    published = []
    for construct in structure.constructs:
        items = structure.items_by_construct[construct.pk]
        keys = [item.pk for item in items]
        complete = [answers for answers in respondents if all(key in answers for key in keys)]
        if len(complete) >= minimum:
            people, figures = (
                complete,
                _figures(_construct_scores(items, structure.points, complete), None, minimum),
            )
        else:
            people, figures = respondents, Figures(suppressed=True)
        item_figures = [
            ItemFigures(
                item=item,
                figures=_figures(
                    _item_values(item, people), structure.points[item.scale_id], minimum
                ),
            )
            for item in items
        ]
        published.append(ConstructFigures(construct=construct, figures=figures, items=item_figures))
    return published


def administration_report(
    administration: Administration,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Report:
    """The aggregated report of one administration (see the module's rules and `publish`)."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    # Responses stay sealed until the close: open them first (once) so none is missing.
    responses_open(administration=administration, now=now)
    invited, responded, response_count, insiders = _counts(administration)
    # Peer feedback to visited peers has its own minimum, for figures and comments alike
    # (`report_minimums`); every minimum counts people *besides* the insiders.
    figures_minimum, comments_minimum = report_minimums(
        administration.kind, administration.audience
    )
    minimum = figures_minimum + insiders
    comment_minimum = comments_minimum + insiders
    report = Report(
        administration=administration,
        status=_status(administration, response_count, now, minimum),
        invited_count=invited,
        responded_count=responded,
        response_count=response_count,
        minimum_group_size=minimum,
        minimum_comment_group_size=comment_minimum,
    )
    if report.status != ReportStatus.AVAILABLE:
        return report
    structure = _Instrument.load(administration.instrument_id)
    answers = _Answers.load(administration)
    report.constructs = publish(structure, answers.respondents, minimum)
    report.comments = [
        _comment_set(item, answers.texts.get(item.pk, []), response_count, comment_minimum, rng)
        for item in structure.open_items
    ]
    return report
