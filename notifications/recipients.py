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

from .models import ALWAYS_DELIVERED_KINDS
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


def settings_for_users(user_ids: Iterable[int]) -> dict[int, RecipientSettings]:
    """Effective settings of many people in one or two queries (the worker's batches).

    Reads plain rows rather than model instances: the worker calls this for every batch of
    500, where building User and preference objects was a tenth of its CPU."""
    rows = list(
        User.objects.filter(pk__in=set(user_ids)).values_list(
            "id",
            "is_active",
            "school_id",
            "school__time_zone",
            "coordinated_district_id",
            "notification_preference__id",
            "notification_preference__disabled_kinds",
            "notification_preference__quiet_hours_enabled",
            "notification_preference__quiet_hours_start",
            "notification_preference__quiet_hours_end",
            "notification_preference__time_zone",
        )
    )
    districts = {row[4] for row in rows if row[2] is None and row[4] and not row[10]}
    district_zones: dict[int, str] = {}
    if districts:
        for district_id, zone in (
            School.objects.filter(district_id__in=districts)
            .order_by("district_id", "id")
            .values_list("district_id", "time_zone")
        ):
            district_zones.setdefault(district_id, zone)
    default = default_quiet_hours()
    people = {}
    for (
        user_id,
        is_active,
        school_id,
        school_zone,
        district_id,
        preference_id,
        disabled_kinds,
        quiet_hours_enabled,
        quiet_start,
        quiet_end,
        own_zone,
    ) in rows:
        if school_id is not None:
            zone = school_zone
        else:
            zone = (
                own_zone
                or district_zones.get(district_id)
                or settings.NOTIFICATIONS_DEFAULT_TIME_ZONE
            )
        if preference_id is None:
            people[user_id] = RecipientSettings(
                zone, frozenset(), True, default.start, default.end, is_active=is_active
            )
        else:
            people[user_id] = RecipientSettings(
                zone,
                frozenset(disabled_kinds or ()),
                quiet_hours_enabled,
                quiet_start or default.start,
                quiet_end or default.end,
                is_active=is_active,
            )
    return people


def settings_for(user: User) -> RecipientSettings:
    return settings_for_users([user.pk])[user.pk]
