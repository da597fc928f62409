"""deviceRegister / deviceUnregister, and sign-out removing the phone."""

import pytest
from django.utils import timezone

from backend.accounts.models import AccessToken
from notifications.models import Device
from tests.conftest import error_codes, top_level_codes
from tests.factories import TeacherFactory

from ..factories import DeviceFactory

pytestmark = pytest.mark.django_db

REGISTER = """
mutation Register($input: DeviceRegisterInput!) {
  deviceRegister(input: $input) {
    device { id platform tokenKind appVersion locale isCurrent lastSeenAt }
    errors { field message code }
  }
}
"""
UNREGISTER = """
mutation Unregister($input: DeviceUnregisterInput!) {
  deviceUnregister(input: $input) { removed errors { field code } }
}
"""
SIGN_OUT = "mutation { sessionSignOut { errors { code } } }"
MY_DEVICES = "{ myDevices { platform appVersion isCurrent } }"


def register(api, token="fcm-abc", **fields):
    variables = {"input": {"token": token, "platform": "IOS", **fields}}
    return api.data(REGISTER, variables)["deviceRegister"]


def test_a_phone_registers_its_token_for_its_session(api_for, teacher, school_day):
    api = api_for(teacher, "Rosa's iPhone")

    payload = register(api, appVersion="1.4.2", locale="en-US")

    assert payload["errors"] == []
    assert payload["device"]["platform"] == "IOS"
    assert payload["device"]["tokenKind"] == "REGISTRATION_TOKEN"
    assert payload["device"]["appVersion"] == "1.4.2"
    assert payload["device"]["locale"] == "en-US"
    assert payload["device"]["isCurrent"] is True
    device = Device.objects.get()
    assert (device.user, device.token, device.active) == (teacher, "fcm-abc", True)
    assert device.access_token == AccessToken.objects.get(user=teacher)


def test_registering_again_is_harmless_and_refreshes_it(api_for, teacher, time_machine):
    api = api_for(teacher)
    register(api, appVersion="1.0")
    time_machine.move_to(timezone.now() + timezone.timedelta(days=3))

    payload = register(api, appVersion="1.1", locale="es-MX")

    device = Device.objects.get()
    assert payload["errors"] == []
    assert (device.app_version, device.locale) == ("1.1", "es-MX")
    assert device.last_seen_at > device.created_at


def test_an_installation_id_is_registered_as_such(api_for, teacher):
    register(api_for(teacher), token="fid-123", tokenKind="FID", platform="ANDROID")

    assert Device.objects.get().token_kind == "fid"


def test_a_token_on_a_shared_phone_follows_the_account_that_registered_it_last(api_for, school):
    first, second = TeacherFactory(school=school), TeacherFactory(school=school)
    register(api_for(first), token="shared-ipad")

    register(api_for(second), token="shared-ipad")

    device = Device.objects.get()
    assert device.user == second
    assert device.access_token.user == second


def test_a_new_token_from_the_same_session_replaces_the_old_one(api_for, teacher):
    api = api_for(teacher)
    register(api, token="before-rotation")

    register(api, token="after-rotation")

    assert list(Device.objects.values_list("token", flat=True)) == ["after-rotation"]


def test_a_token_fcm_rejected_comes_back_when_registered_again(api_for, teacher):
    api = api_for(teacher)
    register(api, token="t")
    Device.objects.update(active=False, deactivation_reason="UNREGISTERED")

    register(api, token="t")

    device = Device.objects.get()
    assert (device.active, device.deactivation_reason) == (True, "")


@pytest.mark.parametrize(
    "token, code",
    [("  ", "REQUIRED"), ("has space", "INVALID_TOKEN"), ("x" * 513, "INVALID_TOKEN")],
)
def test_malformed_tokens_are_refused(api_for, teacher, token, code):
    payload = register(api_for(teacher), token=token)

    assert error_codes(payload) == [code]
    assert payload["errors"][0]["field"] == "token"
    assert not Device.objects.exists()


def test_anonymous_callers_cannot_register(api):
    body = api.post_graphql(REGISTER, {"input": {"token": "t", "platform": "IOS"}})

    assert top_level_codes(body) == ["UNAUTHENTICATED"]


def test_signing_out_removes_the_phone(api_for, teacher):
    phone, tablet = api_for(teacher, "phone"), api_for(teacher, "tablet")
    register(phone, token="phone-token")
    register(tablet, token="tablet-token")

    assert phone.data(SIGN_OUT)["sessionSignOut"]["errors"] == []

    assert list(Device.objects.values_list("token", flat=True)) == ["tablet-token"]


def test_revoking_a_lost_phones_session_removes_that_phone_only(api_for, teacher):
    phone, tablet = api_for(teacher, "phone"), api_for(teacher, "tablet")
    register(phone, token="lost-phone")
    register(tablet, token="tablet-token")
    lost = AccessToken.objects.get(device_name="phone")
    from graphql_relay import to_global_id

    tablet.data(
        "mutation($id: ID!) { sessionRevoke(input: {sessionId: $id}) { errors { code } } }",
        {"id": to_global_id("Session", lost.pk)},
    )

    assert list(Device.objects.values_list("token", flat=True)) == ["tablet-token"]


def test_unregister_removes_only_your_own_device(api_for, teacher):
    someone_else = DeviceFactory(token="not-yours")
    api = api_for(teacher)
    register(api, token="mine")

    mine = api.data(UNREGISTER, {"input": {"token": "mine"}})["deviceUnregister"]
    theirs = api.data(UNREGISTER, {"input": {"token": "not-yours"}})["deviceUnregister"]

    assert (mine["removed"], theirs["removed"]) == (True, False)
    assert list(Device.objects.all()) == [someone_else]


def test_my_devices_lists_the_active_ones(api_for, teacher):
    phone = api_for(teacher, "phone")
    register(phone, token="phone", appVersion="2.0")
    register(api_for(teacher, "tablet"), token="tablet", platform="ANDROID", appVersion="1.9")
    DeviceFactory(user=teacher, active=False)
    DeviceFactory()

    devices = phone.data(MY_DEVICES)["myDevices"]

    assert sorted((d["appVersion"], d["isCurrent"]) for d in devices) == [
        ("1.9", False),
        ("2.0", True),
    ]
