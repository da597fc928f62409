"""Migration surveys.0004: receipts move to their own set, closed surveys count as opened."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from surveys.models import Administration, Receipt, Response
from tests.surveys.factories import administration, small_instrument

BEFORE = [("surveys", "0003_administration_audience")]
AFTER = [("surveys", "0004_sealed_responses_and_receipts")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_receipts_move_to_their_own_set_and_closed_surveys_count_as_opened(leader, peers):
    now = timezone.now()
    instrument = small_instrument(school=leader.school)
    closed = administration(
        instrument=instrument,
        people=peers[:5],
        created_by=leader,
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=2),
    )
    running = administration(instrument=instrument, people=peers[:5], created_by=leader)
    try:
        old = _migrate(BEFORE)
        old_response = old.get_model("surveys", "Response")
        old_response.objects.create(administration_id=closed.pk, receipt_hash="a" * 64)
        old_response.objects.create(administration_id=running.pk, receipt_hash="b" * 64)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert sorted(Receipt.objects.values_list("digest", "administration")) == [
        ("a" * 64, closed.pk),
        ("b" * 64, running.pk),
    ]
    assert Response.objects.count() == 2
    assert Administration.objects.get(pk=closed.pk).responses_opened_at == closed.closes_at
    assert Administration.objects.get(pk=running.pk).responses_opened_at is None
    assert AFTER[0] in MigrationExecutor(connection).loader.applied_migrations
