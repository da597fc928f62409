import uuid
from datetime import UTC, datetime, timedelta

import pytest

from observations.models import ObservationEntry, VisitStatus
from observations.services.data import (
    MAX_ENTRIES_PER_REQUEST,
    EntryInput,
    observation_data_submit,
    visit_data_summary,
)
from observations.services.reflections import reflection_sheet_write
from observations.services.visits import visit_accept, visit_cancel, visit_propose
from tests.observations.conftest import at, refused

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def visit(host, visitor, slq, tool, frozen_time):
    visit = visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1, slq=slq, tool=tool)
    visit = visit_accept(actor=host, visit=visit)
    frozen_time.move_to(START + timedelta(minutes=10))
    return visit


def entry(category="asks-peer", group="g1", *, seconds=60, client_id=None, **extra):
    payload = {"at": seconds, "category": category, "group": group, **extra}
    return EntryInput(client_id or uuid.uuid4(), START + timedelta(seconds=seconds), payload)


def submit(visitor, visit, *entries):
    return observation_data_submit(actor=visitor, visit=visit, entries=list(entries))


def test_valid_entries_are_stored_normalised_and_the_visit_is_completed(visit, visitor):
    stamped = EntryInput(
        uuid.uuid4(),
        START,
        {"at": "2026-03-03T09:05:00-06:00", "category": "asks-teacher", "group": "g2"},
    )

    result = submit(visitor, visit, entry(), stamped)

    assert result.created_count == 2
    assert [e.payload for e in result.entries] == [
        {"at": 60, "category": "asks-peer", "group": "g1", "count": 1},
        {"at": "2026-03-03T15:05:00+00:00", "category": "asks-teacher", "group": "g2", "count": 1},
    ]
    visit.refresh_from_db()
    assert (visit.status, visit.revision) == (VisitStatus.COMPLETED, 3)


def test_resending_an_entry_returns_it_and_stores_nothing_new(visit, visitor):
    first = entry()
    stored = submit(visitor, visit, first).entries[0]

    again = submit(visitor, visit, first, entry("asks-teacher"))

    assert again.created_count == 1
    assert again.entries[0].pk == stored.pk
    assert ObservationEntry.objects.count() == 2


def test_a_different_entry_under_a_used_client_id_is_refused_and_nothing_is_written(visit, visitor):
    first = entry()
    submit(visitor, visit, first)
    clash = entry("asks-teacher", client_id=first.client_id)

    assert refused(
        observation_data_submit, actor=visitor, visit=visit, entries=[entry(), clash]
    ) == [("entries.1.clientId", "CLIENT_ID_CONFLICT")]
    assert ObservationEntry.objects.count() == 1
    assert ObservationEntry.objects.get().payload["category"] == "asks-peer"


def test_the_same_client_id_twice_in_one_batch(visit, visitor):
    one = entry()

    assert submit(visitor, visit, one, one).created_count == 1
    assert refused(
        observation_data_submit,
        actor=visitor,
        visit=visit,
        entries=[entry(client_id=one.client_id, seconds=61)],
    ) == [("entries.0.clientId", "CLIENT_ID_CONFLICT")]


def test_a_batch_is_all_or_nothing_with_an_error_per_entry_and_field(visit, visitor):
    bad_category = entry("shouts")
    bad_fields = EntryInput(uuid.uuid4(), START, {"at": -5, "group": "g9", "colour": "red"})

    errors = refused(
        observation_data_submit,
        actor=visitor,
        visit=visit,
        entries=[entry(), bad_category, bad_fields],
    )

    assert sorted(errors) == sorted(
        [
            ("entries.1.payload.category", "INVALID_TOOL_DATA"),
            ("entries.2.payload.colour", "INVALID_TOOL_DATA"),
            ("entries.2.payload.category", "INVALID_TOOL_DATA"),
            ("entries.2.payload.at", "INVALID_TOOL_DATA"),
            ("entries.2.payload.group", "INVALID_TOOL_DATA"),
        ]
    )
    assert not ObservationEntry.objects.exists()


def test_a_payload_that_is_not_an_object(visit, visitor):
    assert refused(
        observation_data_submit,
        actor=visitor,
        visit=visit,
        entries=[EntryInput(uuid.uuid4(), START, ["asks-peer"])],
    ) == [("entries.0.payload", "INVALID_TOOL_DATA")]


def test_pieces_arriving_out_of_order_are_summarised_in_recorded_order(visit, visitor, tool):
    tool.kind = "CHECKLIST"
    tool.definition = {"items": [{"key": "a", "label": "A"}]}
    tool.save()
    later = EntryInput(uuid.uuid4(), START + timedelta(minutes=20), {"item": "a", "checked": False})
    earlier = EntryInput(uuid.uuid4(), START + timedelta(minutes=5), {"item": "a", "checked": True})

    submit(visitor, visit, later)
    submit(visitor, visit, earlier)

    # The later recording wins, whatever the order of arrival.
    assert visit_data_summary(visit)["checked_count"] == 0


def test_a_naive_recorded_at_is_refused(visit, visitor):
    naive = EntryInput(
        uuid.uuid4(), datetime(2026, 3, 3, 9, 5), {"at": 1, "category": "asks-peer", "group": "g1"}
    )

    assert refused(observation_data_submit, actor=visitor, visit=visit, entries=[naive]) == [
        ("entries.0.recordedAt", "INVALID")
    ]


def test_only_visitors_submit(visit, host, outsider):
    assert refused(observation_data_submit, actor=host, visit=visit, entries=[entry()]) == [
        ("visitId", "NOT_VISIT_VISITOR")
    ]
    assert refused(observation_data_submit, actor=outsider, visit=visit, entries=[entry()]) == [
        ("visitId", "NOT_VISIT_PARTICIPANT")
    ]


def test_data_needs_an_accepted_visit_that_is_starting(host, visitor, tool, frozen_time):
    visit = visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1, tool=tool)

    assert refused(observation_data_submit, actor=visitor, visit=visit, entries=[entry()]) == [
        (None, "VISIT_NOT_ACCEPTED")
    ]
    visit_accept(actor=host, visit=visit)
    frozen_time.move_to(START - timedelta(minutes=31))
    assert refused(observation_data_submit, actor=visitor, visit=visit, entries=[entry()]) == [
        (None, "VISIT_NOT_STARTED")
    ]
    frozen_time.move_to(START - timedelta(minutes=29))
    assert submit(visitor, visit, entry()).created_count == 1
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ACCEPTED  # early data does not complete it


def test_no_data_for_a_cancelled_visit(visit, visitor):
    visit_cancel(actor=visitor, visit=visit, reason="Snow day")

    assert refused(observation_data_submit, actor=visitor, visit=visit, entries=[entry()]) == [
        (None, "VISIT_CLOSED")
    ]


def test_data_needs_a_tool_and_a_sensible_batch(host, visitor, frozen_time):
    visit = visit_accept(
        actor=host, visit=visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1)
    )
    frozen_time.move_to(START)

    assert refused(observation_data_submit, actor=visitor, visit=visit, entries=[entry()]) == [
        ("visitId", "NO_TOOL")
    ]


def test_batch_size_limits(visit, visitor):
    assert refused(observation_data_submit, actor=visitor, visit=visit, entries=[]) == [
        ("entries", "REQUIRED")
    ]
    many = [entry() for _ in range(MAX_ENTRIES_PER_REQUEST + 1)]
    assert refused(observation_data_submit, actor=visitor, visit=visit, entries=many) == [
        ("entries", "TOO_MANY_ENTRIES")
    ]


def test_late_data_updates_the_reflection_sheet(visit, visitor):
    submit(visitor, visit, entry())
    sheet = reflection_sheet_write(
        actor=visitor, visit=visit, considerations="c", next_steps="n", keeps_slq=True
    )
    assert sheet.data_summary["total"] == 1

    submit(visitor, visit, entry("asks-teacher"))

    sheet.refresh_from_db()
    assert sheet.data_summary["total"] == 2
