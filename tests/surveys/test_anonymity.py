"""Responses cannot be linked to respondents: not by any field, not by order, not by any page.

The participation side (`Invitee`: who was invited, whether they answered) and the response
side (`SealedResponse` while the survey is open, `Response` and `Answer` after its close, and
the receipts' `Receipt` set) share nothing but the administration. The database-level attacks
(polling, order, receipts) are in test_anonymity_database.py, the WAL in test_postgres.py.
"""

import logging
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models
from django.utils import timezone
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from backend.schema import schema
from surveys.models import Administration, Answer, Invitee, Receipt, Response, SealedResponse
from surveys.reports import ReportStatus, administration_report
from surveys.services.responses import responses_open
from tests.factories import StaffFactory
from tests.surveys.factories import administration, answer, small_instrument

pytestmark = pytest.mark.django_db

RESPONSE_SIDE = (SealedResponse, Receipt, Response, Answer)
TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)


def _concrete_fields(model):
    return [field for field in model._meta.get_fields() if field.concrete]


@pytest.mark.parametrize("model", RESPONSE_SIDE)
def test_the_response_side_has_no_person_no_time_and_no_sequence(model):
    fields = _concrete_fields(model)

    # A random key: no auto-increment that numbers responses in the order they came (a
    # receipt is keyed by its own hash).
    if model is Receipt:
        assert model._meta.pk.name == "digest"
    else:
        assert isinstance(model._meta.pk, models.UUIDField)
        assert model._meta.pk.default is not None
    assert not any(isinstance(field, models.AutoField) for field in fields)
    assert [field.name for field in fields if isinstance(field, TIME_FIELDS)] == []
    related = {field.name: field.related_model for field in fields if field.is_relation}
    assert get_user_model() not in related.values()
    assert Invitee not in related.values()
    assert related == (
        {"response": Response, "item": Answer._meta.get_field("item").related_model}
        if model is Answer
        else {"administration": Administration}
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
    for survey in (first, second):
        responses_open(administration=survey, now=survey.closes_at)

    assert _snapshot(first) == _snapshot(second)
    # And nothing distinguishes the two surveys' rows apart from their random keys.
    for model, exclude in (
        (Response, {"id", "administration"}),
        (Answer, {"id", "response"}),
    ):
        names = {field.name for field in _concrete_fields(model)} - exclude
        assert names <= {"item", "value", "text"}


@pytest.mark.parametrize("superuser", [False, True])
def test_admin_pages_never_show_a_person_next_to_an_answer(client, leader, peers, superuser):
    staff = StaffFactory(is_superuser=superuser)
    if not superuser:
        staff.user_permissions.set(Permission.objects.all())  # every permission there is
    client.force_login(staff)
    survey = administration(
        instrument=small_instrument(school=leader.school), people=peers[:5], created_by=leader
    )
    secret = "The visits changed my teaching."
    code = answer(survey, peers[0], {"q1": 5, "q3": secret})
    sealed = SealedResponse.objects.get()
    receipt = Receipt.objects.get()

    def every_page() -> dict[str, int]:
        """Every admin page of every registered model: list, each object's pages, index."""
        pages = {"/admin/": None}
        for model in django_admin.site._registry:
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            pages[base] = None
            for pk in model.objects.values_list("pk", flat=True)[:10]:
                for action in ("change", "history", "delete"):
                    pages[f"{base}{pk}/{action}/"] = None
        for path in pages:
            response = client.get(path)
            body = response.content
            assert secret.encode() not in body, path
            assert code.encode() not in body and receipt.digest.encode() not in body, path
            assert sealed.pk.hex.encode() not in body and str(sealed.pk).encode() not in body
            pages[path] = response.status_code
        return pages

    while_open = every_page()
    responses_open(administration=survey, now=survey.closes_at)
    response = Response.objects.get()
    after_close = every_page()

    # The survey page says peers[0] answered (the participation side); were any page to show
    # that lone response, it would name its author. So the response side has no admin page.
    survey_page = client.get(f"/admin/surveys/administration/{survey.pk}/change/")
    assert survey_page.status_code == 200
    assert peers[0].full_name.encode() in survey_page.content
    assert while_open[f"/admin/surveys/administration/{survey.pk}/change/"] == 200
    assert after_close[f"/admin/surveys/administration/{survey.pk}/delete/"] == 403
    for path in (
        "/admin/surveys/response/",
        f"/admin/surveys/response/{response.pk}/change/",
        "/admin/surveys/answer/",
        "/admin/surveys/sealedresponse/",
        f"/admin/surveys/sealedresponse/{sealed.pk}/change/",
        "/admin/surveys/receipt/",
    ):
        assert client.get(path).status_code == 404, path
    index = client.get("/admin/").content
    for name in (b"/admin/surveys/response/", b"sealedresponse", b"/admin/surveys/receipt/"):
        assert name not in index
    assert not LogEntry.objects.exists()


def test_answering_logs_nothing_about_the_answers(api_for, leader, peers, caplog):
    survey = administration(
        instrument=small_instrument(school=leader.school), people=peers[:5], created_by=leader
    )
    item = survey.instrument.items.get(key="q3")
    caplog.set_level(logging.DEBUG)

    body = api_for(peers[0]).data(
        """mutation($input: SurveyResponseSubmitInput!) {
             surveyResponseSubmit(input: $input) { errors { code } } }""",
        {
            "input": {
                "administrationId": to_global_id("SurveyAdministration", survey.pk),
                "answers": [{"itemId": to_global_id("SurveyItem", item.pk), "text": "SECRET-42"}],
            }
        },
    )

    assert body["surveyResponseSubmit"]["errors"] == []
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
