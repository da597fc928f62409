"""The students' pages (issue 23): a code opens the survey, answering spends it, and every
refusal is a page a student understands. Over HTTP with Django's test client; the same pages
in a real browser with an accessibility check come with the browser tests."""

import logging
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from surveys import access_codes
from surveys.models import AccessCode, Administration, SealedResponse
from surveys.student_pages import WRONG_CODES, StudentPagesLogFilter
from tests.factories import TeacherFactory
from tests.surveys.factories import items_by_key

from .helpers import launch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def launched(db):
    return launch(TeacherFactory(), class_size=20)


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Mozilla/5.0 (Student phone)")


def _csrf(browser, path="/s/") -> str:
    page = browser.get(path)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def _assert_private_page(response):
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_code_page_asks_for_the_code(browser):
    page = browser.get("/s/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="en">' in html and '<label for="code">Your code</label>' in html
    _assert_private_page(page)


def test_a_typed_code_opens_the_survey_and_answering_spends_it(browser, launched):
    survey = launched.administration
    code = launched.codes[0]
    token = _csrf(browser)
    page = browser.post(
        "/s/", {"code": access_codes.display(code).lower(), "csrfmiddlewaretoken": token}
    )
    assert page.status_code == 200
    html = page.content.decode()
    items = items_by_key(survey.instrument)
    assert f'name="item-{items["q1"].pk}"' in html and "<legend>1. Statement q1</legend>" in html
    _assert_private_page(page)
    answered = browser.post(
        "/s/answer",
        {
            "csrfmiddlewaretoken": token,
            "code": code,
            f"item-{items['q1'].pk}": "4",
            f"item-{items['q3'].pk}": "I like the labs",
        },
    )
    assert answered.status_code == 200 and "Thank you" in answered.content.decode()
    assert AccessCode.objects.filter(administration=survey, used=True).count() == 1
    assert SealedResponse.objects.filter(administration=survey).count() == 1
    again = browser.post("/s/", {"code": code, "csrfmiddlewaretoken": token})
    assert again.status_code == 409 and "already been used" in again.content.decode()


def test_the_qr_address_opens_the_survey(browser, launched):
    page = browser.get(f"/s/{launched.codes[1]}")
    assert page.status_code == 200 and "Send my answers" in page.content.decode()


def test_a_refused_answer_keeps_what_was_chosen_and_spends_nothing(browser, launched):
    survey = launched.administration
    items = items_by_key(survey.instrument)
    token = _csrf(browser)
    page = browser.post(
        "/s/answer",
        {
            "csrfmiddlewaretoken": token,
            "code": launched.codes[0],
            f"item-{items['q1'].pk}": "9",
            f"item-{items['q3'].pk}": "kept text",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html and "kept text" in html
    assert not AccessCode.objects.filter(administration=survey, used=True).exists()
    empty = browser.post("/s/answer", {"csrfmiddlewaretoken": token, "code": launched.codes[0]})
    assert empty.status_code == 400 and "at least one question" in empty.content.decode()


def test_closed_and_unknown_codes_get_pages_that_say_so(browser, launched):
    token = _csrf(browser)
    unknown = browser.post("/s/", {"code": "ABCDE-FGHJK", "csrfmiddlewaretoken": token})
    assert unknown.status_code == 404 and "doesn&#x27;t match" in unknown.content.decode()
    now = timezone.now()
    Administration.objects.filter(pk=launched.administration.pk).update(
        opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1)
    )
    closed = browser.post("/s/", {"code": launched.codes[0], "csrfmiddlewaretoken": token})
    assert closed.status_code == 410 and "has closed" in closed.content.decode()


def test_a_guesser_is_stopped_after_the_limit_of_wrong_codes(browser, launched):
    token = _csrf(browser)
    for _ in range(WRONG_CODES.limit):
        assert (
            browser.post("/s/", {"code": "ABCDEFGHJK", "csrfmiddlewaretoken": token}).status_code
            == 404
        )
    stopped = browser.post("/s/", {"code": launched.codes[0], "csrfmiddlewaretoken": token})
    # Even a real code is not looked up while the address is stopped: no oracle.
    assert stopped.status_code == 429 and "Wait ten minutes" in stopped.content.decode()
    assert not AccessCode.objects.filter(used=True).exists()


def test_answers_are_refused_without_the_page_s_csrf_token(browser, launched):
    response = browser.post("/s/answer", {"code": launched.codes[0]})
    assert response.status_code == 403


def test_the_access_log_keeps_no_line_of_a_students_page():
    access = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, StudentPagesLogFilter) for f in access.filters)

    def line(path: str) -> logging.LogRecord:
        # As uvicorn's httptools/h11 protocols log a request.
        return access.makeRecord(
            "uvicorn.access",
            logging.INFO,
            __file__,
            1,
            '%s - "%s %s HTTP/%s" %d',
            ("203.0.113.7:5123", "GET", path, "1.1", 200),
            None,
        )

    assert not access.filter(line("/s/KDR7M2XQ9P"))
    assert not access.filter(line("/s/answer"))
    assert not access.filter(line("/s"))
    assert access.filter(line("/graphql/"))
    assert access.filter(line("/sign-in"))
