"""classSurveyLaunch over the API, as the teacher's phone sends it (issue 23)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import AccessCode, Administration
from tests.conftest import error_codes, top_level_codes
from tests.factories import CoordinatorFactory
from tests.surveys.factories import shipped, small_instrument
from tests.surveys.graphql import gid

from .helpers import answer_with, student_voice_instrument

pytestmark = pytest.mark.django_db

LAUNCH = """
mutation($input: ClassSurveyLaunchInput!) {
  classSurveyLaunch(input: $input) {
    administration { id title kind audience invitedCount respondedCount viewerCanManage }
    codes
    answerAddress
    errors { field code message }
  }
}
"""


def _input(instrument, **changes):
    return {
        "instrumentId": gid("SurveyInstrument", instrument),
        "label": "Period 3 Biology",
        "classSize": 24,
        "closesAt": (timezone.now() + timedelta(days=5)).isoformat(),
    } | changes


def test_a_teacher_launches_and_gets_the_codes_once(api_for, teacher):
    instrument = student_voice_instrument(teacher.school)
    payload = api_for(teacher).data(LAUNCH, {"input": _input(instrument)})["classSurveyLaunch"]
    assert payload["errors"] == []
    survey = payload["administration"]
    assert (survey["kind"], survey["audience"], survey["title"]) == (
        "STUDENT_VOICE",
        "CLASS_CODES",
        "Period 3 Biology",
    )
    assert (survey["invitedCount"], survey["respondedCount"], survey["viewerCanManage"]) == (
        24,
        0,
        True,
    )
    assert len(payload["codes"]) == 27
    assert all(len(code) == 11 and code[5] == "-" for code in payload["codes"])
    assert payload["answerAddress"].endswith("/s/")
    # A printed code answers (as typed from the slip), once.
    administration = Administration.objects.get()
    answer_with(payload["codes"][0], administration, {"q1": 5})
    assert AccessCode.objects.filter(used=True).count() == 1


def test_what_a_teacher_can_fix_comes_back_on_its_field(api_for, teacher):
    custom = small_instrument(school=teacher.school)
    payload = api_for(teacher).data(LAUNCH, {"input": _input(custom)})["classSurveyLaunch"]
    assert payload["errors"][0]["field"] == "instrumentId" and error_codes(payload) == ["INVALID"]
    voice = student_voice_instrument(teacher.school)
    payload = api_for(teacher).data(LAUNCH, {"input": _input(voice, classSize=0)})[
        "classSurveyLaunch"
    ]
    assert payload["errors"][0]["field"] == "classSize" and payload["codes"] is None
    assert not Administration.objects.exists()


def test_someone_without_a_class_is_refused_before_anything_is_read(api_for, teacher):
    coordinator = CoordinatorFactory(coordinated_district=teacher.school.district)
    body = api_for(coordinator).post_graphql(
        LAUNCH, {"input": _input(student_voice_instrument(teacher.school))}
    )
    assert top_level_codes(body) == ["FORBIDDEN"]


def test_a_teacher_runs_the_shipped_grades_3_5_survey_and_a_student_answers_on_the_page(
    api_for, teacher, client
):
    instrument = shipped("student_voice_3_5")
    payload = api_for(teacher).data(LAUNCH, {"input": _input(instrument, classSize=22)})[
        "classSurveyLaunch"
    ]
    assert payload["errors"] == []
    code = payload["codes"][0]
    page = client.get(f"/s/{code}")
    html = page.content.decode()
    assert page.status_code == 200 and "Our Class (grades 3-5)" in html
    assert "My teacher knows what I like." in html
    assert "Sometimes" in html
    item = instrument.items.get(key="sv3_known_likes")
    token = client.cookies["csrftoken"].value
    done = client.post(
        "/s/answer", {"code": code, f"item-{item.pk}": "3", "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 200 and "Thank you" in done.content.decode()
