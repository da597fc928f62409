"""A teacher's visit list costs the same number of queries for 3 visits as for 30."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observations.models import ObservationEntry, Photo, ReflectionSheet
from tests.factories import TeacherFactory
from tests.observations.factories import StudentLearningQuestionFactory, ToolFactory, visit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.observations.urls")]

SEATING_CHART = {
    "layout": "grid",
    "seats": [{"key": "s1", "label": "Seat 1", "x": 0, "y": 0}],
    "marks": [{"key": "on-task", "label": "On task"}],
}

MY_VISITS = """
{
  myVisits(first: 100) {
    totalCount
    edges { node {
      id status when { startsAt date startTime timeZone } cycleNumber myRole hasReflectionSheet
      entryCount dataSummary { ... on TallySummary { total perCategory { key count } } }
      proposedBy { fullName school { name } } statusChangedBy { fullName school { name } }
      host { fullName school { name } } visitors { fullName roles }
      slq { question photos { id url } } tool { name kind roomPhoto { id thumbnailUrl } }
      reflectionSheet { id keepsSlq photos { id } }
      photos { id caption url thumbnailUrl linksExpireAt canDelete uploadedBy { fullName } }
    } }
  }
}
"""
SUMMARIES = """
{
  visitSummaries(first: 100) {
    totalCount
    edges { node { id status when { startsAt date startTime timeZone } host { fullName }
                   visitors { fullName }
                   hasReflectionSheet sharedReflectionSheet { id photos { id url } } } }
  }
}
"""


def add_photo(uploaded_by, **target):
    """A photo row (the files do not matter for counting queries)."""
    return Photo.objects.create(
        **target,
        uploaded_by=uploaded_by,
        image="observations/photos/aa/main.jpg",
        thumbnail="observations/photos/aa/thumb.jpg",
        width=40,
        height=60,
        thumbnail_width=40,
        thumbnail_height=60,
    )


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
            tool=ToolFactory(owner=host, kind="SEATING_CHART", definition=SEATING_CHART),
            cohort=cohort,
        )
        made.status_changed_by = other
        made.save(update_fields=["status_changed_by"])
        ObservationEntry.objects.create(
            visit=made,
            submitted_by=made.host,
            client_id=uuid.uuid4(),
            recorded_at=made.starts_at,
            payload={
                "at": 60,
                "seat": "s1",
                "mark": "on-task",
            },
        )
        for _ in range(n % 3):
            add_photo(other, visit=made)
        add_photo(host, slq=slq)
        add_photo(host, tool=made.tool)
        if n % 3 == 0:
            sheet = ReflectionSheet.objects.create(
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
                shared_with_cohort=cohort is not None,
            )
            add_photo(host, reflection_sheet=sheet)


def count_queries(api, query) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        data = api.data(query)
    return len(captured), data


def counts_at_3_and_30(api, query, host, school) -> tuple[int, int, dict]:
    """Queries for the host's 3 visits, then for 30; and the answer with 30."""
    make_visits(3, host, school)
    small, _ = count_queries(api, query)
    make_visits(27, host, school, after=3)
    large, data = count_queries(api, query)
    return small, large, data


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
                   visitSummary { when { startsAt date startTime timeZone } visitors { fullName } }
                   photos { id url canDelete uploadedBy { fullName } } } }
  }
}
"""


def test_reflection_sheet_lists_use_a_constant_number_of_queries(api_for, host, school):
    small, large, data = counts_at_3_and_30(api_for(host), SHEETS, host, school)

    assert data["reflectionSheets"]["totalCount"] == 10
    assert large == small


SLQS_AND_TOOLS = """
{
  myStudentLearningQuestions { question photos { id url uploadedBy { fullName } } }
  tools(first: 100, scope: MINE) { totalCount edges { node { name roomPhoto { id url } } } }
}
"""


def test_photo_fields_of_questions_and_tools_use_a_constant_number_of_queries(
    api_for, host, school
):
    api = api_for(host)
    make_visits(3, host, school)
    small, data = count_queries(api, SLQS_AND_TOOLS)
    assert all(len(q["photos"]) == 1 for q in data["myStudentLearningQuestions"])

    make_visits(27, host, school, after=3)
    large, data = count_queries(api, SLQS_AND_TOOLS)

    assert len(data["myStudentLearningQuestions"]) == 30
    assert data["tools"]["totalCount"] == 30
    assert all(e["node"]["roomPhoto"] for e in data["tools"]["edges"])
    assert large == small


LEAN_WEEK = """
{ myVisits(first: 100) { edges { node { id status host { fullName } slq { question } } } } }
"""


def test_a_visit_list_without_photos_or_data_loads_neither(api_for, host, school):
    api = api_for(host)
    make_visits(3, host, school)
    with CaptureQueriesContext(connection) as captured:
        api.data(LEAN_WEEK)

    statements = " ".join(query["sql"] for query in captured)
    assert '"observations_photo"' not in statements
    assert '"observations_observationentry"."payload"' not in statements
    assert '"observations_visit"."proposed_by_id" = ' not in statements  # no join for them


IN_FRAGMENTS = """
query {
  myVisits(first: 100) { edges { node { ...Card } } }
}
fragment Card on Visit {
  id photos { id } dataSummary { __typename } statusChangedBy { fullName }
  slq { ...Pictures } tool { roomPhoto { id } } reflectionSheet { photos { id } }
}
fragment Pictures on StudentLearningQuestion { photos { id url } }
"""


def test_fields_asked_inside_fragments_are_prefetched_too(api_for, host, school):
    small, large, data = counts_at_3_and_30(api_for(host), IN_FRAGMENTS, host, school)

    assert len(data["myVisits"]["edges"]) == 30
    assert large == small, f"{small} queries for 3 visits, {large} for 30"


LINKS = """
{
  myStudentLearningQuestions(includeRetired: true) {
    question replaces { question host { fullName } } replacedBy { question }
  }
  tools(first: 100, scope: MINE) { edges { node {
    name copiedFrom { name owner { fullName } } slq { question }
  } } }
}
"""


def make_linked(count, host, school):
    """`count` questions each replaced by a newer one, and tools copied from another
    teacher's: half from a tool the host may see (shared with the school), half from a
    private one the host may not."""
    other = TeacherFactory(school=school)
    for n in range(count):
        old = StudentLearningQuestionFactory(host=host, question=f"old {n}")
        new = StudentLearningQuestionFactory(host=host, question=f"new {n}", replaces=old)
        source = ToolFactory(
            owner=other, name=f"source {n}", sharing="SCHOOL" if n % 2 else "PRIVATE"
        )
        ToolFactory(owner=host, name=f"copy {n}", copied_from=source, slq=new)


def test_links_between_questions_and_tools_use_a_constant_number_of_queries(api_for, host, school):
    api = api_for(host)
    make_linked(3, host, school)
    small, _ = count_queries(api, LINKS)
    make_linked(27, host, school)
    large, data = count_queries(api, LINKS)

    questions = data["myStudentLearningQuestions"]
    assert len(questions) == 60
    newer = [q for q in questions if q["question"].startswith("new")]
    assert all(q["replaces"]["question"] == "old" + q["question"][3:] for q in newer)
    assert all(q["replacedBy"] is None for q in newer)
    older = [q for q in questions if q["question"].startswith("old")]
    assert all(q["replacedBy"]["question"] == "new" + q["question"][3:] for q in older)
    copies = [edge["node"] for edge in data["tools"]["edges"]]
    assert len(copies) == 30
    for tool in copies:
        n = int(tool["name"].split()[1])
        # Another teacher's private tool stays hidden even as the source of a copy.
        expected = {
            "name": f"source {n}",
            "owner": tool["copiedFrom"] and tool["copiedFrom"]["owner"],
        }
        assert tool["copiedFrom"] == (expected if n % 2 else None)
        assert tool["slq"] == {"question": f"new {n}"}
    assert large == small, f"{small} queries for 3 links, {large} for 30"
    print(f"links: {small} queries for 3 and for 30")
