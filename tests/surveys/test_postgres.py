"""What only a real concurrent database shows: double submits, and what PostgreSQL's hidden
row columns (xmin: the writing transaction) could reveal about who answered what."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from surveys.models import Response
from tests.conftest import postgres_only
from tests.surveys.factories import administration, answer, small_instrument
from tests.surveys.helpers import validation_codes

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(calls) -> list:
    """Run the callables in threads released at the same moment; returns results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def survey(leader, peers):
    return administration(
        instrument=small_instrument(school=leader.school), people=peers, created_by=leader
    )


def test_two_concurrent_submits_by_one_person_store_one_response(survey, peers):
    results = run_together(
        [lambda: answer(survey, peers[0], {"q1": 5}), lambda: answer(survey, peers[0], {"q1": 1})]
    )

    codes = [validation_codes(r) if isinstance(r, ValidationError) else "receipt" for r in results]
    assert sorted(map(str, codes)) == sorted(["receipt", "['ALREADY_RESPONDED']"])
    assert Response.objects.filter(administration=survey).count() == 1


def test_concurrent_submits_by_different_people_are_all_kept(survey, peers):
    results = run_together([lambda p=person: answer(survey, p, {"q1": 3}) for person in peers[:6]])

    assert all(isinstance(result, str) for result in results), results
    assert Response.objects.filter(administration=survey).count() == 6


def _xmins(sql: str, params) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def test_every_response_row_carries_the_same_writing_transaction(survey, peers):
    for person in peers[:3]:
        answer(survey, person, {"q1": 4, "q3": f"words of {person.pk}"})

    response_xmins = _xmins(
        "SELECT xmin::text FROM surveys_response WHERE administration_id = %s", [survey.pk]
    )
    answer_xmins = _xmins(
        "SELECT a.xmin::text FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id"
        " WHERE r.administration_id = %s",
        [survey.pk],
    )
    first_invitee_xmin = _xmins(
        "SELECT xmin::text FROM surveys_invitee WHERE administration_id = %s AND person_id = %s",
        [survey.pk, peers[0].pk],
    )
    # All rows were rewritten by the last submission: the first respondent's transaction id is
    # on no response row, so it cannot be matched to theirs.
    assert len(response_xmins) == 1
    assert answer_xmins == response_xmins
    assert first_invitee_xmin.isdisjoint(response_xmins)
