"""Where notifications meets the layers around it without importing them: accounts announces a
sign-out (`session_ended`) and notifications forgets the phone; apps above give the worker their
periodic jobs (`notifications.periodic`) and the worker runs them."""

import pytest

from backend.accounts.models import AccessToken
from backend.accounts.services.tokens import access_token_issue, access_token_revoke
from backend.accounts.signals import session_ended
from notifications import periodic
from notifications.models import Device

from .factories import DeviceFactory


@pytest.mark.django_db
def test_the_sign_out_service_forgets_that_sessions_phone_only(teacher):
    phone, _ = access_token_issue(user=teacher, device_name="phone")
    tablet, _ = access_token_issue(user=teacher, device_name="tablet")
    DeviceFactory(user=teacher, access_token=phone, token="phone-token")
    DeviceFactory(user=teacher, access_token=tablet, token="tablet-token")

    access_token_revoke(actor=teacher, token=phone)

    assert list(Device.objects.values_list("token", flat=True)) == ["tablet-token"]


@pytest.mark.django_db
def test_session_ended_is_sent_once_with_the_session(teacher):
    phone, _ = access_token_issue(user=teacher, device_name="phone")
    heard = []

    def listener(sender, *, access_token, **kwargs):
        heard.append((sender, access_token.pk))

    session_ended.connect(listener)
    try:
        access_token_revoke(actor=teacher, token=phone)
    finally:
        session_ended.disconnect(listener)

    assert heard == [(AccessToken, phone.pk)]


def test_a_worker_runs_each_job_once_per_interval(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    runs = []
    periodic.register("often", lambda: runs.append("often"), every_seconds=0)
    periodic.register("hourly", lambda: runs.append("hourly"), every_seconds=3600)
    schedule = periodic.Schedule()

    schedule.run_due()
    schedule.run_due()

    assert runs == ["often", "hourly", "often"]
    periodic.Schedule().run_due()  # a new worker run starts its own clock
    assert runs[-2:] == ["often", "hourly"]


def test_surveys_gives_the_worker_its_opening_of_closed_surveys():
    from surveys.jobs import SURVEY_OPENING_SECONDS, open_closed_surveys

    job = periodic._jobs["surveys.open"]

    assert job.run is open_closed_surveys
    assert job.every_seconds == SURVEY_OPENING_SECONDS
