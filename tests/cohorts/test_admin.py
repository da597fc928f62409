"""Staff pages for cohorts, meetings and protocols render and act through the services."""

import pytest
from django.test import Client
from django.urls import reverse

from backend import live
from cohorts.models import Cohort, Protocol
from tests.cohorts.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_the_admin_pages_render(admin_client_for, network):
    meeting = MeetingFactory(cohort=network.cohort)
    protocol = Protocol.objects.filter(school__isnull=True).first()
    pages = [
        reverse("admin:cohorts_cohort_changelist"),
        reverse("admin:cohorts_cohort_change", args=[network.cohort.pk]),
        reverse("admin:cohorts_meeting_changelist"),
        reverse("admin:cohorts_meeting_change", args=[meeting.pk]),
        reverse("admin:cohorts_protocol_changelist"),
        reverse("admin:cohorts_protocol_change", args=[protocol.pk]),
        reverse("admin:cohorts_cohortinvitation_changelist"),
    ]

    for page in pages:
        assert admin_client_for.get(page).status_code == 200, page


def test_archiving_from_the_admin_uses_the_service(admin_client_for, network):
    upcoming = MeetingFactory(cohort=network.cohort)

    admin_client_for.post(
        reverse("admin:cohorts_cohort_changelist"),
        {"action": "archive", "_selected_action": [network.cohort.pk]},
    )

    assert Cohort.objects.get().archived_at is not None
    upcoming.refresh_from_db()
    assert upcoming.cancelled_at is not None


def test_cancelling_from_the_admin_uses_the_service(admin_client_for, network):
    meeting = MeetingFactory(cohort=network.cohort)

    admin_client_for.post(
        reverse("admin:cohorts_meeting_changelist"),
        {"action": "cancel", "_selected_action": [meeting.pk]},
    )

    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None


def _settings_form(cohort, **changes) -> dict:
    data = {
        "name": cohort.name,
        "school_year": cohort.school_year,
        "target_blue_count": cohort.target_blue_count,
        "target_yellow_count": cohort.target_yellow_count,
        "enforce_targets": "on" if cohort.enforce_targets else "",
        # the read-only inlines still send their management forms
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "links-TOTAL_FORMS": 0,
        "links-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def _change(client, cohort, **changes):
    url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])
    return client.post(url, _settings_form(cohort, **changes))


def test_editing_a_cohort_in_the_admin_goes_through_the_service(
    admin_client_for, network, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(live, "_send", lambda group, message: sent.append(message))

    with django_capture_on_commit_callbacks(execute=True):
        response = _change(admin_client_for, network.cohort, name="Lincoln peers")

    assert response.status_code == 302
    assert Cohort.objects.get().name == "Lincoln peers"
    # The service told the cohort's phones, once: the form's trial run was rolled back.
    assert [m["payload"]["kind"] for m in sent if m["event"] == "cohort_changed"] == [
        "COHORT_UPDATED"
    ]


def test_the_admin_shows_the_services_refusal_on_the_field_and_saves_nothing(
    admin_client_for, network
):
    cohort = network.cohort
    before = Cohort.objects.values().get(pk=cohort.pk)

    response = _change(
        admin_client_for, cohort, name="Renamed", target_blue_count=2, enforce_targets="on"
    )

    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert "target_blue_count" in errors and "more than 2" in str(errors["target_blue_count"])
    assert Cohort.objects.values().get(pk=cohort.pk) == before


def test_an_archived_cohort_cannot_be_edited_in_the_admin(admin_client_for, network):
    admin_client_for.post(
        reverse("admin:cohorts_cohort_changelist"),
        {"action": "archive", "_selected_action": [network.cohort.pk]},
    )
    cohort = Cohort.objects.get()

    response = _change(admin_client_for, cohort, name="Too late")

    assert response.status_code == 200
    assert "archived" in str(response.context["adminform"].form.non_field_errors())
    assert Cohort.objects.get().name == cohort.name


def test_protocols_are_read_only_in_the_admin(admin_client_for, network):
    protocol = Protocol.objects.filter(school__isnull=True).first()
    url = reverse("admin:cohorts_protocol_change", args=[protocol.pk])

    response = admin_client_for.post(url, {"name": "Renamed", "key": protocol.key})

    assert response.status_code == 403
    assert Protocol.objects.get(pk=protocol.pk).name == protocol.name
    assert admin_client_for.get(reverse("admin:cohorts_protocol_add")).status_code == 403
