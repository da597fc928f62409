"""Staff change a credential in the admin without code: New version makes a draft, Publish
retires the old version, and a published version cannot be edited there."""

import pytest
from django.urls import reverse

from credentials.models import CredentialVersion, RequirementSlot
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _action(client, action: str, version) -> None:
    response = client.post(
        reverse("admin:credentials_credentialversion_changelist"),
        {"action": action, "_selected_action": [version.pk]},
    )
    assert response.status_code == 302


def test_staff_make_a_new_version_edit_it_and_publish_it(programme_catalogue, client):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    published = CredentialVersion.objects.get(credential__key="building-will", status="PUBLISHED")

    _action(client, "new_version", published)
    draft = CredentialVersion.objects.get(credential__key="building-will", status="DRAFT")
    slot = draft.slots.order_by("position").first()
    RequirementSlot.objects.filter(pk=slot.pk).update(title="Visit your four blue dots")
    _action(client, "publish", draft)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status, draft.number) == ("RETIRED", "PUBLISHED", 2)
    assert published.slots.order_by("position").first().title != "Visit your four blue dots"
    assert draft.created_by == staff


def test_a_published_version_is_read_only_in_the_admin(programme_catalogue, client):
    client.force_login(StaffFactory(is_superuser=True))
    published = CredentialVersion.objects.get(credential__key="building-will", status="PUBLISHED")
    url = reverse("admin:credentials_credentialversion_change", args=[published.pk])

    page = client.get(url)
    client.post(url, {"title": "Renamed"})

    published.refresh_from_db()
    assert page.status_code == 200 and b'name="title"' not in page.content
    assert published.title == "Building Will"
