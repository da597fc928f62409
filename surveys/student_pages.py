"""The pages a class's students answer on, in any browser, without an account (issue 23).

`/s/` asks for the code on the student's slip; `/s/<code>` is where the slip's QR code leads.
A live code opens the survey; answering spends it (`services.class_surveys`). The pages are
plain HTML forms that work without JavaScript, with every question a labelled fieldset, and
they carry nothing of the student: no account, no cookie but Django's CSRF token (random, kept
by no server), nothing stored with the answers. Wrong codes are rate-limited per address: a
class behind one school address mistypes a few, a guesser runs out long before finding one.
"""

import logging

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from backend.client_address import client_address
from backend.throttle import RateLimit

from .errors import SurveyError
from .models import Administration, ItemFormat
from .services.class_surveys import class_survey_for_code, response_submit_with_code
from .services.responses import MAX_TEXT, AnswerDraft

# Where the pages are mounted (backend.urls): the access log keeps nothing under it.
PREFIX = "/s/"


class StudentPagesLogFilter(logging.Filter):
    """Drops uvicorn's access-log lines for the students' pages (address, path with the code,
    time). uvicorn logs ``(client, method, path, http version, status)`` as the record's args."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            return not (args[2] == PREFIX[:-1] or args[2].startswith(PREFIX))
        return True


# Wrong codes from one address in ten minutes before the page stops looking codes up.
WRONG_CODES = RateLimit("class-code-wrong", limit=40, window_seconds=600)

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

# What a student reads for each refusal: plain words, and what to do next.
MESSAGES = {
    SurveyError.INVALID_CODE: "That code doesn't match. Check it against your slip and try again.",
    SurveyError.CODE_USED: "This code has already been used. Each code answers once.",
    SurveyError.NOT_OPEN_YET: "This survey hasn't opened yet. Your teacher will tell you when.",
    SurveyError.CLOSED: "This survey has closed. Thank you anyway!",
    SurveyError.CANCELLED: "This survey was cancelled.",
    SurveyError.INVALID_ANSWER: "One of the answers could not be read. Please choose again.",
    SurveyError.EMPTY_RESPONSE: "Please answer at least one question before sending.",
    SurveyError.TOO_LONG: f"An answer is too long: at most {MAX_TEXT} characters.",
}
TOO_MANY = "Too many codes were tried from here. Wait ten minutes, then try again."


def _page(request, template: str, context: dict, status: int = 200):
    response = render(request, f"surveys/students/{template}", context, status=status)
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # Nothing of a survey is kept by the browser, shown to another site, or indexed.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refusal(error: ValidationError) -> tuple[str, str]:
    codes = (
        [str(item.code) for item in error.error_list]
        if not hasattr(error, "error_dict")
        else [str(item.code) for items in error.error_dict.values() for item in items]
    )
    code = codes[0] if codes else str(SurveyError.INVALID)
    return code, MESSAGES.get(code, "Something in the answers could not be used. Please check.")


def _code_page(request, *, code: str = "", message: str = "", status: int = 200):
    return _page(request, "code.html", {"code": code, "message": message}, status)


@require_http_methods(["GET", "POST"])
def code_entry(request, code: str = ""):
    """The code form; with a code (typed, or from the QR code's address), the survey."""
    code = (request.POST.get("code", "") if request.method == "POST" else code).strip()
    if not code:
        return _code_page(request)
    survey, refused = _live_survey(request, code)
    return refused or _survey_page(request, survey, code=code)


def _live_survey(request, code: str):
    """(the survey `code` opens, None), or (None, the page saying why not). Wrong codes count
    against the caller's address; once it has used them up, no code is looked up."""
    address = client_address(request)
    if WRONG_CODES.count(address) >= WRONG_CODES.limit:
        return None, _code_page(request, code=code, message=TOO_MANY, status=429)
    try:
        return class_survey_for_code(code=code), None
    except ValidationError as error:
        reason, message = _refusal(error)
        if reason == SurveyError.INVALID_CODE:
            WRONG_CODES.hit(address)
        return None, _code_page(request, code=code, message=message, status=_status(reason))


def _status(reason: str) -> int:
    return {SurveyError.INVALID_CODE: 404, SurveyError.CODE_USED: 409}.get(reason, 410)


def _survey_page(request, survey: Administration, *, code: str, message: str = "", given=None):
    given = given or {}
    items = list(
        survey.instrument.items.select_related("scale", "construct").prefetch_related(
            "scale__points"
        )
    )
    questions = [
        {
            "item": item,
            "name": f"item-{item.pk}",
            "scale": item.format == ItemFormat.SCALE,
            "points": list(item.scale.points.all()) if item.scale_id else [],
            "given": given.get(f"item-{item.pk}", ""),
        }
        for item in items
    ]
    context = {
        "survey": survey,
        "code": code,
        "questions": questions,
        "message": message,
        "max_text": MAX_TEXT,
    }
    return _page(request, "survey.html", context, status=400 if message else 200)


@require_http_methods(["POST"])
def answer(request):
    """Spend the code on the answers; on a refusal, the page again with what was chosen."""
    code = request.POST.get("code", "").strip()
    survey, refused = _live_survey(request, code)
    if refused is not None:
        return refused
    given = {key: value for key, value in request.POST.items() if key.startswith("item-")}
    drafts = []
    for item in survey.instrument.items.all():
        raw = given.get(f"item-{item.pk}", "").strip()
        if not raw:
            continue
        if item.format == ItemFormat.SCALE:
            try:
                drafts.append(AnswerDraft(item_id=item.pk, value=int(raw)))
            except ValueError:
                message = MESSAGES[SurveyError.INVALID_ANSWER]
                return _survey_page(request, survey, code=code, message=message, given=given)
        else:
            drafts.append(AnswerDraft(item_id=item.pk, text=raw))
    try:
        response_submit_with_code(code=code, answers=drafts)
    except ValidationError as error:
        reason, message = _refusal(error)
        if reason in (SurveyError.CODE_USED, SurveyError.CLOSED, SurveyError.CANCELLED):
            return _code_page(request, code=code, message=message, status=_status(reason))
        return _survey_page(request, survey, code=code, message=message, given=given)
    return _page(request, "thanks.html", {"survey_title": survey.title})
