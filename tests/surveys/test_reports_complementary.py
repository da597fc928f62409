"""Issue #18, item 2: withholding is complementary. No figure a report, a comparison or a CSV
shows lets anyone compute one it withholds.

First the attack as it was run (a construct of two items: six teachers answered Y, one of them
also X; X withheld, but Y's distribution and the construct's n, mean and SD gave X and that
person's Y), through the API; then a property: for random small answer sets, changing only the
answers behind withheld figures changes nothing that is published.
"""

import itertools
import math
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.models import AdministrationKind, Invitee
from surveys.reports import ConstructFigures, publish
from surveys.reports.administration import _Instrument
from tests.factories import TeacherFactory
from tests.surveys.factories import administration, answer, small_instrument
from tests.surveys.graphql import administration_id

REPORT = """
query($id: ID!) {
  surveyReport(administrationId: $id) {
    status responseCount: respondedCount
    constructs {
      figures { isSuppressed n mean standardDeviation }
      items { item { key reverseScored }
              figures { isSuppressed n mean standardDeviation distribution { value count } } }
    }
    csv
  }
}
"""


def _candidates(report) -> set[tuple[int, int]]:
    """(X, Y) of the one person who answered both that agree with every published figure.

    The attacker's arithmetic: the construct's scores are the five others' Y and that person's
    (Y + reversed X) / 2; Y's distribution gives every Y; the construct's n, mean and SD pin
    down the rest."""
    [construct] = report["constructs"]
    y_entry = next(e for e in construct["items"] if e["item"]["key"] == "q1")
    ys = [p["value"] for p in y_entry["figures"]["distribution"] for _ in range(p["count"])]
    figures = construct["figures"]
    found = set()
    for x, y_p in itertools.product(range(1, 6), repeat=2):
        if y_p not in ys:
            continue
        scores = list(ys)
        scores.remove(y_p)
        scores.append((y_p + (6 - x)) / 2)
        if figures["isSuppressed"]:
            found.add((x, y_p))  # nothing published about the construct: anything fits
            continue
        n = len(scores)
        mean = sum(scores) / n
        sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
        if (
            n == figures["n"]
            and math.isclose(mean, figures["mean"], abs_tol=1e-9)
            and math.isclose(sd, figures["standardDeviation"], abs_tol=1e-9)
        ):
            found.add((x, y_p))
    return found


@pytest.mark.django_db
def test_the_issues_construct_of_two_items_gives_nothing_away(api_for, leader):
    instrument = small_instrument(school=leader.school)  # q1 (Y), q2 (X, reverse-scored)
    teachers = TeacherFactory.create_batch(6, school=leader.school)
    now = timezone.now()
    survey = administration(
        instrument=instrument,
        people=teachers,
        created_by=leader,
        kind=AdministrationKind.OTHER,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=1),
    )
    target = teachers[5]
    for teacher, y in zip(teachers[:5], (4, 5, 3, 4, 5), strict=True):
        answer(survey, teacher, {"q1": y}, now=now - timedelta(days=2))
    answer(survey, target, {"q1": 2, "q2": 1}, now=now - timedelta(days=2))
    survey.closes_at = now - timedelta(minutes=1)
    survey.save(update_fields=["closes_at"])

    report = api_for(leader).data(REPORT, {"id": administration_id(survey)})["surveyReport"]

    assert report["status"] == "AVAILABLE"
    [construct] = report["constructs"]
    x_entry = next(e for e in construct["items"] if e["item"]["key"] == "q2")
    assert x_entry["figures"]["isSuppressed"] is True
    # Before #18 the construct was shown (n 6) and narrowed this set to the target's answers.
    assert construct["figures"]["isSuppressed"] is True
    assert _candidates(report) == set(itertools.product(range(1, 6), (4, 5, 3, 2)))
    construct_row = next(
        line for line in report["csv"].splitlines() if line.startswith("construct")
    )
    assert construct_row.split(",")[5:8] == ["", "", ""]
    assert Invitee.objects.filter(administration=survey, has_responded=True).count() == 6


# --- the property -------------------------------------------------------------------------------

MINIMUM = 5
POINTS = [SimpleNamespace(value=v, label=f"p{v}") for v in range(1, 6)]


def _structure(sizes: list[int], reverse: list[bool]) -> _Instrument:
    """Constructs of `sizes` items on one 1..5 scale, built without a database."""
    constructs, by_construct, pk = [], {}, 0
    for c, size in enumerate(sizes, start=1):
        construct = SimpleNamespace(pk=c, position=c)
        constructs.append(construct)
        by_construct[c] = []
        for _ in range(size):
            pk += 1
            by_construct[c].append(
                SimpleNamespace(pk=pk, scale_id=1, reverse_scored=reverse[pk % len(reverse)])
            )
    return _Instrument(constructs, by_construct, [], {1: POINTS})


def _published(structure, respondents) -> list:
    def figures(f):
        return (f.suppressed, f.n, f.mean, f.sd, tuple((p.value, p.count) for p in f.distribution))

    result: list[ConstructFigures] = publish(structure, respondents, MINIMUM)
    return [
        (
            entry.construct.pk,
            figures(entry.figures),
            [(i.item.pk, figures(i.figures)) for i in entry.items],
        )
        for entry in result
    ]


@st.composite
def answer_sets(draw):
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    reverse = draw(st.lists(st.booleans(), min_size=1, max_size=3))
    structure = _structure(sizes, reverse)
    item_ids = [i.pk for items in structure.items_by_construct.values() for i in items]
    people = draw(st.integers(MINIMUM, 9))
    # Each item is answered by everyone, by nearly everyone, or by a few: the cases that matter.
    respondents = [{} for _ in range(people)]
    for item in item_ids:
        skip = draw(st.sampled_from(["none", "some", "most"]))
        for answers in respondents:
            answered = {
                "none": True,
                "some": draw(st.integers(0, 4)) > 0,
                "most": draw(st.integers(0, 3)) == 0,
            }[skip]
            if answered:
                answers[item] = draw(st.integers(1, 5))
    return structure, respondents


@settings(max_examples=300, deadline=None)
@given(data=st.data(), case=answer_sets())
def test_answers_behind_withheld_figures_never_change_what_is_published(data, case):
    structure, respondents = case
    before = _published(structure, respondents)
    changed = [dict(answers) for answers in respondents]
    for construct_pk, construct, items in before:
        keys = [item.pk for item in structure.items_by_construct[construct_pk]]
        if not construct[0]:
            # Shown: what the people who skipped part of it gave is withheld. Other values.
            for answers in changed:
                if not all(key in answers for key in keys):
                    for key in keys:
                        if key in answers:
                            answers[key] = data.draw(st.integers(1, 5))
            continue
        # Withheld construct: each withheld item's answers may be anything, given by other
        # people, as many or fewer (still too few to show).
        for item_pk, figures in items:
            if not figures[0]:
                continue
            count = sum(item_pk in answers for answers in changed)
            for answers in changed:
                answers.pop(item_pk, None)
            who = data.draw(st.permutations(range(len(changed))))
            for index in who[: data.draw(st.integers(0, count))]:
                changed[index][item_pk] = data.draw(st.integers(1, 5))

    assert _published(structure, changed) == before


@settings(max_examples=300, deadline=None)
@given(case=answer_sets())
def test_every_shown_figure_stands_on_the_same_people_as_its_construct(case):
    structure, respondents = case
    for _construct_pk, construct, items in _published(structure, respondents):
        for _item, figures in items:
            assert figures[0] or figures[1] >= MINIMUM
        if not construct[0]:
            # A shown construct: every item shown, each about exactly the construct's people.
            assert construct[1] >= MINIMUM
            assert all(not figures[0] and figures[1] == construct[1] for _i, figures in items)


def test_the_rule_is_not_vacuous():
    structure = _structure([2], [False])
    complete = [{1: v, 2: 6 - v} for v in (1, 2, 3, 4, 5)]
    # A sixth person answering only item 1 is left out of every figure of the construct.
    partial = [*complete, {1: 5}]

    for answers in (complete, partial):
        [(_pk, construct, items)] = _published(structure, answers)
        assert not construct[0] and construct[1] == 5
        assert [figures[1] for _i, figures in items] == [5, 5]
