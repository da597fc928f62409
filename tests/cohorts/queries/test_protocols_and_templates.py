import pytest

from cohorts.models import Protocol
from cohorts.protocol_library import AGENDA_TEMPLATES, PROTOCOLS, protocol_library_seed
from tests.cohorts.factories import ProtocolFactory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PROTOCOLS_QUERY = "{ protocols { name isLibrary key totalMinutes steps { title minutes } } }"


def test_the_library_ships_the_programmes_protocols(api_for, teacher):
    protocols = api_for(teacher).data(PROTOCOLS_QUERY)["protocols"]

    library = {p["key"]: p for p in protocols if p["isLibrary"]}
    assert set(library) == {
        "student-learning-reflection",
        "looking-at-student-work",
        "setting-norms",
    }
    slr = library["student-learning-reflection"]
    assert slr["totalMinutes"] == 40
    assert slr["steps"][0] == {"title": "Host restates the Student Learning Question", "minutes": 3}


def test_a_school_sees_its_own_protocols_and_not_others(api_for, leader):
    ProtocolFactory(school=leader.school, name="Ours")
    ProtocolFactory(school=SchoolFactory(), name="Theirs")

    names = [p["name"] for p in api_for(leader).data(PROTOCOLS_QUERY)["protocols"]]

    assert "Ours" in names and "Theirs" not in names
    assert names[-1] == "Ours"  # the library first


def test_seeding_again_adds_nothing():
    assert protocol_library_seed() == 0
    assert Protocol.objects.filter(school__isnull=True).count() == len(PROTOCOLS)


def test_templates_use_library_protocols_and_are_listed_by_kind(api_for, teacher):
    keys = {p.key for p in PROTOCOLS}
    for template in AGENDA_TEMPLATES:
        assert {i.protocol_key for i in template.items if i.protocol_key} <= keys

    listed = api_for(teacher).data(
        "{ agendaTemplates(kind: BLUE_GROUP) "
        "{ key kind totalMinutes items { title protocolKey } } }"
    )["agendaTemplates"]

    assert [t["key"] for t in listed] == ["group-of-5-launch", "group-of-5-reflection-practice"]
    assert {t["kind"] for t in listed} == {"BLUE_GROUP"}
    assert listed[0]["totalMinutes"] == 70
