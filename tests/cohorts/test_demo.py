"""The demo district's cohorts: what `make run` shows."""

import pytest
from django.utils import timezone

from backend.demo import load_demo
from cohorts.models import Attendance, BlueYellowLink, Cohort, Meeting, Membership, Role
from cohorts.selectors import meetings_starting_between
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_full_maple_cohort_and_a_young_harbor_one():
    assert load_demo() is True

    maple = Cohort.objects.get(name="Maple Learning Group")
    current = Membership.objects.filter(cohort=maple, ended_at=None)
    assert current.filter(role=Role.LEADER).get().person.email == "leader@demo.school"
    assert current.filter(role=Role.BLUE).count() == 4
    assert current.filter(role=Role.YELLOW).count() == 8
    assert BlueYellowLink.objects.filter(cohort=maple, ended_at=None).count() == 8

    now = timezone.now()
    meetings = Meeting.objects.filter(cohort=maple).order_by("starts_at")
    assert [m.starts_at < now for m in meetings] == [True, True, False]
    assert [m.kind for m in meetings] == ["BLUE_GROUP", "WHOLE_GROUP", "BLUE_GROUP"]
    for held in meetings[:2]:
        assert held.agenda_items.exists()
        assert Attendance.objects.filter(meeting=held).exists()
        assert held.notes
    assert meetings[2].agenda_items.exclude(facilitator=None).exists()
    assert (
        Notification.objects.filter(
            kind="MEETING_TOMORROW", key__startswith=f"meeting:{meetings[2].pk}:"
        ).count()
        == 5
    )
    assert meetings[2] in meetings_starting_between(now, now + timezone.timedelta(days=8))

    harbor = Cohort.objects.get(name="Harbor Peer Circle")
    assert Membership.objects.filter(cohort=harbor, ended_at=None).count() == 6
    assert BlueYellowLink.objects.filter(cohort=harbor, ended_at=None).count() == 2


def test_the_demo_loads_once():
    load_demo()
    cohorts = Cohort.objects.count()

    assert load_demo() is False
    assert Cohort.objects.count() == cohorts
