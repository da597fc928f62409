from datetime import UTC, datetime

import pytest
from graphql_relay import from_global_id

from observations.models import Tool, Visit
from observations.selectors import tools_visible_to
from tests.conftest import error_codes, top_level_codes
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory
from tests.observations.conftest import gid
from tests.observations.factories import StudentLearningQuestionFactory, ToolFactory
from tests.observations.factories import visit as make_visit
from tests.observations.operations import PROPOSE, propose, when

pytestmark = pytest.mark.django_db


def test_a_visitor_proposes_from_the_phone(api_for, host, visitor, cohort, slq, tool):
    payload = propose(
        api_for(visitor),
        host,
        slqId=gid("StudentLearningQuestion", slq),
        toolId=gid("Tool", tool),
        room="4B",
        notes="I will sit at the back.",
    )

    assert payload["errors"] == []
    visit = payload["visit"]
    assert visit["status"] == "PROPOSED"
    assert visit["when"] == {
        "startsAt": "2026-03-03T15:00:00+00:00",
        "endsAt": "2026-03-03T15:45:00+00:00",
        "timeZone": "America/Chicago",
        "date": "2026-03-03",
        "startTime": "09:00:00",
        "endDate": "2026-03-03",
        "endTime": "09:45:00",
        "minutes": 45,
    }
    assert visit["myRole"] == "VISITOR"
    assert (visit["host"], visit["visitors"]) == (
        {"fullName": "Hana Host"},
        [{"fullName": "Victor Visitor"}],
    )
    assert visit["slq"] == {"question": slq.question}
    assert visit["tool"] == {"name": tool.name, "kind": "TALLY"}
    assert visit["cohortId"] == gid("Cohort", cohort)


def test_refusals_come_back_as_typed_errors_with_fields(api_for, host, visitor, outsider):
    propose(api_for(visitor), host)

    double = propose(api_for(outsider), host)
    gap = api_for(outsider).data(
        PROPOSE,
        {
            "input": {
                "hostId": gid("Person", host),
                "when": when("02:30", "2026-03-08"),
                "cycleNumber": 1,
            }
        },
    )["visitPropose"]

    assert double["visit"] is None
    assert [(e["field"], e["code"]) for e in double["errors"]] == [("when", "DOUBLE_BOOKED")]
    assert double["errors"][0]["message"] == "Hana Host already has a visit at that time."
    assert [(e["field"], e["code"]) for e in gap["errors"]] == [
        ("when.startTime", "NONEXISTENT_LOCAL_TIME")
    ]
    assert Visit.objects.count() == 1


def test_host_ids_are_checked(api_for, visitor, school):
    far_away = TeacherFactory(school=SchoolFactory(district=DistrictFactory()))

    assert error_codes(propose(api_for(visitor), far_away)) == ["NOT_FOUND"]
    wrong_type = api_for(visitor).data(
        PROPOSE, {"input": {"hostId": gid("School", school), "when": when(), "cycleNumber": 1}}
    )["visitPropose"]
    assert [(e["field"], e["code"]) for e in wrong_type["errors"]] == [("hostId", "INVALID_ID")]


def test_signing_in_is_required(api, host):
    body = api.post_graphql(
        PROPOSE, {"input": {"hostId": gid("Person", host), "when": when(), "cycleNumber": 1}}
    )

    assert top_level_codes(body) == ["UNAUTHENTICATED"]


PROPOSE_BRIEF = """
mutation Propose($input: VisitProposeInput!) {
  visitPropose(input: $input) {
    visit { id cycleNumber slq { question } tool { name kind } }
    errors { field code message }
  }
}
"""


def propose_without(api, host, **extra):
    """A proposal that leaves out the cycle (and whatever `extra` does not give)."""
    variables = {"input": {"hostId": gid("Person", host), "when": when(), **extra}}
    return api.data(PROPOSE_BRIEF, variables)["visitPropose"]


def sheet_for(done_visit):
    from observations.models import ReflectionSheet

    return ReflectionSheet.objects.create(
        visit=done_visit,
        host=done_visit.host,
        facilitator=done_visit.proposed_by,
        cycle_number=done_visit.cycle_number,
        slq=done_visit.slq,
        slq_area_of_focus=done_visit.slq.area_of_focus,
        slq_question=done_visit.slq.question,
        considerations="c",
        next_steps="n",
        keeps_slq=True,
    )


def test_without_a_cycle_number_a_first_visit_is_the_hosts_cycle_1(api_for, host, visitor):
    payload = propose_without(api_for(visitor), host)

    assert payload["errors"] == []
    assert payload["visit"]["cycleNumber"] == 1


def test_without_a_cycle_number_the_cycle_under_way_is_used(api_for, host, visitor, outsider, slq):
    # Given the host's cycle 2 has a visit and no reflection sheet yet
    make_visit(host=host, visitor=outsider, cycle_number=1, slq=slq, status="COMPLETED")
    make_visit(
        host=host,
        visitor=outsider,
        cycle_number=2,
        slq=slq,
        starts_at=datetime(2030, 2, 4, 15, tzinfo=UTC),
    )

    # When another visitor proposes without a cycle
    payload = propose_without(api_for(visitor), host)

    # Then the visit joins cycle 2, and says so
    assert payload["visit"]["cycleNumber"] == 2


def test_without_a_cycle_number_a_reflected_cycle_is_followed_by_the_next(
    api_for, host, visitor, outsider, slq
):
    # Given the host's latest cycle (1) has its reflection sheet
    done = make_visit(host=host, visitor=outsider, cycle_number=1, slq=slq, status="COMPLETED")
    sheet_for(done)

    # When a visitor proposes without a cycle
    payload = propose_without(api_for(visitor), host)

    # Then it opens cycle 2
    assert payload["visit"]["cycleNumber"] == 2
    assert Visit.objects.get(pk=from_global_id(payload["visit"]["id"])[1]).cycle_number == 2


def test_a_given_cycle_number_is_still_checked(api_for, host, visitor):
    payload = propose_without(api_for(visitor), host, cycleNumber=3)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("cycleNumber", "INVALID_CYCLE_NUMBER")
    ]


def test_left_out_the_question_and_tool_are_the_hosts_chosen_ones(api_for, host, visitor, cohort):
    # Given the host's current question and the private tool they made for it
    question = StudentLearningQuestionFactory(host=host)
    chosen = ToolFactory(owner=host, slq=question, name="Hana's tally")

    # When a visitor who could see neither proposes without naming them
    payload = propose_without(api_for(visitor), host)

    # Then the visit carries both, and the visitor now reads them through it
    assert payload["errors"] == []
    assert payload["visit"]["slq"] == {"question": question.question}
    assert payload["visit"]["tool"]["name"] == "Hana's tally"
    assert chosen.pk in set(tools_visible_to(visitor).values_list("pk", flat=True))


def test_a_visitor_may_attach_the_tool_the_host_chose_by_its_id(api_for, host, visitor, cohort):
    question = StudentLearningQuestionFactory(host=host)
    chosen = ToolFactory(owner=host, slq=question, name="Hana's tally")
    ToolFactory(owner=host, slq=question, name="A newer draft")  # the default would be this one

    payload = propose_without(api_for(visitor), host, toolId=gid("Tool", chosen))

    assert payload["errors"] == []
    assert payload["visit"]["tool"]["name"] == "Hana's tally"


def test_a_private_tool_of_a_third_person_cannot_be_attached_or_read(
    api_for, host, visitor, cohort
):
    # Given a third teacher's private tool (even one crafted for the host's question, but never
    # shown to the host)
    question = StudentLearningQuestionFactory(host=host)
    stranger = TeacherFactory(school=host.school)
    private = ToolFactory(owner=stranger, name="Secret seating chart")
    for_the_host = ToolFactory(owner=stranger, slq=question, name="Stranger's draft")

    for tool in (private, for_the_host):
        # When the visitor names it in a proposal
        payload = propose_without(api_for(visitor), host, toolId=gid("Tool", tool))

        # Then it is NOT_FOUND, like an id that does not exist, and nothing of it comes back
        assert payload["visit"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("toolId", "NOT_FOUND")]
        assert tool.name not in str(payload)
    missing = propose_without(api_for(visitor), host, toolId=gid("Tool", Tool(pk=987654)))
    assert missing["errors"][0]["message"] == payload["errors"][0]["message"]
    assert not Visit.objects.exists()


def test_outside_the_hosts_cohort_nothing_of_the_hosts_is_attached(api_for, host, outsider):
    # Given the host's question and private chosen tool, and a district teacher outside the
    # host's cohort (who may still propose: visits cross cohorts)
    question = StudentLearningQuestionFactory(host=host, question="Who talks in group work?")
    chosen = ToolFactory(owner=host, slq=question, name="Hana's tally")

    # When they propose without naming either, and again naming the chosen tool
    plain = propose_without(api_for(outsider), host)
    named = propose_without(api_for(outsider), host, toolId=gid("Tool", chosen), when=when("11:00"))

    # Then the first carries neither, the second is NOT_FOUND: nothing of the host's leaks
    assert plain["errors"] == []
    assert (plain["visit"]["slq"], plain["visit"]["tool"]) == (None, None)
    assert [(e["field"], e["code"]) for e in named["errors"]] == [("toolId", "NOT_FOUND")]
    assert "Who talks" not in str(plain) + str(named)
    assert "Hana's tally" not in str(plain) + str(named)
