"""Data points, recorded in batches from the phone (often offline, resent when the connection
comes back). Each point carries a client id (a UUID the phone made): the same id with the same
values is the same point (a no-op); the same id with other values is CLIENT_ID_CONFLICT, since
a point once recorded is evidence and silently overwriting it would rewrite the chart."""

import math
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..errors import ImprovementError as Codes
from ..models import DataPoint, Measure
from .common import ensure_owner, not_future, school_today

MAX_BATCH = 200
MAX_POINTS_PER_MEASURE = 200


def _error(index: int, field: str, message: str, code) -> ValidationError:
    return ValidationError({f"points.{index}.{field}": ValidationError(message, code=code)})


def _same(point: DataPoint, on: date, value: float, astronomical: bool) -> bool:
    return point.on == on and point.value == value and point.astronomical == astronomical


@transaction.atomic
def data_points_record(*, owner, measure: Measure, points: list[dict]) -> list[DataPoint]:
    """Record `points` ([{client_id, on, value, astronomical?}]) for the owner's measure, all
    or none. Returns the measure's points for the batch's client ids, in the batch's order."""
    ensure_owner(owner, measure, field="measure_id", what="measure")
    if not points:
        raise ValidationError(
            {"points": ValidationError("Send at least one point.", code=Codes.REQUIRED)}
        )
    if len(points) > MAX_BATCH:
        raise ValidationError(
            {
                "points": ValidationError(
                    f"Send at most {MAX_BATCH} points at once.", code=Codes.INVALID
                )
            }
        )
    # Lock the measure so two batches cannot both pass the size check or race on one client id.
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    today = school_today(owner)
    wanted: dict[uuid.UUID, tuple[int, date, float, bool]] = {}
    for index, point in enumerate(points):
        try:
            client_id = uuid.UUID(str(point.get("client_id")))
        except ValueError:
            raise _error(index, "client_id", "A client id is a UUID.", Codes.INVALID) from None
        on, value = point.get("on"), point.get("value")
        astronomical = bool(point.get("astronomical") or False)
        if not isinstance(on, date):
            raise _error(index, "on", "Say which day the point is for.", Codes.REQUIRED)
        not_future(on, today, f"points.{index}.on")
        if value is None:
            raise _error(index, "value", "Give the value.", Codes.REQUIRED)
        value = float(value)
        if not math.isfinite(value):
            raise _error(index, "value", "The value must be a finite number.", Codes.NOT_FINITE)
        if client_id in wanted:
            if wanted[client_id][1:] != (on, value, astronomical):
                raise _error(
                    index,
                    "client_id",
                    f"Point {wanted[client_id][0] + 1} of this batch has this client id with "
                    "other values.",
                    Codes.CLIENT_ID_CONFLICT,
                )
            continue
        wanted[client_id] = (index, on, value, astronomical)

    existing = {p.client_id: p for p in measure.points.filter(client_id__in=list(wanted))}
    new = []
    for client_id, (index, on, value, astronomical) in wanted.items():
        if client_id in existing:
            if not _same(existing[client_id], on, value, astronomical):
                raise _error(
                    index,
                    "client_id",
                    "A point with this client id was already recorded with other values.",
                    Codes.CLIENT_ID_CONFLICT,
                )
            continue
        new.append(
            DataPoint(
                measure=measure, client_id=client_id, on=on, value=value, astronomical=astronomical
            )
        )
    if new and measure.points.count() + len(new) > MAX_POINTS_PER_MEASURE:
        raise ValidationError(
            {
                "points": ValidationError(
                    f"A measure holds at most {MAX_POINTS_PER_MEASURE} points.", code=Codes.INVALID
                )
            }
        )
    try:
        with transaction.atomic():
            DataPoint.objects.bulk_create(new)
    except IntegrityError as error:
        # Only a concurrent batch with the same client id gets here (the measure is locked on
        # PostgreSQL): the caller resends and gets the answer above.
        raise ValidationError(
            {"points": ValidationError("Send the batch again.", code=Codes.CLIENT_ID_CONFLICT)}
        ) from error
    by_id = {p.client_id: p for p in measure.points.filter(client_id__in=list(wanted))}
    return [by_id[client_id] for client_id in wanted]
