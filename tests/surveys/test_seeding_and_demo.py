import pytest

from backend.demo import _load_people
from cohorts import demo as cohorts_demo
from surveys import demo, instrument_library
from surveys.models import AdministrationKind, Construct, Instrument, Item, Response, ScalePoint
from surveys.reports import ReportStatus, administration_report, administrations_comparison
from surveys.seeding import instruments_seed

pytestmark = pytest.mark.django_db


def test_the_data_migration_ships_the_four_instruments():
    # No seeding call here: the rows come from migration 0002.
    shipped = Instrument.objects.filter(school__isnull=True)

    assert sorted(shipped.values_list("key", flat=True)) == sorted(
        instrument.key for instrument in instrument_library.INSTRUMENTS
    )
    trust = shipped.get(key="trust_and_learning_culture")
    assert trust.constructs.count() == 6
    assert Item.objects.filter(instrument=trust, reverse_scored=True).count() == 6
    assert ScalePoint.objects.filter(scale__key="confidence_4").count() == 4
    session = shipped.get(key="session_feedback")
    assert 3 <= session.items.count() <= 5


def test_seeding_again_changes_nothing_and_a_new_version_rewords(monkeypatch):
    instruments_seed()
    counts = (Instrument.objects.count(), Construct.objects.count(), Item.objects.count())
    instruments_seed()
    assert (Instrument.objects.count(), Construct.objects.count(), Item.objects.count()) == counts

    session = instrument_library.SESSION_FEEDBACK
    reworded = instrument_library.OpenTextItem(
        key="session_success", prompt="What worked best in today's session?"
    )
    newer = instrument_library.Instrument(
        key=session.key, title=session.title, description=session.description, kind=session.kind,
        constructs=session.constructs,
        open_text_items=(reworded, *session.open_text_items[1:]),
        version=2,
    )  # fmt: skip
    monkeypatch.setattr(
        instrument_library, "INSTRUMENTS", (*instrument_library.INSTRUMENTS[:3], newer)
    )
    instruments_seed()

    item = Item.objects.get(instrument__key="session_feedback", key="session_success")
    assert item.prompt == "What worked best in today's session?"
    assert Instrument.objects.get(key="session_feedback").version == 2
    assert Item.objects.count() == counts[2]


def test_the_demo_has_a_baseline_six_months_and_a_confidence_survey():
    context = _load_people()
    # Surveys go to a whole group the leader leads (#18): the cohorts demo builds it first.
    cohorts_demo.load(context)

    demo.load(context)

    surveys = context.extra["surveys"]
    baseline, follow_up = surveys["trust_baseline"], surveys["trust_six_month"]
    assert (baseline.kind, follow_up.kind) == (
        AdministrationKind.BASELINE,
        AdministrationKind.SIX_MONTH,
    )
    assert follow_up.follows == baseline
    assert Response.objects.filter(administration=baseline).count() == 12
    assert Response.objects.filter(administration=follow_up).count() == 12
    comparison = administrations_comparison(baseline, follow_up)
    assert comparison.status == ReportStatus.AVAILABLE
    changes = {
        entry.construct.key: entry.change.comparison.mean_difference
        for entry in comparison.constructs
    }
    assert changes["deprivatised_practice"] > 0.5  # rises...
    assert changes["collective_efficacy"] < 0  # ...and a fall
    assert comparison.constructs[0].construct.key == "deprivatised_practice"
    assert all(not pair.follow_up.suppressed for pair in comparison.comments)
    assert follow_up.report_notes.count() == 1
    confidence = administration_report(surveys["confidence"])
    assert (confidence.status, confidence.invited_count, confidence.responded_count) == (
        ReportStatus.NOT_CLOSED, 12, 8
    )  # fmt: skip
