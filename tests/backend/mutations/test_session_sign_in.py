from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from backend.accounts.models import AccessToken
from tests.conftest import ApiClient, error_codes, top_level_codes
from tests.factories import TeacherFactory

SIGN_IN = """
mutation SignIn($input: SessionSignInInput!) {
  sessionSignIn(input: $input) {
    token
    me { person { fullName email } school { name timeZone } district { name } roles }
    errors { field message code }
  }
}
"""
ME = "{ me { person { email } roles sessions { deviceName isCurrent } } }"
PASSWORD = "correct-horse-battery"


def sign_in(api, email, password=PASSWORD, device="Rosa's iPhone"):
    variables = {"input": {"email": email, "password": password, "deviceName": device}}
    return api.data(SIGN_IN, variables)["sessionSignIn"]


@pytest.mark.django_db
def test_sign_in_returns_a_token_that_authenticates(api, client, teacher):
    payload = sign_in(api, teacher.email.upper())

    assert payload["errors"] == []
    assert payload["me"]["person"]["email"] == teacher.email
    assert payload["me"]["roles"] == ["TEACHER"]
    assert payload["me"]["school"]["timeZone"] == "America/Chicago"
    signed_in = ApiClient(client, payload["token"])
    me = signed_in.data(ME)["me"]
    assert me["person"]["email"] == teacher.email
    assert me["sessions"] == [{"deviceName": "Rosa's iPhone", "isCurrent": True}]


@pytest.mark.django_db
def test_token_is_stored_only_as_a_hash(api, teacher):
    token = sign_in(api, teacher.email)["token"]

    stored = AccessToken.objects.get(user=teacher)
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


@pytest.mark.django_db
def test_wrong_password_is_refused_without_saying_which_part(api, teacher):
    payload = sign_in(api, teacher.email, "wrong-password")

    assert payload["token"] is None
    assert error_codes(payload) == ["INVALID_CREDENTIALS"]
    assert payload["errors"][0]["field"] is None
    unknown = sign_in(api, "nobody@example.org")
    assert unknown["errors"][0]["message"] == payload["errors"][0]["message"]


@pytest.mark.django_db
def test_repeated_failures_from_one_address_stop_even_the_right_password_there(api, teacher):
    # Per account AND address: the owner elsewhere is not stopped (test_sign_in_throttling.py).
    limit = settings.SIGN_IN_THROTTLE["per_account"]
    for _ in range(limit):
        assert error_codes(sign_in(api, teacher.email, "nope")) == ["INVALID_CREDENTIALS"]

    payload = sign_in(api, teacher.email)

    assert error_codes(payload) == ["TOO_MANY_ATTEMPTS"]
    assert payload["token"] is None


@pytest.mark.django_db
def test_repeated_failures_from_one_address_are_throttled_across_accounts(api, school, settings):
    settings.SIGN_IN_THROTTLE = {**settings.SIGN_IN_THROTTLE, "per_address": 3}
    victims = TeacherFactory.create_batch(4, school=school)
    for victim in victims[:3]:
        sign_in(api, victim.email, "guess")

    payload = sign_in(api, victims[3].email)

    assert error_codes(payload) == ["TOO_MANY_ATTEMPTS"]


@pytest.mark.django_db
def test_a_token_expires_after_inactivity(api, client, teacher):
    token = sign_in(api, teacher.email)["token"]
    later = timezone.now() + settings.ACCESS_TOKEN_IDLE_TIMEOUT + timedelta(minutes=1)

    with time_machine.travel(later):
        response = ApiClient(client, token).post(ME)

    assert response.status_code == 401
    assert top_level_codes(response.json()) == ["UNAUTHENTICATED"]


@pytest.mark.django_db
def test_use_keeps_a_token_alive(api, client, teacher):
    token = sign_in(api, teacher.email)["token"]
    halfway = settings.ACCESS_TOKEN_IDLE_TIMEOUT * 0.75
    start = timezone.now()

    with time_machine.travel(start + halfway):
        assert ApiClient(client, token).post(ME).status_code == 200
    with time_machine.travel(start + halfway * 2):
        assert ApiClient(client, token).post(ME).status_code == 200


@pytest.mark.django_db
def test_a_device_idle_past_the_timeout_is_no_longer_listed(api, client, teacher):
    start = timezone.now()
    sign_in(api, teacher.email, device="Old phone")

    with time_machine.travel(start + settings.ACCESS_TOKEN_IDLE_TIMEOUT + timedelta(hours=1)):
        fresh = ApiClient(client, sign_in(api, teacher.email, device="New phone")["token"])
        sessions = fresh.data("{ me { sessions { deviceName } } }")["me"]["sessions"]

    assert sessions == [{"deviceName": "New phone"}]


@pytest.mark.django_db
def test_sign_out_revokes_the_current_token_only(api, client, teacher):
    phone = sign_in(api, teacher.email, device="Phone")["token"]
    tablet = sign_in(api, teacher.email, device="Tablet")["token"]

    result = ApiClient(client, phone).data(
        "mutation { sessionSignOut { session { deviceName isCurrent revokedAt } errors { code } } }"
    )

    assert result["sessionSignOut"]["errors"] == []
    ended = result["sessionSignOut"]["session"]
    assert (ended["deviceName"], ended["isCurrent"]) == ("Phone", True)
    assert ended["revokedAt"] is not None
    assert ApiClient(client, phone).post(ME).status_code == 401
    sessions = ApiClient(client, tablet).data(ME)["me"]["sessions"]
    assert sessions == [{"deviceName": "Tablet", "isCurrent": True}]


@pytest.mark.django_db
def test_a_lost_phone_can_be_revoked_from_another_device(api, client, teacher):
    lost = sign_in(api, teacher.email, device="Lost phone")["token"]
    tablet = ApiClient(client, sign_in(api, teacher.email, device="Tablet")["token"])
    sessions = tablet.data("{ me { sessions { id deviceName } } }")["me"]["sessions"]
    lost_id = next(s["id"] for s in sessions if s["deviceName"] == "Lost phone")

    result = tablet.data(
        "mutation R($id: ID!) { sessionRevoke(input: {sessionId: $id}) {"
        " session { id deviceName revokedAt } errors { code } } }",
        {"id": lost_id},
    )

    assert result["sessionRevoke"]["errors"] == []
    ended = result["sessionRevoke"]["session"]
    assert (ended["id"], ended["deviceName"]) == (lost_id, "Lost phone")
    assert ended["revokedAt"] is not None
    assert ApiClient(client, lost).post(ME).status_code == 401


@pytest.mark.django_db
def test_nobody_can_revoke_someone_elses_session(api, api_for, client, teacher, school):
    victim_token = sign_in(api, teacher.email)["token"]
    victim_session = ApiClient(client, victim_token).data("{ me { sessions { id } } }")
    session_id = victim_session["me"]["sessions"][0]["id"]
    intruder = api_for(TeacherFactory(school=school))

    result = intruder.data(
        "mutation R($id: ID!) { sessionRevoke(input: {sessionId: $id}) { errors { code } } }",
        {"id": session_id},
    )

    assert error_codes(result["sessionRevoke"]) == ["NOT_FOUND"]
    assert ApiClient(client, victim_token).post(ME).status_code == 200


@pytest.mark.django_db
def test_me_requires_sign_in(api):
    body = api.post_graphql(ME)

    assert body["data"] is None
    assert top_level_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.django_db
def test_a_made_up_token_is_refused(client):
    response = ApiClient(client, "pob_not-a-real-token").post(ME)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
