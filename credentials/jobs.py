"""The credentials' periodic job, run by the reminder worker between rounds (registered in
apps.py): "a requirement of yours is now met" and "your credential is ready to submit".

Progress is computed on read and never stored (design 3.3), so nothing tells the app when a
requirement becomes met: the eighth visit is completed in observations, which knows nothing of
credentials. This job reads the progress of every DRAFT pursuit, 200 at a time, and compares it
with `RequirementMet`, the watermark of what was already announced:

- a requirement MET without its row: insert the row and schedule the push, in one transaction.
  The unique index (pursuit, slot_key) decides between two workers racing: the one whose insert
  loses pushes nothing;
- a row whose requirement is no longer MET (a visit cancelled, an item removed): delete it and
  withdraw its push if still pending, so meeting the requirement again pushes again;
- every requirement MET and no consent pending, declined or taken back: the same with the row
  `READY_MARK`, and the push CREDENTIAL_READY.

The outbox applies each person's preferences and quiet hours at delivery; here we only schedule.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from graphql_relay import to_global_id

from notifications import outbox
from notifications.models import Kind

from .models import (
    ConsentGrant,
    ConsentScope,
    ConsentState,
    Pursuit,
    PursuitState,
    RequirementMet,
    RequirementSlot,
)
from .progress import MET, RequirementProgress
from .selectors import pursuit_progress

logger = logging.getLogger("notifications.worker")  # the worker's log, where operators read it

PROGRESS_WATCH_SECONDS = 120.0
BATCH_SIZE = 200

# The watermark of the READY push is a RequirementMet row under this key rather than a column
# or table of its own: it needs exactly the same once-only insert and the same deletion when
# the pursuit stops being ready. No slot can be called this: slot keys are the catalogue's
# lowercase words joined by hyphens, never starting with an underscore.
READY_MARK = "__ready__"

PURSUIT_TYPE = "Pursuit"  # the GraphQL type the phone opens (`node(id:)`)


def met_key_prefix(pursuit_id: int, slot_key: str) -> str:
    return f"credential:met:{pursuit_id}:{slot_key}:"


def ready_key_prefix(pursuit_id: int) -> str:
    return f"credential:ready:{pursuit_id}:"


# A key ends with the id of the watermark row it announces. The outbox never sends a key twice
# (scheduling a SENT key again leaves it alone), so a requirement met, lost and met again needs
# a key of its own to push again; the row's id is new each time it is inserted.
def met_key(pursuit_id: int, slot_key: str, mark_id: int) -> str:
    return f"{met_key_prefix(pursuit_id, slot_key)}{mark_id}"


def ready_key(pursuit_id: int, mark_id: int) -> str:
    return f"{ready_key_prefix(pursuit_id)}{mark_id}"


@dataclass
class Changes:
    """What one pursuit's progress changed since the last run."""

    newly_met: list[RequirementProgress] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # slot keys (READY_MARK too)
    newly_ready: bool = False

    def __bool__(self) -> bool:
        return bool(self.newly_met or self.lost or self.newly_ready)


@dataclass
class Outcome:
    met: int = 0
    ready: int = 0
    lost: int = 0


def progress_watch() -> Outcome:
    """Push what became met or ready in every DRAFT pursuit since the last run."""
    outcome = Outcome()
    last_id = 0
    while True:
        # Keyset pages by id: each batch is one bounded query, and a pursuit started while the
        # job runs is simply seen by this run or the next.
        batch = list(
            Pursuit.objects.filter(state=PursuitState.DRAFT, pk__gt=last_id)
            .select_related("person", "version")
            .order_by("pk")[:BATCH_SIZE]
        )
        if batch:
            _watch(batch, outcome)
            last_id = batch[-1].pk
        if len(batch) < BATCH_SIZE:
            break
    if outcome.met or outcome.ready:
        logger.info(
            "Credentials: %d requirement(s) newly met, %d pursuit(s) ready",
            outcome.met,
            outcome.ready,
        )
    return outcome


def _watch(batch: list[Pursuit], outcome: Outcome) -> None:
    ids = [pursuit.pk for pursuit in batch]
    # The watermarks are read before progress: a row another worker inserts in between only
    # makes our insert lose to the unique index, which pushes nothing.
    marks: dict[int, set[str]] = defaultdict(set)
    for pursuit_id, slot_key in RequirementMet.objects.filter(pursuit_id__in=ids).values_list(
        "pursuit_id", "slot_key"
    ):
        marks[pursuit_id].add(slot_key)
    progress = pursuit_progress(batch)

    complete = [p.pk for p in batch if _all_met(progress.get(p.pk, []))]
    held_up = _consents_holding_up(complete) if complete else set()

    changes: dict[int, Changes] = {}
    for pursuit in batch:
        rows = progress.get(pursuit.pk, [])
        had = marks.get(pursuit.pk, set())
        met_now = {row.slot_key for row in rows if row.state == MET}
        ready_now = pursuit.pk in complete and pursuit.pk not in held_up
        found = Changes(
            newly_met=[row for row in rows if row.state == MET and row.slot_key not in had],
            lost=sorted(key for key in had - {READY_MARK} if key not in met_now),
            newly_ready=ready_now and READY_MARK not in had,
        )
        if READY_MARK in had and not ready_now:
            found.lost.append(READY_MARK)
        if found:
            changes[pursuit.pk] = found
    if not changes:
        return

    titles = _slot_titles({p.version_id for p in batch if p.pk in changes})
    for pursuit in batch:
        if pursuit.pk in changes:
            _apply(pursuit, changes[pursuit.pk], titles, outcome)


def _all_met(rows: list[RequirementProgress]) -> bool:
    return bool(rows) and all(row.state == MET for row in rows)


def _consents_holding_up(pursuit_ids: Iterable[int]) -> set[int]:
    """Pursuits that cannot be submitted for a consent (design 3.4: ready means every
    requirement met *and* consents granted): one unanswered, or an item's declined or taken
    back. A declined NAME holds nothing up (that peer is shown by role)."""
    return set(
        ConsentGrant.objects.filter(pursuit_id__in=list(pursuit_ids))
        .filter(
            Q(state=ConsentState.REQUESTED)
            | Q(
                scope=ConsentScope.ITEM,
                state__in=[ConsentState.DECLINED, ConsentState.REVOKED],
            )
        )
        .values_list("pursuit_id", flat=True)
        .distinct()
    )


def _slot_titles(version_ids: set[int]) -> dict[tuple[int, str], str]:
    return {
        (version_id, key): title
        for version_id, key, title in RequirementSlot.objects.filter(
            version_id__in=version_ids, parent__isnull=True
        ).values_list("version_id", "key", "title")
    }


def _apply(
    pursuit: Pursuit, found: Changes, titles: dict[tuple[int, str], str], outcome: Outcome
) -> None:
    with transaction.atomic():
        # The submission and the withdrawal lock this row: a pursuit submitted or withdrawn
        # since the batch was read gets nothing (on SQLite the write lock serialises them).
        still_draft = list(
            Pursuit.objects.select_for_update()
            .filter(pk=pursuit.pk, state=PursuitState.DRAFT)
            .values_list("pk", flat=True)
        )
        if not still_draft:
            return
        if found.lost:
            RequirementMet.objects.filter(pursuit=pursuit, slot_key__in=found.lost).delete()
            for slot_key in found.lost:
                # Not met any more: a push still waiting (quiet hours) would now be untrue.
                outbox.cancel(
                    key_prefix=ready_key_prefix(pursuit.pk)
                    if slot_key == READY_MARK
                    else met_key_prefix(pursuit.pk, slot_key)
                )
            outcome.lost += len(found.lost)
        for row in found.newly_met:
            mark = _mark(pursuit, row.slot_key)
            if mark is None:
                continue
            title = titles.get((pursuit.version_id, row.slot_key), row.slot_key)
            _push(
                pursuit,
                kind=Kind.CREDENTIAL_REQUIREMENT_MET,
                key=met_key(pursuit.pk, row.slot_key, mark.pk),
                title="Requirement met",
                body=met_body(pursuit.version.title, title, row),
            )
            outcome.met += 1
        if found.newly_ready:
            mark = _mark(pursuit, READY_MARK)
            if mark is not None:
                _push(
                    pursuit,
                    kind=Kind.CREDENTIAL_READY,
                    key=ready_key(pursuit.pk, mark.pk),
                    title="Ready to submit",
                    body=ready_body(pursuit.version.title),
                )
                outcome.ready += 1


def _mark(pursuit: Pursuit, slot_key: str) -> RequirementMet | None:
    """Insert the watermark; None when another run inserted it first (it pushed, not us)."""
    try:
        # A savepoint: the unique index refusing our row must not end the transaction.
        with transaction.atomic():
            return RequirementMet.objects.create(
                pursuit=pursuit, slot_key=slot_key, met_at=timezone.now()
            )
    except IntegrityError:
        return None


def _push(pursuit: Pursuit, *, kind: Kind, key: str, title: str, body: str) -> None:
    outbox.schedule(
        recipient=pursuit.person,
        kind=kind,
        key=key,
        due_at=None,
        title=title,
        body=body,
        target_type=PURSUIT_TYPE,
        target_id=to_global_id(PURSUIT_TYPE, pursuit.pk),
    )


def met_body(credential_title: str, slot_title: str, row: RequirementProgress) -> str:
    """One line for a lock screen: "Building Will: blue dots 4 of 4 — requirement met".
    The progress reason already starts with the credential's title and says the count; a
    requirement without a count (a text, a tick) is named by its title."""
    summary = row.reasons[0] if row.reasons else f"{credential_title}: {_lower(slot_title)}"
    return f"{summary} — requirement met"


def ready_body(credential_title: str) -> str:
    return f"{credential_title}: every requirement is met. Check your evidence and submit it."


def _lower(title: str) -> str:
    # "Agree to answer questions" reads "agree to answer questions" mid-sentence; an acronym
    # ("PDSA cycles") keeps its capitals.
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]
