"""Coordinators' counts of improvement work (`improvement.counts`, `improvementCounts`): PDSA
cycles per stage, measures and data points per school of a district; only for the district's
coordinators and staff; null for any other district and for a school outside it; and the SQL
behind them selects no text, no value and nothing of a person but their school."""

import re
import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from improvement.counts import improvement_counts
from improvement.services.annotations import annotation_add
from improvement.services.common import school_today
from improvement.services.measures import measure_create
from improvement.services.pdsa import pdsa_advance, pdsa_create
from improvement.services.points import data_points_record
from tests.factories import CoordinatorFactory, SchoolFactory, StaffFactory, TeacherFactory
from tests.observations.factories import StudentLearningQuestionFactory

pytestmark = pytest.mark.django_db

SECRET = "Whispering Willow"


def _points(owner, measure, values):
    today = school_today(owner)
    data_points_record(
        owner=owner,
        measure=measure,
        points=[
            {"client_id": uuid.uuid4(), "on": today - timedelta(days=n), "value": value}
            for n, value in enumerate(values)
        ],
    )


@pytest.fixture
def district(owner, other_teacher, linked, measure):
    """At the owner's school: the owner's cycle in Do with a measure of three points and a
    note, a colleague's cycle in Plan; at another school of the district a measure with two
    points and no cycle; in another district a cycle and a measure (never counted). Every
    text says the secret, and so do the people's names."""
    for person in (owner, other_teacher):
        person.full_name = SECRET
        person.save(update_fields=["full_name"])
    _points(owner, measure, [3, 4, 5])
    annotation_add(owner=owner, measure=measure, on=school_today(owner), text=SECRET)
    pdsa_advance(owner=owner, pdsa=linked, to="DO")
    pdsa_create(
        owner=other_teacher,
        slq=StudentLearningQuestionFactory(host=other_teacher, question=SECRET),
        change_idea=SECRET,
        predictions=SECRET,
    )
    other_school = SchoolFactory(district=owner.school.district)
    elsewhere = TeacherFactory(school=other_school, full_name=SECRET)
    _points(elsewhere, measure_create(owner=elsewhere, name=SECRET, unit=SECRET), [1, 2])
    stranger = TeacherFactory(full_name=SECRET)  # another district
    pdsa_create(
        owner=stranger,
        slq=StudentLearningQuestionFactory(host=stranger),
        change_idea=SECRET,
        predictions=SECRET,
    )
    _points(stranger, measure_create(owner=stranger, name=SECRET), [7])
    return {"school": owner.school, "other_school": other_school}


def rows(found):
    return [
        (c.school_id, dict(c.pdsas_by_stage), c.pdsas, c.measures, c.data_points) for c in found
    ]


def stages(**counts):
    return {stage: counts.get(stage, 0) for stage in ("PLAN", "DO", "STUDY", "ACT", "DONE")}


def test_counts_per_school_stage_measures_and_points(owner, district):
    coordinator = CoordinatorFactory(coordinated_district=owner.school.district)
    school, other = district["school"].pk, district["other_school"].pk

    found = improvement_counts(coordinator, owner.school.district_id)

    assert rows(found) == [
        (school, stages(PLAN=1, DO=1), 2, 1, 3),
        (other, stages(), 0, 1, 2),
    ]
    # Every stage is listed, in the order a cycle moves through them.
    assert [stage for stage, _ in found[0].pdsas_by_stage] == [
        "PLAN",
        "DO",
        "STUDY",
        "ACT",
        "DONE",
    ]
    assert rows(improvement_counts(coordinator, owner.school.district_id, other)) == [
        (other, stages(), 0, 1, 2)
    ]
    assert SECRET not in repr(found)


def test_a_district_without_improvement_work_has_no_rows(owner):
    coordinator = CoordinatorFactory(coordinated_district=owner.school.district)

    assert improvement_counts(coordinator, owner.school.district_id) == []


def test_staff_see_any_district_and_nobody_else_sees_one(owner, other_teacher, district):
    district_id = owner.school.district_id
    assert improvement_counts(StaffFactory(), district_id)
    assert improvement_counts(CoordinatorFactory(), district_id) is None  # another district's
    assert improvement_counts(owner, district_id) is None  # the cycle's own owner
    assert improvement_counts(other_teacher, district_id) is None
    assert improvement_counts(None, district_id) is None
    coordinator = CoordinatorFactory(coordinated_district=owner.school.district)
    assert improvement_counts(coordinator, 987_654) is None
    assert improvement_counts(coordinator, district_id, SchoolFactory().pk) is None
    assert improvement_counts(coordinator, district_id, 987_654) is None
    coordinator.is_active = False
    assert improvement_counts(coordinator, district_id) is None


def forbidden_columns() -> set[tuple[str, str]]:
    """Every column of the improvement app's tables but the ids, foreign keys and a cycle's
    stage (texts, values, dates, decisions), and every column of a person but their id and
    school."""
    columns = set()
    for model in apps.get_app_config("improvement").get_models():
        for field in model._meta.concrete_fields:
            if field.primary_key or field.is_relation or field.name == "stage":
                continue
            columns.add((model._meta.db_table, field.column))
    user = apps.get_model("accounts", "User")
    for field in user._meta.concrete_fields:
        if field.column not in {"id", "school_id"}:
            columns.add((user._meta.db_table, field.column))
    return columns


def test_the_counts_sql_selects_no_content_column(owner, district):
    coordinator = CoordinatorFactory(coordinated_district=owner.school.district)

    with CaptureQueriesContext(connection) as captured:
        found = improvement_counts(coordinator, owner.school.district_id)

    assert found
    improvement_queries = [
        q["sql"] for q in captured.captured_queries if '"improvement_' in q["sql"]
    ]
    # Cycles, measures, points and live library entries: one grouped query each.
    assert len(improvement_queries) == 4
    selected = set()
    for sql in improvement_queries:
        selected |= set(re.findall(r'"(\w+)"\."(\w+)"', sql.split(" FROM ")[0]))
    # What they select: the owner's school, a cycle's stage, and the ids they count.
    assert selected == {
        ("accounts_user", "school_id"),
        ("improvement_pdsa", "stage"),
        ("improvement_pdsa", "id"),
        ("improvement_measure", "id"),
        ("improvement_datapoint", "id"),
        ("improvement_libraryentry", "id"),
    }
    everything = "\n".join(q["sql"] for q in captured.captured_queries)
    named = set(re.findall(r'"(\w+)"\."(\w+)"', everything))
    # Whether an entry is live is read (in WHERE), never when or what it shared.
    assert named & forbidden_columns() == {("improvement_libraryentry", "unpublished_at")}
    assert ("improvement_pdsa", "change_idea") in forbidden_columns()
    assert ("improvement_datapoint", "value") in forbidden_columns()
    assert "improvement_annotation" not in everything
    assert "improvement_pdsarevision" not in everything


QUERY = """
query Counts($districtId: ID!, $schoolId: ID) {
  improvementCounts(districtId: $districtId, schoolId: $schoolId) {
    school { id name }
    pdsaStages { stage count }
    pdsas measures dataPoints
  }
}
"""


def test_the_api_answers_coordinators_with_counts(api_for, owner, district):
    coordinator = CoordinatorFactory(coordinated_district=owner.school.district)
    district_id = to_global_id("District", owner.school.district_id)

    response = api_for(coordinator).post_graphql(QUERY, {"districtId": district_id})

    assert "errors" not in response
    counts = response["data"]["improvementCounts"]
    assert counts[0] == {
        "school": {"id": to_global_id("School", owner.school.pk), "name": owner.school.name},
        "pdsaStages": [
            {"stage": "PLAN", "count": 1},
            {"stage": "DO", "count": 1},
            {"stage": "STUDY", "count": 0},
            {"stage": "ACT", "count": 0},
            {"stage": "DONE", "count": 0},
        ],
        "pdsas": 2,
        "measures": 1,
        "dataPoints": 3,
    }
    assert counts[1]["school"]["id"] == to_global_id("School", district["other_school"].pk)
    assert (counts[1]["pdsas"], counts[1]["measures"], counts[1]["dataPoints"]) == (0, 1, 2)
    assert len(counts) == 2
    assert SECRET not in str(response)
    staff = api_for(StaffFactory()).post_graphql(QUERY, {"districtId": district_id})
    assert staff["data"]["improvementCounts"] == counts


def test_the_api_refuses_teachers_other_districts_and_wrong_ids(
    api, api_for, owner, other_teacher, district
):
    district_id = to_global_id("District", owner.school.district_id)
    variables = {"districtId": district_id}

    for teacher in (owner, other_teacher):
        refused = api_for(teacher).post_graphql(QUERY, variables)
        assert refused["data"] == {"improvementCounts": None}
        assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    signed_out = api.post_graphql(QUERY, variables)
    assert signed_out["data"] == {"improvementCounts": None}
    assert [e["extensions"]["code"] for e in signed_out["errors"]] == ["UNAUTHENTICATED"]

    stranger = api_for(CoordinatorFactory()).post_graphql(QUERY, variables)
    assert stranger == {"data": {"improvementCounts": None}}
    coordinator = api_for(CoordinatorFactory(coordinated_district=owner.school.district))
    outside = {**variables, "schoolId": to_global_id("School", SchoolFactory().pk)}
    assert coordinator.post_graphql(QUERY, outside) == {"data": {"improvementCounts": None}}
    wrong_type = {"districtId": to_global_id("School", owner.school.pk)}
    assert coordinator.post_graphql(QUERY, wrong_type) == {"data": {"improvementCounts": None}}


def test_live_library_entries_are_counted_per_school(owner, district):
    from improvement.models import LibraryScope
    from improvement.services.library import pdsa_publish, pdsa_unpublish
    from tests.improvement.library.conftest import make_cycle

    coordinator = CoordinatorFactory(coordinated_district=owner.school.district)
    cycle = make_cycle(owner, StudentLearningQuestionFactory(host=owner))
    entry = pdsa_publish(
        actor=owner, pdsa=cycle, scope=LibraryScope.DISTRICT, commit_to_answer=True
    )

    def shared() -> dict:
        found = improvement_counts(coordinator, owner.school.district_id)
        return {row.school_id: row.library_entries for row in found}

    assert shared()[owner.school_id] == 1
    assert shared()[district["other_school"].pk] == 0
    pdsa_unpublish(actor=owner, entry=entry)
    assert shared()[owner.school_id] == 0
