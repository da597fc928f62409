"""Responses cannot be linked to respondents: not by any field, not by order, not by any page.

The participation side (`Invitee`: who was invited, whether they answered) and the response
side (`Response`, `Answer`: what was answered) share nothing but the administration.
"""

import logging
import random
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from backend.schema import schema
from surveys.models import Administration, Answer, Invitee, Response
from surveys.reports import ReportStatus, administration_report
from surveys.services.responses import hash_receipt_code
from tests.factories import StaffFactory
from tests.surveys.factories import administration, answer, small_instrument

pytestmark = pytest.mark.django_db

RESPONSE_SIDE = (Response, Answer)
TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)


def _concrete_fields(model):
    return [field for field in model._meta.get_fields() if field.concrete]


@pytest.mark.parametrize("model", RESPONSE_SIDE)
def test_the_response_side_has_no_person_no_time_and_no_sequence(model):
    fields = _concrete_fields(model)

    # A random UUID key: no auto-increment that numbers responses in the order they came.
    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.pk.default is not None
    assert not any(isinstance(field, models.AutoField) for field in fields)
    assert [field.name for field in fields if isinstance(field, TIME_FIELDS)] == []
    related = {field.name: field.related_model for field in fields if field.is_relation}
    assert get_user_model() not in related.values()
    assert Invitee not in related.values()
    assert related == (
        {"administration": Administration}
        if model is Response
        else {"response": Response, "item": Answer._meta.get_field("item").related_model}
    )


def test_the_participation_side_has_no_time_and_no_reference_to_a_response():
    fields = _concrete_fields(Invitee)

    assert {field.name for field in fields} == {"id", "administration", "person", "has_responded"}
    assert not any(isinstance(field, TIME_FIELDS) for field in fields)


def test_nothing_in_the_project_points_at_a_response_or_answer_but_the_answer_itself():
    pointing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model in RESPONSE_SIDE
    ]

    assert pointing == ["surveys.Answer.response"]


def test_the_graphql_api_has_no_type_for_responses_or_answers():
    exposed = [
        name
        for name, graphql_type in schema.graphql_schema.type_map.items()
        if (graphene_type := getattr(graphql_type, "graphene_type", None)) is not None
        and isinstance(graphene_type, type)
        and issubclass(graphene_type, DjangoObjectType)
        and graphene_type._meta.model in RESPONSE_SIDE
    ]

    assert exposed == []


def _snapshot(survey) -> dict:
    """Everything stored about a survey's answering, with random keys left out."""
    return {
        "invitees": sorted(
            Invitee.objects.filter(administration=survey).values_list("person_id", "has_responded")
        ),
        "responses": sorted(
            tuple(
                sorted(
                    Answer.objects.filter(response=response).values_list(
                        "item__key", "value", "text"
                    )
                )
            )
            for response in Response.objects.filter(administration=survey)
        ),
    }


def test_two_people_answering_in_either_order_leave_indistinguishable_rows(leader, peers):
    instrument = small_instrument(school=leader.school)
    first = administration(instrument=instrument, people=peers[:5], created_by=leader)
    second = administration(instrument=instrument, people=peers[:5], created_by=leader)
    amara, ben = peers[0], peers[1]
    amaras_answers = {"q1": 5, "q3": "I trust this group."}
    bens_answers = {"q1": 2, "q2": 4}

    answer(first, amara, amaras_answers)
    answer(first, ben, bens_answers)
    answer(second, ben, bens_answers)
    answer(second, amara, amaras_answers)

    assert _snapshot(first) == _snapshot(second)
    # And nothing distinguishes the two surveys' rows apart from their random keys and receipts.
    for model, exclude in (
        (Response, {"id", "administration", "receipt_hash"}),
        (Answer, {"id", "response"}),
    ):
        names = {field.name for field in _concrete_fields(model)} - exclude
        assert names <= {"item", "value", "text"}


class _Reverse(random.Random):
    """Shuffles by reversing, so a test knows where the shuffle put each row."""

    def shuffle(self, items):
        items.reverse()


def _table_order(survey) -> list:
    """Response ids in the order the database keeps them (rowid on SQLite, ctid on PostgreSQL)."""
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM surveys_response WHERE administration_id = %s ORDER BY {physical}",
            [survey.pk],
        )
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_every_submission_rewrites_the_responses_in_a_new_order(leader, peers):
    survey = administration(
        instrument=small_instrument(school=leader.school), people=peers[:5], created_by=leader
    )
    codes = [answer(survey, person, {"q1": 3}, rng=_Reverse()) for person in peers[:3]]
    by_receipt = dict(Response.objects.values_list("receipt_hash", "id"))
    ids = [by_receipt[hash_receipt_code(code)].hex for code in codes]

    # Written first, second, third, but stored in the order the last shuffle chose (here: the
    # earlier ones as read back by their random keys, then the new one, all reversed), so the
    # newest response is not at the end of the table.
    expected = [*sorted(ids[:2]), ids[2]][::-1]
    assert _table_order(survey) == expected
    assert _table_order(survey)[0] == ids[2]


def test_admin_pages_never_show_a_person_next_to_an_answer(client, leader, peers):
    admin_client = client
    admin_client.force_login(StaffFactory(is_superuser=True))
    survey = administration(
        instrument=small_instrument(school=leader.school), people=peers[:5], created_by=leader
    )
    answer(survey, peers[0], {"q1": 5, "q3": "The visits changed my teaching."})
    response = Response.objects.get()

    survey_page = admin_client.get(f"/admin/surveys/administration/{survey.pk}/change/")
    index = admin_client.get("/admin/").content

    # The survey page says peers[0] answered; were any page to show that lone response, it
    # would name its author. So answers have no admin page, not even for a superuser.
    assert survey_page.status_code == 200
    assert peers[0].full_name.encode() in survey_page.content
    assert b"The visits changed my teaching." not in survey_page.content
    for path in (
        "/admin/surveys/response/",
        f"/admin/surveys/response/{response.pk}/change/",
        "/admin/surveys/answer/",
    ):
        assert admin_client.get(path).status_code == 404, path
    assert b"/admin/surveys/response/" not in index
    assert not LogEntry.objects.exists()


def test_answering_logs_nothing_about_the_answers(api_for, leader, peers, caplog):
    survey = administration(
        instrument=small_instrument(school=leader.school), people=peers[:5], created_by=leader
    )
    item = survey.instrument.items.get(key="q3")
    caplog.set_level(logging.DEBUG)

    body = api_for(peers[0]).data(
        """mutation($input: SubmitSurveyResponseInput!) {
             submitSurveyResponse(input: $input) { errors { code } } }""",
        {
            "input": {
                "administrationId": to_global_id("SurveyAdministration", survey.pk),
                "answers": [{"itemId": to_global_id("SurveyItem", item.pk), "text": "SECRET-42"}],
            }
        },
    )

    assert body["submitSurveyResponse"]["errors"] == []
    assert "SECRET-42" not in caplog.text


def test_a_closed_survey_answered_by_one_person_shows_nothing(leader, peers):
    survey = administration(
        instrument=small_instrument(school=leader.school),
        people=peers[:5],
        created_by=leader,
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(days=1),
    )
    answer(survey, peers[0], {"q1": 1, "q3": "Only me"}, now=timezone.now() - timedelta(days=2))

    report = administration_report(survey)

    assert report.status == ReportStatus.TOO_FEW_RESPONSES
    assert report.constructs == [] and report.comments == []
