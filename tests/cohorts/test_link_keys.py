"""The database itself refuses a blue/yellow link between memberships of another cohort or
with the wrong roles: PostgreSQL by the composite foreign keys of migration 0002, SQLite by
the triggers of 0004. Both refuse with the constraint's name, which the service turns into
the same typed error."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cohorts.models import BlueYellowLink, Membership, Role
from cohorts.services.assignments import link_insert
from tests.cohorts.factories import CohortFactory, MembershipFactory, build_cohort

pytestmark = pytest.mark.django_db


def _checked_now():
    """PostgreSQL defers these keys to commit; ask for the check inside the test's savepoint."""
    if connection.vendor == "postgresql":
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")


def refused(name: str):
    return pytest.raises(IntegrityError, match=name)


def test_the_database_refuses_a_link_to_a_blue_dot_of_another_cohort():
    here = build_cohort(blues=0, yellows=1, assigned=0)
    there = build_cohort(school=here.school, blues=1, yellows=0)

    with refused("link_blue_is_blue_of_cohort"), transaction.atomic():
        BlueYellowLink.objects.create(
            cohort=here.cohort, blue=there.blues[0], yellow=here.yellows[0]
        )
        _checked_now()

    assert not BlueYellowLink.objects.exists()


def test_the_database_refuses_a_link_whose_roles_do_not_fit():
    network = build_cohort(blues=0, yellows=2, assigned=0)

    with refused("link_blue_is_blue_of_cohort"), transaction.atomic():
        # A yellow dot in the blue dot's place.
        BlueYellowLink.objects.create(
            cohort=network.cohort, blue=network.yellows[0], yellow=network.yellows[1]
        )
        _checked_now()


def test_the_database_refuses_a_yellow_dot_of_another_cohort():
    here = build_cohort(blues=1, yellows=0)
    there = build_cohort(school=here.school, blues=0, yellows=1, assigned=0)

    with refused("link_yellow_is_yellow_of_cohort"), transaction.atomic():
        BlueYellowLink.objects.create(
            cohort=here.cohort, blue=here.blues[0], yellow=there.yellows[0]
        )
        _checked_now()


def test_a_link_cannot_be_moved_to_another_cohort():
    network = build_cohort(blues=1, yellows=1, assigned=1)
    elsewhere = CohortFactory(school=network.cohort.school)
    link = BlueYellowLink.objects.get()

    with refused("link_(blue|yellow)_is_"), transaction.atomic():
        BlueYellowLink.objects.filter(pk=link.pk).update(cohort=elsewhere)
        _checked_now()


def test_a_linked_membership_keeps_its_role():
    network = build_cohort(blues=1, yellows=1, assigned=1)

    with refused("link_blue_is_blue_of_cohort"), transaction.atomic():
        Membership.objects.filter(pk=network.blues[0].pk).update(role=Role.YELLOW)
        _checked_now()

    assert Membership.objects.get(pk=network.blues[0].pk).role == Role.BLUE


def test_a_membership_without_links_may_change():
    network = build_cohort(blues=2, yellows=1, assigned=1)
    unlinked = next(b for b in network.blues if not BlueYellowLink.objects.filter(blue=b))

    Membership.objects.filter(pk=unlinked.pk).update(role=Role.YELLOW)

    assert Membership.objects.get(pk=unlinked.pk).role == Role.YELLOW


def test_the_service_turns_the_databases_refusal_into_a_typed_error():
    here = build_cohort(blues=0, yellows=1, assigned=0)
    foreign_blue = MembershipFactory(cohort=CohortFactory(school=here.school), role=Role.BLUE)

    # link_insert skips the service's own checks: only the database stands in the way.
    with pytest.raises(ValidationError) as refusal, transaction.atomic():
        link_insert(yellow=here.yellows[0], blue=foreign_blue, now=timezone.now())

    assert refusal.value.message_dict == {
        "blueMembershipId": ["Only a blue dot of the same cohort can visit this yellow dot."]
    }
    assert [e.code for errors in refusal.value.error_dict.values() for e in errors] == [
        "NOT_A_BLUE_DOT"
    ]
    assert not BlueYellowLink.objects.exists()


def test_reassigning_ends_a_link_that_started_on_a_clock_running_ahead():
    network = build_cohort(blues=2, yellows=1, assigned=0)
    now = timezone.now()
    ahead = now + timedelta(seconds=2)  # written by a server whose clock runs ahead
    first = link_insert(yellow=network.yellows[0], blue=network.blues[0], now=ahead)

    second = link_insert(yellow=network.yellows[0], blue=network.blues[1], now=now)

    first.refresh_from_db()
    assert first.ended_at == ahead  # not before it started, which the database refuses
    assert second.ended_at is None
