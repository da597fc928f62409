"""Starting and withdrawing a pursuit of a credential.

Refusals are `ValidationError`s keyed by the input field they are about (`credential_id`,
`cohort_id`, `pursuit_id`), with a `CredentialError` code; the GraphQL mutation base turns the
key into the payload error's `field` (camelCase).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cohorts.models import Membership
from notifications import outbox

from ..errors import CredentialError
from ..models import (
    Credential,
    CredentialVersion,
    Prerequisite,
    Pursuit,
    PursuitState,
    RequirementSlot,
    VersionStatus,
)
from ..progress import COHORT_SCOPED


def _refuse(field: str, message: str, code: CredentialError) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _titles(credential_ids: set[int]) -> dict[int, str]:
    """The published title of each credential (its key when none is published)."""
    titles = dict(Credential.objects.filter(pk__in=credential_ids).values_list("id", "key"))
    titles.update(
        CredentialVersion.objects.filter(
            credential_id__in=credential_ids, status=VersionStatus.PUBLISHED
        ).values_list("credential_id", "title")
    )
    return titles


def missing_prerequisites(person, version: CredentialVersion) -> list[str]:
    """What the person must earn before starting `version`, by name (empty: nothing).

    A credential counts once the person's pursuit of it is EARNED; a series once every one of
    its credentials is. A series with no credentials is never earned (seed 003: the
    foundational series starts empty, so its advocates wait until staff add them). The
    credential's own series may require another whole series too.
    """
    rows: list[tuple[int | None, int | None, str | None]] = list(
        Prerequisite.objects.filter(version=version).values_list(
            "required_credential_id", "required_series_id", "required_series__title"
        )
    )
    series = version.credential.series
    if series is not None and series.requires_series is not None:
        required = series.requires_series
        rows.append((None, required.pk, required.title))
    if not rows:
        return []
    series_ids = {series for _, series, _ in rows if series is not None}
    members: dict[int, set[int]] = {series: set() for series in series_ids}
    for member_id, member_series in Credential.objects.filter(series_id__in=series_ids).values_list(
        "id", "series_id"
    ):
        members[member_series].add(member_id)
    earned = set(
        Pursuit.objects.filter(person_id=person.pk, state=PursuitState.EARNED).values_list(
            "credential_id", flat=True
        )
    )
    wanted = {credential for credential, _, _ in rows if credential is not None}
    titles = _titles(wanted - earned)
    missing = []
    for credential_id, series_id, series_title in rows:
        if credential_id is not None and credential_id not in earned:
            missing.append(titles.get(credential_id, str(credential_id)))
        elif series_id is not None:
            needed = members.get(series_id, set())
            if not needed or not needed <= earned:
                missing.append(f"every credential of the series {series_title}")
    return list(dict.fromkeys(missing))


def needs_cohort(version: CredentialVersion) -> bool:
    """Whether any slot of the version (CHOICE options too) counts records of a cohort."""
    specs = RequirementSlot.objects.filter(version=version, kind="RECORDS").values_list(
        "spec", flat=True
    )
    return any(isinstance(spec, dict) and spec.get("source") in COHORT_SCOPED for spec in specs)


def pursuit_start(*, person, credential: Credential, cohort=None) -> Pursuit:
    """Start pursuing the credential's published version, counting records of `cohort`.

    Refusals: NOT_PUBLISHED (nothing published to start), ALREADY_PURSUING (one pursuit per
    person and credential, ever: the database's unique constraint decides between two
    concurrent starts), PREREQUISITE_NOT_MET (naming what to earn first), COHORT_REQUIRED (the
    version counts a cohort's records and none was named), NOT_FOUND (a cohort the person
    never belonged to, same as one that does not exist).
    """
    version = (
        CredentialVersion.objects.select_related("credential__series__requires_series")
        .filter(credential=credential, status=VersionStatus.PUBLISHED)
        .first()
    )
    if version is None:
        raise _refuse(
            "credential_id",
            "This credential has no published definition to start.",
            CredentialError.NOT_PUBLISHED,
        )
    if Pursuit.objects.filter(person_id=person.pk, credential=credential).exists():
        raise _refuse(
            "credential_id", "You already pursue this credential.", CredentialError.ALREADY_PURSUING
        )
    missing = missing_prerequisites(person, version)
    if missing:
        raise _refuse(
            "credential_id",
            f"Earn {'; '.join(missing)} before starting {version.title}.",
            CredentialError.PREREQUISITE_NOT_MET,
        )
    if cohort is not None:
        if not Membership.objects.filter(cohort_id=cohort.pk, person_id=person.pk).exists():
            raise _refuse("cohort_id", "No such cohort.", CredentialError.NOT_FOUND)
    elif needs_cohort(version):
        raise _refuse(
            "cohort_id",
            f"{version.title} counts records of a cohort: name one you are or were a member of.",
            CredentialError.COHORT_REQUIRED,
        )
    try:
        with transaction.atomic():
            return Pursuit.objects.create(
                person=person, credential=credential, version=version, cohort=cohort
            )
    except IntegrityError as error:
        # Another start won the race between the read above and this insert.
        raise _refuse(
            "credential_id", "You already pursue this credential.", CredentialError.ALREADY_PURSUING
        ) from error


@transaction.atomic
def pursuit_withdraw(*, person, pursuit: Pursuit) -> None:
    """Delete a pursuit still gathering evidence that was never submitted (its evidence
    items and consent requests go with it). Someone else's pursuit is NOT_FOUND."""
    locked = Pursuit.objects.select_for_update().filter(pk=pursuit.pk, person_id=person.pk).first()
    if locked is None:
        raise _refuse("pursuit_id", "No such pursuit.", CredentialError.NOT_FOUND)
    if locked.state != PursuitState.DRAFT:
        raise _refuse(
            "pursuit_id",
            "Only a pursuit still gathering evidence can be withdrawn.",
            CredentialError.NOT_DRAFT,
        )
    if locked.packets.exists():
        raise _refuse(
            "pursuit_id",
            "A pursuit with a submitted packet stays: its packets are kept for good.",
            CredentialError.NOT_ALLOWED,
        )
    # Its pushes still waiting (quiet hours) would open a pursuit that is gone: withdraw them.
    # The trailing colon keeps pursuit 1's prefix from matching pursuit 12's keys.
    for what in ("met", "ready", "blocked", "consent"):
        outbox.cancel(key_prefix=f"credential:{what}:{locked.pk}:")
    locked.delete()
