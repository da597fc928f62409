from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Kind, Notification, Status
from surveys.models import AdministrationKind, AudienceKind
from surveys.services.administrations import (
    AudienceChoice,
    administration_cancel,
    administration_launch,
    administration_update,
)
from tests.factories import LeaderFactory
from tests.surveys.factories import answer, small_instrument
from tests.surveys.helpers import validation_codes
from tests.surveys.visits import visited

pytestmark = pytest.mark.django_db

OPENS = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
NOW = OPENS - timedelta(days=1)


@pytest.fixture
def baseline(leader, cohort, trust):
    return administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.BASELINE,
        cohort=cohort,
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=14),
        now=NOW,
    )


def test_the_follow_up_window_is_editable_and_its_reminders_move(leader, peers, baseline):
    follow_up = baseline.follow_ups.get()
    new_opens = follow_up.opens_at + timedelta(days=7)

    administration_update(
        actor=leader,
        administration=follow_up,
        opens_at=new_opens,
        closes_at=new_opens + timedelta(days=10),
        title="Six months on",
        now=NOW,
    )

    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.opens_at) == ("Six months on", new_opens)
    reminder = Notification.objects.get(kind=Kind.FOLLOW_UP_OPENED, recipient=peers[0])
    assert reminder.due_at == new_opens
    closing = Notification.objects.get(key=f"survey:{follow_up.pk}:person:{peers[0].pk}:closing")
    assert closing.due_at == new_opens + timedelta(days=8)


def test_a_whole_groups_survey_keeps_its_group(leader, peers, baseline):
    with pytest.raises(ValidationError) as excinfo:
        administration_update(actor=leader, administration=baseline, people=peers[:6], now=NOW)

    assert validation_codes(excinfo.value) == ["AUDIENCE_NOT_ALLOWED"]
    assert baseline.invitees.count() == 12


def test_peer_feedback_to_visited_peers_changes_before_it_opens(leader, peers):
    visited(leader, peers[:7])
    survey = administration_launch(
        actor=leader,
        instrument=small_instrument(school=leader.school),
        kind=AdministrationKind.PEER_FEEDBACK,
        audience=AudienceChoice(AudienceKind.VISITED_PEERS, people=peers[:5]),
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=14),
        now=NOW,
    )

    administration_update(actor=leader, administration=survey, people=peers[2:7], now=NOW)

    assert set(survey.invitees.values_list("person_id", flat=True)) == {p.pk for p in peers[2:7]}
    dropped = Notification.objects.filter(
        recipient=peers[0], key__startswith=f"survey:{survey.pk}:"
    )
    assert set(dropped.values_list("status", flat=True)) == {Status.CANCELLED}
    with pytest.raises(ValidationError) as excinfo:
        administration_update(actor=leader, administration=survey, people=peers[3:9], now=NOW)
    assert validation_codes(excinfo.value) == ["NOT_VISITED"]


def test_the_opening_and_audience_are_fixed_once_it_opens(leader, peers, baseline):
    during = OPENS + timedelta(days=1)

    for change in ({"opens_at": OPENS + timedelta(days=2)}, {"people": peers}):
        with pytest.raises(ValidationError) as excinfo:
            administration_update(actor=leader, administration=baseline, now=during, **change)
        assert validation_codes(excinfo.value) == ["ALREADY_OPEN"]

    administration_update(
        actor=leader, administration=baseline, closes_at=OPENS + timedelta(days=20), now=during
    )
    baseline.refresh_from_db()
    assert baseline.closes_at == OPENS + timedelta(days=20)


def test_a_closed_survey_cannot_be_reopened(leader, baseline):
    after = baseline.closes_at + timedelta(hours=1)

    with pytest.raises(ValidationError) as excinfo:
        administration_update(
            actor=leader, administration=baseline, closes_at=after + timedelta(days=3), now=after
        )

    assert validation_codes(excinfo.value) == ["CLOSED"]


def test_only_its_leader_edits_it(baseline):
    with pytest.raises(PermissionDenied):
        administration_update(
            actor=LeaderFactory(school=baseline.school),
            administration=baseline,
            title="Mine",
            now=NOW,
        )


def test_cancelling_before_anyone_answers_withdraws_the_follow_up_and_reminders(leader, baseline):
    administration_cancel(actor=leader, administration=baseline, now=NOW)

    follow_up = baseline.follow_ups.get()
    baseline.refresh_from_db()
    assert baseline.cancelled_at == NOW
    assert follow_up.cancelled_at == NOW
    assert not Notification.objects.filter(status=Status.PENDING).exists()


def test_a_survey_someone_answered_cannot_be_cancelled(leader, peers, baseline):
    answer(baseline, peers[0], {"tlc_trust_keep_word": 4}, now=OPENS + timedelta(hours=1))

    with pytest.raises(ValidationError) as excinfo:
        administration_cancel(actor=leader, administration=baseline, now=OPENS + timedelta(hours=2))

    assert validation_codes(excinfo.value) == ["HAS_RESPONSES"]


def test_moving_the_close_does_not_remind_those_who_answered(leader, peers, baseline):
    during = OPENS + timedelta(days=1)
    answer(baseline, peers[0], {"tlc_trust_keep_word": 4}, now=during)

    administration_update(
        actor=leader, administration=baseline, closes_at=OPENS + timedelta(days=20), now=during
    )

    theirs = Notification.objects.filter(
        recipient=peers[0], key__startswith=f"survey:{baseline.pk}:"
    )
    assert not theirs.filter(status=Status.PENDING).exists()
    others = Notification.objects.get(key=f"survey:{baseline.pk}:person:{peers[1].pk}:closing")
    assert (others.status, others.due_at) == (Status.PENDING, OPENS + timedelta(days=18))
