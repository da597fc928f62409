import pytest

from cohorts.models import Protocol
from tests.cohorts.conftest import gid
from tests.cohorts.factories import ProtocolFactory
from tests.conftest import error_codes, top_level_codes
from tests.factories import LeaderFactory, SchoolFactory

pytestmark = pytest.mark.django_db

CREATE = """
mutation Create($input: ProtocolCreateInput!) {
  protocolCreate(input: $input) {
    protocol {
      name purpose isLibrary key totalMinutes school { name }
      steps { position title minutes guidance }
    }
    errors { field code }
  }
}
"""
UPDATE = """
mutation Update($input: ProtocolUpdateInput!) {
  protocolUpdate(input: $input) { protocol { name totalMinutes } errors { field code } }
}
"""
STEPS = [
    {"title": "Post the data", "minutes": 5},
    {"title": "Gallery walk", "minutes": 10, "guidance": "Silently."},
]


def test_a_leader_adds_a_protocol_for_their_school(api_for, leader):
    result = api_for(leader).data(
        CREATE, {"input": {"name": "Data walk", "purpose": "Look together.", "steps": STEPS}}
    )["protocolCreate"]

    assert result["errors"] == []
    assert result["protocol"] == {
        "name": "Data walk",
        "purpose": "Look together.",
        "isLibrary": False,
        "key": None,
        "totalMinutes": 15,
        "school": {"name": leader.school.name},
        "steps": [
            {"position": 1, "title": "Post the data", "minutes": 5, "guidance": ""},
            {"position": 2, "title": "Gallery walk", "minutes": 10, "guidance": "Silently."},
        ],
    }


def test_names_are_unique_within_a_school(api_for, leader):
    api = api_for(leader)
    api.data(CREATE, {"input": {"name": "Data walk", "steps": STEPS}})

    again = api.data(CREATE, {"input": {"name": "Data walk", "steps": STEPS}})["protocolCreate"]

    assert again["errors"] == [{"field": "name", "code": "DUPLICATE_NAME"}]


def test_steps_are_checked_one_by_one(api_for, leader):
    result = api_for(leader).data(
        CREATE,
        {
            "input": {
                "name": "X",
                "steps": [{"title": "", "minutes": 5}, {"title": "Y", "minutes": 300}],
            }
        },
    )["protocolCreate"]

    assert result["errors"] == [
        {"field": "steps.0.title", "code": "REQUIRED"},
        {"field": "steps.1.minutes", "code": "INVALID"},
    ]
    assert not Protocol.objects.filter(school__isnull=False).exists()


def test_a_leader_cannot_add_protocols_to_another_school(api_for, leader):
    other = SchoolFactory(district=leader.school.district)

    result = api_for(leader).post_graphql(
        CREATE, {"input": {"schoolId": gid(other), "name": "X", "steps": STEPS}}
    )

    assert error_codes(result["data"]["protocolCreate"]) == ["NOT_ALLOWED"]


def test_plain_teachers_cannot_add_protocols(api_for, teacher):
    result = api_for(teacher).post_graphql(CREATE, {"input": {"name": "X", "steps": STEPS}})

    assert top_level_codes(result) == ["FORBIDDEN"]


def test_the_leader_updates_their_schools_protocol(api_for, leader):
    protocol = ProtocolFactory(school=leader.school)

    result = api_for(leader).data(
        UPDATE, {"input": {"protocolId": gid(protocol), "name": "Renamed", "steps": STEPS[:1]}}
    )["protocolUpdate"]

    assert result == {"protocol": {"name": "Renamed", "totalMinutes": 5}, "errors": []}


def test_the_library_is_read_only(api_for, leader):
    library = Protocol.objects.get(key="setting-norms", school__isnull=True)

    result = api_for(leader).post_graphql(
        UPDATE, {"input": {"protocolId": gid(library), "name": "Mine"}}
    )

    assert error_codes(result["data"]["protocolUpdate"]) == ["NOT_ALLOWED"]


def test_another_schools_protocols_are_not_found(api_for, leader):
    other = ProtocolFactory(school=SchoolFactory())

    result = api_for(leader).data(UPDATE, {"input": {"protocolId": gid(other), "name": "Mine"}})

    assert error_codes(result["protocolUpdate"]) == ["NOT_FOUND"]


def test_a_leader_of_the_same_school_may_improve_a_colleagues_protocol(api_for, leader):
    colleague = LeaderFactory(school=leader.school)
    protocol = ProtocolFactory(school=leader.school)

    result = api_for(colleague).data(
        UPDATE, {"input": {"protocolId": gid(protocol), "name": "Better"}}
    )

    assert result["protocolUpdate"]["errors"] == []
