"""The number of SQL queries behind a map does not grow with the district."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.seeding.districts import synthetic_district
from networks.access import Scope, ScopeKind
from networks.maps import network_map
from networks.stuck_list import stuck_cohorts

from .conftest import MAP_QUERY, cohort_scope, district_scope, gid, school_scope

NOW = datetime(2027, 5, 1, 18, 0, tzinfo=UTC)
MAP_QUERIES = 12
"""What a district map costs today, sign-in included; raise it knowingly, never per cohort."""


def district(cohorts: int, slug: str):
    return synthetic_district(
        slug=slug,
        schools=2,
        cohorts=cohorts,
        teachers=cohorts * 12,
        visits=cohorts * 40,
        now=NOW,
        seed=cohorts,
    )


def queries(api, query, variables) -> int:
    with CaptureQueriesContext(connection) as captured:
        body = api.post_graphql(query, variables)
    assert "errors" not in body, body["errors"]
    return len(captured.captured_queries)


@pytest.fixture
def small_and_large(db):
    return district(2, "small"), district(10, "large")


@time_machine.travel(NOW, tick=False)
def test_a_district_map_costs_the_same_queries_for_2_and_10_cohorts(api_for, small_and_large):
    small, large = small_and_large
    small_api, large_api = api_for(small.coordinator), api_for(large.coordinator)
    # the first request of a token records its use; measure the steady state
    small_api.post_graphql("{ me { roles } }")
    large_api.post_graphql("{ me { roles } }")

    counted = [
        queries(api, MAP_QUERY, {"scope": district_scope(d.district)})
        for api, d in ((small_api, small), (large_api, large))
    ]

    assert counted[0] == counted[1] <= MAP_QUERIES, counted
    print("district map:", counted[0])


@time_machine.travel(NOW, tick=False)
def test_school_and_cohort_maps_and_the_stuck_list_too(api_for, small_and_large):
    small, large = small_and_large
    counted = []
    stuck = "query S($d: ID!) { stuckCohorts(districtId: $d) { name blueDotsBehind { fullName } } }"
    for d in (small, large):
        api = api_for(d.coordinator)
        api.post_graphql("{ me { roles } }")
        counted.append(
            (
                queries(api, MAP_QUERY, {"scope": school_scope(d.schools[0])}),
                queries(api, MAP_QUERY, {"scope": cohort_scope(d.cohorts[-1])}),
                queries(api, stuck, {"d": gid("District", d.district.pk)}),
            )
        )

    assert counted[0] == counted[1], counted
    print("school, cohort, stuck:", counted[0])


def test_the_service_alone(django_assert_max_num_queries, small_and_large):
    small, large = small_and_large
    for d in (small, large):
        scope = Scope(ScopeKind.DISTRICT, d.district.pk)
        with django_assert_max_num_queries(MAP_QUERIES - 2):
            result = network_map(viewer=d.coordinator, scope=scope, now=NOW)
        assert len(result.cohorts) == len(d.cohorts)
        with django_assert_max_num_queries(6):
            stuck_cohorts(viewer=d.coordinator, district_id=d.district.pk, now=NOW)
