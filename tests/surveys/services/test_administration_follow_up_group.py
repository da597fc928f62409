"""Issue #18: a six-month follow-up inherits its baseline's kind of audience and takes that whole
group again as it stands when it opens (the reminder worker does it just before)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cohorts.models import Membership, Role
from notifications.models import Kind, Notification, Status
from surveys.models import AdministrationKind, AudienceKind
from surveys.services.administrations import (
    AudienceChoice,
    administration_launch,
    follow_ups_take_groups_due,
)
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

OPENS = datetime(2027, 1, 15, 14, 0, tzinfo=UTC)
NOW = OPENS - timedelta(days=1)


def _launch(leader, cohort, trust, audience=AudienceKind.COHORT_PEERS):
    return administration_launch(
        actor=leader,
        instrument=trust,
        kind=AdministrationKind.BASELINE,
        cohort=cohort,
        audience=AudienceChoice(audience),
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=14),
        now=NOW,
    )


def test_the_follow_up_asks_the_group_as_it_stands_when_it_opens(leader, cohort, peers, trust):
    baseline = _launch(leader, cohort, trust)
    follow_up = baseline.follow_ups.get()
    assert follow_up.audience == AudienceKind.COHORT_PEERS
    left, newcomer = peers[11], TeacherFactory(school=leader.school)
    Membership.objects.filter(cohort=cohort, person=left).update(ended_at=timezone.now())
    Membership.objects.create(cohort=cohort, person=newcomer, role=Role.YELLOW)

    # Not yet: a week before it opens nothing changes.
    assert follow_ups_take_groups_due(now=follow_up.opens_at - timedelta(days=7)) == 0
    just_before = follow_up.opens_at - timedelta(minutes=1)
    assert follow_ups_take_groups_due(now=just_before) == 1
    assert follow_ups_take_groups_due(now=just_before) == 0  # once

    invited = set(follow_up.invitees.values_list("person_id", flat=True))
    assert invited == {p.pk for p in peers[:11]} | {newcomer.pk}
    assert leader.pk not in invited
    theirs = Notification.objects.filter(key__startswith=f"survey:{follow_up.pk}:person:{left.pk}:")
    assert set(theirs.values_list("status", flat=True)) == {Status.CANCELLED}
    opening = Notification.objects.get(recipient=newcomer, kind=Kind.FOLLOW_UP_OPENED)
    assert (opening.status, opening.due_at) == (Status.PENDING, follow_up.opens_at)
    # The baseline keeps the group it was sent to.
    assert set(baseline.invitees.values_list("person_id", flat=True)) == {p.pk for p in peers}


def test_the_group_of_five_follow_up_takes_the_blue_dots_of_the_day(leader, cohort, peers, trust):
    Membership.objects.filter(cohort=cohort, person=peers[4]).update(role=Role.BLUE)
    baseline = _launch(leader, cohort, trust, AudienceKind.GROUP_OF_FIVE)
    follow_up = baseline.follow_ups.get()
    Membership.objects.filter(cohort=cohort, person=peers[5]).update(role=Role.BLUE)

    follow_ups_take_groups_due(now=follow_up.opens_at)

    invited = set(follow_up.invitees.values_list("person_id", flat=True))
    assert invited == {p.pk for p in peers[:6]}
