"""notificationPreferences and notificationPreferencesUpdate."""

import pytest

from notifications.models import Kind, NotificationPreference
from tests.conftest import error_codes
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

PREFERENCES = """
{ notificationPreferences {
    kinds { kind description enabled canDisable }
    quietHoursEnabled quietHoursStart quietHoursEnd timeZone
} }
"""
UPDATE = """
mutation Update($input: NotificationPreferencesUpdateInput!) {
  notificationPreferencesUpdate(input: $input) {
    preferences {
      kinds { kind enabled } quietHoursEnabled quietHoursStart quietHoursEnd timeZone
    }
    errors { field message code }
  }
}
"""


def update(api, **changes):
    return api.data(UPDATE, {"input": changes})["notificationPreferencesUpdate"]


def enabled(preferences):
    return {item["kind"]: item["enabled"] for item in preferences["kinds"]}


def test_defaults_push_everything_with_quiet_nights_in_the_schools_zone(api_for, teacher):
    preferences = api_for(teacher).data(PREFERENCES)["notificationPreferences"]

    assert set(enabled(preferences).values()) == {True}
    assert len(preferences["kinds"]) == len(Kind)
    visit = next(k for k in preferences["kinds"] if k["kind"] == "VISIT_TOMORROW")
    assert visit == {
        "kind": "VISIT_TOMORROW",
        "description": "A visit tomorrow",
        "enabled": True,
        "canDisable": True,
    }
    assert preferences["quietHoursEnabled"] is True
    assert (preferences["quietHoursStart"], preferences["quietHoursEnd"]) == (
        "21:00:00",
        "07:00:00",
    )
    assert preferences["timeZone"] == "America/Chicago"
    assert not NotificationPreference.objects.exists()  # defaults are not written


def test_turning_kinds_off_and_on_leaves_the_rest(api_for, teacher):
    api = api_for(teacher)
    update(
        api,
        kinds=[
            {"kind": "SURVEY_OPENED", "enabled": False},
            {"kind": "VISIT_SOON", "enabled": False},
        ],
    )

    payload = update(api, kinds=[{"kind": "VISIT_SOON", "enabled": True}])

    assert payload["errors"] == []
    switched = enabled(payload["preferences"])
    assert [kind for kind, on in switched.items() if not on] == ["SURVEY_OPENED"]
    assert payload["preferences"]["quietHoursEnabled"] is True


def test_own_quiet_hours(api_for, teacher):
    api = api_for(teacher)

    payload = update(api, quietHoursStart="22:30", quietHoursEnd="06:15")
    off = update(api, quietHoursEnabled=False)

    assert (payload["preferences"]["quietHoursStart"], payload["preferences"]["quietHoursEnd"]) == (
        "22:30:00",
        "06:15:00",
    )
    assert off["preferences"]["quietHoursEnabled"] is False
    assert off["preferences"]["quietHoursStart"] == "22:30:00"


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"kinds": [{"kind": "TEST", "enabled": False}]}, "kinds", "NOT_ALLOWED"),
        ({"quietHoursStart": "07:00", "quietHoursEnd": "07:00"}, "quietHoursEnd", "INVALID"),
        ({"quietHoursStart": "21:00:30"}, "quietHoursStart", "INVALID"),
        ({"timeZone": "Mars/Olympus"}, "timeZone", "INVALID_TIME_ZONE"),
    ],
)
def test_refused_changes_change_nothing(api_for, teacher, changes, field, code):
    payload = update(api_for(teacher), **changes)

    assert error_codes(payload) == [code]
    assert payload["errors"][0]["field"] == field
    assert not NotificationPreference.objects.exists()


def test_coordinators_choose_the_zone_of_their_quiet_hours(api_for, school):
    coordinator = CoordinatorFactory(coordinated_district=school.district)
    api = api_for(coordinator)
    before = api.data(PREFERENCES)["notificationPreferences"]["timeZone"]

    payload = update(api, timeZone="America/Denver")

    assert before == "America/Chicago"  # a school of their district
    assert payload["preferences"]["timeZone"] == "America/Denver"
    assert update(api, timeZone="")["preferences"]["timeZone"] == "America/Chicago"


def test_a_teachers_zone_is_their_schools(api_for, teacher):
    payload = update(api_for(teacher), timeZone="Asia/Tokyo")

    assert payload["preferences"]["timeZone"] == "America/Chicago"
