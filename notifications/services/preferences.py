"""Per-kind switches, quiet hours and (for people without a school) the time zone."""

from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User, validate_time_zone
from notifications.errors import NotificationError

from ..models import ALWAYS_DELIVERED_KINDS, Kind, NotificationPreference


@transaction.atomic
def preferences_update(
    *,
    user: User,
    kinds: dict[str, bool] | None = None,
    quiet_hours_enabled: bool | None = None,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
    time_zone: str | None = None,
) -> NotificationPreference:
    """Change what is given and leave the rest. `kinds` maps a kind to on (True) / off."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    errors = {}
    if kinds:
        disabled = set(preference.disabled_kinds or ())
        for kind, enabled in kinds.items():
            if kind not in Kind.values:
                errors["kinds"] = ValidationError(
                    f"Unknown kind {kind}.", code=NotificationError.INVALID
                )
                continue
            if kind in ALWAYS_DELIVERED_KINDS and not enabled:
                errors["kinds"] = ValidationError(
                    f"{kind} notifications cannot be turned off.",
                    code=NotificationError.NOT_ALLOWED,
                )
                continue
            if enabled:
                disabled.discard(kind)
            else:
                disabled.add(kind)
        preference.disabled_kinds = sorted(disabled)
    if quiet_hours_enabled is not None:
        preference.quiet_hours_enabled = quiet_hours_enabled
    for name, value in (("quietHoursStart", quiet_hours_start), ("quietHoursEnd", quiet_hours_end)):
        if value is not None and (value.second or value.microsecond or value.tzinfo is not None):
            errors[name] = ValidationError(
                "Give a local time in whole minutes, e.g. 21:00.", code=NotificationError.INVALID
            )
    if quiet_hours_start is not None:
        preference.quiet_hours_start = quiet_hours_start
    if quiet_hours_end is not None:
        preference.quiet_hours_end = quiet_hours_end
    if (
        preference.quiet_hours_start is not None
        and preference.quiet_hours_start == preference.quiet_hours_end
    ):
        errors["quietHoursEnd"] = ValidationError(
            "Quiet hours must end at another time than they start.", code=NotificationError.INVALID
        )
    if time_zone is not None:
        try:
            if time_zone:
                validate_time_zone(time_zone)
            preference.time_zone = time_zone
        except ValidationError:
            errors["timeZone"] = ValidationError(
                "Give an IANA time zone such as America/Chicago.",
                code=NotificationError.INVALID_TIME_ZONE,
            )
    if errors:
        raise ValidationError(errors)
    preference.save()
    return preference
