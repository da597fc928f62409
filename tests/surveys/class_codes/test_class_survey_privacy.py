"""Attacks on a class survey's privacy (issue 23): the database reader of issue 18 polling
while students answer with codes, and the people above a teacher asking for the results."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from surveys.models import AccessCode, Administration, Answer, Response, SealedResponse
from surveys.reports import administration_report
from surveys.selectors import (
    administrations_managed_by,
    administrations_reported_to,
    administrations_visible_to,
    can_read_report,
)
from tests.factories import CoordinatorFactory, LeaderFactory, StaffFactory, TeacherFactory
from tests.surveys.graphql import administration_id
from tests.surveys.queries.test_survey_report import REPORT
from tests.surveys.test_anonymity_database import (
    _blob,
    _cells,
    _comment,
    _dump,
    _response_side_tables,
    _values,
)

from .helpers import answer_with, launch

pytestmark = pytest.mark.django_db

STUDENTS = 30


@pytest.fixture
def teacher(school):
    return TeacherFactory(school=school)


def _close(survey):
    now = timezone.now()
    Administration.objects.filter(pk=survey.pk).update(
        opens_at=now - timedelta(days=1), closes_at=now - timedelta(seconds=1)
    )
    survey.refresh_from_db()


def test_polling_every_table_while_students_answer_finds_nothing_of_their_answers(teacher):
    launched = launch(teacher, class_size=STUDENTS)
    survey = launched.administration
    tables = _response_side_tables()
    assert "surveys_accesscode" in tables  # the attacker reads the codes table too
    seen, blobs, spent = set(), [], []
    for index in range(STUDENTS):
        answer_with(launched.codes[index], survey, _values(index))
        snapshot = {table: _dump(table) for table in tables}
        for rows in snapshot.values():
            seen |= _cells(rows)
            blobs.append(_blob(rows))
        spent.append(AccessCode.objects.filter(administration=survey, used=True).count())
    # The poller sees one more code spent each time (the participation side says that much).
    assert spent == list(range(1, STUDENTS + 1))
    before = b"\x01".join(blobs)
    _close(survey)
    report = administration_report(survey)
    assert report.response_count == STUDENTS
    final = {
        r.hex for r in Response.objects.filter(administration=survey).values_list("id", flat=True)
    }
    answers = {
        a.hex
        for a in Answer.objects.filter(response__administration=survey).values_list("id", flat=True)
    }
    assert seen.isdisjoint(final) and seen.isdisjoint(answers)
    for index in range(STUDENTS):
        assert _comment(index).encode() not in before
    assert not SealedResponse.objects.filter(administration=survey).exists()


def test_nothing_ties_a_code_to_an_answer_or_a_time():
    """Structural: the code table has no time and no relation to the answers, and no table of
    the answer side refers to codes, people or the browser."""
    fields = {field.name: field for field in AccessCode._meta.get_fields()}
    assert set(fields) == {"id", "administration", "digest", "used"}
    for model in (SealedResponse, Response, Answer):
        for field in model._meta.get_fields():
            assert not isinstance(field, (models.DateTimeField, models.DateField)), field
            if field.is_relation:
                assert field.related_model in {
                    Administration,
                    Response,
                    Answer,
                    apps.get_model("surveys", "Item"),
                }, field


@pytest.mark.parametrize("who", ["leader", "coordinator", "staff", "colleague"])
def test_nobody_but_the_teacher_reads_a_class_survey(teacher, school, api_for, who):
    launched = launch(teacher, class_size=10)
    survey = launched.administration
    for index in range(10):
        answer_with(launched.codes[index], survey, _values(index))
    _close(survey)
    other = {
        "leader": lambda: LeaderFactory(school=school),
        "coordinator": lambda: CoordinatorFactory(coordinated_district=school.district),
        "staff": StaffFactory,
        "colleague": lambda: TeacherFactory(school=school),
    }[who]()
    for selector in (
        administrations_managed_by,
        administrations_reported_to,
        administrations_visible_to,
    ):
        assert not selector(other).filter(pk=survey.pk).exists(), selector.__name__
    assert not can_read_report(other, survey)
    body = api_for(other).post_graphql(REPORT, {"id": administration_id(survey)})
    assert body["data"]["surveyReport"] is None, body
    # The teacher reads it.
    mine = api_for(teacher).data(REPORT, {"id": administration_id(survey)})["surveyReport"]
    assert (mine["status"], mine["respondedCount"], mine["invitedCount"]) == ("AVAILABLE", 10, 10)
