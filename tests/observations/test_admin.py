from datetime import UTC, datetime

import pytest
from django.urls import reverse

from observations.models import Visit
from tests.observations.factories import visit as make_visit

pytestmark = pytest.mark.django_db

MODELS = [
    "visit",
    "studentlearningquestion",
    "reflectionsheet",
    "tool",
    "bellperiod",
    "timetableperiod",
]


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_staff_list_every_model(admin_client, host, visitor, model):
    make_visit(host=host, visitor=visitor, notes="Private notes")

    response = admin_client.get(reverse(f"admin:observations_{model}_changelist"))

    assert response.status_code == 200


def test_the_visit_page_shows_no_content(admin_client, host, visitor, slq):
    visit = make_visit(host=host, visitor=visitor, notes="Private notes", slq=slq)

    page = admin_client.get(reverse("admin:observations_visit_change", args=[visit.pk]))

    assert page.status_code == 200
    assert b"Private notes" not in page.content and slq.question.encode() not in page.content


def test_staff_cancel_visits_through_the_service(admin_client, host, visitor):
    visit = make_visit(host=host, visitor=visitor, starts_at=datetime(2026, 3, 3, 15, tzinfo=UTC))

    admin_client.post(
        reverse("admin:observations_visit_changelist"),
        {"action": "cancel_visits", "_selected_action": [visit.pk]},
    )

    visit.refresh_from_db()
    assert (visit.status, visit.status_reason) == ("CANCELLED", "Cancelled by the service's staff.")
    assert Visit.objects.get().participants.filter(is_active=True).count() == 0
