"""Answering consent requests: grant, decline, and take back a grant while the packet is not
submitted.

Only the person asked (the grantor) may answer; anyone else gets NOT_FOUND, as for a request
that does not exist. Each call locks the pursuit row first, like every evidence change and
`packet_submit`, so a revocation and a submission serialise: whichever comes second sees the
other's result (after submission, ALREADY_SUBMITTED). A declined or revoked item blocks its
requirement, and its owner gets a push saying so.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from graphql_relay import to_global_id

from notifications import outbox
from notifications.models import Kind

from ..errors import CredentialError
from ..models import ConsentGrant, ConsentScope, ConsentState, Pursuit, PursuitState
from .evidence import cancel_pushes_of_the_answered, field_error, touch


def _locked(person, consent: ConsentGrant) -> tuple[Pursuit, ConsentGrant]:
    """Lock the pursuit, then read the request again: it must be addressed to `person`."""
    missing = field_error("consent_id", "No such consent request.", CredentialError.NOT_FOUND)
    pursuit_id = (
        ConsentGrant.objects.filter(pk=consent.pk, grantor_id=person.pk)
        .values_list("pursuit_id", flat=True)
        .first()
    )
    if pursuit_id is None:
        if ConsentGrant.objects.filter(pk=consent.pk, pursuit__person_id=person.pk).exists():
            # Its owner sees the request (and its answer) but is not the one asked.
            raise field_error(
                "consent_id",
                "Only the person asked can answer this request.",
                CredentialError.NOT_ALLOWED,
            )
        raise missing
    pursuit = Pursuit.objects.select_for_update().filter(pk=pursuit_id).first()
    fresh = (
        ConsentGrant.objects.select_for_update().filter(pk=consent.pk, grantor_id=person.pk).first()
    )
    if pursuit is None or fresh is None:  # the item left the draft meanwhile
        raise missing
    return pursuit, fresh


def _decide(person, consent: ConsentGrant, state: ConsentState) -> ConsentGrant:
    pursuit, consent = _locked(person, consent)
    if consent.state != ConsentState.REQUESTED:
        raise field_error(
            "consent_id",
            f"You already answered this request ({consent.get_state_display().lower()}).",
            CredentialError.CONSENT_DECIDED,
        )
    consent.state = state
    consent.decided_at = timezone.now()
    consent.save(update_fields=["state", "decided_at"])
    cancel_pushes_of_the_answered(pursuit)
    if state == ConsentState.DECLINED:
        _tell_blocked(pursuit, consent, "declined")
    touch(pursuit)
    return consent


@transaction.atomic
def consent_grant(*, person, consent: ConsentGrant) -> ConsentGrant:
    """Agree that the item (or your name) goes into the packet."""
    return _decide(person, consent, ConsentState.GRANTED)


@transaction.atomic
def consent_decline(*, person, consent: ConsentGrant) -> ConsentGrant:
    """Refuse: an item cannot be submitted; a name is shown by role instead."""
    return _decide(person, consent, ConsentState.DECLINED)


@transaction.atomic
def consent_revoke(*, person, consent: ConsentGrant) -> ConsentGrant:
    """Take back a consent you granted, as long as the packet is not submitted."""
    pursuit, consent = _locked(person, consent)
    if pursuit.state != PursuitState.DRAFT:
        raise ValidationError(
            "The packet is submitted: what it holds can no longer change.",
            code=CredentialError.ALREADY_SUBMITTED,
        )
    if consent.state != ConsentState.GRANTED:
        code = (
            CredentialError.INVALID
            if consent.state == ConsentState.REQUESTED
            else CredentialError.CONSENT_DECIDED
        )
        message = (
            "You have not granted this yet: decline it instead."
            if consent.state == ConsentState.REQUESTED
            else "There is no consent to take back."
        )
        raise field_error("consent_id", message, code)
    consent.state = ConsentState.REVOKED
    consent.decided_at = timezone.now()
    consent.save(update_fields=["state", "decided_at"])
    _tell_blocked(pursuit, consent, "took back their consent for")
    touch(pursuit)
    return consent


def _tell_blocked(pursuit: Pursuit, consent: ConsentGrant, verb: str) -> None:
    """The owner's push when an item cannot be submitted any more. A declined NAME blocks
    nothing (the peer is shown by role and number), so it pushes nothing."""
    if consent.scope != ConsentScope.ITEM or consent.evidence_item is None:
        return
    slot_key = consent.evidence_item.slot_key
    title = pursuit.version.title
    outbox.schedule(
        recipient=pursuit.person,
        kind=Kind.CREDENTIAL_SLOT_BLOCKED,
        key=f"credential:blocked:{pursuit.pk}:{slot_key}",
        due_at=None,
        title="A requirement is blocked",
        body=(
            f"{consent.grantor.full_name} {verb} an item of your {title} evidence: "
            "remove it or choose another."
        ),
        target_type="Pursuit",
        target_id=to_global_id("Pursuit", pursuit.pk),
    )
