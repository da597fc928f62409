from collections import Counter

import pytest
from django.utils import timezone

from backend.demo import _load_people
from cohorts.models import Cohort, Membership, Role
from notifications.models import Notification, Status
from observations import demo
from observations.models import ReflectionSheet, Tool, Visit, VisitStatus
from observations.tool_kinds import ToolKind

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_cycles_with_the_blue_dots_and_visits_to_yellow_dots():
    context = _load_people()

    demo.load(context)

    leader, blues = context.leader, context.peers[:4]
    leader_visits = Visit.objects.filter(proposed_by=leader)
    assert Counter(leader_visits.values_list("cycle_number", flat=True)) == {1: 4, 2: 4}
    assert set(leader_visits.values_list("host", flat=True)) == {b.pk for b in blues}
    sheets = ReflectionSheet.objects.filter(visit__proposed_by=leader)
    assert sheets.count() == 8  # two cycles x four peers
    assert Visit.objects.filter(host__in=context.peers[4:12], status="COMPLETED").count() == 8
    kinds_with_data = set(
        Visit.objects.filter(entries__isnull=False).values_list("tool__kind", flat=True)
    )
    assert kinds_with_data == {k.value for k in ToolKind}
    upcoming = Counter(
        Visit.objects.filter(status__in=["PROPOSED", "ACCEPTED"]).values_list("status", flat=True)
    )
    assert upcoming["PROPOSED"] >= 2 and upcoming["ACCEPTED"] >= 2
    assert Visit.objects.filter(status=VisitStatus.DECLINED).exists()
    assert Tool.objects.filter(sharing="DISTRICT").exists()
    # Nothing about the past history is waiting to be pushed.
    for past in Visit.objects.filter(ends_at__lt=timezone.now()):
        assert not Notification.objects.filter(
            key__startswith=f"visit:{past.pk}:", status=Status.PENDING
        ).exists()


def test_the_demo_uses_the_cohorts_roles_and_shares_the_sheets():
    context = _load_people()
    cohort = Cohort.objects.create(
        school=context.leader.school,
        name="Maple",
        school_year="2025-2026",
        created_by=context.leader,
    )
    Membership.objects.create(cohort=cohort, person=context.leader, role=Role.LEADER)
    for n, peer in enumerate(context.peers):
        Membership.objects.create(
            cohort=cohort, person=peer, role=Role.BLUE if n < 4 else Role.YELLOW
        )
    context.extra["maple_cohort"] = cohort

    demo.load(context)

    assert set(Visit.objects.values_list("cohort", flat=True)) == {cohort.pk}
    assert ReflectionSheet.objects.filter(shared_with_cohort=True).count() == 8


def test_the_demo_has_photos_on_visits_a_question_a_sheet_and_a_room(media_root):
    from observations.models import Photo

    context = _load_people()

    demo.load(context)

    photos = Photo.objects.all()
    assert photos.filter(visit__isnull=False).count() == 4
    assert photos.filter(slq__isnull=False).count() == 1
    assert photos.filter(reflection_sheet__isnull=False).count() == 1
    room = photos.get(tool__isnull=False)
    assert room.tool.kind == ToolKind.SEATING_CHART and room.tool.owner == context.leader
    for photo in photos:
        assert (media_root / photo.image.name).is_file()
        assert (media_root / photo.thumbnail.name).is_file()
