"""Anonymity against someone who can read the database (issue 18, item 3).

The attacker of the issue had a role with SELECT on the response and invitee tables and polled
them while peers answered in a known order: each new response id appeared as one invitee flipped
to "responded". These tests poll the same way, then let the survey close and open, and look for
any value observed before the opening in the final responses and answers, and for the
submission order in the order the final rows are stored. A second part checks the receipt: its
SHA-256 must lead to "counted" and to nothing else.
"""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from surveys.models import Administration, Answer, Invitee, Response
from surveys.reports import administration_report
from surveys.services.responses import hash_receipt_code
from tests.factories import TeacherFactory
from tests.surveys.factories import administration, answer, small_instrument

pytestmark = pytest.mark.django_db

RESPONDENTS = 40


def _physical_order() -> str:
    return "ctid" if connection.vendor == "postgresql" else "rowid"


def _response_side_tables() -> list[str]:
    """Every table of the surveys app but the participation side and the instrument's own."""
    structural = {
        "surveys_instrument",
        "surveys_construct",
        "surveys_item",
        "surveys_responsescale",
        "surveys_scalepoint",
        "surveys_administration",
        "surveys_invitee",
        "surveys_reportnote",
    }
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("surveys").get_models()
        if model._meta.db_table not in structural
    )


def _dump(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY {_physical_order()}")
        return [tuple(row) for row in cursor.fetchall()]


def _cells(rows: list[tuple]) -> set[str]:
    """Every value as text, UUIDs without dashes and bytes as hex, so forms compare."""
    out = set()
    for row in rows:
        for value in row:
            if isinstance(value, (bytes, memoryview)):
                out.add(bytes(value).hex())
            elif value is not None:
                out.add(str(value).replace("-", "").lower())
    return out


def _blob(rows: list[tuple]) -> bytes:
    parts = []
    for row in rows:
        for value in row:
            parts.append(
                bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
            )
    return b"\x00".join(parts)


@pytest.fixture
def audience(leader):
    return TeacherFactory.create_batch(RESPONDENTS, school=leader.school)


@pytest.fixture
def survey(leader, audience):
    # Open two days ago, closing in an hour: answered "now", opened when time has passed.
    now = timezone.now()
    return administration(
        instrument=small_instrument(school=leader.school),
        people=audience,
        created_by=leader,
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(hours=1),
    )


def _close(survey: Administration) -> None:
    """Let the survey's time run out, then read its report as the leader would (the read
    that must find every response)."""
    Administration.objects.filter(pk=survey.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    survey.refresh_from_db()
    administration_report(survey)


def _comment(index: int) -> str:
    # Of very different lengths: the length of what is stored must not follow a response.
    return f"Respondent number {index:02d} wrote this, uniquely" + " and more" * (index * 7)


def _values(index: int) -> dict:
    # Some skip the scaled questions, some answer both: the shape must not follow either.
    scaled = {} if index % 3 == 0 else {"q1": 1 + index % 5, "q2": 1 + index % 4}
    return {**scaled, "q3": _comment(index)}


def _submit_all_and_poll(survey, audience) -> tuple[list[dict], list[str]]:
    """Answer in a known order; after each submission, snapshot every response-side table
    and the invitee table, as the polling role did."""
    tables = _response_side_tables()
    snapshots, codes = [], []
    for index, person in enumerate(audience):
        codes.append(answer(survey, person, _values(index)))
        snapshot = {table: _dump(table) for table in tables}
        snapshot["invitees"] = list(
            Invitee.objects.filter(administration=survey)
            .order_by("pk")
            .values_list("person_id", "has_responded")
        )
        snapshots.append(snapshot)
    return snapshots, codes


def _final_by_respondent(survey) -> dict[str, int]:
    """Final response id -> submission index, known to the test through the unique comments."""
    comments = {_comment(index): index for index in range(RESPONDENTS)}
    return {
        response_id.hex: comments[text]
        for response_id, text in Answer.objects.filter(
            response__administration=survey, text__startswith="Respondent number"
        ).values_list("response_id", "text")
    }


def test_polling_the_tables_while_people_answer_finds_nothing_of_the_final_responses(
    survey, audience
):
    snapshots, _ = _submit_all_and_poll(survey, audience)
    # The poller sees who flipped at each step (the participation side is meant to say that).
    assert [sum(flag for _, flag in s["invitees"]) for s in snapshots] == list(
        range(1, RESPONDENTS + 1)
    )
    observed: set[str] = set()
    observed_bytes = []
    for snapshot in snapshots:
        for table, rows in snapshot.items():
            if table != "invitees":
                observed |= _cells(rows)
                observed_bytes.append(_blob(rows))
    seen_before = b"\x01".join(observed_bytes)

    _close(survey)

    final = _final_by_respondent(survey)
    assert len(final) == RESPONDENTS == Response.objects.filter(administration=survey).count()
    answer_ids = {
        a.hex
        for a in Answer.objects.filter(response__administration=survey).values_list("id", flat=True)
    }
    # No final key was ever visible while the survey was open: nothing to join a flip to.
    assert observed.isdisjoint(final), "a final response id was visible before the close"
    assert observed.isdisjoint(answer_ids), "a final answer id was visible before the close"
    # And no answer was readable in any row before the close (here: the unique comments).
    for index in range(RESPONDENTS):
        assert _comment(index).encode() not in seen_before, index


def test_the_sealed_rows_are_all_alike_and_carry_nothing_readable(survey, audience):
    snapshots, _ = _submit_all_and_poll(survey, audience)
    last = snapshots[-1]
    # While the survey is open nothing has the shape of an answer: no response or answer row.
    assert last["surveys_response"] == [] and last["surveys_answer"] == []
    blobs = [
        bytes(value)
        for table, rows in last.items()
        if table != "invitees"
        for row in rows
        for value in row
        if isinstance(value, (bytes, memoryview))
    ]
    assert len(blobs) == RESPONDENTS
    # Every sealed response has the same length, whatever was answered (a short comment and a
    # long one, a skipped question or not): the length says nothing either.
    assert len({len(blob) for blob in blobs}) == 1
    assert not any(
        _comment(index).encode() in blob for index in range(RESPONDENTS) for blob in blobs
    )


def test_the_final_rows_are_stored_in_an_order_unrelated_to_the_order_of_answering(
    survey, audience
):
    _submit_all_and_poll(survey, audience)
    _close(survey)
    final = _final_by_respondent(survey)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM surveys_response WHERE administration_id = %s"
            f" ORDER BY {_physical_order()}",
            [survey.pk],
        )
        stored = [str(row[0]).replace("-", "") for row in cursor.fetchall()]
    submitted_rank = [final[response_id] for response_id in stored]

    # Rank correlation of storage order and answering order. Shuffled, it is about
    # N(0, 1/sqrt(39)) ~ N(0, 0.16); |rho| >= 0.75 happens by chance with p < 1e-5. Written in
    # answering order (or its reverse) it is +1 (-1).
    # Both sequences are ranks already, so Pearson's r on them is Spearman's rho.
    rho = statistics.correlation(list(range(RESPONDENTS)), submitted_rank)
    assert abs(rho) < 0.75, rho
    assert submitted_rank != sorted(submitted_rank)


def test_the_receipt_leads_to_counted_and_to_no_answer(survey, audience):
    _, codes = _submit_all_and_poll(survey, audience)
    _close(survey)
    digests = {hash_receipt_code(code) for code in codes}

    # Whoever holds a receipt code (or its hash) looks for it in every table of the project.
    found_in = []
    for model in apps.get_models():
        table = model._meta.db_table
        if _cells(_dump(table)) & digests:
            found_in.append(model)
    # It is stored once, in a table of its own that refers to nothing but the survey.
    assert len(found_in) == 1
    (receipts,) = found_in
    assert receipts not in (Response, Answer)
    relations = {
        field.related_model
        for field in receipts._meta.get_fields()
        if field.concrete and field.is_relation
    }
    assert relations == {Administration}
    # Nothing refers to the receipt table either.
    assert not any(
        field.related_model is receipts
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation
    )
