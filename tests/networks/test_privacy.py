"""Only structure and counts cross into maps: never what a visit, reflection, meeting or survey
says. Checked on the GraphQL types and on the SQL the networks app sends."""

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType

from backend.schema import schema
from tests.factories import CoordinatorFactory

from .conftest import MAP_QUERY, at_day, cohort_scope, district_scope, gid

# The only text a map or the stuck list shows: names, and what a picture link needs.
ALLOWED_TEXT = {
    "NetworkMap.name",
    "NetworkNode.fullName",
    "NetworkCohort.name",
    "NetworkCohort.schoolYear",
    "NetworkSchool.name",
    "NetworkConnector.fullName",
    "StuckCohort.name",
    "StuckCohort.schoolName",
    "StuckPerson.fullName",
    "StuckBlueDot.fullName",
    "NetworkMapImage.url",
    "NetworkMapImage.contentType",
}
ALLOWED_SCALARS = {"ID", "Int", "Float", "Boolean", "Date", "DateTime", "String"}


def _named(graphql_type):
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def _fields_under(root_names):
    seen, found, todo = set(), [], [schema.graphql_schema.get_type(n) for n in root_names]
    while todo:
        graphql_type = todo.pop()
        if graphql_type.name in seen or not isinstance(graphql_type, GraphQLObjectType):
            continue
        seen.add(graphql_type.name)
        for field_name, field in graphql_type.fields.items():
            named = _named(field.type)
            found.append((f"{graphql_type.name}.{field_name}", named))
            todo.append(named)
    return found


def test_the_map_types_hold_only_ids_names_counts_dates_and_positions():
    fields = _fields_under(["NetworkMap", "StuckCohort", "NetworkMapImage"])

    text = {name for name, t in fields if getattr(t, "name", None) == "String"}
    scalars = {t.name for _, t in fields if isinstance(t, GraphQLScalarType)}
    assert text == ALLOWED_TEXT
    assert scalars <= ALLOWED_SCALARS
    content_words = ("question", "focus", "note", "consideration", "step", "data", "tool")
    assert [name for name, _ in fields if any(w in name.lower() for w in content_words)] == []


def _content_columns():
    """Every free-text or JSON column of the apps the maps read, plus the SLQ copies."""
    columns = set()
    for label in ("observations", "cohorts", "surveys"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.TextField | models.JSONField) or field.name in {
                    "area_of_focus",
                    "slq_area_of_focus",
                    "status_reason",
                    "room",
                    "location",
                    "title",
                    "label",
                }:
                    columns.add((model._meta.db_table, field.column))
    return columns


@pytest.fixture
def busy_cohort(seeder, make_group):
    g = make_group(seeder, blues=2, yellows_per_blue=1)
    visit = seeder.visit(g.leader, g.blues[0], starts_at=at_day(1), cohort=g.cohort)
    seeder.reflection(visit)
    seeder.visit(g.blues[0], g.yellows[0][0], starts_at=at_day(2), cohort=g.cohort)
    seeder.meeting(g.cohort, "WHOLE_GROUP", starts_at=at_day(3), created_by=g.leader)
    seeder.survey(
        g.cohort,
        "BASELINE",
        opens_at=at_day(1),
        closes_at=at_day(9),
        created_by=g.leader,
        invited=g.everyone,
    )
    seeder.save()
    return g


@pytest.mark.urls("tests.networks.urls")
def test_no_query_selects_what_anything_says(api_for, busy_cohort):
    coordinator = CoordinatorFactory(coordinated_district=busy_cohort.cohort.school.district)
    api = api_for(coordinator)
    district = busy_cohort.cohort.school.district
    image = "query I($c: ID!) { networkMapImage(cohortId: $c, format: SVG) { url } }"
    stuck = "query S($d: ID!) { stuckCohorts(districtId: $d, weeksWithoutVisit: 1) { name } }"

    with CaptureQueriesContext(connection) as captured:
        body = api.data(MAP_QUERY, {"scope": district_scope(district)})
        api.data(MAP_QUERY, {"scope": cohort_scope(busy_cohort.cohort)})
        api.data(stuck, {"d": gid("District", district.pk)})
        url = api.data(image, {"c": gid("Cohort", busy_cohort.cohort.pk)})["networkMapImage"]["url"]
        picture = api.client.get(url)

    assert picture.status_code == 200
    assert ("observations_reflectionsheet", "considerations") in _content_columns()
    assert "observations_reflectionsheet" in "".join(q["sql"] for q in captured.captured_queries)
    sql = "\n".join(q["sql"] for q in captured.captured_queries)
    leaked = [
        f"{table}.{column}"
        for table, column in _content_columns()
        if f'"{table}"."{column}"' in sql
    ]
    assert leaked == []
    assert "Which students" not in str(body)
    assert b"Which students" not in picture.content
