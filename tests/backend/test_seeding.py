"""The bulk seeding kit (`backend.seeding`): parents are written before their children, a
follow-up survey after its baseline, and the same seed gives the same rows."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.seeding.districts import synthetic_district
from backend.seeding.rows import Seeder
from cohorts.models import BlueYellowLink, Membership
from observations.models import ReflectionSheet, Visit, VisitParticipant
from surveys.models import Administration, AdministrationKind, Answer, Item, Response
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)


def a_group(seeder, school):
    leader = LeaderFactory(school=school)
    blues = [TeacherFactory(school=school) for _ in range(2)]
    yellows = [[TeacherFactory(school=school)] for _ in blues]
    return seeder.group(
        school=school,
        name="Science",
        leader=leader,
        started_at=T0,
        blues=blues,
        yellows_of_blue=yellows,
    )


def test_one_save_writes_a_cohort_its_places_visits_and_sheets():
    school = SchoolFactory()
    seeder = Seeder()
    group = a_group(seeder, school)
    leader, blue = (p.person for p in list(group.places.values())[:2])
    visit = seeder.visit(leader, blue, starts_at=T0 + timedelta(days=3), cohort=group.cohort)
    seeder.reflection(visit)

    written = seeder.save()

    assert written["membership"] == 5 and written["blueyellowlink"] == 2
    assert Membership.objects.filter(cohort=group.cohort).count() == 5
    assert BlueYellowLink.objects.filter(cohort=group.cohort).count() == 2
    stored = Visit.objects.get()
    assert stored.completed_at == stored.ends_at
    assert stored.accepted_at == stored.created_at == stored.starts_at - timedelta(days=7)
    assert set(VisitParticipant.objects.values_list("role", "is_active")) == {
        ("HOST", True),
        ("VISITOR", True),
    }
    assert ReflectionSheet.objects.get().slq.host == blue
    assert seeder.save() == {}  # what was written is forgotten


def test_a_follow_up_is_written_after_its_baseline_with_its_responses():
    school = SchoolFactory()
    seeder = Seeder(seed=3)
    group = a_group(seeder, school)
    seeder.save()
    leader = group.cohort.created_by
    baseline = seeder.administration(
        group.cohort,
        AdministrationKind.BASELINE,
        opens_at=T0,
        closes_at=T0 + timedelta(days=14),
        created_by=leader,
    )
    follow_up = seeder.administration(
        group.cohort,
        AdministrationKind.SIX_MONTH,
        opens_at=T0 + timedelta(days=190),
        closes_at=T0 + timedelta(days=204),
        created_by=leader,
        follows=baseline,
    )
    item = Item.objects.filter(instrument=seeder.instrument()).exclude(scale=None).first()
    point = item.scale.points.order_by("value").first().value
    made = [seeder.response(follow_up, [(item, point)]) for _ in range(12)]

    seeder.save()

    assert Administration.objects.get(pk=follow_up.pk).follows_id == baseline.pk
    assert Answer.objects.filter(response__administration=follow_up).count() == 12
    stored = set(Response.objects.filter(administration=follow_up).values_list("pk", flat=True))
    assert stored == {r.pk for r in made}


def test_the_same_seed_gives_the_same_district():
    now = datetime(2027, 5, 1, 18, 0, tzinfo=UTC)

    def shape(slug):
        made = synthetic_district(
            slug=slug, schools=2, cohorts=3, teachers=36, visits=120, now=now, seed=5
        )
        visits = Visit.objects.filter(school__district=made.district)
        return made.visit_count, sorted(
            (v.starts_at, v.status, v.host.email.split("@")[0]) for v in visits
        )

    assert shape("one") == shape("two")
