"""Consent: asked when an item names or belongs to a peer, answered only by that peer,
taken back only while the packet is not submitted."""

import pytest
from django.core.exceptions import ValidationError

from credentials.models import ConsentGrant, Pursuit
from credentials.selectors_consent import consent_asked_of, consents_asked_of
from credentials.services.consent import consent_decline, consent_grant, consent_revoke
from credentials.services.evidence import evidence_item_add
from notifications.models import Kind, Notification, Status
from tests.credentials.evidence_records import error_rows

# The fixtures (version, people, pursuit, counted, make_visit) live there.
pytest_plugins = ["tests.credentials.evidence_setup"]
pytestmark = pytest.mark.django_db


def refused(call, **arguments) -> list[tuple]:
    with pytest.raises(ValidationError) as caught:
        call(**arguments)
    return error_rows(caught.value)


def codes(rows) -> list[tuple]:
    return [(field, code) for field, code, _ in rows]


@pytest.fixture
def asked(pursuit, people, counted, make_visit):
    """Two visits of the leader to Bea Blue as evidence: two requests to her."""
    visits = [make_visit(day=7), make_visit(day=8)]
    counted["data"] = [v.pk for v in visits]
    for made in visits:
        evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="data", record=made)
    return list(ConsentGrant.objects.order_by("id"))


def blocked_pushes(_pursuit=None):
    return list(
        Notification.objects.filter(kind=Kind.CREDENTIAL_SLOT_BLOCKED).values_list(
            "recipient__full_name", "key", "target_type"
        )
    )


def test_the_grantor_sees_what_they_are_asked(asked, people):
    assert list(consents_asked_of(people.blue)) == asked[::-1]  # newest first
    assert list(consents_asked_of(people.blue, state="GRANTED")) == []
    assert consent_asked_of(people.blue, asked[0].pk) == asked[0]
    for other in (people.leader, people.yellow, people.outsider):
        assert not consents_asked_of(other).exists()
        assert consent_asked_of(other, asked[0].pk) is None


def test_granting_then_revoking_while_a_draft(asked, pursuit, people):
    before = Pursuit.objects.get(pk=pursuit.pk).revision

    granted = consent_grant(person=people.blue, consent=asked[0])
    assert (granted.state, granted.decided_at is not None) == ("GRANTED", True)
    assert blocked_pushes(pursuit) == []

    revoked = consent_revoke(person=people.blue, consent=asked[0])

    assert ConsentGrant.objects.get(pk=asked[0].pk).state == "REVOKED"
    assert revoked.decided_at >= granted.decided_at
    assert blocked_pushes(pursuit) == [
        ("Lena Leader", f"credential:blocked:{pursuit.pk}:data", "Pursuit")
    ]
    assert "Bea Blue took back" in Notification.objects.get(kind=Kind.CREDENTIAL_SLOT_BLOCKED).body
    assert Pursuit.objects.get(pk=pursuit.pk).revision == before + 2


def test_declining_blocks_the_requirement_and_tells_its_owner(asked, pursuit, people):
    declined = consent_decline(person=people.blue, consent=asked[1])

    assert declined.state == "DECLINED" and declined.decided_at is not None
    assert blocked_pushes(pursuit) == [
        ("Lena Leader", f"credential:blocked:{pursuit.pk}:data", "Pursuit")
    ]


def test_a_request_is_answered_once(asked, people):
    consent_grant(person=people.blue, consent=asked[0])
    consent_decline(person=people.blue, consent=asked[1])

    for call in (consent_grant, consent_decline):
        for consent in asked:
            assert codes(refused(call, person=people.blue, consent=consent)) == [
                ("consent_id", "CONSENT_DECIDED")
            ]
    # Only a grant can be taken back.
    assert codes(refused(consent_revoke, person=people.blue, consent=asked[1])) == [
        ("consent_id", "CONSENT_DECIDED")
    ]


def test_an_unanswered_request_is_declined_not_revoked(asked, people):
    rows = refused(consent_revoke, person=people.blue, consent=asked[0])
    assert codes(rows) == [("consent_id", "INVALID")]
    assert ConsentGrant.objects.get(pk=asked[0].pk).state == "REQUESTED"


def test_no_revoking_after_submission(asked, pursuit, people):
    consent_grant(person=people.blue, consent=asked[0])
    Pursuit.objects.filter(pk=pursuit.pk).update(state="SUBMITTED")

    rows = refused(consent_revoke, person=people.blue, consent=asked[0])

    assert codes(rows) == [(None, "ALREADY_SUBMITTED")]
    assert ConsentGrant.objects.get(pk=asked[0].pk).state == "GRANTED"
    assert blocked_pushes(pursuit) == []


def test_answering_the_last_request_withdraws_the_pending_push(asked, pursuit, people):
    [push] = Notification.objects.filter(kind=Kind.CONSENT_REQUESTED)

    consent_grant(person=people.blue, consent=asked[0])
    assert Notification.objects.get(pk=push.pk).status == Status.PENDING  # one still asked
    consent_grant(person=people.blue, consent=asked[1])
    assert Notification.objects.get(pk=push.pk).status == Status.CANCELLED


def test_nobody_but_the_grantor_answers_or_revokes(asked, pursuit, people):
    consent_grant(person=people.blue, consent=asked[0])
    missing = ConsentGrant(pk=10**9)

    for attacker in (people.outsider, people.yellow):
        for call in (consent_grant, consent_decline, consent_revoke):
            for consent in asked:
                rows = refused(call, person=attacker, consent=consent)
                assert rows == refused(call, person=attacker, consent=missing)
                assert rows == [("consent_id", "NOT_FOUND", "No such consent request.")]
    # The pursuit's owner sees the requests (and the answers) but cannot answer for anyone.
    for call in (consent_grant, consent_decline, consent_revoke):
        for consent in asked:
            assert refused(call, person=people.leader, consent=consent) == [
                ("consent_id", "NOT_ALLOWED", "Only the person asked can answer this request.")
            ]

    states = list(ConsentGrant.objects.order_by("id").values_list("state", flat=True))
    assert states == ["GRANTED", "REQUESTED"]
    assert blocked_pushes(pursuit) == []


def test_a_declined_name_blocks_nothing_and_pushes_nothing(pursuit, people, counted, make_visit):
    made = make_visit(host=people.yellow, visitor=people.blue)
    counted["will"] = [made.pk]
    evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="will", record=made)
    name = ConsentGrant.objects.get(grantor=people.yellow)

    declined = consent_decline(person=people.yellow, consent=name)

    assert (declined.scope, declined.state) == ("NAME", "DECLINED")
    assert blocked_pushes(pursuit) == []


def test_a_declined_item_blocks_its_requirement_with_the_reason(asked, pursuit, people):
    from credentials.progress import RequirementProgress
    from credentials.selectors import _apply_consents

    def progress():
        rows = {pursuit.pk: [RequirementProgress("data", "MET", have=2, need=2)]}
        _apply_consents(
            rows, {pursuit.version_id: "Collecting Data"}, {pursuit.pk: pursuit.version_id}
        )
        return rows[pursuit.pk][0]

    waiting = progress()
    consent_decline(person=people.blue, consent=asked[0])
    declined = progress()

    assert waiting.state == "MET"
    assert waiting.reasons == ["Collecting Data: waiting for Bea Blue to allow an item"] * 2
    assert declined.state == "BLOCKED"
    assert (
        "Collecting Data: blocked, Bea Blue declined consent for an item; remove it or choose "
        "another"
    ) in declined.reasons
