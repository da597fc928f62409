"""The periodic job behind "requirement met" and "ready to submit" (design 3.4)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from credentials import jobs
from credentials.jobs import READY_MARK, progress_watch
from credentials.models import ConsentGrant, Pursuit, RequirementMet
from credentials.services.evidence import evidence_attest
from credentials.services.pursuits import pursuit_withdraw
from notifications import periodic
from notifications.models import Kind, Notification, Status
from observations.models import Visit, VisitStatus

from .conftest import at_day, records

pytestmark = pytest.mark.django_db

NOW = at_day(40)
MET_PUSH = Kind.CREDENTIAL_REQUIREMENT_MET
READY_PUSH = Kind.CREDENTIAL_READY


@pytest.fixture(autouse=True)
def _after_the_visits():
    # Every visit below happens in the first weeks of the cohort; the job runs after them.
    with time_machine.travel(NOW, tick=False):
        yield


def pursue(catalogue, person, key, cohort):
    return Pursuit.objects.create(
        person=person,
        credential=catalogue.credentials[key],
        version=catalogue.versions[key],
        cohort=cohort,
    )


def visit_the_blues(world, visitor, first_day: int = 1, how_many: int = 4) -> list[Visit]:
    hosts = [blue for blue in world.blues if blue != visitor][:how_many]
    visits = [world.visit(visitor, host, day=first_day + n) for n, host in enumerate(hosts)]
    world.save()
    return visits


def blues_visit_their_yellows(world, first_day: int = 10) -> None:
    for n, yellow in enumerate(world.yellows):
        world.visit(world.blues[n // 2], yellow, day=first_day + n)
    world.save()


def pushes(kind=None, **filters):
    queryset = Notification.objects.filter(key__startswith="credential:", **filters)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return list(queryset.order_by("id"))


def delivered(notification: Notification) -> None:
    """As the worker leaves a reminder it pushed."""
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENT, sent_at=timezone.now(), delivered_at=timezone.now()
    )


def marks(pursuit) -> set[str]:
    return set(RequirementMet.objects.filter(pursuit=pursuit).values_list("slot_key", flat=True))


def test_a_requirement_newly_met_pushes_once_to_its_owner(catalogue, world):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visits = visit_the_blues(world, world.leader, how_many=3)
    progress_watch()
    assert pushes() == []  # three of four: nothing to say yet

    visits.append(world.visit(world.leader, world.blues[3], day=8))
    world.save()
    progress_watch()

    [push] = pushes()
    assert push.recipient == world.leader
    assert push.kind == MET_PUSH
    assert push.title == "Requirement met"
    assert push.body == "Building Will: blue dots 4 of 4 — requirement met"
    assert push.target_type == "Pursuit"
    assert push.target_id == to_global_id("Pursuit", pursuit.pk)
    assert push.status == Status.PENDING and push.due_at == NOW
    mark = RequirementMet.objects.get(pursuit=pursuit, slot_key="blue-visits")
    assert push.key == f"credential:met:{pursuit.pk}:blue-visits:{mark.pk}"
    assert mark.met_at == NOW


def test_running_the_job_again_pushes_nothing_more(catalogue, world):
    pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)
    progress_watch()
    [push] = pushes()
    delivered(push)

    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        outcome = progress_watch()
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        progress_watch()

    assert outcome.met == 0
    assert pushes() == [push]
    assert Notification.objects.get(pk=push.pk).status == Status.SENT


def test_falling_below_and_meeting_again_pushes_again(catalogue, world):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visits = visit_the_blues(world, world.leader)
    progress_watch()
    [first] = pushes()
    delivered(first)

    Visit.objects.filter(pk=visits[0].pk).update(status=VisitStatus.CANCELLED)
    progress_watch()
    assert marks(pursuit) == set()  # the watermark goes with the requirement
    assert len(pushes()) == 1

    Visit.objects.filter(pk=visits[0].pk).update(status=VisitStatus.COMPLETED)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        progress_watch()

    first_again, second = pushes()
    assert first_again.pk == first.pk and first_again.status == Status.SENT
    # A key of its own: the outbox never sends a key it has sent, so the same key would be
    # silently dropped here.
    assert second.key != first.key and second.key.startswith(
        f"credential:met:{pursuit.pk}:blue-visits:"
    )
    assert (second.status, second.due_at) == (Status.PENDING, NOW + timedelta(hours=1))


def test_a_push_still_waiting_is_withdrawn_when_the_requirement_is_lost(catalogue, world):
    pursue(catalogue, world.leader, "building-will", world.cohort)
    visits = visit_the_blues(world, world.leader)
    progress_watch()  # the push waits (quiet hours, say): status PENDING

    Visit.objects.filter(pk=visits[0].pk).update(status=VisitStatus.CANCELLED)
    progress_watch()

    [push] = pushes()
    assert push.status == Status.CANCELLED


def test_every_requirement_met_pushes_ready_once(catalogue, world):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)
    blues_visit_their_yellows(world)

    outcome = progress_watch()
    progress_watch()

    assert (outcome.met, outcome.ready) == (2, 1)
    assert [p.body for p in pushes(MET_PUSH)] == [
        "Building Will: blue dots 4 of 4 — requirement met",
        "Building Will: yellow dots 8 of 8 — requirement met",
    ]
    [ready] = pushes(READY_PUSH)
    assert ready.title == "Ready to submit"
    assert ready.body == (
        "Building Will: every requirement is met. Check your evidence and submit it."
    )
    assert (ready.recipient, ready.target_type, ready.target_id) == (
        world.leader,
        "Pursuit",
        to_global_id("Pursuit", pursuit.pk),
    )
    assert marks(pursuit) == {"blue-visits", "yellow-visits", READY_MARK}


def test_one_requirement_met_of_two_is_not_ready(catalogue, world):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)

    progress_watch()

    assert pushes(READY_PUSH) == []
    assert marks(pursuit) == {"blue-visits"}


def test_an_unanswered_consent_holds_ready_back_until_granted(catalogue, world):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)
    blues_visit_their_yellows(world)
    asked = ConsentGrant.objects.create(pursuit=pursuit, grantor=world.yellows[0], scope="NAME")

    progress_watch()
    assert len(pushes(MET_PUSH)) == 2
    assert pushes(READY_PUSH) == []

    ConsentGrant.objects.filter(pk=asked.pk).update(state="GRANTED", decided_at=timezone.now())
    progress_watch()
    assert len(pushes(READY_PUSH)) == 1


def test_ready_lost_and_regained_pushes_ready_again(catalogue, world):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visits = visit_the_blues(world, world.leader)
    blues_visit_their_yellows(world)
    progress_watch()
    [ready] = pushes(READY_PUSH)
    delivered(ready)

    Visit.objects.filter(pk=visits[0].pk).update(status=VisitStatus.CANCELLED)
    progress_watch()
    assert marks(pursuit) == {"yellow-visits"}

    Visit.objects.filter(pk=visits[0].pk).update(status=VisitStatus.COMPLETED)
    progress_watch()
    assert len(pushes(READY_PUSH)) == 2
    assert len(pushes(MET_PUSH)) == 3  # blue dots met, lost, met again


def test_a_requirement_without_a_count_is_named_by_its_title(catalogue, world):
    pursuit = pursue(catalogue, world.leader, "sharing", world.cohort)
    evidence_attest(person=world.leader, pursuit=pursuit, slot_key="agree")

    progress_watch()

    [push] = pushes(MET_PUSH)
    assert push.body == "Sharing Learning: agree to answer questions — requirement met"
    assert pushes(READY_PUSH) == []  # the video and the PDSA cycles are still to come


@pytest.mark.parametrize("state", ["SUBMITTED", "UNDER_REVIEW", "EARNED", "NOT_YET"])
def test_a_pursuit_no_longer_gathering_evidence_gets_nothing(catalogue, world, state):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    Pursuit.objects.filter(pk=pursuit.pk).update(state=state)
    visit_the_blues(world, world.leader)
    blues_visit_their_yellows(world)

    progress_watch()

    assert pushes() == []
    assert marks(pursuit) == set()


def test_a_withdrawn_pursuit_gets_nothing_and_its_waiting_pushes_are_withdrawn(catalogue, world):
    mine = pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)
    progress_watch()
    [waiting] = pushes()
    # Someone else's pursuit whose id starts with the same digits keeps its push.
    other = pursue(catalogue, world.blues[0], "building-will", world.cohort)
    Notification.objects.create(
        recipient=world.blues[0],
        kind=MET_PUSH,
        key=f"credential:met:{mine.pk}0:blue-visits:1",
        title="t",
        body="b",
        due_at=NOW,
    )

    pursuit_withdraw(person=world.leader, pursuit=mine)
    progress_watch()

    waiting.refresh_from_db()
    assert waiting.status == Status.CANCELLED
    assert [p.status for p in pushes(recipient=world.blues[0])] == [Status.PENDING]
    assert not RequirementMet.objects.filter(pursuit_id=mine.pk).exists()
    assert marks(other) == set()


def test_a_pursuit_submitted_while_the_job_reads_gets_nothing(catalogue, world, monkeypatch):
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)
    real = jobs.pursuit_progress

    def then_submitted(batch):
        found = real(batch)
        Pursuit.objects.filter(pk=pursuit.pk).update(state="SUBMITTED")
        return found

    monkeypatch.setattr(jobs, "pursuit_progress", then_submitted)
    progress_watch()

    assert pushes() == []
    assert marks(pursuit) == set()


def test_two_runs_racing_push_once(catalogue, world, monkeypatch):
    """Another worker runs the job whole between this run's read and its insert: the unique
    index refuses this run's watermark, and this run pushes nothing."""
    pursuit = pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)
    blues_visit_their_yellows(world)
    real = jobs.pursuit_progress
    raced: list = []

    def racing(batch):
        found = real(batch)
        if not raced:
            raced.append(None)
            raced[0] = progress_watch()  # the other worker, start to end
        return found

    monkeypatch.setattr(jobs, "pursuit_progress", racing)
    outcome = progress_watch()

    assert (raced[0].met, raced[0].ready) == (2, 1)
    assert (outcome.met, outcome.ready) == (0, 0)
    assert len(pushes(MET_PUSH)) == 2
    assert len(pushes(READY_PUSH)) == 1
    assert marks(pursuit) == {"blue-visits", "yellow-visits", READY_MARK}


def test_pursuits_are_read_in_batches_by_id(catalogue, world, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    people = [world.leader, *world.yellows[:4]]
    pursuits = [pursue(catalogue, person, "building-will", world.cohort) for person in people]
    for n, person in enumerate(people):
        visit_the_blues(world, person, first_day=1 + 5 * n)
    sizes = []
    real = jobs.pursuit_progress

    def counted(batch):
        sizes.append([p.pk for p in batch])
        return real(batch)

    monkeypatch.setattr(jobs, "pursuit_progress", counted)
    progress_watch()

    ids = sorted(p.pk for p in pursuits)
    assert sizes == [ids[0:2], ids[2:4], ids[4:5]]
    assert {p.recipient_id for p in pushes(MET_PUSH)} == {p.pk for p in people}


def test_queries_do_not_grow_with_the_pursuits_in_a_batch(catalogue, world):
    """Reads are a fixed number per batch; only each newly met requirement adds its writes."""
    slots = [
        records("a-blue", "VISIT_AS_VISITOR_TO_ROLE", 1, host_role="BLUE"),
        {"key": "agree", "kind": "ATTESTATION", "title": "Agree", "spec": {"statement": "Yes."}},
    ]
    catalogue.add("small-a", "Small A", [dict(s) for s in slots])
    catalogue.add("small-b", "Small B", [dict(s) for s in slots])
    people = [world.leader, *world.yellows, world.blues[0]]  # ten, none a host below
    for n, person in enumerate(people):
        world.visit(person, world.blues[1], day=1 + n)
    world.save()

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            progress_watch()
        return len(context.captured_queries)

    two = [pursue(catalogue, person, "small-a", world.cohort) for person in people[:2]]
    first_two, steady_two = queries(), queries()
    Pursuit.objects.filter(pk__in=[p.pk for p in two]).update(state="SUBMITTED")
    for person in people:
        pursue(catalogue, person, "small-b", world.cohort)
    first_ten, steady_ten = queries(), queries()

    assert len(pushes(MET_PUSH)) == 12
    assert steady_ten == steady_two
    per_met = (first_ten - steady_ten - (first_two - steady_two)) / 8
    assert per_met == int(per_met) and 0 < per_met <= 12
    assert first_two - steady_two - 2 * per_met <= 1  # the slot titles, once per batch


def test_the_push_opens_the_pursuit_for_its_owner_only(catalogue, world, api_for):
    pursue(catalogue, world.leader, "building-will", world.cohort)
    visit_the_blues(world, world.leader)
    progress_watch()
    [push] = pushes()
    query = "query ($id: ID!) { node(id: $id) { __typename id ... on Pursuit { state } } }"

    opened = api_for(world.leader).data(query, {"id": push.target_id})["node"]
    assert opened == {"__typename": push.target_type, "id": push.target_id, "state": "DRAFT"}
    assert api_for(world.blues[0]).data(query, {"id": push.target_id})["node"] is None


def test_the_worker_runs_the_job_every_two_minutes():
    job = periodic._jobs["credentials.progress"]

    assert job.run is progress_watch
    assert job.every_seconds == 120


def test_submitting_withdraws_met_and_ready_pushes_still_waiting(world):
    from credentials.models import Credential, CredentialVersion, Programme, RequirementSlot
    from credentials.services.packets import packet_submit

    programme = Programme.objects.create(key="tiny", title="Tiny")
    credential = Credential.objects.create(programme=programme, key="promise", position=1)
    version = CredentialVersion.objects.create(credential=credential, number=1, title="Promise")
    RequirementSlot.objects.create(
        version=version,
        key="promise",
        position=1,
        kind="ATTESTATION",
        title="Promise",
        spec={"statement": "I will answer questions."},
    )
    CredentialVersion.objects.filter(pk=version.pk).update(status="PUBLISHED", published_at=NOW)
    pursuit = Pursuit.objects.create(person=world.leader, credential=credential, version=version)
    evidence_attest(person=world.leader, pursuit=pursuit, slot_key="promise")
    progress_watch()
    waiting = pushes()
    assert {p.kind for p in waiting} == {MET_PUSH, READY_PUSH}

    pursuit.refresh_from_db()
    packet_submit(person=world.leader, pursuit=pursuit, expected_revision=pursuit.revision)

    assert {p.status for p in pushes()} == {Status.CANCELLED}
