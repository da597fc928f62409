"""The sealing key: where it comes from, rotation, what happens without it, and who opens
closed surveys (the reminder worker, a command, the first report)."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from surveys import sealing
from surveys.models import Administration, Answer, Response, SealedResponse
from surveys.reports import ReportStatus, administration_report
from surveys.services.responses import responses_open, responses_open_due
from tests.surveys.factories import administration, answer, small_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(leader, peers):
    now = timezone.now()
    return administration(
        instrument=small_instrument(school=leader.school),
        people=peers,
        created_by=leader,
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(hours=1),
    )


def _let_close(survey) -> None:
    Administration.objects.filter(pk=survey.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    survey.refresh_from_db()


def test_a_development_key_is_made_once_into_a_private_file(settings, tmp_path):
    settings.SURVEY_SEALING_KEY = ""
    settings.SURVEY_SEALING_DEV_KEY_FILE = tmp_path / "dev-key"

    key_id, ciphertext = sealing.seal(b"hello", size=16)

    assert (tmp_path / "dev-key").stat().st_mode & 0o077 == 0
    assert sealing.unseal(key_id, ciphertext) == b"hello"
    assert sealing.seal(b"again", size=16)[0] == key_id  # the same file, the same key


def test_outside_development_there_is_no_key_without_configuration(settings, tmp_path):
    settings.SURVEY_SEALING_KEY = ""
    settings.SURVEY_SEALING_DEV_KEY_FILE = tmp_path / "dev-key"
    settings.DEBUG = False
    settings.TESTING = False

    with pytest.raises(ImproperlyConfigured, match="SURVEY_SEALING_KEY is required"):
        sealing.seal(b"answers", size=16)
    assert not (tmp_path / "dev-key").exists()


def test_payloads_are_padded_to_one_length_and_need_the_key(settings):
    settings.SURVEY_SEALING_KEY = sealing.generate_key()
    short = sealing.seal(b"x", size=1000)
    long = sealing.seal(b"y" * 1000, size=1000)

    assert len(short[1]) == len(long[1])
    settings.SURVEY_SEALING_KEY = sealing.generate_key()  # another key cannot open them
    with pytest.raises(sealing.SealingKeyMissing):
        sealing.unseal(*short)
    with pytest.raises(ValueError):
        sealing.seal(b"z" * 1001, size=1000)


def test_a_rotated_key_still_opens_what_was_sealed_before(settings, survey, peers):
    old_key, new_key = sealing.generate_key(), sealing.generate_key()
    settings.SURVEY_SEALING_KEY = old_key
    answer(survey, peers[0], {"q1": 2, "q3": "Before the rotation"})
    settings.SURVEY_SEALING_KEY = new_key
    settings.SURVEY_SEALING_RETIRED_KEYS = [old_key]
    answer(survey, peers[1], {"q1": 4, "q3": "After the rotation"})

    assert len(set(SealedResponse.objects.values_list("key_id", flat=True))) == 2
    assert responses_open(administration=survey, now=survey.closes_at) == 2
    assert sorted(Answer.objects.exclude(text="").values_list("text", flat=True)) == [
        "After the rotation",
        "Before the rotation",
    ]


def test_without_the_key_a_closed_survey_stays_sealed_not_lost(settings, survey, peers):
    settings.SURVEY_SEALING_KEY = lost = sealing.generate_key()
    for person in peers[:5]:
        answer(survey, person, {"q1": 3})
    _let_close(survey)
    settings.SURVEY_SEALING_KEY = sealing.generate_key()

    assert responses_open_due() == 0
    assert SealedResponse.objects.count() == 5 and not Response.objects.exists()
    settings.SURVEY_SEALING_RETIRED_KEYS = [lost]
    assert responses_open_due() == 1
    assert Response.objects.count() == 5


def test_the_reminder_worker_opens_closed_surveys(survey, peers):
    for person in peers[:5]:
        answer(survey, person, {"q1": 3, "q3": "worker"})
    _let_close(survey)

    call_command("deliver_notifications", "--once", stdout=StringIO())

    assert Response.objects.filter(administration=survey).count() == 5
    assert not SealedResponse.objects.exists()
    assert Administration.objects.get(pk=survey.pk).responses_opened_at is not None


def test_the_command_opens_closed_surveys(survey, peers):
    answer(survey, peers[0], {"q1": 3})
    out = StringIO()
    call_command("open_survey_responses", stdout=out)
    assert "Opened 0" in out.getvalue()  # still open: nothing to do
    _let_close(survey)

    call_command("open_survey_responses", stdout=out)

    assert "Opened 1" in out.getvalue()
    assert Response.objects.filter(administration=survey).count() == 1


def test_the_first_report_after_the_close_counts_every_response(survey, peers):
    for person in peers[:6]:
        answer(survey, person, {"q1": 4, "q2": 2})
    before = administration_report(survey)
    assert before.status == ReportStatus.NOT_CLOSED
    assert SealedResponse.objects.count() == 6
    _let_close(survey)

    report = administration_report(survey)

    assert report.status == ReportStatus.AVAILABLE
    assert report.response_count == report.responded_count == 6
    assert report.constructs[0].items[0].figures.n == 6


def test_a_cancelled_surveys_sealed_rows_are_deleted_unread(survey, peers):
    answer(survey, peers[0], {"q1": 3})
    Administration.objects.filter(pk=survey.pk).update(cancelled_at=timezone.now())
    survey.refresh_from_db()

    assert responses_open(administration=survey) == 0
    assert not SealedResponse.objects.exists() and not Response.objects.exists()


def test_the_key_generator_prints_a_usable_key(settings):
    out, err = StringIO(), StringIO()
    call_command("survey_sealing_key", stdout=out, stderr=err)
    settings.SURVEY_SEALING_KEY = out.getvalue().strip()

    key_id, ciphertext = sealing.seal(b"ok", size=8)
    assert key_id in err.getvalue()
    assert sealing.unseal(key_id, ciphertext) == b"ok"


def _manage(*args, **env):
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_TESTING": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "observe.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    clean = {k: v for k, v in os.environ.items() if k not in production and "SEALING" not in k}
    return subprocess.run(  # noqa: S603
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_deploy_check_refuses_production_without_a_key():
    missing = _manage("check", "--deploy")
    malformed = _manage("check", "--deploy", SURVEY_SEALING_KEY="not-a-key")
    present = _manage("check", "--deploy", SURVEY_SEALING_KEY=sealing.generate_key())

    assert missing.returncode != 0 and "surveys.E001" in missing.stderr + missing.stdout
    assert malformed.returncode != 0 and "surveys.E002" in malformed.stderr + malformed.stdout
    assert "surveys.E0" not in present.stderr + present.stdout
