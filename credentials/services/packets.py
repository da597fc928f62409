"""Submitting a pursuit: every requirement met, every consent granted, every photo and text
confirmed free of student names; then its evidence is frozen into a packet.

The packet holds its own copy of everything (content, files, manifest) and never points back
at the records it came from, so editing or deleting them later cannot change it; the database
refuses changes to it (migration 0002). The pursuit row is locked for the whole submission, as
consent revocation locks it, so a revoke and a submit never interleave.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from notifications import outbox

from ..errors import CredentialError
from ..exports.canonical import sha256_hex
from ..exports.json_export import render_json
from ..exports.manifest import build_manifest, manifest_sha256
from ..models import (
    ConsentScope,
    ConsentState,
    EvidenceItem,
    Packet,
    PacketFile,
    Pursuit,
    PursuitState,
    RequirementSlot,
    SlotKind,
)
from ..selectors import pursuit_progress
from ..snapshot import build, items_needing_review


def _locked(person, pursuit: Pursuit) -> Pursuit:
    locked = Pursuit.objects.select_for_update().filter(pk=pursuit.pk, person=person).first()
    if locked is None:
        raise ValidationError("No such pursuit.", code=CredentialError.NOT_FOUND)
    return locked


_RECORD_IDS = (
    "visit_id",
    "reflection_sheet_id",
    "slq_id",
    "administration_id",
    "meeting_id",
    "pdsa_id",
    "measure_id",
)


def _records_missing(row, evidence: list[EvidenceItem]) -> str:
    """Why a RECORDS requirement met by the records the app holds is not yet in the packet:
    the packet holds only the records added as evidence, so as many of those that count as
    the requirement needs must be added (else it would be frozen MET and empty)."""
    counting = set(row.candidates)
    held = {
        record
        for item in evidence
        if item.slot_key == row.slot_key
        for record in (getattr(item, name) for name in _RECORD_IDS)
        if record is not None and record in counting
    }
    wanted = min(row.need, len(counting))
    if len(held) >= wanted:
        return ""
    return f"Add the records that count as evidence: {len(held)} of {wanted} added."


def submission_problems(pursuit: Pursuit) -> ValidationError | None:
    """Everything that stops `pursuit` from being submitted now, one error per cause."""
    errors: dict[str, list[ValidationError]] = {}
    evidence = list(EvidenceItem.objects.filter(pursuit=pursuit))
    kinds = dict(
        RequirementSlot.objects.filter(version_id=pursuit.version_id).values_list("key", "kind")
    )
    for row in pursuit_progress([pursuit]).get(pursuit.pk, []):
        if row.state != "MET":
            reason = "; ".join(row.reasons) or "not met yet"
        elif kinds.get(row.slot_key) == SlotKind.RECORDS:
            reason = _records_missing(row, evidence)
        else:
            continue
        if reason:
            errors.setdefault(f"requirements.{row.slot_key}", []).append(
                ValidationError(reason, code=CredentialError.REQUIREMENT_NOT_MET)
            )
    consents = pursuit.consents.all()
    if any(c.state == ConsentState.REQUESTED for c in consents):
        errors.setdefault("__all__", []).append(
            ValidationError(
                "Someone has not answered your consent request yet.",
                code=CredentialError.CONSENT_PENDING,
            )
        )
    if any(
        c.scope == ConsentScope.ITEM and c.state in (ConsentState.DECLINED, ConsentState.REVOKED)
        for c in consents
    ):
        errors.setdefault("__all__", []).append(
            ValidationError(
                "Someone declined or took back consent for an item: remove it or choose another.",
                code=CredentialError.CONSENT_DECLINED,
            )
        )
    photos, texts = items_needing_review(evidence)
    if photos:
        errors.setdefault("__all__", []).append(
            ValidationError(
                f"Confirm that {len(photos)} photo(s) show no student's name or face.",
                code=CredentialError.UNREVIEWED_PHOTO,
            )
        )
    if texts:
        errors.setdefault("__all__", []).append(
            ValidationError(
                f"Confirm that {len(texts)} text(s) name no student.",
                code=CredentialError.UNREVIEWED_TEXT,
            )
        )
    return ValidationError(errors) if errors else None


def packet_submit(*, person, pursuit: Pursuit, expected_revision: int) -> Packet:
    """Freeze the pursuit's evidence into its next packet and mark the pursuit SUBMITTED."""
    with transaction.atomic():
        pursuit = _locked(person, pursuit)
        if pursuit.state != PursuitState.DRAFT:
            raise ValidationError(
                "This pursuit is submitted already.", code=CredentialError.ALREADY_SUBMITTED
            )
        if expected_revision != pursuit.revision:
            raise ValidationError(
                {
                    "expected_revision": ValidationError(
                        f"The evidence changed (revision {pursuit.revision}); read it again.",
                        code=CredentialError.STALE_REVISION,
                    )
                }
            )
        problems = submission_problems(pursuit)
        if problems is not None:
            raise problems
        attempt = (pursuit.packets.aggregate(last=Max("attempt"))["last"] or 0) + 1
        submitted_at = timezone.now().replace(microsecond=0)
        snapshot = build(pursuit, attempt=attempt, submitted_at=submitted_at)
        content_bytes = render_json(snapshot.content)
        version = pursuit.version
        reference = uuid.uuid4()
        manifest = build_manifest(
            packet_id=str(reference),
            credential_key=version.credential.key,
            version_number=version.number,
            version_sha256=version.content_sha256,
            attempt=attempt,
            submitted_at=submitted_at,
            skills=snapshot.content["credential"]["skills"],
            content_bytes=content_bytes,
            files=[(f.path, f.data) for f in snapshot.files],
        )
        try:
            with transaction.atomic():
                packet = Packet.objects.create(
                    pursuit=pursuit,
                    reference=reference,
                    attempt=attempt,
                    version=version,
                    submitted_at=submitted_at,
                    submitted_by=person,
                    content=snapshot.content,
                    manifest=manifest,
                    manifest_sha256=manifest_sha256(manifest),
                )
        except IntegrityError as error:  # a concurrent submit won
            raise ValidationError(
                "This pursuit is submitted already.", code=CredentialError.ALREADY_SUBMITTED
            ) from error
        for file in snapshot.files:
            stored = PacketFile(
                packet=packet,
                path=file.path,
                sha256=sha256_hex(file.data),
                size=len(file.data),
                content_type=file.content_type,
            )
            stored.file.save(
                f"{packet.pk}-{file.path.rsplit('/', 1)[-1]}", ContentFile(file.data), save=False
            )
            stored.save()
        Pursuit.objects.filter(pk=pursuit.pk).update(
            state=PursuitState.SUBMITTED, revision=F("revision") + 1
        )
        # "Requirement met" and "ready" pushes still waiting (quiet hours) are about a draft
        # that is now submitted. The trailing colon keeps pursuit 1 from matching pursuit 12.
        for what in ("met", "ready"):
            outbox.cancel(key_prefix=f"credential:{what}:{pursuit.pk}:")
    packet.refresh_from_db()
    return packet


def packet_preview(*, person, pursuit: Pursuit) -> dict:
    """The content a submission now would freeze (same code), without writing anything."""
    attempt = (pursuit.packets.aggregate(last=Max("attempt"))["last"] or 0) + 1
    return build(
        pursuit,
        attempt=attempt,
        submitted_at=timezone.now().replace(microsecond=0),
        read_files=False,
    ).content
