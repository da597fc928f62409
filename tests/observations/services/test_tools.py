import uuid
from datetime import UTC, datetime, timedelta

import pytest

from observations.models import Sharing, Tool
from observations.selectors import tools_visible_to
from observations.services.data import EntryInput, observation_data_submit
from observations.services.tools import tool_copy, tool_create, tool_library_sync, tool_update
from observations.services.visits import visit_accept, visit_propose
from observations.tool_kinds import ToolKind
from observations.tool_library import TOOL_LIBRARY
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from tests.observations.conftest import at, refused
from tests.observations.factories import TALLY_DEFINITION, ToolFactory

pytestmark = pytest.mark.django_db

DEFINITIONS = {
    "SCRIPTING": {"prompts": ["What do students say?"]},
    "TALLY": TALLY_DEFINITION,
    "SEATING_CHART": {
        "seats": [{"key": "a", "label": "A", "x": 0.1, "y": 0.2}],
        "marks": [{"key": "talks", "label": "Talks"}],
    },
    "CHECKLIST": {"items": [{"key": "goal", "label": "States the goal"}]},
    "TIMED_INTERVAL_SWEEP": {
        "interval_minutes": 5,
        "behaviours": [{"key": "on", "label": "On task"}],
    },
}


def test_the_starter_library_is_seeded_and_syncing_again_changes_nothing():
    library = Tool.objects.filter(sharing=Sharing.LIBRARY)

    assert {t.library_key for t in library} == {t.key for t in TOOL_LIBRARY}
    assert {t.kind for t in library} == {k.value for k in ToolKind}
    assert all(t.owner_id is None and t.example_questions for t in library)
    assert tool_library_sync() == 0
    assert library.count() == len(TOOL_LIBRARY)


@pytest.mark.parametrize("kind", [k.value for k in ToolKind])
def test_a_teacher_crafts_a_tool_of_each_kind(visitor, kind):
    tool = tool_create(actor=visitor, kind=kind, name=f"My {kind}", definition=DEFINITIONS[kind])

    assert (tool.owner, tool.school, tool.sharing) == (visitor, visitor.school, "PRIVATE")


def test_definition_problems_come_back_per_field(visitor):
    definition = {"categories": [{"key": "a b", "label": ""}], "extra": 1}

    assert sorted(
        refused(tool_create, actor=visitor, kind="TALLY", name="T", definition=definition)
    ) == [
        ("definition.categories.0.key", "INVALID_TOOL_DEFINITION"),
        ("definition.categories.0.label", "INVALID_TOOL_DEFINITION"),
        ("definition.extra", "INVALID_TOOL_DEFINITION"),
    ]
    assert refused(tool_create, actor=visitor, kind="DRAWING", name="T", definition={}) == [
        ("kind", "INVALID_TOOL_DEFINITION")
    ]
    assert refused(
        tool_create,
        actor=visitor,
        kind="TALLY",
        name="T",
        definition=TALLY_DEFINITION,
        sharing=Sharing.LIBRARY,
    ) == [("sharing", "INVALID")]


def test_copying_a_library_tool_gives_an_own_private_copy(visitor, slq):
    source = Tool.objects.get(library_key="participation-map")

    copy = tool_copy(actor=visitor, source=source, slq=slq)

    assert (copy.owner, copy.copied_from, copy.sharing, copy.slq) == (
        visitor,
        source,
        "PRIVATE",
        slq,
    )
    assert copy.definition == source.definition and copy.name == source.name


def test_only_the_owner_adapts_a_tool(visitor, host, tool):
    library = Tool.objects.get(library_key="question-levels")

    assert refused(tool_update, actor=host, tool=tool, name="Mine") == [
        ("toolId", "NOT_TOOL_OWNER")
    ]
    assert refused(tool_update, actor=visitor, tool=library, name="Mine") == [
        ("toolId", "NOT_TOOL_OWNER")
    ]
    changed = tool_update(actor=visitor, tool=tool, name="Questions", sharing=Sharing.SCHOOL)
    assert (changed.name, changed.sharing) == ("Questions", "SCHOOL")


def test_the_definition_is_fixed_once_data_was_collected(host, visitor, tool, frozen_time):
    visit = visit_accept(
        actor=host,
        visit=visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1, tool=tool),
    )
    start = datetime(2026, 3, 3, 15, tzinfo=UTC)
    frozen_time.move_to(start + timedelta(minutes=5))
    payload = {"at": 5, "category": "asks-peer", "group": "g1"}
    observation_data_submit(
        actor=visitor, visit=visit, entries=[EntryInput(uuid.uuid4(), start, payload)]
    )
    new_definition = {"categories": [{"key": "asks", "label": "Asks"}]}

    assert refused(tool_update, actor=visitor, tool=tool, definition=new_definition) == [
        ("definition", "TOOL_IN_USE")
    ]
    assert tool_update(actor=visitor, tool=tool, name="Renamed").name == "Renamed"


def test_who_sees_which_tools(school, visitor, host, coordinator):
    same_district = TeacherFactory(school=SchoolFactory(district=school.district))
    elsewhere = TeacherFactory(school=SchoolFactory(district=DistrictFactory()))
    private = ToolFactory(owner=visitor)
    school_wide = ToolFactory(owner=visitor, sharing=Sharing.SCHOOL)
    district_wide = ToolFactory(owner=visitor, sharing=Sharing.DISTRICT)
    library = set(Tool.objects.filter(sharing=Sharing.LIBRARY))

    def seen(user):
        return set(tools_visible_to(user)) - library

    assert seen(visitor) == {private, school_wide, district_wide}
    assert seen(host) == {school_wide, district_wide}
    assert seen(same_district) == {district_wide}
    assert seen(elsewhere) == set()
    assert seen(coordinator) == {school_wide, district_wide}
    # The people of a visit see its tool, private or not.
    visit_propose(actor=visitor, host=host, when=at(9), cycle_number=1, tool=private)
    assert private in seen(host)
