"""A district's own e-mail domains (issue 18, item 1): a leader cannot fill a survey audience
with accounts at addresses they control. Outside the domains an invitation waits for a
coordinator, and nobody outside them joins a cohort unapproved."""

import re

import pytest
from django.core import mail

from backend.accounts.models import Approval, DistrictEmailDomain, Invitation, User
from backend.audit.models import Action, AuditEvent
from cohorts.models import Membership
from tests.cohorts.conftest import gid
from tests.cohorts.factories import build_cohort
from tests.conftest import error_codes, top_level_codes
from tests.factories import CoordinatorFactory, DistrictFactory, TeacherFactory

SET_DOMAINS = """
mutation Set($input: DistrictEmailDomainsSetInput!) {
  districtEmailDomainsSet(input: $input) { emailDomains errors { field code } }
}
"""
INVITE = """
mutation Invite($input: InvitationCreateInput!) {
  invitationCreate(input: $input) { invitation { id email status approval } errors { field code } }
}
"""
PEER_INVITE = """
mutation Invite($input: CohortPeerInviteInput!) {
  cohortPeerInvite(input: $input) { invitation { email status } errors { field code } }
}
"""
AWAITING = """
{ invitationsAwaitingApproval { edges { node { id email status invitedBy { fullName } } } } }
"""
DECIDE = """
mutation Decide($input: InvitationDecideInput!) {
  invitationDecide(input: $input) { invitation { status approval } errors { field code } }
}
"""
APPROVE_PERSON = """
mutation Approve($input: PersonOutsideDomainsApproveInput!) {
  personOutsideDomainsApprove(input: $input) { person { fullName } errors { field code } }
}
"""
ACCEPT = """
mutation Accept($input: InvitationAcceptInput!) {
  invitationAccept(input: $input) { token me { person { id } } errors { field code } }
}
"""
ADD = """
mutation Add($input: MembershipAddInput!) {
  membershipAdd(input: $input) { membership { role } errors { field code } }
}
"""
PUPPETS = [f"puppet{n}@leader-controlled.net" for n in range(6)]


def district_gid(district) -> str:
    from graphql_relay import to_global_id

    return to_global_id("District", district.pk)


def set_domains(api, district, domains):
    variables = {"input": {"districtId": district_gid(district), "domains": domains}}
    return api.post_graphql(SET_DOMAINS, variables)


def invite(api, email, school):
    variables = {"input": {"email": email, "schoolId": gid(school), "fullName": "Sock Puppet"}}
    return api.data(INVITE, variables)["invitationCreate"]


def add(api, cohort, person):
    variables = {"input": {"cohortId": gid(cohort), "personId": gid(person), "role": "YELLOW"}}
    return api.data(ADD, variables)["membershipAdd"]


def accept(api, email, code):
    variables = {
        "input": {
            "email": email,
            "code": code,
            "password": "a-long-enough-passphrase",
            "fullName": "Sock Puppet",
            "deviceName": "Burner",
        }
    }
    return api.data(ACCEPT, variables)["invitationAccept"]


def codes_sent_to(email: str) -> list[str]:
    found = []
    for message in mail.outbox:
        if email in message.to:
            match = re.search(r"\b([A-Z2-9]{4})-([A-Z2-9]{4})\b", message.body)
            if match:
                found.append(match.group(1) + match.group(2))
    return found


@pytest.fixture
def restricted(api_for, coordinator, school):
    payload = set_domains(api_for(coordinator), school.district, ["Example.org", "@district.org"])
    assert payload["data"]["districtEmailDomainsSet"]["errors"] == []
    return school.district


@pytest.mark.django_db(transaction=True)
def test_the_sock_puppet_attack_is_held_for_approval_and_the_puppets_cannot_join(
    api, api_for, leader, coordinator, restricted
):
    network = build_cohort(leader=leader)
    leader_api = api_for(leader)

    # The leader invites six accounts at addresses they control, directly and into the cohort.
    invited = [invite(leader_api, email, leader.school) for email in PUPPETS[:3]]
    for email in PUPPETS[3:]:
        result = leader_api.data(
            PEER_INVITE,
            {
                "input": {
                    "cohortId": gid(network.cohort),
                    "email": email,
                    "fullName": "Sock Puppet",
                    "role": "YELLOW",
                }
            },
        )
        assert result["cohortPeerInvite"]["errors"] == []
        assert result["cohortPeerInvite"]["invitation"]["status"] == "AWAITING_APPROVAL"
    # A puppet account made before the district set its domains tries the direct way.
    old_puppet = TeacherFactory(school=leader.school, email="old-puppet@leader-controlled.net")

    assert api_for(leader).data("{ me { districtEmailDomains } }")["me"] == {
        "districtEmailDomains": ["district.org", "example.org"]
    }
    assert [i["errors"] for i in invited] == [[], [], []]
    assert {i["invitation"]["status"] for i in invited} == {"AWAITING_APPROVAL"}
    assert {i["invitation"]["approval"] for i in invited} == {"AWAITING"}
    assert all(codes_sent_to(email) == [] for email in PUPPETS)  # no code to go stale
    asked = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(asked) == len(PUPPETS) and PUPPETS[0] in asked[0].body
    assert error_codes(accept(api, PUPPETS[0], "ABCD2345")) == ["INVALID_CODE"]
    assert not User.objects.filter(email__in=PUPPETS).exists()
    assert error_codes(add(leader_api, network.cohort, old_puppet)) == ["NEEDS_APPROVAL"]
    assert not Membership.objects.filter(person=old_puppet).exists()


@pytest.mark.django_db(transaction=True)
def test_a_coordinators_approval_lets_the_invitee_join(
    api, api_for, leader, coordinator, restricted
):
    network = build_cohort(leader=leader)
    invite(api_for(leader), "guest.teacher@gmail.com", leader.school)
    coordinator_api = api_for(coordinator)

    waiting = coordinator_api.data(AWAITING)["invitationsAwaitingApproval"]["edges"]
    assert [(e["node"]["email"], e["node"]["invitedBy"]["fullName"]) for e in waiting] == [
        ("guest.teacher@gmail.com", leader.full_name)
    ]
    decided = coordinator_api.data(
        DECIDE, {"input": {"invitationId": waiting[0]["node"]["id"], "approve": True}}
    )
    assert decided["invitationDecide"] == {
        "invitation": {"status": "OPEN", "approval": "APPROVED"},
        "errors": [],
    }
    [code] = codes_sent_to("guest.teacher@gmail.com")
    accepted = accept(api, "guest.teacher@gmail.com", code)
    assert accepted["errors"] == []
    guest = User.objects.get(email="guest.teacher@gmail.com")

    assert add(api_for(leader), network.cohort, guest) == {
        "membership": {"role": "YELLOW"},
        "errors": [],
    }
    assert coordinator_api.data(AWAITING)["invitationsAwaitingApproval"]["edges"] == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {Action.EMAIL_DOMAINS_SET, Action.INVITATION_SENT, Action.INVITATION_APPROVED} <= actions


@pytest.mark.django_db(transaction=True)
def test_a_refused_invitation_sends_nothing_and_cannot_be_decided_again(
    api_for, leader, coordinator, restricted
):
    invitation_id = invite(api_for(leader), PUPPETS[0], leader.school)["invitation"]["id"]
    coordinator_api = api_for(coordinator)

    refused = coordinator_api.data(
        DECIDE, {"input": {"invitationId": invitation_id, "approve": False}}
    )
    again = coordinator_api.data(
        DECIDE, {"input": {"invitationId": invitation_id, "approve": True}}
    )

    assert refused["invitationDecide"]["invitation"] == {"status": "REFUSED", "approval": "REFUSED"}
    assert error_codes(again["invitationDecide"]) == ["NOT_AWAITING_APPROVAL"]
    assert codes_sent_to(PUPPETS[0]) == []


@pytest.mark.django_db
def test_only_the_districts_coordinators_decide(api_for, leader, coordinator, restricted):
    invitation_id = invite(api_for(leader), PUPPETS[0], leader.school)["invitation"]["id"]
    elsewhere = CoordinatorFactory(coordinated_district=DistrictFactory())
    variables = {"input": {"invitationId": invitation_id, "approve": True}}

    as_leader = api_for(leader).post_graphql(DECIDE, variables)
    as_other = api_for(elsewhere).data(DECIDE, variables)["invitationDecide"]

    assert top_level_codes(as_leader) == ["FORBIDDEN"]
    assert error_codes(as_other) == ["NOT_FOUND"]
    assert Invitation.objects.get().approval == Approval.AWAITING


@pytest.mark.django_db(transaction=True)
def test_inside_the_domains_nothing_changes(api_for, leader, restricted):
    payload = invite(api_for(leader), "new.colleague@district.org", leader.school)

    assert payload["invitation"]["status"] == "OPEN"
    assert payload["invitation"]["approval"] == "NOT_NEEDED"
    assert len(codes_sent_to("new.colleague@district.org")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_coordinators_own_invitation_outside_the_domains_is_approved_at_once(
    api_for, coordinator, school, restricted
):
    payload = invite(api_for(coordinator), "consultant@partner.org", school)

    assert payload["invitation"]["approval"] == "APPROVED"
    assert len(codes_sent_to("consultant@partner.org")) == 1


@pytest.mark.django_db
def test_an_existing_teacher_outside_the_domains_joins_once_approved(
    api_for, leader, coordinator, restricted
):
    network = build_cohort(leader=leader)
    gmail = TeacherFactory(school=leader.school, email="longtime@gmail.com")
    assert error_codes(add(api_for(leader), network.cohort, gmail)) == ["NEEDS_APPROVAL"]

    approved = api_for(coordinator).data(APPROVE_PERSON, {"input": {"personId": gid(gmail)}})

    assert approved["personOutsideDomainsApprove"]["errors"] == []
    assert add(api_for(leader), network.cohort, gmail)["errors"] == []


@pytest.mark.django_db
def test_setting_domains_checks_them_and_is_refused_outside_ones_district(
    api_for, coordinator, school
):
    bad = set_domains(api_for(coordinator), school.district, ["not a domain"])
    other = DistrictFactory()
    elsewhere = set_domains(api_for(coordinator), other, ["other.org"])

    assert bad["data"]["districtEmailDomainsSet"]["errors"] == [
        {"field": "domains", "code": "INVALID_DOMAIN"}
    ]
    assert error_codes(elsewhere["data"]["districtEmailDomainsSet"]) == ["NOT_FOUND"]
    assert not DistrictEmailDomain.objects.exists()


@pytest.mark.django_db
def test_an_empty_list_lifts_the_restriction(api_for, coordinator, leader, school, restricted):
    payload = set_domains(api_for(coordinator), school.district, [])

    assert payload["data"]["districtEmailDomainsSet"] == {"emailDomains": [], "errors": []}
    me = api_for(leader).data("{ me { districtEmailDomains } }")["me"]
    assert me == {"districtEmailDomains": []}


@pytest.mark.django_db
def test_staff_set_the_domains_in_the_admin_through_the_same_service(client, staff, school):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    url = f"/admin/accounts/district/{school.district.pk}/change/"
    form = {
        "name": school.district.name,
        "slug": school.district.slug,
        "email_domains": "district.org\nSchools.District.org",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(DistrictEmailDomain.objects.values_list("domain", flat=True)) == [
        "district.org",
        "schools.district.org",
    ]
    event = AuditEvent.objects.get(action=Action.EMAIL_DOMAINS_SET)
    assert event.actor == staff


@pytest.mark.django_db(transaction=True)
def test_staff_approve_an_invitation_in_the_admin_through_the_same_service(
    client, api_for, leader, staff, restricted
):
    invite(api_for(leader), "guest.teacher@gmail.com", leader.school)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    response = client.post(
        "/admin/accounts/invitation/",
        {"action": "approve", "_selected_action": [Invitation.objects.get().pk]},
    )

    assert response.status_code == 302
    assert Invitation.objects.get().approval == Approval.APPROVED
    assert len(codes_sent_to("guest.teacher@gmail.com")) == 1


@pytest.mark.django_db
def test_the_awaiting_list_costs_the_same_queries_for_2_and_12_invitations(
    api_for, leader, coordinator, restricted
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_for(n: int) -> int:
        Invitation.objects.all().delete()
        for i in range(n):
            invite(api_for(leader), f"outside{i}@elsewhere.net", leader.school)
        reader = api_for(coordinator)
        with CaptureQueriesContext(connection) as queries:
            edges = reader.data(AWAITING)["invitationsAwaitingApproval"]["edges"]
        assert len(edges) == n
        return len(queries)

    assert count_for(2) == count_for(12)
