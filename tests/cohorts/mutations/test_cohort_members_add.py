"""`cohortMembersAdd`: a cohort built in one call, each person added, invited or refused."""

import re

import pytest
from django.core import mail

from backend.accounts.models import Invitation
from backend.throttle import RateLimit
from cohorts.models import Cohort, CohortInvitation, Membership, Role
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.conftest import error_codes, top_level_codes
from tests.factories import LeaderFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")

ADD = """
mutation($input: CohortMembersAddInput!) {
  cohortMembersAdd(input: $input) {
    cohort { members { role person { fullName } } pendingInvitations { email role } }
    results {
      index outcome
      person { fullName }
      membership { role }
      invitation { email role status }
      errors { field code }
    }
    errors { field code }
  }
}
"""


@pytest.fixture
def empty(leader):
    """A new cohort: its leader and nobody else yet."""
    return build_cohort(leader=leader, blues=0, yellows=0)


def add(api, cohort, people) -> dict:
    return api.post_graphql(ADD, {"input": {"cohortId": gid(cohort), "people": people}})


def payload(api, cohort, people) -> dict:
    body = add(api, cohort, people)
    assert "errors" not in body, body["errors"]
    return body["data"]["cohortMembersAdd"]


def test_a_cohort_is_built_in_one_call(api_for, leader, empty, django_capture_on_commit_callbacks):
    blues = TeacherFactory.create_batch(2, school=leader.school)
    known = TeacherFactory(school=leader.school, email="known@example.org", full_name="Kai Known")
    people = [{"personId": gid(person), "role": "BLUE"} for person in blues] + [
        {"email": "KNOWN@example.org", "role": "YELLOW"},
        {"email": "new.one@example.org", "fullName": "New One", "role": "YELLOW"},
        {"email": "new.two@example.org", "role": "YELLOW"},
    ]

    with django_capture_on_commit_callbacks(execute=True):
        result = payload(api_for(leader), empty.cohort, people)

    assert result["errors"] == []
    assert [r["outcome"] for r in result["results"]] == ["ADDED"] * 3 + ["INVITED"] * 2
    assert [r["index"] for r in result["results"]] == [0, 1, 2, 3, 4]
    assert result["results"][2]["person"] == {"fullName": "Kai Known"}
    assert result["results"][2]["membership"] == {"role": "YELLOW"}
    assert result["results"][3]["invitation"] == {
        "email": "new.one@example.org",
        "role": "YELLOW",
        "status": "OPEN",
    }
    assert sorted(m["role"] for m in result["cohort"]["members"]) == [
        "BLUE",
        "BLUE",
        "LEADER",
        "YELLOW",
    ]
    assert len(result["cohort"]["pendingInvitations"]) == 2
    assert Membership.objects.filter(cohort=empty.cohort, person=known).exists()
    assert sorted(message.to[0] for message in mail.outbox if "code" in message.body.lower()) == [
        "new.one@example.org",
        "new.two@example.org",
    ]


def test_the_good_ones_are_added_and_the_bad_ones_reported_by_path(api_for, leader, empty):
    good = TeacherFactory(school=leader.school)
    elsewhere = TeacherFactory(school=SchoolFactory(district=leader.school.district))
    people = [
        {"personId": gid(good), "role": "BLUE"},
        {"personId": gid(elsewhere), "role": "BLUE"},  # not someone the leader sees
        {"email": "not-an-address", "role": "YELLOW"},
        {"personId": gid(good), "role": "YELLOW"},  # twice
        {"personId": gid(good), "email": "both@example.org", "role": "YELLOW"},
        {"role": "YELLOW"},
    ]

    result = payload(api_for(leader), empty.cohort, people)

    assert [r["outcome"] for r in result["results"]] == ["ADDED"] + ["REFUSED"] * 5
    assert result["errors"] == [
        {"field": "people.1.personId", "code": "NOT_FOUND"},
        {"field": "people.2.email", "code": "INVALID"},
        {"field": "people.3.personId", "code": "INVALID"},
        {"field": "people.4", "code": "INVALID"},
        {"field": "people.5", "code": "INVALID"},
    ]
    assert result["results"][1]["errors"] == [{"field": "people.1.personId", "code": "NOT_FOUND"}]
    assert result["results"][1]["person"] is None
    assert set(
        Membership.objects.filter(cohort=empty.cohort).values_list("person_id", flat=True)
    ) == {leader.pk, good.pk}
    assert not CohortInvitation.objects.exists()


def test_strict_targets_still_hold_person_by_person(api_for, leader):
    network = build_cohort(leader=leader, blues=3, yellows=0)
    Cohort.objects.filter(pk=network.cohort.pk).update(enforce_targets=True)
    fourth, fifth = TeacherFactory.create_batch(2, school=leader.school)

    result = payload(
        api_for(leader),
        network.cohort,
        [{"personId": gid(fourth), "role": "BLUE"}, {"personId": gid(fifth), "role": "BLUE"}],
    )

    assert [r["outcome"] for r in result["results"]] == ["ADDED", "REFUSED"]
    assert result["errors"] == [{"field": "people.1.role", "code": "ROLE_LIMIT_EXCEEDED"}]
    assert Membership.objects.filter(cohort=network.cohort, role=Role.BLUE).count() == 4


def test_an_address_of_someone_at_another_school_is_refused_by_the_email(api_for, staff):
    # Staff see everyone: the account is found, and the school rule refuses it.
    network = build_cohort(blues=0, yellows=0)
    elsewhere = TeacherFactory(school=SchoolFactory(), email="far@example.org")

    result = payload(api_for(staff), network.cohort, [{"email": elsewhere.email, "role": "BLUE"}])

    assert result["errors"] == [{"field": "people.0.email", "code": "NOT_IN_SCHOOL"}]


def test_an_address_of_an_account_the_leader_may_not_see_is_answered_as_a_new_one(
    api_for, leader, empty, django_capture_on_commit_callbacks
):
    hidden = TeacherFactory(school=SchoolFactory(), email="hidden@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        result = payload(
            api_for(leader), empty.cohort, [{"email": "hidden@example.org", "role": "YELLOW"}]
        )
        fresh = payload(
            api_for(leader), empty.cohort, [{"email": "fresh@example.org", "role": "YELLOW"}]
        )

    assert result["results"][0]["outcome"] == fresh["results"][0]["outcome"] == "INVITED"
    assert result["results"][0]["person"] is None
    assert (
        result["results"][0]["invitation"]["status"] == fresh["results"][0]["invitation"]["status"]
    )
    assert not Membership.objects.filter(person=hidden).exists()
    # The owner is told; no code that could be used reaches anyone.
    [notice] = [m for m in mail.outbox if m.to == ["hidden@example.org"]]
    [invitation] = [m for m in mail.outbox if m.to == ["fresh@example.org"]]
    assert CODE.search(invitation.body)
    assert not CODE.search(notice.body)


def test_the_hourly_invitation_limit_applies_to_each_person(
    api_for, leader, empty, monkeypatch, budget_window
):
    monkeypatch.setattr(
        "backend.accounts.services.invitations.INVITES_PER_HOUR", RateLimit("invitations", 2, 3600)
    )
    people = [{"email": f"peer{n}@example.org", "role": "YELLOW"} for n in range(3)]

    result = payload(api_for(leader), empty.cohort, people)

    assert [r["outcome"] for r in result["results"]] == ["INVITED", "INVITED", "REFUSED"]
    assert result["errors"] == [{"field": "people.2", "code": "TOO_MANY_ATTEMPTS"}]
    assert Invitation.objects.count() == 2


def test_an_archived_cohort_refuses_the_whole_call(api_for, leader, empty):
    Cohort.objects.filter(pk=empty.cohort.pk).update(archived_at="2026-01-01T00:00:00Z")
    person = TeacherFactory(school=leader.school)

    result = payload(api_for(leader), empty.cohort, [{"personId": gid(person), "role": "BLUE"}])

    assert error_codes(result) == ["ARCHIVED"]
    assert result["results"] == []


def test_only_the_cohorts_leader_adds_people(api_for, leader, empty):
    person = TeacherFactory(school=leader.school)
    people = [{"personId": gid(person), "role": "BLUE"}, {"email": "x@example.org", "role": "BLUE"}]

    other_leader = payload(api_for(LeaderFactory(school=leader.school)), empty.cohort, people)
    teacher = add(api_for(person), empty.cohort, people)

    assert error_codes(other_leader) == ["NOT_FOUND"]
    assert other_leader["errors"][0]["field"] == "cohortId"
    assert top_level_codes(teacher) == ["FORBIDDEN"]
    assert Membership.objects.filter(cohort=empty.cohort).count() == 1
    assert not Invitation.objects.exists()


def test_signed_out_nobody_adds_anyone(api, empty):
    body = add(api, empty.cohort, [{"email": "x@example.org", "role": "BLUE"}])

    assert top_level_codes(body) == ["UNAUTHENTICATED"]


def test_more_than_fifty_people_at_once_is_refused(api_for, leader, empty):
    people = [{"email": f"p{n}@example.org", "role": "YELLOW"} for n in range(51)]

    body = add(api_for(leader), empty.cohort, people)

    assert top_level_codes(body) == ["BAD_USER_INPUT"]
    assert not Invitation.objects.exists()


def test_an_empty_list_is_refused(api_for, leader, empty):
    result = payload(api_for(leader), empty.cohort, [])

    assert result["errors"] == [{"field": "people", "code": "REQUIRED"}]


def test_sock_puppets_outside_the_districts_domains_do_not_get_in_by_the_list(
    api_for, leader, empty
):
    from backend.accounts.models import DistrictEmailDomain

    DistrictEmailDomain.objects.create(district=leader.school.district, domain="district.org")
    puppet = TeacherFactory(school=leader.school, email="puppet@leader-controlled.net")
    people = [
        {"personId": gid(puppet), "role": "YELLOW"},
        {"email": puppet.email, "role": "YELLOW"},
        {"email": "new-puppet@leader-controlled.net", "role": "YELLOW"},
    ]

    result = payload(api_for(leader), empty.cohort, people)

    assert result["errors"] == [
        {"field": "people.0.personId", "code": "NEEDS_APPROVAL"},
        {"field": "people.1.email", "code": "NEEDS_APPROVAL"},
    ]
    assert result["results"][2]["outcome"] == "INVITED"
    assert result["results"][2]["invitation"]["status"] == "AWAITING_APPROVAL"
    assert not Membership.objects.filter(cohort=empty.cohort, person=puppet).exists()
