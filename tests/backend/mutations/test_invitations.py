import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from graphql_relay import to_global_id

from backend.accounts.models import Invitation, User
from tests.conftest import ApiClient, error_codes, top_level_codes
from tests.factories import SchoolFactory, TeacherFactory

INVITE = """
mutation Invite($input: InvitationCreateInput!) {
  invitationCreate(input: $input) {
    invitation { email status school { name } }
    errors { field code }
  }
}
"""
ACCEPT = """
mutation Accept($input: InvitationAcceptInput!) {
  invitationAccept(input: $input) {
    token
    me { person { fullName } school { id } roles }
    errors { field message code }
  }
}
"""


def school_id(school):
    return to_global_id("School", school.pk)


def invite(api, email, school, **extra):
    variables = {"input": {"email": email, "schoolId": school_id(school), **extra}}
    return api.post_graphql(INVITE, variables)


def sent_code() -> str:
    match = re.search(r"\b([A-Z2-9]{4})-([A-Z2-9]{4})\b", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1) + match.group(2)


def accept(api, email, code, password="a-long-enough-passphrase", name="New Teacher"):
    variables = {
        "input": {
            "email": email,
            "code": code,
            "password": password,
            "fullName": name,
            "deviceName": "Pixel",
        }
    }
    return api.data(ACCEPT, variables)["invitationAccept"]


@pytest.mark.django_db(transaction=True)
def test_a_leader_invites_a_teacher_who_accepts_with_the_emailed_code(api, api_for, leader):
    result = invite(api_for(leader), "New.Teacher@Example.org", leader.school)

    payload = result["data"]["invitationCreate"]
    assert payload["errors"] == []
    assert payload["invitation"] == {
        "email": "new.teacher@example.org",
        "status": "OPEN",
        "school": {"name": leader.school.name},
    }
    assert mail.outbox[-1].to == ["new.teacher@example.org"]

    code = sent_code()
    accepted = accept(api, "new.teacher@example.org", f"{code[:4].lower()}-{code[4:]}")

    assert accepted["errors"] == []
    assert accepted["me"]["person"]["fullName"] == "New Teacher"
    assert accepted["me"]["roles"] == ["TEACHER"]
    assert accepted["me"]["school"]["id"] == school_id(leader.school)
    me = ApiClient(api.client, accepted["token"]).data("{ me { person { email } } }")
    assert me["me"]["person"]["email"] == "new.teacher@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_code_works_once(api, api_for, leader):
    invite(api_for(leader), "once@example.org", leader.school)
    code = sent_code()
    accept(api, "once@example.org", code)

    again = accept(api, "once@example.org", code)

    assert error_codes(again) == ["INVALID_CODE"]
    assert again["errors"][0]["field"] == "code"


@pytest.mark.django_db(transaction=True)
def test_a_wrong_code_creates_nothing(api, api_for, leader):
    invite(api_for(leader), "wrong@example.org", leader.school)

    result = accept(api, "wrong@example.org", "AAAA-BBBB")

    assert error_codes(result) == ["INVALID_CODE"]
    assert not User.objects.filter(email="wrong@example.org").exists()


@pytest.mark.django_db(transaction=True)
def test_an_expired_invitation_is_refused(api, api_for, leader):
    invite(api_for(leader), "late@example.org", leader.school)
    code = sent_code()

    with time_machine.travel(timezone.now() + timedelta(days=30)):
        result = accept(api, "late@example.org", code)

    assert error_codes(result) == ["EXPIRED"]


@pytest.mark.django_db(transaction=True)
def test_a_weak_password_is_refused_per_field_and_the_code_still_works(api, api_for, leader):
    invite(api_for(leader), "weak@example.org", leader.school)
    code = sent_code()

    weak = accept(api, "weak@example.org", code, password="12345")

    assert set(error_codes(weak)) == {"WEAK_PASSWORD"}
    assert {e["field"] for e in weak["errors"]} == {"password"}
    assert accept(api, "weak@example.org", code)["errors"] == []


@pytest.mark.django_db(transaction=True)
def test_inviting_again_replaces_the_old_code(api, api_for, leader):
    inviter = api_for(leader)
    invite(inviter, "twice@example.org", leader.school)
    old = sent_code()
    invite(inviter, "twice@example.org", leader.school)
    new = sent_code()

    assert error_codes(accept(api, "twice@example.org", old)) == ["INVALID_CODE"]
    assert accept(api, "twice@example.org", new)["errors"] == []


@pytest.mark.django_db
def test_an_existing_account_cannot_be_invited(api_for, leader):
    existing = TeacherFactory(school=leader.school)

    result = invite(api_for(leader), existing.email, leader.school)

    assert error_codes(result["data"]["invitationCreate"]) == ["ALREADY_EXISTS"]
    assert result["data"]["invitationCreate"]["errors"][0]["field"] == "email"


@pytest.mark.django_db
def test_a_leader_cannot_invite_into_another_school(api_for, leader):
    other = SchoolFactory(district=leader.school.district)

    result = invite(api_for(leader), "x@example.org", other)

    assert error_codes(result["data"]["invitationCreate"]) == ["NOT_ALLOWED"]
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_plain_teacher_cannot_invite(api_for, teacher):
    result = invite(api_for(teacher), "x@example.org", teacher.school)

    assert top_level_codes(result) == ["FORBIDDEN"]


@pytest.mark.django_db
def test_anonymous_cannot_invite(api, school):
    assert top_level_codes(invite(api, "x@example.org", school)) == ["UNAUTHENTICATED"]


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_invites_a_teacher_leader_into_a_district_school(api, api_for, coordinator):
    school = SchoolFactory(district=coordinator.coordinated_district)

    result = invite(api_for(coordinator), "lead@example.org", school, asTeacherLeader=True)

    assert result["data"]["invitationCreate"]["errors"] == []
    accepted = accept(api, "lead@example.org", sent_code())
    assert accepted["me"]["roles"] == ["TEACHER", "TEACHER_LEADER"]


@pytest.mark.django_db
def test_a_coordinator_cannot_see_schools_of_another_district(api_for, coordinator):
    elsewhere = SchoolFactory()

    result = invite(api_for(coordinator), "x@example.org", elsewhere)

    assert error_codes(result["data"]["invitationCreate"]) == ["NOT_FOUND"]


@pytest.mark.django_db
def test_a_leader_cannot_make_teacher_leaders(api_for, leader):
    result = invite(api_for(leader), "x@example.org", leader.school, asTeacherLeader=True)

    assert error_codes(result["data"]["invitationCreate"]) == ["NOT_ALLOWED"]


@pytest.mark.django_db(transaction=True)
def test_code_guessing_is_throttled(api, api_for, leader, settings):
    settings.SIGN_IN_THROTTLE = {**settings.SIGN_IN_THROTTLE, "per_account": 3}
    invite(api_for(leader), "target@example.org", leader.school)
    code = sent_code()
    for _ in range(3):
        accept(api, "target@example.org", "ZZZZ-ZZZZ")

    result = accept(api, "target@example.org", code)

    assert error_codes(result) == ["TOO_MANY_ATTEMPTS"]


@pytest.mark.django_db(transaction=True)
def test_the_inviter_lists_and_withdraws_invitations(api, api_for, leader):
    inviter = api_for(leader)
    invite(inviter, "maybe@example.org", leader.school)
    code = sent_code()
    listed = inviter.data("{ myInvitations(first: 10) { totalCount edges { node { id email } } } }")
    invitation_id = listed["myInvitations"]["edges"][0]["node"]["id"]

    inviter.data(
        "mutation R($id: ID!) { invitationRevoke(input: {invitationId: $id}) { errors { code } } }",
        {"id": invitation_id},
    )

    assert listed["myInvitations"]["totalCount"] == 1
    assert error_codes(accept(api, "maybe@example.org", code)) == ["INVALID_CODE"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "field"),
    [({"email": "not-an-address"}, "email"), ({"fullName": "x" * 300}, "fullName")],
)
def test_invitation_input_is_validated_per_field(api_for, leader, extra, field):
    variables = {
        "input": {"email": "ok@example.org", "schoolId": school_id(leader.school), **extra}
    }

    result = api_for(leader).post_graphql(INVITE, variables)

    assert error_codes(result["data"]["invitationCreate"]) == ["INVALID"]
    assert result["data"]["invitationCreate"]["errors"][0]["field"] == field


@pytest.mark.django_db(transaction=True)
def test_staff_invite_from_the_admin_with_a_working_emailed_code(api, client, school):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    response = client.post(
        "/admin/accounts/invitation/add/",
        {"email": "From.Admin@example.org", "full_name": "", "school": school.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert invitation.code_hash
    assert invitation.email == "from.admin@example.org"
    result = accept(api, "from.admin@example.org", sent_code())
    assert result["errors"] == []
    assert result["me"]["school"]["id"] == school_id(school)


@pytest.mark.django_db
def test_the_admin_refuses_an_invitation_to_nowhere_or_to_an_existing_account(client, school):
    from tests.factories import StaffFactory

    existing = TeacherFactory(school=school)
    client.force_login(StaffFactory())

    nowhere = client.post("/admin/accounts/invitation/add/", {"email": "x@example.org"})
    taken = client.post(
        "/admin/accounts/invitation/add/", {"email": existing.email, "school": school.pk}
    )

    assert nowhere.status_code == taken.status_code == 200  # the form again, with errors
    assert b"Choose a school" in nowhere.content
    assert b"already has an account" in taken.content
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_account_in_another_district_is_not_revealed_by_invite(api_for, leader):
    elsewhere = TeacherFactory(school=SchoolFactory())  # another district
    inviter = api_for(leader)

    for_existing = invite(inviter, elsewhere.email.upper(), leader.school)
    mail_to_existing = mail.outbox[-1]
    for_new = invite(inviter, "never-seen@example.org", leader.school)

    existing_payload = for_existing["data"]["invitationCreate"]
    new_payload = for_new["data"]["invitationCreate"]
    assert existing_payload["errors"] == new_payload["errors"] == []
    assert existing_payload["invitation"]["status"] == new_payload["invitation"]["status"]
    assert existing_payload["invitation"]["school"] == new_payload["invitation"]["school"]
    # The owner hears of it; no code that could make a second account goes out.
    assert mail_to_existing.to == [elsewhere.email]
    assert not re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b", mail_to_existing.body)
    assert User.objects.filter(email__iexact=elsewhere.email).count() == 1


@pytest.mark.django_db
def test_a_cohort_invitation_does_not_reveal_an_account_in_another_district(api_for, leader):
    from tests.cohorts.conftest import gid
    from tests.cohorts.factories import build_cohort

    network = build_cohort(leader=leader)
    elsewhere = TeacherFactory(school=SchoolFactory())
    variables = {
        "input": {
            "cohortId": gid(network.cohort),
            "email": elsewhere.email,
            "fullName": "Someone",
            "role": "YELLOW",
        }
    }

    result = api_for(leader).data(
        "mutation I($input: CohortPeerInviteInput!) {"
        " cohortPeerInvite(input: $input) { invitation { status } errors { code } } }",
        variables,
    )["cohortPeerInvite"]

    assert result == {"invitation": {"status": "OPEN"}, "errors": []}
