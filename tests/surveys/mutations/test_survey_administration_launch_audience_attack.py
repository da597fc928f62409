"""Issue #18, item 1: a leader who builds the audience to isolate one teacher.

The attack as it was run: the leader invited accounts at addresses they controlled, launched a
survey to `[one teacher, themself, six of their own accounts]`, answered with known values and
subtracted them from the report. Everything goes through the GraphQL API, as the attacker did.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Attendance, AttendanceStatus, Meeting, MeetingKind, Membership, Role
from surveys.models import Administration, Invitee
from tests.conftest import error_codes
from tests.factories import LeaderFactory, TeacherFactory
from tests.surveys.factories import cohort_with_peers, small_instrument
from tests.surveys.graphql import LAUNCH, SUBMIT, administration_id, gid, item_id, person_id
from tests.surveys.visits import visited

pytestmark = pytest.mark.django_db


def launch_input(instrument, **fields):
    now = timezone.now()
    return {
        "input": {
            "instrumentId": gid("SurveyInstrument", instrument),
            "kind": "BASELINE",
            "closesAt": (now + timedelta(minutes=1)).isoformat(),
            **fields,
        }
    }


@pytest.fixture
def attack(leader):
    """One real teacher and six accounts the leader controls, all in the leader's school."""
    teacher = TeacherFactory(school=leader.school)
    puppets = TeacherFactory.create_batch(6, school=leader.school)
    return teacher, puppets


@pytest.mark.parametrize(
    ("kind", "audience", "instrument_kind"),
    [
        ("BASELINE", None, "trust"),
        ("END_OF_YEAR", "COHORT_PEERS", "confidence"),
        ("PEER_FEEDBACK", "VISITED_PEERS", "own"),
        ("OTHER", "VISITED_PEERS", "own"),
        ("SESSION_FEEDBACK", None, "own"),
    ],
)
def test_the_issues_hand_picked_audience_is_refused(
    api_for, leader, attack, trust, confidence, kind, audience, instrument_kind
):
    teacher, puppets = attack
    instrument = {"trust": trust, "confidence": confidence}.get(instrument_kind) or (
        small_instrument(school=leader.school)
    )
    chosen = [teacher, leader, *puppets]
    fields = {"kind": kind, "personIds": [person_id(p) for p in chosen]}
    if audience:
        fields["audience"] = audience

    payload = api_for(leader).data(LAUNCH, launch_input(instrument, **fields))[
        "surveyAdministrationLaunch"
    ]

    assert payload["administration"] is None
    assert error_codes(payload) in (["AUDIENCE_NOT_ALLOWED"], ["NOT_VISITED"])
    assert not Administration.objects.exists()


def test_visiting_the_teacher_does_not_let_the_leader_add_themself_or_puppets(
    api_for, leader, attack
):
    teacher, puppets = attack
    visited(leader, [teacher])
    own = small_instrument(school=leader.school)

    payload = api_for(leader).data(
        LAUNCH,
        launch_input(
            own,
            kind="PEER_FEEDBACK",
            audience="VISITED_PEERS",
            personIds=[person_id(p) for p in (teacher, leader, *puppets)],
        ),
    )["surveyAdministrationLaunch"]

    assert error_codes(payload) == ["NOT_VISITED"]
    assert not Invitee.objects.exists()


def test_the_launcher_is_never_invited_and_cannot_answer(api_for, leader, cohort, peers):
    # The whole group is the cohort's peers without its leader: the launcher is not invited,
    # so answering (to know one answer behind every figure) is refused.
    own = small_instrument(school=leader.school)
    leader_api = api_for(leader)
    survey = leader_api.data(
        LAUNCH, launch_input(own, kind="OTHER", cohortId=gid("Cohort", cohort))
    )["surveyAdministrationLaunch"]["administration"]
    assert survey["invitedCount"] == 12
    assert survey["viewerIsInvited"] is False

    item = own.items.filter(format="SCALE").first()
    submitted = leader_api.data(
        SUBMIT, {"input": {"administrationId": survey["id"], "answers": [
            {"itemId": item_id(item), "value": 5}
        ]}},
    )["surveyResponseSubmit"]  # fmt: skip

    assert error_codes(submitted) == ["NOT_INVITED"]


@pytest.mark.parametrize("audience", ["COHORT_PEERS", "GROUP_OF_FIVE"])
def test_leader_and_four_peers_cannot_be_surveyed(api_for, audience):
    leader = LeaderFactory()
    cohort, _four = cohort_with_peers(leader=leader, peers=4)
    own = small_instrument(school=leader.school)

    payload = api_for(leader).data(
        LAUNCH,
        launch_input(own, kind="OTHER", audience=audience, cohortId=gid("Cohort", cohort)),
    )["surveyAdministrationLaunch"]

    # Four people besides the leader: any figure would be about fewer than five others.
    assert error_codes(payload) == ["AUDIENCE_TOO_SMALL"]
    assert payload["errors"][0]["field"] == "audience"


def test_leader_and_three_visited_peers_cannot_list_themselves_to_reach_four(api_for, leader):
    # Peer feedback to visited peers needs four besides the launcher (not five): three plus
    # the launcher is still too few, and the launcher cannot be listed.
    three = TeacherFactory.create_batch(3, school=leader.school)
    visited(leader, three)
    own = small_instrument(school=leader.school)

    payload = api_for(leader).data(
        LAUNCH,
        launch_input(
            own,
            kind="PEER_FEEDBACK",
            audience="VISITED_PEERS",
            personIds=[person_id(p) for p in (leader, *three)],
        ),
    )["surveyAdministrationLaunch"]

    assert error_codes(payload) == ["NOT_VISITED"]
    payload = api_for(leader).data(
        LAUNCH,
        launch_input(
            own,
            kind="PEER_FEEDBACK",
            audience="VISITED_PEERS",
            personIds=[person_id(p) for p in three],
        ),
    )["surveyAdministrationLaunch"]
    assert error_codes(payload) == ["AUDIENCE_TOO_SMALL"]


def test_the_group_of_five_goes_to_every_current_blue_dot(api_for, leader, cohort, peers):
    # Five blue dots (a fifth joined): the whole blue ring, not a choice among it.
    Membership.objects.filter(cohort=cohort, person=peers[4]).update(role=Role.BLUE)
    own = small_instrument(school=leader.school)

    payload = api_for(leader).data(
        LAUNCH,
        launch_input(own, kind="OTHER", audience="GROUP_OF_FIVE", cohortId=gid("Cohort", cohort)),
    )["surveyAdministrationLaunch"]

    assert payload["errors"] == []
    invited = set(Invitee.objects.values_list("person_id", flat=True))
    assert invited == {p.pk for p in peers[:5]}


def test_session_feedback_goes_to_the_peers_present_at_a_session_that_took_place(
    api_for, leader, cohort, peers
):
    meeting = Meeting.objects.create(
        cohort=cohort,
        kind=MeetingKind.WHOLE_GROUP,
        title="Data review",
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=60,
        created_by=leader,
    )
    guest = TeacherFactory(school=leader.school)  # a coach asked along: not a peer
    for person in (leader, guest, *peers[:6]):
        Attendance.objects.create(
            meeting=meeting, person=person, status=AttendanceStatus.PRESENT, recorded_by=leader
        )
    Attendance.objects.create(
        meeting=meeting, person=peers[6], status=AttendanceStatus.ABSENT, recorded_by=leader
    )
    own = small_instrument(school=leader.school)

    payload = api_for(leader).data(
        LAUNCH,
        launch_input(
            own,
            kind="SESSION_FEEDBACK",
            audience="SESSION_ATTENDEES",
            cohortId=gid("Cohort", cohort),
            meetingId=gid("Meeting", meeting),
        ),
    )["surveyAdministrationLaunch"]

    assert payload["errors"] == []
    invited = set(Invitee.objects.values_list("person_id", flat=True))
    assert invited == {p.pk for p in peers[:6]}

    later = Meeting.objects.create(
        cohort=cohort,
        kind=MeetingKind.WHOLE_GROUP,
        title="Next one",
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=60,
        created_by=leader,
    )
    payload = api_for(leader).data(
        LAUNCH,
        launch_input(
            own,
            kind="SESSION_FEEDBACK",
            audience="SESSION_ATTENDEES",
            cohortId=gid("Cohort", cohort),
            meetingId=gid("Meeting", later),
        ),
    )["surveyAdministrationLaunch"]
    assert error_codes(payload) == ["NOT_HELD"]


def test_a_culture_survey_cannot_go_to_session_attendees_or_visited_peers(
    api_for, leader, cohort, trust
):
    for audience in ("VISITED_PEERS", "SESSION_ATTENDEES"):
        payload = api_for(leader).data(
            LAUNCH,
            launch_input(trust, kind="BASELINE", audience=audience, cohortId=gid("Cohort", cohort)),
        )["surveyAdministrationLaunch"]
        assert error_codes(payload) == ["AUDIENCE_NOT_ALLOWED"]


def test_the_follow_up_inherits_the_audience_and_starts_with_the_same_group(
    api_for, leader, cohort, trust
):
    payload = api_for(leader).data(
        LAUNCH, launch_input(trust, audience="COHORT_PEERS", cohortId=gid("Cohort", cohort))
    )["surveyAdministrationLaunch"]

    assert payload["administration"]["audience"] == "COHORT_PEERS"
    baseline = Administration.objects.get(follows__isnull=True)
    follow_up = baseline.follow_ups.get()
    assert payload["followUp"]["id"] == administration_id(follow_up)
    assert follow_up.audience == baseline.audience == "COHORT_PEERS"
    assert set(follow_up.invitees.values_list("person_id", flat=True)) == set(
        baseline.invitees.values_list("person_id", flat=True)
    )
