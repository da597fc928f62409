"""What the worker and the API need to know about a recipient: time zone and preferences.

Reminders are timed in the school's zone. People without a school (district coordinators) use
the zone they chose in their preferences, else that of a school of their district, else
settings.NOTIFICATIONS_DEFAULT_TIME_ZONE.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache

from django.conf import settings

from backend.accounts.models import School, User

from .models import ALWAYS_DELIVERED_KINDS, NotificationPreference
from .quiet_hours import QuietHours, quiet_until


def default_quiet_hours() -> QuietHours:
    return QuietHours.parse(settings.NOTIFICATIONS_DEFAULT_QUIET_HOURS)


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class RecipientSettings:
    """The effective preferences of one person (defaults filled in)."""

    time_zone: str
    disabled_kinds: frozenset[str]
    quiet_hours_enabled: bool
    quiet_hours_start: time
    quiet_hours_end: time
    is_active: bool = True

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return _zone(self.time_zone)

    def wants(self, kind: str) -> bool:
        return kind in ALWAYS_DELIVERED_KINDS or kind not in self.disabled_kinds

    def quiet_until(self, moment: datetime, kind: str) -> datetime | None:
        """When the quiet period around `moment` ends (UTC), or None if pushing is fine now."""
        if not self.quiet_hours_enabled or kind in ALWAYS_DELIVERED_KINDS:
            return None
        return quiet_until(moment, self.zone, self.quiet_hours_start, self.quiet_hours_end)


def settings_from(
    preference: NotificationPreference | None, time_zone: str, *, is_active: bool = True
) -> RecipientSettings:
    default = default_quiet_hours()
    if preference is None:
        return RecipientSettings(
            time_zone, frozenset(), True, default.start, default.end, is_active=is_active
        )
    return RecipientSettings(
        is_active=is_active,
        time_zone=time_zone,
        disabled_kinds=frozenset(preference.disabled_kinds or ()),
        quiet_hours_enabled=preference.quiet_hours_enabled,
        quiet_hours_start=preference.quiet_hours_start or default.start,
        quiet_hours_end=preference.quiet_hours_end or default.end,
    )


def settings_for_users(user_ids: Iterable[int]) -> dict[int, RecipientSettings]:
    """Effective settings of many people in two or three queries (the worker's batches)."""
    users = list(
        User.objects.filter(pk__in=set(user_ids))
        .select_related("school", "notification_preference")
        .only(
            "id",
            "is_active",
            "coordinated_district_id",
            "school__time_zone",
            *(f"notification_preference__{f.name}" for f in NotificationPreference._meta.fields),
        )
    )
    districts = {
        user.coordinated_district_id
        for user in users
        if user.school_id is None
        and user.coordinated_district_id
        and not getattr(_preference(user), "time_zone", "")
    }
    district_zones: dict[int, str] = {}
    if districts:
        for district_id, zone in (
            School.objects.filter(district_id__in=districts)
            .order_by("district_id", "id")
            .values_list("district_id", "time_zone")
        ):
            district_zones.setdefault(district_id, zone)
    return {
        user.id: settings_from(
            _preference(user), _time_zone(user, district_zones), is_active=user.is_active
        )
        for user in users
    }


def settings_for(user: User) -> RecipientSettings:
    return settings_for_users([user.pk])[user.pk]


def _preference(user: User) -> NotificationPreference | None:
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return None


def _time_zone(user: User, district_zones: dict[int, str]) -> str:
    if user.school_id is not None:
        return user.school.time_zone
    preference = _preference(user)
    if preference is not None and preference.time_zone:
        return preference.time_zone
    return district_zones.get(user.coordinated_district_id) or (
        settings.NOTIFICATIONS_DEFAULT_TIME_ZONE
    )
