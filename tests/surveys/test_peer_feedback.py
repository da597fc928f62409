"""Issue #21, slice 6: peer feedback to visited peers (design "credentials.md", section 5).

Any current cohort member may ask the peers whose classes they visited for feedback, and four
respondents besides the launcher (`SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE`) are enough for its
figures and its comments. Every other kind of survey keeps its minimums and stays with teacher
leaders. The tests go through the GraphQL API where a person would, as an attacker would.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from graphql_relay import from_global_id

from cohorts.models import Membership, Role
from surveys.models import Administration, AdministrationKind, AudienceKind, Invitee
from surveys.reports import ReportStatus, administration_report, report_csv
from surveys.services.administrations import administration_update
from tests.conftest import error_codes, top_level_codes
from tests.factories import TeacherFactory
from tests.surveys.factories import administration, answer, cohort_with_peers, small_instrument
from tests.surveys.graphql import LAUNCH, administration_id, gid, person_id
from tests.surveys.helpers import validation_codes
from tests.surveys.visits import visited

pytestmark = pytest.mark.django_db

REPORT = """
query($id: ID!) {
  surveyReport(administrationId: $id) {
    status respondedCount minimumGroupSize minimumCommentGroupSize
    constructs { figures { isSuppressed n } items { figures { isSuppressed n } } }
    comments { isSuppressed comments }
    csv
  }
}
"""
COMMENT = "Students explained their thinking to each other more."


@pytest.fixture
def group(leader):
    """(cohort, peers): a leader's cohort of twelve; peers[0] is a blue dot."""
    return cohort_with_peers(leader=leader)


@pytest.fixture
def blue(group):
    cohort, peers = group
    assert Membership.objects.get(cohort=cohort, person=peers[0]).role == Role.BLUE
    return peers[0]


@pytest.fixture
def own(blue):
    return small_instrument(school=blue.school)


def launch_input(instrument, people, **fields):
    return {
        "input": {
            "instrumentId": gid("SurveyInstrument", instrument),
            "kind": "PEER_FEEDBACK",
            "audience": "VISITED_PEERS",
            "personIds": [person_id(person) for person in people],
            "closesAt": (timezone.now() + timedelta(days=7)).isoformat(),
            **fields,
        }
    }


def launch(api_for, launcher, instrument, people, **fields) -> dict:
    return api_for(launcher).data(LAUNCH, launch_input(instrument, people, **fields))[
        "surveyAdministrationLaunch"
    ]


def answered_and_closed(survey: Administration, people: list) -> Administration:
    """Each person answers (figures and a comment) while it is open; then it closes."""
    for index, person in enumerate(people):
        answer(survey, person, {"q1": 1 + index % 5, "q2": 3, "q3": f"{COMMENT} ({index})"})
    now = timezone.now()
    survey.opens_at = min(survey.opens_at, now - timedelta(hours=1))
    survey.closes_at = now - timedelta(minutes=1)
    survey.save(update_fields=["opens_at", "closes_at"])
    return survey


def read_report(api_for, reader, survey) -> dict | None:
    return api_for(reader).data(REPORT, {"id": administration_id(survey)})["surveyReport"]


# --- who launches, to how many -------------------------------------------------------------------


def test_a_blue_dot_asks_four_visited_peers_for_feedback(api_for, blue, group, own):
    _cohort, peers = group
    four = peers[1:5]
    visited(blue, four)

    payload = launch(api_for, blue, own, four)

    assert payload["errors"] == []
    survey = payload["administration"]
    assert (survey["kind"], survey["audience"]) == ("PEER_FEEDBACK", "VISITED_PEERS")
    assert survey["invitedCount"] == 4
    assert survey["viewerCanManage"] is True
    assert survey["viewerIsInvited"] is False  # the launcher is never asked
    invited = set(Invitee.objects.values_list("person_id", flat=True))
    assert invited == {person.pk for person in four}


def test_a_blue_dot_may_name_their_own_cohort(api_for, blue, group, own):
    cohort, peers = group
    visited(blue, peers[1:5])

    payload = launch(api_for, blue, own, peers[1:5], cohortId=gid("Cohort", cohort))

    assert payload["errors"] == []
    assert payload["administration"]["cohortId"] == gid("Cohort", cohort)


def test_three_visited_peers_are_too_few(api_for, blue, group, own):
    _cohort, peers = group
    visited(blue, peers[1:4])

    payload = launch(api_for, blue, own, peers[1:4])

    assert payload["administration"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("audience", "AUDIENCE_TOO_SMALL")
    ]
    assert not Administration.objects.exists()


def test_the_launcher_cannot_list_themself_to_make_up_the_four(api_for, blue, group, own):
    _cohort, peers = group
    visited(blue, peers[1:4])

    payload = launch(api_for, blue, own, [blue, *peers[1:4]])

    assert error_codes(payload) == ["NOT_VISITED"]
    assert not Administration.objects.exists()


def test_peers_visited_in_visits_that_never_happened_do_not_count(api_for, blue, group, own):
    _cohort, peers = group
    visited(blue, peers[1:4])
    visited(blue, peers[4:5], status="ACCEPTED")

    payload = launch(api_for, blue, own, peers[1:5])

    assert error_codes(payload) == ["NOT_VISITED"]


@pytest.mark.parametrize(
    ("kind", "audience"),
    [
        ("PEER_FEEDBACK", "COHORT_PEERS"),  # peer feedback, but to a whole group
        ("OTHER", "COHORT_PEERS"),
        ("END_OF_YEAR", "GROUP_OF_FIVE"),
        ("SESSION_FEEDBACK", "COHORT_PEERS"),
        ("OTHER", "VISITED_PEERS"),
    ],
)
def test_a_blue_dot_launching_any_other_survey_is_not_allowed(
    api_for, blue, group, own, kind, audience
):
    cohort, peers = group
    visited(blue, peers[1:6])
    fields = {"kind": kind, "audience": audience, "cohortId": gid("Cohort", cohort)}
    variables = launch_input(own, peers[1:6], **fields)
    if audience != "VISITED_PEERS":
        del variables["input"]["personIds"]

    body = api_for(blue).post_graphql(LAUNCH, variables)

    # The role may call the mutation, so the refusal is in the payload, never at the top level.
    assert top_level_codes(body) == []
    payload = body["data"]["surveyAdministrationLaunch"]
    assert payload["administration"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "NOT_ALLOWED")]
    assert not Administration.objects.exists()


def test_a_teacher_in_no_cohort_cannot_ask_for_peer_feedback(api_for, blue, group, own):
    cohort, peers = group
    visited(blue, peers[1:5])
    Membership.objects.filter(cohort=cohort, person=blue).update(ended_at=timezone.now())
    outsider = TeacherFactory(school=blue.school)  # never in a cohort
    visited(outsider, peers[5:9])

    left = launch(api_for, blue, own, peers[1:5])
    never = launch(api_for, outsider, small_instrument(school=blue.school), peers[5:9])

    assert error_codes(left) == ["NOT_ALLOWED"]
    assert error_codes(never) == ["NOT_ALLOWED"]
    assert not Administration.objects.exists()


def test_a_blue_dot_cannot_send_it_in_the_name_of_a_cohort_they_left(api_for, blue, group, own):
    cohort, peers = group
    visited(blue, peers[1:5])
    other, _ = cohort_with_peers(school=blue.school, peers=4)
    Membership.objects.create(cohort=other, person=blue, role=Role.YELLOW)
    Membership.objects.filter(cohort=cohort, person=blue).update(ended_at=timezone.now())

    payload = launch(api_for, blue, own, peers[1:5], cohortId=gid("Cohort", cohort))

    # Either unseen (NOT_FOUND) or seen and refused (NOT_ALLOWED); never launched with it.
    assert error_codes(payload) in (["NOT_FOUND"], ["NOT_ALLOWED"])
    assert not Administration.objects.filter(cohort=cohort).exists()


def test_the_minimum_is_configurable_and_never_below_three(settings, api_for, blue, group, own):
    _cohort, peers = group
    visited(blue, peers[1:7])
    settings.SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE = 6
    assert error_codes(launch(api_for, blue, own, peers[1:6])) == ["AUDIENCE_TOO_SMALL"]

    settings.SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE = 1  # too small to hide anyone: three it is
    assert error_codes(launch(api_for, blue, own, peers[1:3])) == ["AUDIENCE_TOO_SMALL"]
    assert launch(api_for, blue, own, peers[1:4])["errors"] == []


def test_peer_feedback_to_a_whole_group_still_needs_five_besides_the_leader(api_for, leader):
    cohort, _four = cohort_with_peers(leader=leader, peers=4)
    variables = launch_input(
        small_instrument(school=leader.school),
        [],
        audience="COHORT_PEERS",
        cohortId=gid("Cohort", cohort),
    )
    del variables["input"]["personIds"]

    payload = api_for(leader).data(LAUNCH, variables)["surveyAdministrationLaunch"]

    # Only peer feedback to visited peers is the four-person kind: four peers are too few.
    assert error_codes(payload) == ["AUDIENCE_TOO_SMALL"]


def test_an_update_to_three_visited_peers_is_too_few(leader, group):
    _cohort, peers = group
    visited(leader, peers[:5])
    now = timezone.now()
    survey = administration(
        instrument=small_instrument(school=leader.school),
        people=peers[:4],
        created_by=leader,
        kind=AdministrationKind.PEER_FEEDBACK,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=8),
    )
    survey.audience = AudienceKind.VISITED_PEERS
    survey.save(update_fields=["audience"])

    with pytest.raises(ValidationError) as refused:
        administration_update(actor=leader, administration=survey, people=peers[:3])
    assert validation_codes(refused.value) == ["AUDIENCE_TOO_SMALL"]

    administration_update(actor=leader, administration=survey, people=peers[1:5])
    assert set(survey.invitees.values_list("person_id", flat=True)) == {p.pk for p in peers[1:5]}


# --- the report ----------------------------------------------------------------------------------


def _launched(api_for, launcher, instrument, people, **fields) -> Administration:
    payload = launch(api_for, launcher, instrument, people, **fields)
    assert payload["errors"] == []
    return Administration.objects.get(pk=from_global_id(payload["administration"]["id"])[1])


def test_four_responses_show_figures_and_comments_to_the_blue_dot(api_for, blue, group, own):
    _cohort, peers = group
    visited(blue, peers[1:5])
    survey = answered_and_closed(_launched(api_for, blue, own, peers[1:5]), peers[1:5])

    report = read_report(api_for, blue, survey)

    assert report["status"] == "AVAILABLE"
    assert (report["minimumGroupSize"], report["minimumCommentGroupSize"]) == (4, 4)
    [construct] = report["constructs"]
    assert construct["figures"] == {"isSuppressed": False, "n": 4}
    assert [item["figures"]["n"] for item in construct["items"]] == [4, 4]
    [comments] = report["comments"]
    assert comments["isSuppressed"] is False
    assert sorted(comments["comments"]) == sorted(f"{COMMENT} ({i})" for i in range(4))


def test_three_responses_suppress_figures_and_comments(api_for, blue, group, own):
    _cohort, peers = group
    visited(blue, peers[1:5])
    survey = answered_and_closed(_launched(api_for, blue, own, peers[1:5]), peers[1:4])

    report = read_report(api_for, blue, survey)

    assert report["status"] == "TOO_FEW_RESPONSES"
    assert report["respondedCount"] == 3
    assert report["minimumGroupSize"] == 4
    assert report["constructs"] == [] and report["comments"] == []
    assert COMMENT not in report["csv"]


def test_a_respondent_and_an_outsider_read_no_report(api_for, blue, group, own):
    _cohort, peers = group
    visited(blue, peers[1:5])
    survey = answered_and_closed(_launched(api_for, blue, own, peers[1:5]), peers[1:5])

    for reader in (peers[1], peers[6], TeacherFactory(school=blue.school)):
        assert read_report(api_for, reader, survey) is None


def test_the_cohorts_leader_who_answered_raises_the_minimum_to_five(
    api_for, leader, blue, group, own
):
    # The blue dot visited the leader's class too and sent it with the cohort: the leader runs
    # the survey (reads its report) and knows their own answer, so four others are needed.
    cohort, peers = group
    chosen = [leader, *peers[1:5]]
    visited(blue, chosen)
    cohort_id = gid("Cohort", cohort)
    four = _launched(api_for, blue, own, chosen, cohortId=cohort_id, title="Four")
    five = _launched(api_for, blue, own, chosen, cohortId=cohort_id, title="Five")
    answered_and_closed(four, chosen[:4])  # the leader and three others
    answered_and_closed(five, chosen)  # the leader and four others

    for reader in (blue, leader):
        report = read_report(api_for, reader, four)
        assert report["status"] == "TOO_FEW_RESPONSES"
        assert report["minimumGroupSize"] == report["minimumCommentGroupSize"] == 5
        assert report["constructs"] == [] and report["comments"] == []
        assert COMMENT not in report["csv"]

    report = read_report(api_for, blue, five)
    assert report["status"] == "AVAILABLE"
    assert report["minimumGroupSize"] == 5
    assert report["constructs"][0]["figures"] == {"isSuppressed": False, "n": 5}
    assert report["comments"][0]["isSuppressed"] is False


def test_a_launcher_listed_before_the_rule_never_makes_up_the_four(blue, group, own):
    # An administration written directly (as one launched before the launcher was left out):
    # the launcher and three peers answer. Four responses, but one is the reader's own.
    _cohort, peers = group
    survey = administration(
        instrument=own,
        people=[blue, *peers[1:4]],
        created_by=blue,
        kind=AdministrationKind.PEER_FEEDBACK,
    )
    survey.audience = AudienceKind.VISITED_PEERS
    survey.save(update_fields=["audience"])

    report = administration_report(answered_and_closed(survey, [blue, *peers[1:4]]))

    assert report.status == ReportStatus.TOO_FEW_RESPONSES
    assert report.minimum_group_size == report.minimum_comment_group_size == 5
    assert report.constructs == [] and report.comments == []
    assert COMMENT not in report_csv(report)


@pytest.mark.parametrize(
    ("kind", "audience"),
    [
        (AdministrationKind.PEER_FEEDBACK, AudienceKind.COHORT_PEERS),
        (AdministrationKind.OTHER, AudienceKind.COHORT_PEERS),
        (AdministrationKind.SESSION_FEEDBACK, AudienceKind.SESSION_ATTENDEES),
    ],
)
def test_other_surveys_keep_five_for_figures_and_eight_for_comments(leader, group, kind, audience):
    _cohort, peers = group
    instrument = small_instrument(school=leader.school)

    def report_of(respondents: int):
        survey = administration(
            instrument=instrument, people=peers[:8], created_by=leader, kind=kind
        )
        survey.audience = audience
        survey.save(update_fields=["audience"])
        return administration_report(answered_and_closed(survey, peers[:respondents]))

    four = report_of(4)
    assert four.status == ReportStatus.TOO_FEW_RESPONSES
    assert (four.minimum_group_size, four.minimum_comment_group_size) == (5, 8)
    assert four.constructs == [] and four.comments == []

    five = report_of(5)
    assert five.status == ReportStatus.AVAILABLE
    assert not five.constructs[0].figures.suppressed
    assert five.comments[0].suppressed  # comments need eight
    assert COMMENT not in report_csv(five)

    eight = report_of(8)
    assert not eight.comments[0].suppressed
