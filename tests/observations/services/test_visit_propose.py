from datetime import UTC, date, datetime, time

import pytest

from notifications.models import Kind, Notification
from observations.models import PeriodKind, Visit, VisitParticipant, VisitStatus
from observations.services.visits import VisitTime, visit_cancel, visit_propose
from tests.factories import SchoolFactory, TeacherFactory
from tests.observations.conftest import TUESDAY, at, refused
from tests.observations.factories import (
    CohortFactory,
    MembershipFactory,
    StudentLearningQuestionFactory,
    teaching_all_week,
    timetable,
)

pytestmark = pytest.mark.django_db


def propose(visitor, host, when=None, cycle_number=1, **extra):
    return visit_propose(
        actor=visitor, host=host, when=when or at(9), cycle_number=cycle_number, **extra
    )


def test_a_visitor_proposes_a_visit_at_a_local_time_of_the_hosts_school(
    host, visitor, cohort, slq, tool
):
    visit = propose(visitor, host, at(9, 15, minutes=50), slq=slq, tool=tool, room=" 12B ")

    assert visit.status == VisitStatus.PROPOSED
    # 09:15 in Chicago in March before DST is 15:15 UTC.
    assert visit.starts_at == datetime(2026, 3, 3, 15, 15, tzinfo=UTC)
    assert visit.ends_at == datetime(2026, 3, 3, 16, 5, tzinfo=UTC)
    assert (visit.room, visit.cohort, visit.school, visit.revision) == (
        "12B",
        cohort,
        host.school,
        1,
    )
    assert set(
        VisitParticipant.objects.filter(visit=visit).values_list("person_id", "role", "is_active")
    ) == {(host.pk, "HOST", True), (visitor.pk, "VISITOR", True)}
    notice = Notification.objects.get(kind=Kind.VISIT_PROPOSED)
    assert notice.recipient == host
    assert notice.key == f"visit:{visit.pk}:r1:proposed:{host.pk}"
    assert "Victor Visitor" in notice.body and slq.question not in notice.body


def test_a_local_time_skipped_by_daylight_saving_is_refused(host, visitor):
    # Clocks in Chicago jump from 02:00 to 03:00 on 8 March 2026.
    when = VisitTime(day=date(2026, 3, 8), start=time(2, 30), minutes=45)

    assert refused(propose, visitor=visitor, host=host, when=when) == [
        ("when.startTime", "NONEXISTENT_LOCAL_TIME")
    ]
    assert not Visit.objects.exists()


def test_a_repeated_local_time_means_its_first_occurrence(host, visitor):
    # Clocks in Chicago go back from 02:00 CDT to 01:00 CST on 1 November 2026.
    visit = propose(visitor, host, VisitTime(day=date(2026, 11, 1), start=time(1, 30), minutes=45))

    assert visit.starts_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 CDT (UTC-5)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (VisitTime(day=date(2026, 3, 2), start=time(7, 0), minutes=45), ("when", "STARTS_IN_PAST")),
        (at(9, minutes=5), ("when.minutes", "INVALID_DURATION")),
        (at(9, minutes=241), ("when.minutes", "INVALID_DURATION")),
    ],
)
def test_times_in_the_past_and_odd_lengths_are_refused(host, visitor, when, expected):
    assert refused(propose, visitor=visitor, host=host, when=when) == [expected]


def test_nobody_visits_their_own_class(visitor):
    assert refused(propose, visitor=visitor, host=visitor) == [("hostId", "CANNOT_VISIT_SELF")]


def test_the_cycle_number_runs_from_one_to_the_hosts_next_cycle(host, visitor, outsider):
    assert refused(propose, visitor=visitor, host=host, cycle_number=2) == [
        ("cycleNumber", "INVALID_CYCLE_NUMBER")
    ]
    assert refused(propose, visitor=visitor, host=host, cycle_number=0) == [
        ("cycleNumber", "INVALID_CYCLE_NUMBER")
    ]
    propose(visitor, host, at(9), cycle_number=1)

    second = propose(outsider, host, at(11), cycle_number=2)

    assert second.cycle_number == 2


def test_the_question_must_be_the_hosts_current_one(host, visitor):
    others = StudentLearningQuestionFactory(host=visitor)
    retired = StudentLearningQuestionFactory(host=host, retired_at=datetime(2026, 1, 1, tzinfo=UTC))

    assert refused(propose, visitor=visitor, host=host, slq=others) == [("slqId", "SLQ_NOT_HOSTS")]
    assert refused(propose, visitor=visitor, host=host, slq=retired) == [("slqId", "SLQ_RETIRED")]


def test_a_host_with_a_timetable_is_visited_only_while_teaching(host, visitor):
    timetable(
        host,
        (1, "08:00", "08:50", PeriodKind.TEACHING),
        (1, "08:50", "09:40", PeriodKind.TEACHING),  # back to back: one block
        (1, "09:40", "10:30", PeriodKind.FREE),
    )

    assert propose(visitor, host, at(8, 30, minutes=45)).status == VisitStatus.PROPOSED
    assert refused(propose, visitor=visitor, host=host, when=at(9, 30, minutes=20)) == [
        ("when", "HOST_NOT_TEACHING")
    ]
    assert refused(propose, visitor=visitor, host=host, when=at(9, 0, day=date(2026, 3, 4))) == [
        ("when", "HOST_NOT_TEACHING")
    ]


def test_a_host_without_a_timetable_can_be_visited_any_time(host, visitor):
    assert propose(visitor, host, at(17)).status == VisitStatus.PROPOSED


def test_the_visitors_own_timetable_is_not_enforced(host, visitor):
    teaching_all_week(visitor)  # they may have arranged cover

    assert propose(visitor, host, at(9)).status == VisitStatus.PROPOSED


def test_nobody_is_in_two_visits_at_once(host, visitor, outsider):
    propose(visitor, host, at(9))
    other_host = TeacherFactory(school=host.school, full_name="Omar Other")

    assert refused(propose, visitor=outsider, host=host, when=at(9, 30)) == [
        ("when", "DOUBLE_BOOKED")
    ]
    assert refused(propose, visitor=visitor, host=other_host, when=at(8, 30)) == [
        ("when", "DOUBLE_BOOKED")
    ]
    # Back to back is fine: a range ends where the next begins.
    assert propose(outsider, host, at(9, 45)).starts_at == datetime(2026, 3, 3, 15, 45, tzinfo=UTC)
    assert Visit.objects.count() == 2


def test_the_double_booking_message_names_who_is_busy(host, visitor, outsider):
    propose(visitor, host, at(9))

    with pytest.raises(Exception) as caught:
        propose(outsider, host, at(9, 30))

    assert "Hana Host already has a visit at that time." in str(caught.value)


def test_a_cancelled_visit_frees_the_time(host, visitor, outsider):
    first = propose(visitor, host, at(9))
    visit_cancel(actor=visitor, visit=first, reason="Sick")

    assert propose(outsider, host, at(9)).status == VisitStatus.PROPOSED


def test_a_refused_proposal_writes_nothing(host, visitor, outsider):
    propose(visitor, host, at(9))
    before = (Visit.objects.count(), VisitParticipant.objects.count(), Notification.objects.count())

    refused(propose, visitor=outsider, host=host, when=at(9))

    after = (Visit.objects.count(), VisitParticipant.objects.count(), Notification.objects.count())
    assert after == before


def test_the_cohort_is_the_one_host_and_visitor_share(host, visitor, cohort, school, leader):
    newer = CohortFactory(school=school, created_by=leader, school_year="2026-2027")
    MembershipFactory(cohort=newer, person=host)
    MembershipFactory(cohort=newer, person=visitor)
    elsewhere = CohortFactory(school=school, created_by=leader)
    MembershipFactory(cohort=elsewhere, person=visitor)

    assert propose(visitor, host, at(9)).cohort == newer
    assert propose(visitor, host, at(10), cohort=cohort).cohort == cohort
    assert refused(propose, visitor=visitor, host=host, when=at(11), cohort=elsewhere) == [
        ("cohortId", "NOT_COHORT_MEMBER")
    ]


def test_teachers_of_other_schools_can_visit(host, school):
    colleague = TeacherFactory(school=SchoolFactory(district=school.district))

    assert propose(colleague, host, at(9)).cohort is None


def test_coordinators_do_not_visit_classrooms(host, coordinator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        propose(coordinator, host, at(9))


def test_proposals_keep_the_date_given(host, visitor):
    assert propose(visitor, host, at(9)).starts_at.date() == TUESDAY
