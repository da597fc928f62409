from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notifications.models import Kind, Notification, Status
from observations.models import VisitStatus
from surveys.models import AdministrationKind, AudienceKind, Invitee
from surveys.services.administrations import AudienceChoice, administration_launch
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory
from tests.surveys.factories import cohort_with_peers, small_instrument
from tests.surveys.helpers import validation_codes
from tests.surveys.visits import visited

pytestmark = pytest.mark.django_db

# Friday 15 January 2027, 08:00 in Chicago (CST, UTC-6).
OPENS = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
NOW = OPENS - timedelta(days=1)


def launch(actor, instrument, **options):
    options.setdefault("kind", AdministrationKind.BASELINE)
    options.setdefault("opens_at", OPENS)
    options.setdefault("closes_at", OPENS + timedelta(days=14))
    options.setdefault("now", NOW)
    return administration_launch(actor=actor, instrument=instrument, **options)


@pytest.fixture
def trust_free(leader):
    """A leader's own instrument (CUSTOM): one that may go to chosen peers for feedback."""
    return small_instrument(school=leader.school)


def codes(excinfo) -> list[str]:
    return validation_codes(excinfo.value)


def test_a_baseline_goes_to_the_cohorts_peers_and_schedules_its_six_month_follow_up(
    leader, cohort, peers, trust
):
    baseline = launch(leader, trust, cohort=cohort)

    follow_up = baseline.follow_ups.get()
    assert follow_up.kind == AdministrationKind.SIX_MONTH
    assert follow_up.instrument == trust
    assert follow_up.cohort == cohort
    # Six calendar months later at the same local time: 08:00 CDT (UTC-5) on 15 July.
    assert follow_up.opens_at == datetime(2027, 7, 15, 13, 0, tzinfo=UTC)
    assert follow_up.closes_at - follow_up.opens_at == timedelta(days=14)
    invited = set(baseline.invitees.values_list("person_id", flat=True))
    assert invited == {peer.pk for peer in peers}  # the leader does not answer their own survey
    assert set(follow_up.invitees.values_list("person_id", flat=True)) == invited


def test_launching_schedules_opening_and_closing_reminders_for_each_invitee(
    leader, cohort, peers, trust
):
    baseline = launch(leader, trust, cohort=cohort)
    follow_up = baseline.follow_ups.get()

    opened = Notification.objects.filter(kind=Kind.SURVEY_OPENED)
    closing = Notification.objects.filter(kind=Kind.SURVEY_CLOSING)
    follow_up_opened = Notification.objects.filter(kind=Kind.FOLLOW_UP_OPENED)
    assert opened.count() == follow_up_opened.count() == 12
    assert closing.count() == 24  # baseline and follow-up
    peer = peers[0]
    reminder = opened.get(recipient=peer)
    assert reminder.key == f"survey:{baseline.pk}:person:{peer.pk}:opened"
    assert reminder.due_at == OPENS
    assert reminder.target_type == "SurveyAdministration"
    assert closing.get(recipient=peer, key__contains=f"survey:{baseline.pk}:").due_at == (
        baseline.closes_at - timedelta(days=2)
    )
    assert follow_up_opened.get(recipient=peer).due_at == follow_up.opens_at


def test_a_baseline_can_be_launched_without_its_follow_up(leader, cohort, trust):
    baseline = launch(leader, trust, cohort=cohort, schedule_follow_up=False)

    assert not baseline.follow_ups.exists()


def test_six_calendar_months_after_the_31st_is_the_end_of_a_shorter_month(leader, cohort, trust):
    opens = datetime(2027, 8, 31, 13, 0, tzinfo=UTC)  # 08:00 CDT

    baseline = launch(leader, trust, cohort=cohort, opens_at=opens, closes_at=opens + timedelta(7))

    # 29 February 2028 (a leap year) 08:00 CST (UTC-6)
    assert baseline.follow_ups.get().opens_at == datetime(2028, 2, 29, 14, 0, tzinfo=UTC)


def test_peer_feedback_goes_to_chosen_peers_the_leader_visited(leader, trust_free):
    hosts = TeacherFactory.create_batch(5, school=leader.school)
    visited(leader, hosts)

    survey = launch(
        leader,
        trust_free,
        kind=AdministrationKind.PEER_FEEDBACK,
        audience=AudienceChoice(kind=AudienceKind.VISITED_PEERS, people=hosts),
    )

    assert survey.cohort is None
    assert survey.audience == AudienceKind.VISITED_PEERS
    assert set(survey.invitees.values_list("person_id", flat=True)) == {p.pk for p in hosts}
    assert not survey.follow_ups.exists()


def test_the_group_of_five_is_the_blue_dots(leader, cohort, peers, trust):
    with pytest.raises(ValidationError) as excinfo:
        launch(leader, trust, cohort=cohort, audience=AudienceChoice(AudienceKind.GROUP_OF_FIVE))

    # Four blue dots besides the leader: fewer than the minimum of five other people.
    assert codes(excinfo) == ["AUDIENCE_TOO_SMALL"]
    assert not Invitee.objects.exists()


def test_a_short_window_has_no_closing_reminder(leader, cohort, trust):
    survey = launch(
        leader, trust, kind=AdministrationKind.OTHER, cohort=cohort, closes_at=OPENS + timedelta(1)
    )

    ours = Notification.objects.filter(key__startswith=f"survey:{survey.pk}:")
    assert not ours.filter(kind=Kind.SURVEY_CLOSING).exists()
    assert Notification.objects.filter(status=Status.PENDING).count() == 12


def test_only_the_cohorts_leader_launches_to_it(cohort, trust):
    other_leader = LeaderFactory(school=cohort.school)

    with pytest.raises(PermissionDenied):
        launch(other_leader, trust, cohort=cohort)


def test_a_teacher_who_does_not_lead_cannot_launch(cohort, peers, trust):
    with pytest.raises(PermissionDenied):
        launch(peers[0], trust, cohort=cohort)


def test_another_schools_instrument_cannot_be_used(leader, cohort):
    theirs = small_instrument(school=SchoolFactory())

    with pytest.raises(PermissionDenied):
        launch(leader, theirs, cohort=cohort)


def test_a_whole_group_survey_takes_no_chosen_people(leader, cohort, peers, trust):
    with pytest.raises(ValidationError) as excinfo:
        launch(
            leader,
            trust,
            cohort=cohort,
            audience=AudienceChoice(AudienceKind.COHORT_PEERS, people=peers[:6]),
        )

    assert excinfo.value.message_dict.keys() == {"personIds"}
    assert codes(excinfo) == ["AUDIENCE_NOT_ALLOWED"]


def test_peers_the_leader_did_not_visit_are_refused(leader, peers, trust_free):
    visited(leader, peers[:4])
    # Proposed or accepted is not visited: the leader could propose a visit to anyone.
    visited(leader, [peers[4]], status=VisitStatus.ACCEPTED)

    with pytest.raises(ValidationError) as excinfo:
        launch(
            leader,
            trust_free,
            kind=AdministrationKind.PEER_FEEDBACK,
            audience=AudienceChoice(AudienceKind.VISITED_PEERS, people=peers[:5]),
        )

    assert codes(excinfo) == ["NOT_VISITED"]


def test_culture_and_confidence_surveys_never_go_to_chosen_people(leader, peers, trust):
    visited(leader, peers[:6])

    with pytest.raises(ValidationError) as excinfo:
        launch(
            leader,
            trust,
            kind=AdministrationKind.PEER_FEEDBACK,
            audience=AudienceChoice(AudienceKind.VISITED_PEERS, people=peers[:6]),
        )

    assert codes(excinfo) == ["AUDIENCE_NOT_ALLOWED"]


def test_the_launcher_is_never_invited_even_as_a_member_of_the_group(leader, cohort, peers, trust):
    survey = launch(leader, trust, cohort=cohort)

    assert not survey.invitees.filter(person=leader).exists()
    assert not survey.follow_ups.get().invitees.filter(person=leader).exists()
    assert survey.invitees.count() == 12


@pytest.mark.parametrize(
    ("opens_at", "closes_at"),
    [(OPENS, OPENS), (OPENS, OPENS - timedelta(hours=1)), (NOW - timedelta(3), NOW - timedelta(1))],
)
def test_a_window_must_close_after_it_opens_and_in_the_future(
    leader, cohort, trust, opens_at, closes_at
):
    with pytest.raises(ValidationError) as excinfo:
        launch(leader, trust, cohort=cohort, opens_at=opens_at, closes_at=closes_at)

    assert codes(excinfo) == ["INVALID_WINDOW"]


def test_a_six_month_follow_up_is_not_launched_on_its_own(leader, cohort, trust):
    with pytest.raises(ValidationError) as excinfo:
        launch(leader, trust, cohort=cohort, kind=AdministrationKind.SIX_MONTH)

    assert codes(excinfo) == ["INVALID"]


def test_opening_now_by_default(leader, cohort, trust):
    now = timezone.now()

    survey = administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.OTHER,
        cohort=cohort,
        closes_at=now + timedelta(days=5),
        now=now,
    )

    assert survey.opens_at == now


def test_a_second_cohort_elsewhere_is_not_affected(leader, cohort, trust):
    other_cohort, _ = cohort_with_peers()

    launch(leader, trust, cohort=cohort)

    assert not other_cohort.survey_administrations.exists()
