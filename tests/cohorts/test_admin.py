"""Staff pages for cohorts, meetings and protocols render and act through the services."""

import pytest
from django.test import Client
from django.urls import reverse

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
