"""Which blue dot visits which yellow dot."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import BlueYellowLink, Membership, Role
from .common import ensure_can_change, field_error, refused_as_typed_errors
from .events import cohort_changed


def link_create(*, yellow: Membership, blue: Membership, now=None) -> BlueYellowLink:
    """Assign (or reassign) a yellow dot to a blue dot of the same cohort. Both memberships are
    locked, so one ending concurrently cannot leave a link to a former member; the database's
    composite keys refuse a blue dot of another cohort even if this check were skipped."""
    locked = {
        m.pk: m for m in Membership.objects.select_for_update().filter(pk__in=[yellow.pk, blue.pk])
    }
    now = now or timezone.now()  # once locked: after any concurrent assignment committed
    yellow, blue = locked.get(yellow.pk, yellow), locked.get(blue.pk, blue)
    if yellow.ended_at is not None:
        raise field_error(
            "yellowMembershipId", "This person is no longer in the cohort.", "NOT_A_MEMBER"
        )
    if yellow.role != Role.YELLOW:
        raise field_error(
            "yellowMembershipId", "Only yellow dots are assigned.", "NOT_A_YELLOW_DOT"
        )
    if blue.cohort_id != yellow.cohort_id:
        raise field_error(
            "blueMembershipId", "The blue dot must be in the same cohort.", "NOT_A_BLUE_DOT"
        )
    if blue.ended_at is not None:
        raise field_error(
            "blueMembershipId", "This person is no longer in the cohort.", "NOT_A_MEMBER"
        )
    if blue.role != Role.BLUE:
        raise field_error(
            "blueMembershipId", "Only a blue dot visits yellow dots.", "NOT_A_BLUE_DOT"
        )
    return link_insert(yellow=yellow, blue=blue, now=now)


def link_insert(*, yellow: Membership, blue: Membership, now) -> BlueYellowLink:
    """End the yellow dot's current link (if to another blue dot) and insert the new one.
    No checks beyond the database's: callers check first (see `link_create`)."""
    current = BlueYellowLink.objects.filter(yellow_id=yellow.pk, ended_at__isnull=True).first()
    if current is not None and current.blue_id == blue.pk:
        return current
    if current is not None:
        # Never before it started: another server's clock may run a little ahead of ours.
        ended_at = max(now, current.started_at)
        BlueYellowLink.objects.filter(pk=current.pk, ended_at__isnull=True).update(
            ended_at=ended_at
        )
    with refused_as_typed_errors(links=True):
        return BlueYellowLink.objects.create(
            cohort_id=yellow.cohort_id, blue=blue, yellow=yellow, started_at=now
        )


@transaction.atomic
def yellow_dot_assign(*, actor, yellow: Membership, blue: Membership) -> BlueYellowLink:
    ensure_can_change(actor, yellow.cohort)
    link = link_create(yellow=yellow, blue=blue)
    cohort_changed(yellow.cohort_id, "ASSIGNMENT_CHANGED", membership_id=yellow.pk)
    return link


@transaction.atomic
def yellow_dot_unassign(*, actor, yellow: Membership) -> Membership:
    ensure_can_change(actor, yellow.cohort)
    if yellow.role != Role.YELLOW:
        raise field_error(
            "yellowMembershipId", "Only yellow dots are assigned.", "NOT_A_YELLOW_DOT"
        )
    BlueYellowLink.objects.filter(yellow_id=yellow.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    cohort_changed(yellow.cohort_id, "ASSIGNMENT_CHANGED", membership_id=yellow.pk)
    return yellow
