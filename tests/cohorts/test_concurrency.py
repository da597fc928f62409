"""What the database guarantees when two people change a cohort at the same moment.

Run on PostgreSQL (CI does). Each test lets two threads pass the service's own checks before
either writes, so only the database constraints stand between them and a broken cohort; the
loser must get a typed error, never a 500 and never a second leader.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cohorts.models import BlueYellowLink, Cohort, Membership, Role
from cohorts.services import assignments as assignment_services
from cohorts.services import cohorts as cohort_services
from cohorts.services import memberships as membership_services
from cohorts.services.assignments import yellow_dot_assign
from cohorts.services.cohorts import cohort_leader_set
from cohorts.services.memberships import membership_add
from tests.cohorts.factories import CohortFactory, build_cohort
from tests.conftest import postgres_only
from tests.factories import CoordinatorFactory, LeaderFactory, TeacherFactory

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def codes_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [e.code for errors in error.error_dict.values() for e in errors]
    return [e.code for e in error.error_list]


def race(*calls) -> list:
    """Run the calls in threads at once; each result is the return value or the exception."""
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return results


def after_check_wait_for_both(monkeypatch, module, name: str) -> None:
    """Make both threads finish the service's check before either inserts."""
    barrier = threading.Barrier(2, timeout=10)
    original = getattr(module, name)

    def checked_then_wait(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(module, name, checked_then_wait)


def before_write_wait_for_both(monkeypatch, module, name: str) -> None:
    """Make both threads read the same state, then write (the first write locks the row)."""
    barrier = threading.Barrier(2, timeout=10)
    original = getattr(module, name)

    def wait_then_write(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wait_then_write)


def test_two_coordinators_naming_a_leader_at_once_cannot_both_win(monkeypatch):
    cohort = CohortFactory()
    coordinator = CoordinatorFactory(coordinated_district=cohort.school.district)
    first, second = LeaderFactory(school=cohort.school), LeaderFactory(school=cohort.school)
    after_check_wait_for_both(monkeypatch, cohort_services, "ensure_can_join")

    results = race(
        lambda: cohort_leader_set(actor=coordinator, cohort=cohort, person=first),
        lambda: cohort_leader_set(actor=coordinator, cohort=cohort, person=second),
    )

    winners = [r for r in results if isinstance(r, Membership)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert codes_of(losers[0]) == ["ROLE_LIMIT_EXCEEDED"]
    assert Membership.objects.filter(cohort=cohort, role=Role.LEADER, ended_at=None).count() == 1


def test_handing_over_twice_at_once_leaves_exactly_one_leader(monkeypatch):
    network = build_cohort(blues=0, yellows=0)
    leader = network.leader.person
    first, second = LeaderFactory(school=network.school), LeaderFactory(school=network.school)
    # Both see the same current leader; the second one to end it waits for the first commit,
    # finds it already ended, and its new leader then meets the one-leader constraint.
    before_write_wait_for_both(monkeypatch, cohort_services, "end_membership")

    results = race(
        lambda: cohort_leader_set(actor=leader, cohort=network.cohort, person=first),
        lambda: cohort_leader_set(actor=leader, cohort=network.cohort, person=second),
    )

    assert sorted(type(r).__name__ for r in results) == ["Membership", "ValidationError"], results
    loser = next(r for r in results if isinstance(r, ValidationError))
    assert codes_of(loser) == ["ROLE_LIMIT_EXCEEDED"]
    assert (
        Membership.objects.filter(cohort=network.cohort, role=Role.LEADER, ended_at=None).count()
        == 1
    )


def test_adding_the_same_person_twice_at_once_adds_them_once(monkeypatch):
    network = build_cohort(blues=0, yellows=0)
    teacher = TeacherFactory(school=network.school)
    leader = network.leader.person
    after_check_wait_for_both(monkeypatch, membership_services, "ensure_not_member")

    results = race(
        lambda: membership_add(actor=leader, cohort=network.cohort, person=teacher, role="BLUE"),
        lambda: membership_add(actor=leader, cohort=network.cohort, person=teacher, role="YELLOW"),
    )

    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1, results
    assert codes_of(errors[0]) == ["ALREADY_MEMBER"]
    assert Membership.objects.filter(cohort=network.cohort, person=teacher).count() == 1


def test_strict_targets_hold_when_two_leaders_add_the_last_place_at_once(monkeypatch):
    network = build_cohort(blues=3, yellows=0)
    # Both have passed every other check when they reach the cohort's lock together.
    before_write_wait_for_both(monkeypatch, membership_services, "lock_cohort")
    Cohort.objects.filter(pk=network.cohort.pk).update(enforce_targets=True)
    network.cohort.refresh_from_db()
    staff_actor = network.leader.person
    teachers = [TeacherFactory(school=network.school) for _ in range(2)]

    results = race(
        *(
            (
                lambda t=t: membership_add(
                    actor=staff_actor, cohort=network.cohort, person=t, role="BLUE"
                )
            )
            for t in teachers
        )
    )

    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1, results
    assert codes_of(errors[0]) == ["ROLE_LIMIT_EXCEEDED"]
    assert Membership.objects.filter(cohort=network.cohort, role=Role.BLUE).count() == 4


def test_assigning_one_yellow_dot_twice_at_once_leaves_one_current_link(monkeypatch):
    network = build_cohort(blues=2, yellows=1, assigned=0)
    leader = network.leader.person
    yellow = network.yellows[0]
    # Both reach the locking of the yellow dot's membership together.
    before_write_wait_for_both(monkeypatch, assignment_services, "link_create")

    results = race(
        lambda: yellow_dot_assign(actor=leader, yellow=yellow, blue=network.blues[0]),
        lambda: yellow_dot_assign(actor=leader, yellow=yellow, blue=network.blues[1]),
    )

    assert all(isinstance(r, BlueYellowLink | ValidationError) for r in results), results
    assert BlueYellowLink.objects.filter(yellow=yellow, ended_at=None).count() == 1
