"""Collecting data during a visit, from a phone on poor Wi-Fi.

The phone records entries on the visit's tool while offline and sends them when it can, in
batches that may overlap, repeat or arrive out of order:

- each entry has a client-generated UUID; (visit, clientId) is unique, so re-sending an entry
  is a no-op that returns the stored one, while a *different* entry under a used clientId is
  refused (CLIENT_ID_CONFLICT): what was accepted is never changed or lost;
- `recordedAt` is the phone's clock; entries are ordered by it, not by arrival;
- each payload is validated against the tool's definition (`tool_kinds.validate_entry`) and
  stored normalised;
- a request is all-or-nothing: if any entry is refused, nothing of the request is written and
  every problem comes back with its path (`entries.3.payload.category`; the API names the
  kind's field instead of `payload`). The phone fixes or
  drops those and sends again; the entries that were fine are then stored (re-sending them is
  harmless). One rule for the phone to follow, and no request is half-written.

Only visitors submit (the host is teaching). The first data after the visit's start marks an
accepted visit COMPLETED.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from observations.errors import ObservationError

from ..models import ObservationEntry, ReflectionSheet, Visit
from ..tool_kinds import (
    InvalidToolData,
    InvalidToolDefinition,
    ToolKind,
    summarize,
    validate_entry,
)
from .common import complete_if_due, ensure_open_for_data, lock_visit, now_or, require_visitor
from .events import visit_changed

MAX_ENTRIES_PER_REQUEST = 200
# A phone's clock may be a little ahead and visitors arrive early; data long before the start
# means the wrong visit.
EARLY_DATA_GRACE = timedelta(minutes=30)


@dataclass(frozen=True)
class EntryInput:
    client_id: uuid.UUID | str
    recorded_at: datetime
    payload: Any
    # The tool kind the phone recorded it for; when given it must be the visit's tool's.
    kind: str | None = None


def _client_id(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class Submission:
    entries: list[ObservationEntry]  # in the order of the request, stored or already there
    created_count: int


def _entry_errors(index: int, exc: InvalidToolData) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    for path, problems in exc.error_dict.items():
        key = f"entries.{index}.payload" + ("" if path == NON_FIELD_ERRORS else f".{path}")
        errors[key] = [
            ValidationError(
                problem.message, code=ObservationError.INVALID_TOOL_DATA, params=problem.params
            )
            for problem in problems
        ]
    return errors


def _conflict(index: int) -> dict[str, list[ValidationError]]:
    return {
        f"entries.{index}.clientId": [
            ValidationError(
                "Another entry was already sent with this clientId; give a new entry a new id.",
                code=ObservationError.CLIENT_ID_CONFLICT,
            )
        ]
    }


@transaction.atomic
def observation_data_submit(
    *, actor, visit: Visit, entries: list[EntryInput], now: datetime | None = None
) -> Submission:
    now = now_or(now)
    visit = lock_visit(visit)
    require_visitor(visit, actor)
    ensure_open_for_data(visit)
    if now < visit.starts_at - EARLY_DATA_GRACE:
        raise ValidationError(
            "This visit has not started yet.", code=ObservationError.VISIT_NOT_STARTED
        )
    tool = visit.tool
    if tool is None:
        raise ValidationError(
            {
                "visitId": ValidationError(
                    "Choose the visit's data-collection tool first.", code=ObservationError.NO_TOOL
                )
            }
        )
    if not entries:
        raise ValidationError(
            {"entries": ValidationError("Send at least one entry.", code=ObservationError.REQUIRED)}
        )
    if len(entries) > MAX_ENTRIES_PER_REQUEST:
        raise ValidationError(
            {
                "entries": ValidationError(
                    "At most %(max)d entries per request; send the rest in another.",
                    code=ObservationError.TOO_MANY_ENTRIES,
                    params={"max": MAX_ENTRIES_PER_REQUEST},
                )
            }
        )

    client_ids = [_client_id(item.client_id) for item in entries]
    stored = {
        entry.client_id: entry
        for entry in ObservationEntry.objects.filter(
            visit=visit, client_id__in=[c for c in client_ids if c is not None]
        )
    }
    errors: dict[str, list[ValidationError]] = {}
    result: list[ObservationEntry] = []
    new: dict[uuid.UUID, ObservationEntry] = {}
    for index, (item, client_id) in enumerate(zip(entries, client_ids, strict=True)):
        if client_id is None:
            errors[f"entries.{index}.clientId"] = [
                ValidationError("Expected a UUID.", code=ObservationError.INVALID)
            ]
            continue
        recorded_at = _moment(item.recorded_at)
        if recorded_at is None:
            errors[f"entries.{index}.recordedAt"] = [
                ValidationError(
                    "Send a real time with its UTC offset.", code=ObservationError.INVALID
                )
            ]
            continue
        if item.kind is not None and item.kind != tool.kind:
            errors[f"entries.{index}.payload"] = [
                ValidationError(
                    "This visit's tool is a %(kind)s tool; send its kind of entry.",
                    code=ObservationError.INVALID_TOOL_DATA,
                    params={"kind": ToolKind(tool.kind).label},
                )
            ]
            continue
        try:
            payload = validate_entry(tool.kind, tool.definition, item.payload)
        except InvalidToolData as exc:
            errors.update(_entry_errors(index, exc))
            continue
        except OverflowError:  # a timestamp at the edge of the calendar, e.g. year 1 +01:00
            errors[f"entries.{index}.payload"] = [
                ValidationError(
                    "A time in this entry is out of range.", code=ObservationError.INVALID_TOOL_DATA
                )
            ]
            continue
        except InvalidToolDefinition as exc:  # the stored tool is broken: not the phone's fault
            raise ValidationError(
                "This visit's tool definition is not valid; fix the tool first.",
                code=ObservationError.INVALID_TOOL_DEFINITION,
            ) from exc
        known = stored.get(client_id) or new.get(client_id)
        if known is not None:
            if known.payload == payload and known.recorded_at == recorded_at:
                result.append(known)
            else:
                errors.update(_conflict(index))
            continue
        entry = ObservationEntry(
            visit=visit,
            client_id=client_id,
            recorded_at=recorded_at,
            received_at=now,
            payload=payload,
            submitted_by=actor,
        )
        new[client_id] = entry
        result.append(entry)
    if errors:
        raise ValidationError(errors)

    if new:
        ObservationEntry.objects.bulk_create(new.values())
        fields = ["revision"]
        if complete_if_due(visit, now):
            fields += ["status", "completed_at"]
        visit.revision += 1
        visit.save(update_fields=[*fields, "updated_at"])
        sheet = ReflectionSheet.objects.filter(visit=visit).first()
        if sheet is not None:
            # Late data (a phone that was offline) still counts on the sheet.
            sheet.data_summary = visit_data_summary(visit)
            sheet.save(update_fields=["data_summary", "updated_at"])
        visit_changed(visit, "DATA_ARRIVED", actor=actor)
    return Submission(entries=result, created_count=len(new))


def _moment(value: datetime) -> datetime | None:
    """The phone's time in UTC, or None when it has no offset or cannot be stored."""
    if value.tzinfo is None:
        return None
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def visit_data_summary(visit: Visit) -> dict | None:
    """The tool's summary of everything collected on the visit, in recorded order."""
    if visit.tool is None:
        return None
    prefetched = getattr(visit, "entries_in_order", None)  # lists prefetch them
    payloads: Iterable[Mapping[str, Any]]
    if prefetched is None:
        payloads = visit.entries.order_by("recorded_at", "id").values_list("payload", flat=True)
    else:
        payloads = [entry.payload for entry in prefetched]
    return summarize(visit.tool.kind, visit.tool.definition, payloads)
