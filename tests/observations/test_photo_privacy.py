"""Who sees a photo: the people who may read what it is attached to, never anyone by role."""

import pytest

from observations.models import Photo, ReflectionSheet, Sharing
from observations.selectors import photos_visible_to
from tests.factories import TeacherFactory
from tests.observations.factories import ToolFactory
from tests.observations.factories import visit as make_visit

pytestmark = pytest.mark.django_db


def add_photo(uploaded_by, **target) -> Photo:
    return Photo.objects.create(
        **target,
        uploaded_by=uploaded_by,
        image="observations/photos/aa/main.jpg",
        thumbnail="observations/photos/aa/thumb.jpg",
        width=1,
        height=1,
        thumbnail_width=1,
        thumbnail_height=1,
    )


@pytest.fixture
def world(host, visitor, outsider, leader, coordinator, staff, cohort, slq):
    chart = ToolFactory(owner=visitor, kind="SEATING_CHART", sharing=Sharing.DISTRICT)
    visit = make_visit(host=host, visitor=visitor, cohort=cohort, slq=slq, tool=chart)
    sheet = ReflectionSheet.objects.create(
        visit=visit,
        host=host,
        facilitator=visitor,
        cycle_number=1,
        slq=slq,
        slq_area_of_focus="a",
        slq_question="q",
        considerations="c",
        next_steps="n",
        keeps_slq=True,
    )
    return {
        "visit": add_photo(visitor, visit=visit),
        "slq": add_photo(host, slq=slq),
        "sheet": add_photo(visitor, reflection_sheet=sheet),
        "room": add_photo(visitor, tool=chart),
        "_sheet": sheet,
    }


def seen_by(person, world) -> set[str]:
    ids = set(photos_visible_to(person).values_list("pk", flat=True))
    return {name for name, photo in world.items() if not name.startswith("_") and photo.pk in ids}


def test_the_host_and_visitor_see_every_photo_of_their_visit(world, host, visitor):
    assert seen_by(host, world) == {"visit", "slq", "sheet", "room"}
    assert seen_by(visitor, world) == {"visit", "slq", "sheet", "room"}


def test_nobody_else_sees_them_by_role(world, outsider, leader, coordinator, staff, school):
    district_teacher = TeacherFactory(school=school)  # sees the district-shared tool itself
    for person in (outsider, leader, coordinator, staff, district_teacher):
        assert seen_by(person, world) == set(), person


def test_a_shared_sheet_shares_its_photos_with_the_cohort_only(world, leader, outsider):
    sheet = world["_sheet"]
    sheet.shared_with_cohort = True
    sheet.save()

    assert seen_by(leader, world) == {"sheet"}
    assert seen_by(outsider, world) == set()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert seen_by(AnonymousUser(), world) == set()
    assert seen_by(None, world) == set()
