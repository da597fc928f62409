"""Measures, data points and notes: points recorded idempotently by client id, dates checked
in the school's zone, only finite values; everything the owner's alone."""

import math
import uuid
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from improvement.errors import ImprovementError as Codes
from improvement.models import DataPoint, PdsaMeasure
from improvement.services.annotations import annotation_add
from improvement.services.measures import (
    MAX_MEASURES_PER_PDSA,
    measure_create,
    pdsa_measure_link,
)
from improvement.services.points import data_points_record

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def point(value=3.0, on=DAY, client_id=None, **more):
    return {"client_id": client_id or uuid.uuid4(), "on": on, "value": value, **more}


@pytest.fixture(autouse=True)
def chicago_evening():
    # 02:00 UTC on 10 March is the evening of 9 March in Chicago.
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    ):
        yield


def test_a_batch_is_recorded_and_a_resent_batch_is_a_no_op(owner, measure):
    batch = [point(4), point(6, on=DAY + timedelta(days=1))]
    first = data_points_record(owner=owner, measure=measure, points=batch)
    again = data_points_record(owner=owner, measure=measure, points=batch)
    assert [p.pk for p in again] == [p.pk for p in first]
    assert DataPoint.objects.filter(measure=measure).count() == 2


def test_a_resent_batch_with_new_points_adds_only_those(owner, measure):
    sent = point(4)
    data_points_record(owner=owner, measure=measure, points=[sent])
    data_points_record(owner=owner, measure=measure, points=[sent, point(5)])
    assert sorted(DataPoint.objects.values_list("value", flat=True)) == [4.0, 5.0]


def test_the_same_client_id_with_another_value_is_a_conflict(owner, measure):
    client_id = uuid.uuid4()
    data_points_record(owner=owner, measure=measure, points=[point(4, client_id=client_id)])
    with pytest.raises(ValidationError) as refused:
        data_points_record(
            owner=owner, measure=measure, points=[point(1), point(5, client_id=client_id)]
        )
    assert codes(refused.value) == {"points.1.client_id": [Codes.CLIENT_ID_CONFLICT]}
    # All or none: the first point of the refused batch is not kept either.
    assert list(DataPoint.objects.values_list("value", flat=True)) == [4.0]


def test_a_conflict_inside_one_batch(owner, measure):
    client_id = uuid.uuid4()
    with pytest.raises(ValidationError) as refused:
        data_points_record(
            owner=owner,
            measure=measure,
            points=[
                point(4, client_id=client_id),
                point(4, client_id=client_id, on=DAY - timedelta(days=1)),
            ],
        )
    assert codes(refused.value) == {"points.1.client_id": [Codes.CLIENT_ID_CONFLICT]}


def test_future_dates_are_judged_in_the_schools_zone(owner, measure):
    # UTC says 10 March already; at the school it is still the 9th.
    with pytest.raises(ValidationError) as refused:
        data_points_record(owner=owner, measure=measure, points=[point(on=date(2026, 3, 10))])
    assert codes(refused.value) == {"points.0.on": [Codes.FUTURE_DATE]}
    data_points_record(owner=owner, measure=measure, points=[point(on=date(2026, 3, 9))])


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_values_must_be_finite(owner, measure, value):
    with pytest.raises(ValidationError) as refused:
        data_points_record(owner=owner, measure=measure, points=[point(1), point(value)])
    assert codes(refused.value) == {"points.1.value": [Codes.NOT_FINITE]}
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_the_database_refuses_values_that_are_not_finite(measure, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataPoint.objects.create(measure=measure, client_id=uuid.uuid4(), on=DAY, value=value)


def test_the_database_refuses_a_second_point_with_one_client_id(measure):
    client_id = uuid.uuid4()
    DataPoint.objects.create(measure=measure, client_id=client_id, on=DAY, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        DataPoint.objects.create(measure=measure, client_id=client_id, on=DAY, value=1)


def test_an_empty_batch_is_refused(owner, measure):
    with pytest.raises(ValidationError) as refused:
        data_points_record(owner=owner, measure=measure, points=[])
    assert codes(refused.value) == {"points": [Codes.REQUIRED]}


def test_another_teachers_measure_is_not_found(other_teacher, measure):
    with pytest.raises(ValidationError) as points:
        data_points_record(owner=other_teacher, measure=measure, points=[point()])
    assert codes(points.value) == {"measure_id": [Codes.NOT_FOUND]}
    with pytest.raises(ValidationError) as note:
        annotation_add(owner=other_teacher, measure=measure, on=DAY, text="mine")
    assert codes(note.value) == {"measure_id": [Codes.NOT_FOUND]}


def test_linking_needs_both_to_be_the_owners_and_twice_is_once(owner, other_teacher, plan):
    theirs = measure_create(owner=other_teacher, name="Theirs")
    with pytest.raises(ValidationError) as refused:
        pdsa_measure_link(owner=owner, pdsa=plan, measure=theirs)
    assert codes(refused.value) == {"measure_id": [Codes.NOT_FOUND]}
    mine = measure_create(owner=owner, name="Mine")
    pdsa_measure_link(owner=owner, pdsa=plan, measure=mine)
    pdsa_measure_link(owner=owner, pdsa=plan, measure=mine)
    assert PdsaMeasure.objects.filter(pdsa=plan).count() == 1


def test_a_cycle_has_a_few_measures(owner, plan):
    for n in range(MAX_MEASURES_PER_PDSA):
        pdsa_measure_link(owner=owner, pdsa=plan, measure=measure_create(owner=owner, name=f"m{n}"))
    with pytest.raises(ValidationError) as refused:
        pdsa_measure_link(owner=owner, pdsa=plan, measure=measure_create(owner=owner, name="x"))
    assert codes(refused.value) == {"measure_id": [Codes.INVALID]}


def test_a_measure_needs_a_name_and_a_direction(owner):
    with pytest.raises(ValidationError) as nameless:
        measure_create(owner=owner, name=" ")
    assert codes(nameless.value) == {"name": [Codes.REQUIRED]}
    with pytest.raises(ValidationError) as sideways:
        measure_create(owner=owner, name="x", better="SIDEWAYS")
    assert codes(sideways.value) == {"better": [Codes.INVALID]}
    with pytest.raises(ValidationError) as baseline:
        measure_create(owner=owner, name="x", baseline_count=0)
    assert codes(baseline.value) == {"baseline_count": [Codes.INVALID]}


def test_a_note_is_not_for_a_future_day(owner, measure):
    with pytest.raises(ValidationError) as refused:
        annotation_add(owner=owner, measure=measure, on=date(2026, 3, 10), text="Snow day")
    assert codes(refused.value) == {"on": [Codes.FUTURE_DATE]}
    note = annotation_add(owner=owner, measure=measure, on=date(2026, 3, 9), text=" Snow day ")
    assert note.text == "Snow day"
