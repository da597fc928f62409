"""Coordinators' counts of a district's pursuits: how many, in which state, and for the drafts
where each requirement stands, per school and credential. Numbers only.

The pursuit query selects its state, the person's school id, the credential's key and the ids
progress needs, never a name, a piece of evidence or a packet. Requirement states come from
`selectors.pursuit_progress`, the owner's own computation, run over the drafts in batches; of
what it returns only each requirement's key and state are kept (its reasons name peers).
`tests/credentials/test_counts.py` checks the SQL and the result.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from backend.accounts import scope

from .models import CredentialVersion, Pursuit, PursuitState, VersionStatus
from .selectors import pursuit_progress

PROGRESS_BATCH = 200
"""Drafts whose progress is computed together: one batch costs a fixed number of queries
(`pursuit_progress`), and this many keeps the records a batch loads small."""

_STATE_ORDER = {state.value: index for index, state in enumerate(PursuitState)}
_REQUIREMENT_ORDER = {
    state: index
    for index, state in enumerate(
        ("NOT_STARTED", "IN_PROGRESS", "BLOCKED", "AWAITING_CAPABILITY", "MET")
    )
}


@dataclass(frozen=True)
class CredentialCount:
    """How many pursuits of one credential at one school are in `pursuit_state`; for a draft
    row with a requirement key, how many of those drafts have that requirement in
    `requirement_state`. `version_id` is the credential's current published version, else
    the latest version pursued."""

    school_id: int
    credential_id: int
    credential_key: str
    version_id: int
    pursuit_state: str
    requirement_key: str | None
    requirement_state: str | None
    count: int


def credential_counts(
    viewer, district_id: int, school_id: int | None = None
) -> list[CredentialCount] | None:
    """The district's (or one of its schools') counts, by school, credential, pursuit state
    and requirement; None for a district the viewer does not coordinate, one that does not
    exist, and a school that is not in it (the same answer for each)."""
    if not scope.reads_district_counts(viewer, district_id, school_id):
        return None
    pursuits = Pursuit.objects.filter(person__school__district_id=district_id)
    if school_id is not None:
        pursuits = pursuits.filter(person__school_id=school_id)
    rows = list(
        pursuits.order_by("pk").values_list(
            "pk",
            "state",
            "person__school_id",
            "credential_id",
            "credential__key",
            "credential__programme__position",
            "credential__position",
            "version_id",
            "person_id",
            "cohort_id",
        )
    )
    if not rows:
        return []

    by_state: Counter[tuple[int, int, str]] = Counter()
    by_requirement: Counter[tuple[int, int, str, str]] = Counter()
    requirement_position: dict[tuple[int, str], int] = {}
    keys: dict[int, str] = {}
    order: dict[int, tuple[int, int]] = {}
    newest_pursued: dict[int, int] = {}
    drafts: list[tuple[Pursuit, int, int]] = []
    for (pk, state, school, credential, key, programme_position, position, version, person,
         cohort) in rows:  # fmt: skip
        by_state[(school, credential, state)] += 1
        keys[credential] = key
        order[credential] = (programme_position, position)
        newest_pursued[credential] = max(newest_pursued.get(credential, 0), version)
        if state == PursuitState.DRAFT:
            # Only what progress reads: ids, no row of the person's.
            draft = Pursuit(pk=pk, version_id=version, person_id=person, cohort_id=cohort)
            drafts.append((draft, school, credential))

    for start in range(0, len(drafts), PROGRESS_BATCH):
        batch = drafts[start : start + PROGRESS_BATCH]
        progress = pursuit_progress([draft for draft, _, _ in batch])
        for draft, school, credential in batch:
            for index, requirement in enumerate(progress.get(draft.pk, [])):
                state = getattr(requirement.state, "value", requirement.state)
                by_requirement[(school, credential, requirement.slot_key, state)] += 1
                requirement_position.setdefault((credential, requirement.slot_key), index)

    published = dict(
        CredentialVersion.objects.filter(
            credential_id__in=keys, status=VersionStatus.PUBLISHED
        ).values_list("credential_id", "pk")
    )
    shown = {c: published.get(c, newest_pursued[c]) for c in keys}

    found = [
        CredentialCount(
            school, credential, keys[credential], shown[credential], state, None, None, count
        )
        for (school, credential, state), count in by_state.items()
    ]
    found += [
        CredentialCount(
            school,
            credential,
            keys[credential],
            shown[credential],
            PursuitState.DRAFT.value,
            key,
            state,
            count,
        )
        for (school, credential, key, state), count in by_requirement.items()
    ]
    found.sort(
        key=lambda c: (
            c.school_id,
            order[c.credential_id],
            _STATE_ORDER.get(c.pursuit_state, 99),
            c.requirement_key is not None,
            requirement_position.get((c.credential_id, c.requirement_key or ""), -1),
            _REQUIREMENT_ORDER.get(c.requirement_state or "", 99),
        )
    )
    return found
