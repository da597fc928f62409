"""Reading pursuits and their progress.

Progress is computed on every read, never stored (design 3.3): completing the eighth visit
makes the next read say MET with no other call. `pursuit_progress` runs a fixed number of
queries for any batch: the slots of the versions, the evidence items, the cohorts' membership
history, then one query per source kind the slots use (`sources.py`), so its count grows with
neither visits, sheets, pursuits nor credentials.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from surveys.settings import minimum_group_size, peer_feedback_minimum_group_size

from . import sources
from .models import ConsentGrant, ConsentScope, ConsentState, EvidenceItem, Pursuit, RequirementSlot
from .progress import Context as ProgressContext
from .progress import (
    EvidenceRow,
    MembershipRow,
    RequirementProgress,
    Slot,
    evaluate,
)
from .slot_kinds import word_count


def pursuits_of(person, state: str | None = None) -> QuerySet[Pursuit]:
    """The person's pursuits, newest first (optionally in one state)."""
    queryset = Pursuit.objects.filter(person_id=person.pk).select_related(
        "credential", "version", "cohort"
    )
    if state is not None:
        queryset = queryset.filter(state=state)
    return queryset


def pursuits_visible_to(user, queryset: QuerySet[Pursuit] | None = None) -> QuerySet[Pursuit]:
    """Pursuits `user` may read: their own, nobody else's (not their leader's, coordinator's
    or staff's: a pursuit holds the teacher's own words and choices)."""
    queryset = Pursuit.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(person_id=user.pk)


def pursuit_for(person, pursuit_id: Any) -> Pursuit | None:
    """The pursuit if it is the person's own; None for anyone else's and for unknown ids."""
    try:
        pk = int(pursuit_id)
    except (TypeError, ValueError):
        return None
    return pursuits_of(person).filter(pk=pk).first()


def _slot_trees(version_ids: list[int]) -> tuple[dict[int, list[Slot]], dict[int, str]]:
    """Top-level slots per version, CHOICE options nested, and each version's title (one
    query)."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in RequirementSlot.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "position", "id")
        .values(
            "id",
            "version_id",
            "version__title",
            "parent_id",
            "key",
            "kind",
            "title",
            "spec",
            "later_capability",
            "required_when",
        )
    ]
    children: dict[int, list[dict]] = defaultdict(list)
    titles: dict[int, str] = {}
    for row in rows:
        titles[row["version_id"]] = row["version__title"]
        if row["parent_id"] is not None:
            children[row["parent_id"]].append(row)

    def build(row: dict) -> Slot:
        return Slot(
            key=row["key"],
            kind=row["kind"],
            title=row["title"],
            spec=row["spec"] if isinstance(row["spec"], dict) else {},
            later_capability=row["later_capability"] or "",
            options=tuple(build(child) for child in children.get(row["id"], [])),
            required_when=row["required_when"] if isinstance(row["required_when"], dict) else None,
        )

    trees: dict[int, list[Slot]] = defaultdict(list)
    for row in rows:
        if row["parent_id"] is None:
            trees[row["version_id"]].append(build(row))
    return trees, titles


def _evidence(pursuit_ids: list[int]) -> dict[int, list[EvidenceRow]]:
    """Each pursuit's evidence items, payloads reduced to ids, word and entry counts (one
    query; the text is the teacher's own, read only to count its words)."""
    found: dict[int, list[EvidenceRow]] = defaultdict(list)
    queryset = (
        EvidenceItem.objects.filter(pursuit_id__in=pursuit_ids)
        .order_by("pursuit_id", "slot_key", "position", "id")
        .values_list(
            "pursuit_id",
            "slot_key",
            "visit_id",
            "reflection_sheet_id",
            "slq_id",
            "administration_id",
            "meeting_id",
            "photo_id",
            "prompt_key",
            "text",
            "choice_option",
            "list_entries",
            "attested_at",
        )
    )
    for (pursuit_id, slot_key, visit, sheet, slq, survey, meeting, photo, prompt_key, text,
         choice, entries, attested) in queryset:  # fmt: skip
        record = next((r for r in (visit, sheet, slq, survey, meeting) if r is not None), None)
        found[pursuit_id].append(
            EvidenceRow(
                slot_key=slot_key,
                record_id=record,
                photo_id=photo,
                prompt_key=prompt_key,
                words=None if text is None else word_count(text),
                choice_option=choice,
                list_entries=len(entries) if isinstance(entries, list) else None,
                attested=attested is not None,
            )
        )
    return found


def _sources_of(slots: Iterable[Slot]) -> set[str]:
    found: set[str] = set()
    for slot in slots:
        if slot.kind == "RECORDS":
            found.add(str(slot.spec.get("source", "")))
        found |= _sources_of(slot.options)
    return found


def pursuit_progress(pursuits: Iterable[Pursuit]) -> dict[int, list[RequirementProgress]]:
    """pursuit id -> progress of each top-level requirement of its version, in slot order."""
    batch = list(pursuits)
    if not batch:
        return {}
    now = timezone.now()
    trees, titles = _slot_trees(sorted({p.version_id for p in batch}))
    evidence = _evidence([p.pk for p in batch])
    needed: dict[str, set[int]] = defaultdict(set)  # source -> pursuits' person ids
    cohorts_needed: dict[str, set[int]] = defaultdict(set)
    for pursuit in batch:
        for source in _sources_of(trees.get(pursuit.version_id, [])):
            needed[source].add(pursuit.person_id)
            if pursuit.cohort_id is not None:
                cohorts_needed[source].add(pursuit.cohort_id)

    # One load per source kind (the visits made feed two kinds, the sheets two, the surveys two).
    def people_for(*kinds: str) -> set[int]:
        return set().union(*(needed.get(kind, set()) for kind in kinds))

    def cohorts_for(kind: str) -> set[int]:
        return cohorts_needed.get(kind, set())

    people = people_for(*needed)
    cohort_ids = set().union(*cohorts_needed.values())
    loaded: dict[str, list] = {}
    if who := people_for("VISIT_AS_VISITOR_TO_ROLE", "DATA_SET_COLLECTED"):
        made = sources.visits_made_by(who)
        loaded["VISIT_AS_VISITOR_TO_ROLE"] = loaded["DATA_SET_COLLECTED"] = made
    if where := cohorts_for("VISIT_BY_ROLE_TO_ROLE"):
        loaded["VISIT_BY_ROLE_TO_ROLE"] = sources.visits_between_members(where)
    if who := people_for("REFLECTION_SHEET_AS_HOST", "REFLECTION_SHEET_AS_FACILITATOR"):
        sheets = sources.sheets_of(who)
        loaded["REFLECTION_SHEET_AS_HOST"] = loaded["REFLECTION_SHEET_AS_FACILITATOR"] = sheets
    if who := people_for("SLQ_TOOL_CRAFTED_FOR_PEER"):
        loaded["SLQ_TOOL_CRAFTED_FOR_PEER"] = sources.slqs_crafted_by(who)
    if who := people_for("SURVEY_PAIR", "SURVEY_ADMINISTRATION"):
        surveys = sources.surveys_launched_by(who)
        loaded["SURVEY_PAIR"] = loaded["SURVEY_ADMINISTRATION"] = surveys
    if where := cohorts_for("MEETING_AGENDA"):
        loaded["MEETING_AGENDA"] = sources.meetings_of(where, now)
    if who := people_for("PROTOCOL_SESSION"):
        loaded["PROTOCOL_SESSION"] = sources.protocol_sessions_of(who, now)
    if who := people_for("PDSA"):
        loaded["PDSA"] = sources.pdsas_of(who)
    if who := people_for("RUN_CHART"):
        loaded["RUN_CHART"] = sources.run_charts_of(who)
    history: dict[int, list[MembershipRow]] = defaultdict(list)
    if cohort_ids and people:
        for row in sources.memberships(cohort_ids):
            history[row.cohort_id].append(row)

    minimum = minimum_group_size()
    result: dict[int, list[RequirementProgress]] = {}
    for pursuit in batch:
        ctx = ProgressContext(
            person_id=pursuit.person_id,
            cohort_id=pursuit.cohort_id,
            now=now,
            title=titles.get(pursuit.version_id, ""),
            memberships=history.get(pursuit.cohort_id, []) if pursuit.cohort_id else [],
            minimum_group_size=minimum,
            peer_feedback_minimum=peer_feedback_minimum_group_size(),
        )
        items = evidence.get(pursuit.pk, [])
        result[pursuit.pk] = [
            evaluate(slot, loaded, ctx, items) for slot in trees.get(pursuit.version_id, [])
        ]
    _apply_consents(result, titles, {p.pk: p.version_id for p in batch})
    return result


def _apply_consents(
    result: dict[int, list[RequirementProgress]],
    titles: dict[int, str],
    versions: dict[int, int],
) -> None:
    """A requirement with an item whose consent was declined or taken back is BLOCKED until
    the item is removed; one still waiting for an answer says whose (one query)."""
    if not result:
        return
    rows = ConsentGrant.objects.filter(
        pursuit_id__in=list(result),
        scope=ConsentScope.ITEM,
        state__in=[ConsentState.REQUESTED, ConsentState.DECLINED, ConsentState.REVOKED],
    ).values_list("pursuit_id", "evidence_item__slot_key", "state", "grantor__full_name")
    for pursuit_id, slot_key, state, name in rows:
        title = titles.get(versions.get(pursuit_id, 0), "")
        for row in result.get(pursuit_id, []):
            if row.slot_key != slot_key:
                continue
            if state == ConsentState.REQUESTED:
                row.reasons.append(f"{title}: waiting for {name} to allow an item")
            else:
                verb = "declined" if state == ConsentState.DECLINED else "took back"
                row.state = "BLOCKED"
                row.reasons.append(
                    f"{title}: blocked, {name} {verb} consent for an item; remove it or "
                    "choose another"
                )
