"""Sensitive account actions leave an audit trail that staff can read and nobody can edit."""

import re

import pytest
from django.core import mail
from graphql_relay import to_global_id

from backend.audit.models import Action, AuditEvent


@pytest.mark.django_db(transaction=True)
def test_invitations_and_their_acceptance_are_audited(api, api_for, leader):
    inviter = api_for(leader)
    inviter.data(
        'mutation I($s: ID!) { invitationCreate(input: {email: "a@example.org", schoolId: $s}) { errors { code } } }',  # noqa: E501
        {"s": to_global_id("School", leader.school_id)},
    )
    code = "".join(re.search(r"([A-Z2-9]{4})-([A-Z2-9]{4})", mail.outbox[-1].body).groups())
    api.data(
        'mutation A($c: String!) { invitationAccept(input: {email: "a@example.org", code: $c, password: "a-long-enough-passphrase", fullName: "A", deviceName: "p"}) { errors { code } } }',  # noqa: E501
        {"c": code},
    )

    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor__email"))
    assert actions == [
        (Action.INVITATION_SENT, leader.email),
        (Action.INVITATION_ACCEPTED, "a@example.org"),
    ]
    assert AuditEvent.objects.first().request_id


@pytest.mark.django_db
def test_sign_out_is_audited(api_for, teacher):
    api_for(teacher).data("mutation { sessionSignOut { errors { code } } }")

    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == (Action.SESSION_REVOKED, teacher)
    assert event.details == {"device_name": "Test phone"}


@pytest.mark.django_db
def test_staff_read_the_log_but_cannot_change_it(client, staff, teacher):
    event = AuditEvent.objects.create(actor=teacher, action=Action.EXPORT)
    client.force_login(staff)

    listing = client.get("/admin/audit/auditevent/")
    delete = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
