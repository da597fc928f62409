"""Coordinators' counts (`credentials.counts`, `credentialCounts`): numbers per school,
credential, pursuit state and requirement; only for the district's coordinators and staff;
null for any other district and for a school outside it; and the SQL behind them selects no
name of the pursuit's person, no evidence and no packet."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from credentials.counts import credential_counts
from credentials.models import EvidenceItem, Packet, Pursuit, PursuitState
from tests.factories import CoordinatorFactory, SchoolFactory, StaffFactory, TeacherFactory

from .test_privacy import content_columns, leaked

pytestmark = pytest.mark.django_db

SECRET = "Whispering Willow"


@pytest.fixture
def district(catalogue, world):
    """Three pursuits at the world's school: the leader's Building Will (3 of 4 blue dots
    visited) and Measuring Impact, and a blue dot's submitted Building Will; one at another
    school of the district, and one in another district (never counted)."""
    for blue in world.blues[:3]:
        world.visit(world.leader, blue, day=2 + blue.pk % 5)
    world.save()
    bw, mi = catalogue.credentials["building-will"], catalogue.credentials["measuring-impact"]

    def pursue(person, key, **fields):
        return Pursuit.objects.create(
            person=person,
            credential=catalogue.credentials[key],
            version=catalogue.versions[key],
            cohort=world.cohort,
            **fields,
        )

    pursue(world.leader, "building-will")
    measuring = pursue(world.leader, "measuring-impact")
    EvidenceItem.objects.create(
        pursuit=measuring, slot_key="increased-learning", prompt_key="answer", text=SECRET
    )
    submitted = pursue(world.blues[0], "building-will", state=PursuitState.SUBMITTED)
    Packet.objects.create(
        pursuit=submitted,
        attempt=1,
        version=catalogue.versions["building-will"],
        submitted_at=timezone.now(),
        submitted_by=world.blues[0],
        content={"teacher": {"name": SECRET}},
        manifest={"note": SECRET},
        manifest_sha256="0" * 64,
    )
    other_school = SchoolFactory(district=world.school.district)
    pursue(TeacherFactory(school=other_school, full_name=SECRET), "building-will")
    pursue(TeacherFactory(full_name=SECRET), "measuring-impact")  # another district
    return {"bw": bw, "mi": mi, "other_school": other_school}


def rows(found):
    return [
        (
            c.school_id,
            c.credential_key,
            c.pursuit_state,
            c.requirement_key,
            c.requirement_state,
            c.count,
        )
        for c in found
    ]


def test_counts_per_school_credential_state_and_requirement(world, district):
    coordinator = CoordinatorFactory(coordinated_district=world.school.district)
    school, other = world.school.pk, district["other_school"].pk

    found = credential_counts(coordinator, world.school.district_id)

    assert rows(found) == [
        (school, "building-will", "DRAFT", None, None, 1),
        (school, "building-will", "DRAFT", "blue-visits", "IN_PROGRESS", 1),
        (school, "building-will", "DRAFT", "yellow-visits", "NOT_STARTED", 1),
        (school, "building-will", "SUBMITTED", None, None, 1),
        (school, "measuring-impact", "DRAFT", None, None, 1),
        (school, "measuring-impact", "DRAFT", "facilitated-sheets", "NOT_STARTED", 1),
        (school, "measuring-impact", "DRAFT", "increased-learning", "MET", 1),
        (other, "building-will", "DRAFT", None, None, 1),
        (other, "building-will", "DRAFT", "blue-visits", "NOT_STARTED", 1),
        (other, "building-will", "DRAFT", "yellow-visits", "NOT_STARTED", 1),
    ]
    only_school = credential_counts(coordinator, world.school.district_id, other)
    assert rows(only_school) == rows(found)[-3:]
    # The credential shown is its published version.
    assert {c.version_id for c in found if c.credential_key == "building-will"} == {
        district["bw"].versions.get().pk
    }


def test_staff_see_any_district_and_nobody_else_sees_one(world, district):
    district_id = world.school.district_id
    assert credential_counts(StaffFactory(), district_id)
    assert credential_counts(CoordinatorFactory(), district_id) is None  # another district's
    assert credential_counts(world.leader, district_id) is None
    coordinator = CoordinatorFactory(coordinated_district=world.school.district)
    assert credential_counts(coordinator, 987_654) is None
    foreign_school = SchoolFactory()
    assert credential_counts(coordinator, district_id, foreign_school.pk) is None
    assert credential_counts(coordinator, district_id, 987_654) is None
    coordinator.is_active = False
    assert credential_counts(coordinator, district_id) is None


def own_columns(sql: str) -> list[str]:
    """The columns the counts' own query on pursuits selects."""
    pursuit_queries = [
        q for q in sql.split("\n") if 'FROM "credentials_pursuit"' in q and "GROUP BY" not in q
    ]
    assert len(pursuit_queries) == 1, pursuit_queries
    selected = pursuit_queries[0].split(" FROM ")[0]
    return sorted(set(re.findall(r'"(\w+)"\."(\w+)"', selected)))


def test_the_counts_sql_selects_no_name_evidence_or_content(world, district):
    coordinator = CoordinatorFactory(coordinated_district=world.school.district)

    with CaptureQueriesContext(connection) as captured:
        found = credential_counts(coordinator, world.school.district_id)

    sql = "\n".join(q["sql"] for q in captured.captured_queries)
    assert found and SECRET not in repr(found)
    # Its own query: the pursuit's state and ids, the person's school, the credential's key
    # and order; nothing of the person but their school.
    assert own_columns(sql) == [
        ("accounts_user", "school_id"),
        ("credentials_credential", "key"),
        ("credentials_credential", "position"),
        ("credentials_programme", "position"),
        ("credentials_pursuit", "cohort_id"),
        ("credentials_pursuit", "credential_id"),
        ("credentials_pursuit", "id"),
        ("credentials_pursuit", "person_id"),
        ("credentials_pursuit", "state"),
        ("credentials_pursuit", "version_id"),
    ]
    # Everything it ran (progress included): no content of the records progress reads, no
    # packet, no e-mail address; the packet table is never even read.
    assert leaked(sql) == []
    assert "credentials_packet" not in sql
    assert '"accounts_user"."email"' not in sql
    assert ("observations_reflectionsheet", "considerations") in content_columns()


def test_progress_runs_in_batches_with_a_fixed_number_of_queries(world, catalogue, monkeypatch):
    from credentials import counts

    coordinator = CoordinatorFactory(coordinated_district=world.school.district)
    people = [world.leader, *world.blues]
    for person in people:
        Pursuit.objects.create(
            person=person,
            credential=catalogue.credentials["building-will"],
            version=catalogue.versions["building-will"],
            cohort=world.cohort,
        )
    batches = []
    real = counts.pursuit_progress
    monkeypatch.setattr(counts, "PROGRESS_BATCH", 2)
    monkeypatch.setattr(counts, "pursuit_progress", lambda b: batches.append(len(b)) or real(b))

    found = credential_counts(coordinator, world.school.district_id)

    assert batches == [2, 2, 1]
    assert [(c.requirement_key, c.count) for c in found][:2] == [(None, 5), ("blue-visits", 5)]


QUERY = """
query Counts($districtId: ID!, $schoolId: ID) {
  credentialCounts(districtId: $districtId, schoolId: $schoolId) {
    school { id name }
    credential { id key title }
    pursuitState requirementKey requirementState count
  }
}
"""


def test_the_api_answers_coordinators_with_counts(api_for, world, district):
    coordinator = CoordinatorFactory(coordinated_district=world.school.district)
    district_id = to_global_id("District", world.school.district_id)

    data = api_for(coordinator).data(QUERY, {"districtId": district_id})

    counts = data["credentialCounts"]
    assert counts[0] == {
        "school": {"id": to_global_id("School", world.school.pk), "name": world.school.name},
        "credential": {
            "id": to_global_id("Credential", district["bw"].versions.get().pk),
            "key": "building-will",
            "title": "Building Will",
        },
        "pursuitState": "DRAFT",
        "requirementKey": None,
        "requirementState": None,
        "count": 1,
    }
    assert counts[1]["requirementKey"] == "blue-visits"
    assert counts[1]["requirementState"] == "IN_PROGRESS"
    assert len(counts) == 10


def test_the_api_refuses_other_roles_and_other_districts(api_for, world, district):
    district_id = to_global_id("District", world.school.district_id)
    variables = {"districtId": district_id}

    teacher = api_for(world.leader).post_graphql(QUERY, variables)
    assert teacher["data"] == {"credentialCounts": None}
    assert [e["extensions"]["code"] for e in teacher["errors"]] == ["FORBIDDEN"]

    stranger = api_for(CoordinatorFactory()).post_graphql(QUERY, variables)
    assert stranger == {"data": {"credentialCounts": None}}
    coordinator = api_for(CoordinatorFactory(coordinated_district=world.school.district))
    outside = {**variables, "schoolId": to_global_id("School", SchoolFactory().pk)}
    assert coordinator.post_graphql(QUERY, outside) == {"data": {"credentialCounts": None}}
    wrong_type = {"districtId": to_global_id("School", world.school.pk)}
    assert coordinator.post_graphql(QUERY, wrong_type) == {"data": {"credentialCounts": None}}
