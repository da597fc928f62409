"""The demo district makes a map worth looking at: several schools, cohorts at every stage,
ties across schools, and a cohort on the stuck list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backend import demo
from backend.accounts.models import District
from networks.access import Scope, ScopeKind
from networks.maps import network_map
from networks.progress import StuckReason, SurveyState
from networks.stuck_list import stuck_cohorts

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(monkeypatch):
    if "networks.demo" not in demo.APP_DEMOS:
        monkeypatch.setattr(demo, "APP_DEMOS", (*demo.APP_DEMOS, "networks.demo"))
    assert demo.load_demo() is True
    return District.objects.get(slug=demo.DEMO_DISTRICT_SLUG)


def test_the_district_map_has_schools_stages_and_cross_school_ties(district):
    coordinator = district.coordinators.get()

    result = network_map(viewer=coordinator, scope=Scope(ScopeKind.DISTRICT, district.pk))

    assert len(result.schools) >= 3
    assert len(result.cohorts) >= 4
    assert result.measures.cross_school_tie_count >= 2
    assert result.measures.most_connecting
    progress = {c.cohort.name: c.progress for c in result.cohorts}
    done = progress["Lakeside Science Collaborative"]
    assert (done.blue_visited_by_leader, done.yellow_visited_by_blue) == (4, 8)
    assert (done.reflection_sheets, done.six_month_survey.state) == (8, SurveyState.CLOSED)
    midway = progress["Harbor Math Circle"]
    assert (midway.blue_visited_by_leader, midway.yellow_visited_by_blue) == (4, 4)
    stuck = progress["Lakeside Literacy Group"]
    assert (stuck.blue_visited_by_leader, stuck.yellow_visited_by_blue) == (3, 1)


def test_the_map_grew_over_the_year(district):
    coordinator = district.coordinators.get()
    scope = Scope(ScopeKind.DISTRICT, district.pk)
    months_ago = (timezone.now() - timedelta(weeks=20)).date()

    then = network_map(viewer=coordinator, scope=scope, as_of=months_ago)
    now = network_map(viewer=coordinator, scope=scope)

    assert len(then.cohorts) < len(now.cohorts)
    assert then.measures.tie_count < now.measures.tie_count


def test_the_stuck_list_names_the_stuck_cohort(district):
    coordinator = district.coordinators.get()

    found = stuck_cohorts(viewer=coordinator, district_id=district.pk)

    reasons = {s.cohort.name: set(s.reasons) for s in found.cohorts}
    assert {StuckReason.NO_RECENT_VISIT, StuckReason.REFLECTIONS_OVERDUE} <= reasons[
        "Lakeside Literacy Group"
    ]
    assert "Lakeside Science Collaborative" not in reasons
