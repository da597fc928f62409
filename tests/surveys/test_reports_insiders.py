"""Issue #18, item 1: the minimum group size counts respondents other than those who run the
survey. Since #18 a launcher is never invited; a survey launched before then may list them, and
a peer who answered may since have become the cohort's leader. Either knows their own answers,
so the report needs the minimum *besides* them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Membership, Role
from surveys.reports import ReportStatus, administration_report
from tests.factories import TeacherFactory
from tests.surveys.factories import administration, answer, small_instrument

pytestmark = pytest.mark.django_db


def _run(survey, people, rows):
    now = timezone.now()
    for person, q1 in zip(people, rows, strict=True):
        answer(survey, person, {"q1": q1, "q2": 3}, now=now - timedelta(days=2))
    survey.closes_at = now - timedelta(minutes=1)
    survey.save(update_fields=["closes_at"])
    return administration_report(survey)


def _survey(leader, people, cohort=None):
    now = timezone.now()
    return administration(
        instrument=small_instrument(school=leader.school),
        people=people,
        created_by=leader,
        cohort=cohort,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=1),
    )


def test_a_legacy_launcher_who_answered_does_not_count_toward_the_minimum(leader):
    four = TeacherFactory.create_batch(4, school=leader.school)
    survey = _survey(leader, [leader, *four])

    report = _run(survey, [leader, *four], [5, 4, 3, 2, 1])

    # Five responses, but one is the reader's own: the figures would be about four others.
    assert report.status == ReportStatus.TOO_FEW_RESPONSES
    assert report.constructs == []
    assert report.minimum_group_size == 6


def test_with_five_others_the_report_shows(leader):
    five = TeacherFactory.create_batch(5, school=leader.school)
    survey = _survey(leader, [leader, *five])

    report = _run(survey, [leader, *five], [5, 4, 3, 2, 1, 2])

    assert report.status == ReportStatus.AVAILABLE
    assert report.constructs[0].figures.n == 6


def test_a_respondent_who_became_the_cohorts_leader_counts_as_an_insider(leader, cohort, peers):
    survey = _survey(leader, peers[:5], cohort=cohort)
    Membership.objects.filter(cohort=cohort, role=Role.LEADER).update(ended_at=timezone.now())
    Membership.objects.filter(cohort=cohort, person=peers[0]).update(ended_at=timezone.now())
    Membership.objects.create(cohort=cohort, person=peers[0], role=Role.LEADER)

    report = _run(survey, peers[:5], [5, 4, 3, 2, 1])

    assert report.status == ReportStatus.TOO_FEW_RESPONSES
