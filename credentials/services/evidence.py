"""Proposing evidence for a pursuit still in DRAFT: records of the other apps, the teacher's own
writing, a chosen option, typed lists, attestations, and the "names no student" confirmation.

Every function is one transaction that locks the pursuit row first (`select_for_update`), so two
changes of one pursuit, or a change and `packet_submit` (which locks it too), never interleave;
each change bumps `Pursuit.revision`, so a submit names the evidence it read.

Privacy: a record reaches these functions already loaded through the readable selectors (the
GraphQL layer does that); they check the same visibility again and answer NOT_FOUND exactly as
for a record that does not exist. Evidence widens no reading: an item grants nothing to anyone.
A record that belongs to someone else (their visit, sheet or question) is asked of them: a
REQUESTED `ConsentGrant` is written in the same transaction as the item, and one push per
person is scheduled however many items ask them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from graphql_relay import to_global_id

from cohorts.models import Meeting
from cohorts.selectors import meetings_visible_to
from improvement.models import Measure, Pdsa
from improvement.selectors import measures_visible_to, pdsas_visible_to
from notifications import outbox
from notifications.models import Kind, Notification, Status
from observations.models import Photo, ReflectionSheet, StudentLearningQuestion, Visit
from observations.selectors import (
    photos_visible_to,
    reflection_sheets_visible_to,
    slqs_visible_to,
    visit_summaries_visible_to,
    visits_visible_to,
)
from surveys.models import Administration
from surveys.selectors import administrations_managed_by

from .. import selectors as credential_selectors
from ..errors import CredentialError
from ..models import (
    ConsentFrom,
    ConsentGrant,
    ConsentScope,
    ConsentState,
    EvidenceItem,
    Pursuit,
    PursuitState,
    RequirementSlot,
    SlotKind,
)
from ..slot_kinds import RecordSource, word_count

# The EvidenceItem field that holds each kind of record.
RECORD_FIELDS: dict[type, str] = {
    Visit: "visit",
    ReflectionSheet: "reflection_sheet",
    StudentLearningQuestion: "slq",
    Administration: "administration",
    Meeting: "meeting",
    Photo: "photo",
    Pdsa: "pdsa",
    Measure: "measure",
}

# Which model fills each RECORDS source.
SOURCE_MODELS: dict[str, type] = {
    RecordSource.VISIT_AS_VISITOR_TO_ROLE: Visit,
    RecordSource.VISIT_BY_ROLE_TO_ROLE: Visit,
    RecordSource.DATA_SET_COLLECTED: Visit,
    RecordSource.REFLECTION_SHEET_AS_HOST: ReflectionSheet,
    RecordSource.REFLECTION_SHEET_AS_FACILITATOR: ReflectionSheet,
    RecordSource.SLQ_TOOL_CRAFTED_FOR_PEER: StudentLearningQuestion,
    RecordSource.SURVEY_PAIR: Administration,
    RecordSource.SURVEY_ADMINISTRATION: Administration,
    RecordSource.MEETING_AGENDA: Meeting,
    RecordSource.PROTOCOL_SESSION: Meeting,
    RecordSource.PDSA: Pdsa,
    RecordSource.RUN_CHART: Measure,
}

# Sources the app cannot hold yet, and what will bring them.
LATER_SOURCES: dict[str, str] = {
    RecordSource.STUDENT_VOICE_CYCLE: "student voice surveys",
}
LATER_MEDIA: dict[str, str] = {"VIDEO": "video uploads", "FILE": "file uploads"}

# Who may read each kind of record, as the other apps say. Building Will's visits between blue
# and yellow dots are the exception (see `_visible`): the leader knows they happened (who, when)
# without reading them, and that is all the requirement uses.
VISIBILITY: dict[type, Callable[..., QuerySet]] = {
    Visit: visits_visible_to,
    ReflectionSheet: reflection_sheets_visible_to,
    StudentLearningQuestion: slqs_visible_to,
    Administration: administrations_managed_by,
    Meeting: meetings_visible_to,
    Photo: photos_visible_to,
    # A cycle and a measure are their owner's alone: only the teacher's own are candidates.
    Pdsa: pdsas_visible_to,
    Measure: measures_visible_to,
}

RECORD_PAYLOADS = tuple(RECORD_FIELDS.values())
MAX_TEXT_CHARACTERS = 30_000
MAX_LIST_ENTRIES = 50
NOUNS: dict[type, str] = {
    Visit: "a visit to your class",
    ReflectionSheet: "your reflection sheet",
    StudentLearningQuestion: "your student learning question",
    Photo: "a photo of yours",
    Pdsa: "your PDSA cycle",
    Measure: "your run chart",
}


def field_error(field: str, message: str, code: CredentialError) -> ValidationError:
    """A refusal about one input field (snake_case here; the mutation sends it camelCase)."""
    return ValidationError({field: ValidationError(message, code=code)})


# --- locking and loading -------------------------------------------------------------------


def locked_pursuit(person, pursuit_id: Any, *, field: str = "pursuit_id") -> Pursuit:
    """The person's own pursuit, its row locked for the transaction; NOT_FOUND otherwise,
    the same for someone else's pursuit and an unknown id."""
    pursuit = Pursuit.objects.select_for_update().filter(pk=pursuit_id, person_id=person.pk).first()
    if pursuit is None:
        raise field_error(field, "No such pursuit.", CredentialError.NOT_FOUND)
    return pursuit


def ensure_draft(pursuit: Pursuit) -> None:
    if pursuit.state != PursuitState.DRAFT:
        raise ValidationError(
            "This pursuit is not gathering evidence any more: it cannot change.",
            code=CredentialError.NOT_DRAFT,
        )


def touch(pursuit: Pursuit) -> None:
    """One more change of evidence: a submit that read the old revision is refused."""
    now = timezone.now()
    Pursuit.objects.filter(pk=pursuit.pk).update(revision=F("revision") + 1, updated_at=now)
    pursuit.refresh_from_db(fields=["revision", "updated_at"])


def _draft_of(person, pursuit: Pursuit) -> Pursuit:
    locked = locked_pursuit(person, pursuit.pk)
    ensure_draft(locked)
    return locked


def _item_of(person, item: EvidenceItem) -> tuple[Pursuit, EvidenceItem]:
    """Lock the pursuit of the person's own item, then read the item again under the lock."""
    missing = field_error("evidence_item_id", "No such evidence.", CredentialError.NOT_FOUND)
    pursuit_id = (
        EvidenceItem.objects.filter(pk=item.pk, pursuit__person_id=person.pk)
        .values_list("pursuit_id", flat=True)
        .first()
    )
    if pursuit_id is None:
        raise missing
    pursuit = locked_pursuit(person, pursuit_id, field="evidence_item_id")
    ensure_draft(pursuit)
    fresh = EvidenceItem.objects.filter(pk=item.pk, pursuit=pursuit).first()
    if fresh is None:  # removed while we waited for the lock
        raise missing
    return pursuit, fresh


def _slot(pursuit: Pursuit, slot_key: str) -> RequirementSlot:
    slot = (
        RequirementSlot.objects.filter(version_id=pursuit.version_id, key=slot_key)
        .select_related("parent")
        .first()
    )
    if slot is None:
        raise field_error(
            "slot_key", "This credential has no such requirement.", CredentialError.NOT_FOUND
        )
    return slot


def _chosen_option(pursuit: Pursuit, choice_key: str) -> str:
    return (
        EvidenceItem.objects.filter(pursuit=pursuit, slot_key=choice_key)
        .exclude(choice_option="")
        .values_list("choice_option", flat=True)
        .first()
        or ""
    )


def _ensure_chosen(pursuit: Pursuit, slot: RequirementSlot) -> None:
    """An option of a CHOICE takes evidence only once the teacher chose it."""
    if slot.parent is not None and _chosen_option(pursuit, slot.parent.key) != slot.key:
        raise field_error(
            "slot_key",
            f"Choose “{slot.title}” for “{slot.parent.title}” first.",
            CredentialError.NOT_A_CHOICE,
        )


def _wrong_kind(slot: RequirementSlot, what: str) -> ValidationError:
    return field_error(
        "slot_key", f"“{slot.title}” does not take {what}.", CredentialError.WRONG_EVIDENCE_KIND
    )


def _awaiting(slot: RequirementSlot, bringer: str) -> ValidationError:
    return field_error(
        "slot_key",
        f"The app cannot hold evidence for “{slot.title}” yet: it comes with {bringer}.",
        CredentialError.AWAITING_CAPABILITY,
    )


# --- records -------------------------------------------------------------------------------


def _source(slot: RequirementSlot) -> str:
    return str((slot.spec or {}).get("source", ""))


def _capacity(slot: RequirementSlot) -> int:
    count = (slot.spec or {}).get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        count = 1
    # A survey pair is two administrations (the baseline and its follow-up) per pair counted.
    return 2 * count if _source(slot) == RecordSource.SURVEY_PAIR else count


def _visible(person, record: Any, slot: RequirementSlot) -> bool:
    model = record._meta.concrete_model
    if record.pk is None:
        return False
    if model is Visit and _source(slot) == RecordSource.VISIT_BY_ROLE_TO_ROLE:
        # The cohort's leader may know that a blue dot visited a yellow dot (who and when)
        # without reading the visit; the requirement counts only that.
        queryset = visit_summaries_visible_to(person)
    else:
        queryset = VISIBILITY[model](person)
    return queryset.filter(pk=record.pk).exists()


def _counted_candidates(pursuit: Pursuit, slot: RequirementSlot) -> set[int]:
    """Ids of the records that count for the slot, as progress computes them (a CHOICE's row
    carries its chosen option's)."""
    rows = credential_selectors.pursuit_progress([pursuit]).get(pursuit.pk, [])
    wanted = {slot.key} | ({slot.parent.key} if slot.parent is not None else set())
    return {pk for row in rows if row.slot_key in wanted for pk in row.candidates}


def _people_in(record: Any) -> dict[str, list]:
    """The people a record is about: `host` (whose class, sheet or question it is),
    `facilitator` (who led the reflection), `named` (everyone it names)."""
    hosts: list = []
    facilitators: list = []
    named: list = []
    if isinstance(record, Visit):
        hosts = [record.host]
        sheet = ReflectionSheet.objects.filter(visit=record).select_related("facilitator").first()
        facilitators = [sheet.facilitator] if sheet else []
        named = [p.person for p in record.participants.select_related("person")]
    elif isinstance(record, ReflectionSheet):
        hosts, facilitators = [record.host], [record.facilitator]
        named = [record.host, record.facilitator]
    elif isinstance(record, StudentLearningQuestion):
        hosts = [record.host]
        named = [record.host, *([record.crafted_with] if record.crafted_with else [])]
    elif isinstance(record, Photo):
        if record.visit_id:
            return _people_in(record.visit)
        if record.reflection_sheet_id:
            return _people_in(record.reflection_sheet)
        if record.slq_id:
            return _people_in(record.slq)
        if record.tool is not None:
            hosts = named = [record.tool.owner]
    return {"host": hosts, "facilitator": facilitators, "named": named}


def _others(people: Iterable, teacher_id: int) -> list:
    seen: dict[int, Any] = {}
    for person in people:
        if person is not None and person.pk != teacher_id:
            seen.setdefault(person.pk, person)
    return list(seen.values())


def consent_push_key(pursuit_id: int, grantor_id: int) -> str:
    return f"credential:consent:{pursuit_id}:{grantor_id}"


def _ask(pursuit: Pursuit, grantor, grant: ConsentGrant, what: str) -> None:
    """The push to a grantor: one pending per pursuit and person, whatever number of items."""
    teacher = pursuit.person
    outbox.schedule(
        recipient=grantor,
        kind=Kind.CONSENT_REQUESTED,
        key=consent_push_key(pursuit.pk, grantor.pk),
        due_at=None,
        title="May your colleague use your record?",
        body=(
            f"{teacher.full_name} asks to include {what} in their packet for "
            f"{pursuit.version.title}. Nothing is shared until you agree."
        ),
        target_type="ConsentRequest",
        target_id=to_global_id("ConsentRequest", grant.pk),
    )


def _request_consents(pursuit: Pursuit, slot: RequirementSlot, item: EvidenceItem, record) -> None:
    consent_from = slot.consent_from
    if consent_from == ConsentFrom.NONE:
        return
    people = _people_in(record)
    noun = NOUNS.get(record._meta.concrete_model, "a record of yours")
    if consent_from in (ConsentFrom.HOST, ConsentFrom.FACILITATOR):
        role = "host" if consent_from == ConsentFrom.HOST else "facilitator"
        for grantor in _others(people[role], pursuit.person_id):
            grant = ConsentGrant.objects.create(
                pursuit=pursuit, grantor=grantor, scope=ConsentScope.ITEM, evidence_item=item
            )
            _ask(pursuit, grantor, grant, noun)
    elif consent_from == ConsentFrom.NAMED_PEERS:
        for grantor in _others(people["named"], pursuit.person_id):
            if ConsentGrant.objects.filter(
                pursuit=pursuit, grantor=grantor, scope=ConsentScope.NAME
            ).exists():
                continue  # asked already (answered or not): one name, one question
            try:
                with transaction.atomic():
                    grant = ConsentGrant.objects.create(
                        pursuit=pursuit, grantor=grantor, scope=ConsentScope.NAME
                    )
            except IntegrityError:
                continue
            _ask(pursuit, grantor, grant, "your name")


def withdraw_unneeded_requests(pursuit: Pursuit) -> None:
    """After an item left: drop unanswered NAME requests no remaining item needs, and the
    pending push of anyone no longer asked anything."""
    named: set[int] = set()
    slots = {
        slot.key: slot
        for slot in RequirementSlot.objects.filter(
            version_id=pursuit.version_id, consent_from=ConsentFrom.NAMED_PEERS
        )
    }
    if slots:
        items = EvidenceItem.objects.filter(pursuit=pursuit, slot_key__in=slots).select_related(
            *RECORD_PAYLOADS
        )
        for item in items:
            record = next(
                (getattr(item, f) for f in RECORD_PAYLOADS if getattr(item, f"{f}_id")), None
            )
            if record is not None:
                named |= {p.pk for p in _people_in(record)["named"] if p is not None}
    ConsentGrant.objects.filter(
        pursuit=pursuit, scope=ConsentScope.NAME, state=ConsentState.REQUESTED
    ).exclude(grantor_id__in=named).delete()
    cancel_pushes_of_the_answered(pursuit)


def cancel_pushes_of_the_answered(pursuit: Pursuit) -> None:
    """Withdraw the pending consent push of every person this pursuit no longer asks anything
    (exact keys: a prefix would also match grantor 12 for grantor 1)."""
    still_asked = set(
        ConsentGrant.objects.filter(pursuit=pursuit, state=ConsentState.REQUESTED).values_list(
            "grantor_id", flat=True
        )
    )
    prefix = f"credential:consent:{pursuit.pk}:"
    pending = Notification.objects.filter(key__startswith=prefix, status=Status.PENDING)
    stale = [key for key in pending.values_list("key", flat=True)
             if int(key.removeprefix(prefix)) not in still_asked]  # fmt: skip
    if stale:
        Notification.objects.filter(key__in=stale, status=Status.PENDING).update(
            status=Status.CANCELLED, updated_at=timezone.now()
        )


@transaction.atomic
def evidence_item_add(*, person, pursuit: Pursuit, slot_key: str, record: Any) -> EvidenceItem:
    """Add one of the app's records (a visit, sheet, question, survey, meeting, photo, PDSA
    cycle or measure's run chart) to a requirement, asking its owner's consent when the
    requirement says so."""
    pursuit = _draft_of(person, pursuit)
    slot = _slot(pursuit, slot_key)
    if slot.kind == SlotKind.UPLOAD:
        media = str((slot.spec or {}).get("media", ""))
        if media in LATER_MEDIA:
            raise _awaiting(slot, LATER_MEDIA[media])
        if media != "PHOTO":
            raise _wrong_kind(slot, "records of the app")
    elif slot.kind == SlotKind.RECORDS:
        if _source(slot) in LATER_SOURCES:
            raise _awaiting(slot, LATER_SOURCES[_source(slot)])
    else:
        raise _wrong_kind(slot, "records of the app")
    _ensure_chosen(pursuit, slot)

    # A proxy (VisitSummaryRecord: the same visit row seen as a summary) is its table's model.
    model = record._meta.concrete_model if hasattr(record, "_meta") else type(record)
    field = RECORD_FIELDS.get(model)
    # Visibility first, so a record you may not read is refused exactly like a missing one,
    # before anything about it (its kind, whether it counts) is said.
    if field is None or not _visible(person, record, slot):
        raise field_error("source_id", "No such record.", CredentialError.NOT_FOUND)
    wrong = field_error(
        "source_id",
        f"This record does not fit “{slot.title}”.",
        CredentialError.WRONG_EVIDENCE_KIND,
    )
    if slot.kind == SlotKind.UPLOAD:
        if model is not Photo:
            raise wrong
    else:
        if SOURCE_MODELS.get(_source(slot)) is not model:
            raise wrong
        if record.pk not in _counted_candidates(pursuit, slot):
            raise field_error(
                "source_id",
                f"This record does not count for “{slot.title}”: see the requirement's reasons.",
                CredentialError.WRONG_EVIDENCE_KIND,
            )

    in_slot = EvidenceItem.objects.filter(pursuit=pursuit, slot_key=slot.key)
    holding = in_slot.filter(_any_record())
    capacity = _capacity(slot)
    if holding.count() >= capacity:
        raise field_error(
            "slot_key",
            f"“{slot.title}” takes {capacity} item{'s' if capacity != 1 else ''}: "
            "remove one to add another.",
            CredentialError.TOO_MANY_ITEMS,
        )
    position = max(in_slot.values_list("position", flat=True), default=0) + 1
    try:
        # The partial unique indexes are the guard against the same record twice.
        with transaction.atomic():
            item = EvidenceItem.objects.create(
                pursuit=pursuit, slot_key=slot.key, position=position, **{field: record}
            )
    except IntegrityError as exc:
        raise field_error(
            "source_id",
            f"This record is already evidence for “{slot.title}”.",
            CredentialError.DUPLICATE_EVIDENCE,
        ) from exc
    _request_consents(pursuit, slot, item, record)
    touch(pursuit)
    return item


def _any_record() -> Q:
    condition = Q()
    for field in RECORD_PAYLOADS:
        condition |= Q(**{f"{field}__isnull": False})
    return condition


@transaction.atomic
def evidence_item_remove(*, person, item: EvidenceItem) -> Pursuit:
    """Take an item out of the draft; its consent requests go with it."""
    pursuit, item = _item_of(person, item)
    item.delete()
    withdraw_unneeded_requests(pursuit)
    touch(pursuit)
    return pursuit


# --- the teacher's own words ----------------------------------------------------------------


def _words_wanted(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low}"
    if not low:
        return f"at most {high}"
    return f"between {low} and {high}"


def _limits(slot: RequirementSlot) -> tuple[int, int | None]:
    words = (slot.spec or {}).get("words")
    if not isinstance(words, dict):
        return 0, None
    high = words.get("max")
    return int(words.get("min") or 0), (int(high) if high is not None else None)


def _check_words(pursuit: Pursuit, slot: RequirementSlot, prompt_key: str, text: str) -> None:
    low, high = _limits(slot)
    count = word_count(text)
    if (slot.spec or {}).get("limit_scope", "PROMPT") != "SLOT":
        if count < low or (high is not None and count > high):
            raise field_error(
                "text",
                f"This answer has {count} words; write {_words_wanted(low, high)}.",
                CredentialError.WORD_LIMIT,
            )
        return
    # One budget over all the prompts: the maximum holds at every save, the minimum once
    # every prompt is written (a teacher writes them one at a time).
    others = EvidenceItem.objects.filter(
        pursuit=pursuit, slot_key=slot.key, text__isnull=False
    ).exclude(prompt_key=prompt_key)
    other_words = sum(word_count(t or "") for t in others.values_list("text", flat=True))
    total = other_words + count
    prompts = {p.get("key") for p in (slot.spec or {}).get("prompts", []) if isinstance(p, dict)}
    written = set(others.values_list("prompt_key", flat=True)) | {prompt_key}
    if (high is not None and total > high) or (prompts <= written and total < low):
        raise field_error(
            "text",
            f"Your answers to “{slot.title}” have {total} words together ({count} in this one); "
            f"write {_words_wanted(low, high)} in all.",
            CredentialError.WORD_LIMIT,
        )


@transaction.atomic
def evidence_text_save(
    *, person, pursuit: Pursuit, slot_key: str, prompt_key: str, text: str
) -> EvidenceItem:
    """Write (or rewrite) the answer to one prompt. A changed text needs confirming again
    that it names no student."""
    pursuit = _draft_of(person, pursuit)
    slot = _slot(pursuit, slot_key)
    if slot.kind != SlotKind.TEXT:
        raise _wrong_kind(slot, "writing")
    _ensure_chosen(pursuit, slot)
    prompts = [p.get("key") for p in (slot.spec or {}).get("prompts", []) if isinstance(p, dict)]
    if prompt_key not in prompts:
        raise field_error(
            "prompt_key", f"“{slot.title}” has no such prompt.", CredentialError.NOT_FOUND
        )
    text = text or ""
    if len(text) > MAX_TEXT_CHARACTERS:
        raise field_error(
            "text",
            f"Keep the answer under {MAX_TEXT_CHARACTERS} characters.",
            CredentialError.INVALID,
        )
    _check_words(pursuit, slot, prompt_key, text)
    item = EvidenceItem.objects.filter(
        pursuit=pursuit, slot_key=slot.key, prompt_key=prompt_key, text__isnull=False
    ).first()
    if item is not None and item.text == text:
        return item  # nothing changed: the confirmation still holds
    if item is None:
        position = max(
            EvidenceItem.objects.filter(pursuit=pursuit, slot_key=slot.key).values_list(
                "position", flat=True
            ),
            default=0,
        )
        item = EvidenceItem.objects.create(
            pursuit=pursuit, slot_key=slot.key, position=position + 1, prompt_key=prompt_key,
            text=text,
        )  # fmt: skip
    else:
        item.text = text
        item.confirmed_clean_at = None
        item.save(update_fields=["text", "confirmed_clean_at", "updated_at"])
    touch(pursuit)
    return item


@transaction.atomic
def evidence_choice_select(
    *, person, pursuit: Pursuit, slot_key: str, option_key: str
) -> EvidenceItem:
    """Choose which option fills a CHOICE requirement. What was gathered for another option
    stays in the draft (choosing it again finds it) but does not count while unchosen."""
    pursuit = _draft_of(person, pursuit)
    slot = _slot(pursuit, slot_key)
    if slot.kind != SlotKind.CHOICE:
        raise _wrong_kind(slot, "a choice")
    if not slot.options.filter(key=option_key).exists():
        raise field_error(
            "option_key", f"“{slot.title}” has no such option.", CredentialError.NOT_A_CHOICE
        )
    item = (
        EvidenceItem.objects.filter(pursuit=pursuit, slot_key=slot.key)
        .exclude(choice_option="")
        .first()
    )
    if item is not None and item.choice_option == option_key:
        return item
    if item is None:
        item = EvidenceItem.objects.create(
            pursuit=pursuit, slot_key=slot.key, position=1, choice_option=option_key
        )
    else:
        item.choice_option = option_key
        item.save(update_fields=["choice_option", "updated_at"])
    touch(pursuit)
    return item


def _clean_entries(slot: RequirementSlot, entries: Any) -> list[dict]:
    if not isinstance(entries, list | tuple):
        raise field_error("entries", "Send a list of entries.", CredentialError.INVALID)
    if len(entries) > MAX_LIST_ENTRIES:
        raise field_error(
            "entries", f"List at most {MAX_LIST_ENTRIES} entries.", CredentialError.INVALID
        )
    spec = slot.spec or {}
    is_link = slot.kind == SlotKind.UPLOAD
    if is_link and len(entries) > _capacity(slot):
        raise field_error(
            "entries", f"“{slot.title}” takes {_capacity(slot)}.", CredentialError.TOO_MANY_ITEMS
        )
    wants_url = is_link or bool((spec.get("item") or {}).get("url"))
    validate_url = URLValidator(schemes=["https", "http"])
    problems: dict[str, list[ValidationError]] = {}
    cleaned = []
    for index, entry in enumerate(entries):
        entry = entry if isinstance(entry, dict) else {}
        title = str(entry.get("title") or "").strip()
        url = str(entry.get("url") or "").strip()
        if not title:
            problems[f"entries.{index}.title"] = [
                ValidationError("Give the entry a title.", code=CredentialError.REQUIRED)
            ]
        elif len(title) > 300:
            problems[f"entries.{index}.title"] = [
                ValidationError(
                    "Keep the title under 300 characters.", code=CredentialError.INVALID
                )
            ]
        if not url:
            if wants_url:
                problems[f"entries.{index}.url"] = [
                    ValidationError("Add the link.", code=CredentialError.REQUIRED)
                ]
        else:
            try:
                if len(url) > 500:
                    raise ValidationError("too long")
                validate_url(url)
            except ValidationError:
                problems[f"entries.{index}.url"] = [
                    ValidationError(
                        "Enter the full link, starting https://", code=CredentialError.INVALID
                    )
                ]
        cleaned.append({"title": title, "url": url})
    if problems:
        raise ValidationError(problems)
    return cleaned


@transaction.atomic
def evidence_list_save(
    *, person, pursuit: Pursuit, slot_key: str, entries: Any
) -> EvidenceItem | None:
    """Replace the typed entries ({title, url}) of a LIST requirement (or of links to upload).
    An empty list removes them; returns the item, or None when nothing is left."""
    pursuit = _draft_of(person, pursuit)
    slot = _slot(pursuit, slot_key)
    is_link = slot.kind == SlotKind.UPLOAD and (slot.spec or {}).get("media") == "LINK"
    if slot.kind != SlotKind.LIST and not is_link:
        raise _wrong_kind(slot, "a list")
    _ensure_chosen(pursuit, slot)
    cleaned = _clean_entries(slot, entries)
    item = EvidenceItem.objects.filter(
        pursuit=pursuit, slot_key=slot.key, list_entries__isnull=False
    ).first()
    if item is not None and item.list_entries == cleaned:
        return item
    if not cleaned:
        if item is None:
            return None
        item.delete()
        touch(pursuit)
        return None
    if item is None:
        item = EvidenceItem.objects.create(
            pursuit=pursuit, slot_key=slot.key, position=1, list_entries=cleaned
        )
    else:
        item.list_entries = cleaned
        item.confirmed_clean_at = None
        item.save(update_fields=["list_entries", "confirmed_clean_at", "updated_at"])
    touch(pursuit)
    return item


@transaction.atomic
def evidence_attest(*, person, pursuit: Pursuit, slot_key: str) -> EvidenceItem:
    """Affirm the statement of an ATTESTATION requirement, with the moment it was affirmed.
    Affirming again keeps the first moment; removing the item withdraws it."""
    pursuit = _draft_of(person, pursuit)
    slot = _slot(pursuit, slot_key)
    if slot.kind != SlotKind.ATTESTATION:
        raise _wrong_kind(slot, "an attestation")
    _ensure_chosen(pursuit, slot)
    item = EvidenceItem.objects.filter(
        pursuit=pursuit, slot_key=slot.key, attested_at__isnull=False
    ).first()
    if item is not None:
        return item
    item = EvidenceItem.objects.create(
        pursuit=pursuit, slot_key=slot.key, position=1, attested_at=timezone.now()
    )
    touch(pursuit)
    return item


@transaction.atomic
def evidence_item_confirm(*, person, item: EvidenceItem) -> EvidenceItem:
    """The teacher confirms that a photo or a text names and shows no student."""
    pursuit, item = _item_of(person, item)
    if item.photo_id is None and item.text is None and item.list_entries is None:
        raise field_error(
            "evidence_item_id",
            "Only photos and written answers need this confirmation.",
            CredentialError.INVALID,
        )
    if item.confirmed_clean_at is not None:
        return item
    item.confirmed_clean_at = timezone.now()
    item.save(update_fields=["confirmed_clean_at", "updated_at"])
    touch(pursuit)
    return item
