import uuid
from datetime import UTC, datetime, timedelta

import pytest

from observations.models import ObservationEntry
from tests.observations.conftest import gid
from tests.observations.factories import visit as make_visit
from tests.observations.operations import SUBMIT

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 3, 15, tzinfo=UTC)


@pytest.fixture
def visit(host, visitor, tool, frozen_time):
    visit = make_visit(host=host, visitor=visitor, tool=tool, starts_at=START)
    frozen_time.move_to(START + timedelta(minutes=15))
    return visit


def entry(category="asks-peer", *, client_id=None, seconds=30):
    return {
        "clientId": str(client_id or uuid.uuid4()),
        "recordedAt": (START + timedelta(seconds=seconds)).isoformat(),
        "tally": {"at": seconds, "category": category, "group": "g1"},
    }


def submit(api, visit, *entries):
    variables = {"input": {"visitId": gid("Visit", visit), "entries": list(entries)}}
    return api.data(SUBMIT, variables)["observationDataSubmit"]


def test_the_phone_sends_entries_and_gets_them_back_stored(api_for, visitor, visit):
    first = entry()

    payload = submit(api_for(visitor), visit, first, entry("asks-teacher", seconds=90))

    assert payload["errors"] == []
    assert payload["createdCount"] == 2
    stored = payload["entries"][0]
    assert stored.pop("payload") == {
        "__typename": "TallyEntry",
        "at": 30,
        "category": "asks-peer",
        "group": "g1",
        "count": 1,
    }
    assert stored == {
        "clientId": first["clientId"],
        "recordedAt": "2026-03-03T15:00:30+00:00",
        "receivedAt": "2026-03-03T15:15:00+00:00",
        "submittedBy": {"fullName": "Victor Visitor"},
    }
    assert payload["visit"]["status"] == "COMPLETED"
    assert payload["visit"]["entryCount"] == 2
    summary = payload["visit"]["dataSummary"]
    assert summary["__typename"] == "TallySummary"
    assert summary["perCategory"] == [
        {"key": "asks-peer", "count": 1},
        {"key": "asks-teacher", "count": 1},
    ]
    assert summary["perGroupAndCategory"][0] == {
        "group": "g1",
        "perCategory": [{"key": "asks-peer", "count": 1}, {"key": "asks-teacher", "count": 1}],
    }


def test_sending_again_after_a_lost_response_is_harmless(api_for, visitor, visit):
    batch = [entry(), entry(seconds=60)]
    submit(api_for(visitor), visit, *batch)

    again = submit(api_for(visitor), visit, *batch)

    assert (again["errors"], again["createdCount"]) == ([], 0)
    assert [e["clientId"] for e in again["entries"]] == [e["clientId"] for e in batch]
    assert ObservationEntry.objects.count() == 2


def test_each_problem_names_its_entry_and_field_and_nothing_is_stored(api_for, visitor, visit):
    used = entry()
    submit(api_for(visitor), visit, used)
    clash = {**entry("asks-teacher"), "clientId": used["clientId"]}

    payload = submit(api_for(visitor), visit, entry(), entry("shouts"), clash)

    assert payload["createdCount"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("entries.1.tally.category", "INVALID_TOOL_DATA"),
        ("entries.2.clientId", "CLIENT_ID_CONFLICT"),
    ]
    assert payload["errors"][0]["message"] == "No category with key 'shouts' in this tool."
    assert ObservationEntry.objects.count() == 1


def test_the_host_does_not_submit(api_for, host, visit):
    payload = submit(api_for(host), visit, entry())

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("visitId", "NOT_VISIT_VISITOR")
    ]


def test_a_malformed_client_id_is_that_entrys_error(api_for, visitor, visit):
    payload = submit(api_for(visitor), visit, entry(), {**entry(), "clientId": "x"})

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("entries.1.clientId", "INVALID")
    ]


def test_an_entry_of_another_kind_is_that_entrys_error(api_for, visitor, visit):
    # given a tally visit and an entry sent as a scripting note, next to a wrong category
    note = {**entry(), "tally": None, "scripting": {"at": 1, "text": "Asks why."}}

    payload = submit(api_for(visitor), visit, note, entry("nope"))

    # then both name their entry and the field the phone set
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("entries.0.scripting", "INVALID_TOOL_DATA"),
        ("entries.1.tally.category", "INVALID_TOOL_DATA"),
    ]
    assert payload["errors"][0]["message"] == (
        "This visit's tool is a Tally tool; send its kind of entry."
    )
    assert ObservationEntry.objects.count() == 0


@pytest.mark.parametrize(
    "kinds",
    [{}, {"scripting": {"at": 1, "text": "x"}}],
    ids=["none", "two"],
)
def test_an_entry_sets_exactly_one_kind(api_for, visitor, visit, kinds):
    # given an entry with no kind's field, or with two
    sent = {**entry(), **kinds} if kinds else {**entry(), "tally": None}

    payload = submit(api_for(visitor), visit, entry(), sent)

    # then that entry is refused by its index and nothing is stored
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("entries.1", "INVALID_TOOL_DATA")
    ]
    assert ObservationEntry.objects.count() == 0


def test_error_paths_inside_an_entry_are_camel_case(api_for, visitor, visit):
    payload = submit(
        api_for(visitor), visit, {**entry(), "tally": {"at": "yesterday", "category": "asks-peer"}}
    )

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("entries.0.tally.group", "INVALID_TOOL_DATA"),
        ("entries.0.tally.at", "INVALID_TOOL_DATA"),
    ]
