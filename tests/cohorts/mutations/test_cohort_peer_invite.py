import re

import pytest
from django.core import mail

from backend.accounts.models import Invitation
from cohorts.models import CohortInvitation
from tests.cohorts.conftest import gid
from tests.conftest import ApiClient, error_codes, top_level_codes
from tests.factories import TeacherFactory

INVITE = """
mutation Invite($input: CohortPeerInviteInput!) {
  cohortPeerInvite(input: $input) {
    invitation { email fullName role status person { fullName } }
    cohort { pendingInvitations { email status } }
    errors { field code }
  }
}
"""
ACCEPT = """
mutation Accept($input: InvitationAcceptInput!) {
  invitationAccept(input: $input) { token me { person { id } } errors { code } }
}
"""
PENDING = """
query($id: ID!) { cohort(id: $id) { pendingInvitations { status role person { id fullName } } } }
"""
ADD = """
mutation Add($input: MembershipAddInput!) {
  membershipAdd(input: $input) { membership { role } errors { code } }
}
"""


def invite(api, cohort, email="new.peer@example.org", role="YELLOW"):
    return api.post_graphql(
        INVITE,
        {"input": {"cohortId": gid(cohort), "email": email, "fullName": "New Peer", "role": role}},
    )


@pytest.mark.django_db(transaction=True)
def test_an_invited_peer_accepts_and_is_added_in_the_role_meant(api, api_for, network, leader):
    leader_api = api_for(leader)
    payload = invite(leader_api, network.cohort)["data"]["cohortPeerInvite"]
    assert payload["errors"] == []
    assert payload["invitation"] == {
        "email": "new.peer@example.org",
        "fullName": "New Peer",
        "role": "YELLOW",
        "status": "OPEN",
        "person": None,
    }
    assert payload["cohort"]["pendingInvitations"] == [
        {"email": "new.peer@example.org", "status": "OPEN"}
    ]
    code = "".join(re.search(r"([A-Z2-9]{4})-([A-Z2-9]{4})", mail.outbox[-1].body).groups())
    api.data(
        ACCEPT,
        {
            "input": {
                "email": "new.peer@example.org",
                "code": code,
                "password": "a-long-enough-passphrase",
                "deviceName": "Pixel",
            }
        },
    )

    pending = leader_api.data(PENDING, {"id": gid(network.cohort)})["cohort"]["pendingInvitations"]
    assert pending[0]["status"] == "ACCEPTED"
    person_id = pending[0]["person"]["id"]
    added = leader_api.data(
        ADD, {"input": {"cohortId": gid(network.cohort), "personId": person_id, "role": "YELLOW"}}
    )["membershipAdd"]
    assert added == {"membership": {"role": "YELLOW"}, "errors": []}
    assert (
        leader_api.data(PENDING, {"id": gid(network.cohort)})["cohort"]["pendingInvitations"] == []
    )
    assert CohortInvitation.objects.get().membership is not None


@pytest.mark.django_db
def test_someone_with_an_account_is_added_rather_than_invited(api_for, network, leader):
    existing = TeacherFactory(school=leader.school)

    result = invite(api_for(leader), network.cohort, email=existing.email)

    assert result["data"]["cohortPeerInvite"]["errors"] == [
        {"field": "email", "code": "ALREADY_EXISTS"}
    ]
    assert not CohortInvitation.objects.exists()


@pytest.mark.django_db
def test_peers_cannot_invite_into_the_cohort(api_for, network):
    assert top_level_codes(invite(api_for(network.blues[0].person), network.cohort)) == [
        "FORBIDDEN"
    ]
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_pending_invitations_are_for_the_leader_only(api_for, network, leader):
    invite(api_for(leader), network.cohort)

    seen_by_blue = ApiClient.data(
        api_for(network.blues[0].person), PENDING, {"id": gid(network.cohort)}
    )

    assert seen_by_blue["cohort"]["pendingInvitations"] == []


@pytest.mark.django_db
def test_outsiders_get_not_found(api_for, network):
    from tests.factories import LeaderFactory

    result = invite(api_for(LeaderFactory(school=network.school)), network.cohort)

    assert error_codes(result["data"]["cohortPeerInvite"]) == ["NOT_FOUND"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "name", "field"),
    [("not-an-address", "X", "email"), ("ok@example.org", "x" * 201, "fullName")],
)
def test_bad_addresses_and_names_are_refused(api_for, network, leader, email, name, field):
    result = api_for(leader).post_graphql(
        INVITE,
        {
            "input": {
                "cohortId": gid(network.cohort),
                "email": email,
                "fullName": name,
                "role": "BLUE",
            }
        },
    )

    assert result["data"]["cohortPeerInvite"]["errors"] == [{"field": field, "code": "INVALID"}]
    assert not Invitation.objects.exists()
