"""A teacher's visit list costs the same number of queries for 3 visits as for 30."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observations.models import ReflectionSheet
from tests.factories import TeacherFactory
from tests.observations.factories import StudentLearningQuestionFactory, ToolFactory, visit

pytestmark = pytest.mark.django_db

MY_VISITS = """
{
  myVisits(first: 100) {
    totalCount
    edges { node {
      id status startsAtLocal cycleNumber myRole hasReflectionSheet entryCount
      host { fullName school { name } } visitors { fullName roles }
      slq { question } tool { name kind }
      reflectionSheet { id keepsSlq }
    } }
  }
}
"""
SUMMARIES = """
{
  visitSummaries(first: 100) {
    totalCount
    edges { node { id status startsAtLocal host { fullName } visitors { fullName }
                   hasReflectionSheet sharedReflectionSheet { id } } }
  }
}
"""


def make_visits(count, host, school, cohort=None, *, after=0):
    # One an hour: the host is in every visit and is never double-booked.
    start = datetime(2026, 4, 6, 14, tzinfo=UTC) + timedelta(hours=after)
    for n in range(count):
        other = TeacherFactory(school=school)
        slq = StudentLearningQuestionFactory(host=host)
        made = visit(
            host=host if n % 2 else other,
            visitor=other if n % 2 else host,
            starts_at=start + timedelta(hours=n),
            slq=slq,
            tool=ToolFactory(owner=host),
            cohort=cohort,
        )
        if n % 3 == 0:
            ReflectionSheet.objects.create(
                visit=made,
                host=made.host,
                facilitator=host,
                cycle_number=1,
                slq=slq,
                slq_area_of_focus="a",
                slq_question="q",
                considerations="c",
                next_steps="n",
                keeps_slq=True,
            )


def count_queries(api, query) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        data = api.data(query)
    return len(captured), data


@pytest.mark.parametrize("query_name", ["MY_VISITS", "SUMMARIES"])
def test_visit_lists_use_a_constant_number_of_queries(
    api_for, host, school, leader, cohort, query_name
):
    query = {"MY_VISITS": MY_VISITS, "SUMMARIES": SUMMARIES}[query_name]
    viewer = host if query_name == "MY_VISITS" else leader
    api = api_for(viewer)
    make_visits(3, host, school, cohort)
    small, data = count_queries(api, query)
    root = next(iter(data.values()))
    assert root["totalCount"] == 3

    make_visits(27, host, school, cohort, after=3)
    large, data = count_queries(api, query)

    assert next(iter(data.values()))["totalCount"] == 30
    assert large == small, f"{small} queries for 3 visits, {large} for 30"
    print(f"{query_name}: {small} queries for 3 visits and for 30")


SHEETS = """
{
  reflectionSheets(first: 100) {
    totalCount
    edges { node { cycleNumber slqQuestion host { fullName } facilitator { fullName }
                   visitSummary { startsAtLocal visitors { fullName } } } }
  }
}
"""


def test_reflection_sheet_lists_use_a_constant_number_of_queries(api_for, host, school):
    api = api_for(host)
    make_visits(3, host, school)
    small, _ = count_queries(api, SHEETS)

    make_visits(27, host, school, after=3)
    large, data = count_queries(api, SHEETS)

    assert data["reflectionSheets"]["totalCount"] == 10
    assert large == small
