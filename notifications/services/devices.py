"""Registering phones for push, and forgetting them at sign-out."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import AccessToken, User
from notifications.errors import NotificationError

from ..models import Device, DeviceTokenKind, Platform

MAX_TOKEN_LENGTH = Device._meta.get_field("token").max_length


@transaction.atomic
def device_register(
    *,
    user: User,
    access_token: AccessToken | None,
    token: str,
    platform: str,
    token_kind: str = DeviceTokenKind.REGISTRATION_TOKEN,
    app_version: str = "",
    locale: str = "",
) -> Device:
    """Register (or refresh) this phone's push token for `user`.

    Registering again is harmless and refreshes `last_seen_at`, the app version and locale.
    A token registered by another account (a shared phone) moves to this one. A session has
    one device: a new token from the same session replaces its previous one.
    """
    token = (token or "").strip()
    if not token:
        raise ValidationError(
            {"token": ValidationError("The token is empty.", code=NotificationError.REQUIRED)}
        )
    if len(token) > MAX_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise ValidationError(
            {
                "token": ValidationError(
                    "This is not a push token.", code=NotificationError.INVALID_TOKEN
                )
            }
        )
    if platform not in Platform.values:
        raise ValidationError(
            {"platform": ValidationError("Unknown platform.", code=NotificationError.INVALID)}
        )
    if token_kind not in DeviceTokenKind.values:
        raise ValidationError(
            {"tokenKind": ValidationError("Unknown token kind.", code=NotificationError.INVALID)}
        )
    now = timezone.now()
    if access_token is not None:
        Device.objects.filter(access_token=access_token).exclude(token=token).delete()
    device, _created = Device.objects.update_or_create(
        token=token,
        defaults={
            "user": user,
            "access_token": access_token,
            "token_kind": token_kind,
            "platform": platform,
            "app_version": app_version.strip()[:40],
            "locale": locale.strip()[:35],
            "active": True,
            "last_seen_at": now,
            "deactivated_at": None,
            "deactivation_reason": "",
        },
        create_defaults={
            "user": user,
            "access_token": access_token,
            "token_kind": token_kind,
            "platform": platform,
            "app_version": app_version.strip()[:40],
            "locale": locale.strip()[:35],
            "created_at": now,
            "last_seen_at": now,
        },
    )
    return device


@transaction.atomic
def device_unregister(*, user: User, token: str) -> int:
    """Stop pushing to `token` (the person turned notifications off on this phone).
    Only the owner's devices are touched; an unknown token is not an error."""
    deleted, _ = Device.objects.filter(user=user, token=(token or "").strip()).delete()
    return deleted


def devices_forget_session(*, access_token: AccessToken) -> int:
    """Sign-out: the phone of that session no longer receives this account's notifications."""
    deleted, _ = Device.objects.filter(access_token=access_token).delete()
    return deleted


def forget_device_at_sign_out(sender, *, access_token: AccessToken, **kwargs) -> None:
    """Receiver of `backend.accounts.signals.session_ended` (connected in apps.py)."""
    devices_forget_session(access_token=access_token)
