"""Opaque bearer tokens for phones: issued at sign-in, hashed at rest, expiring when idle."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from backend.audit.models import Action
from backend.audit.services import audit_record
from backend.live import SESSION_REVOKED, broadcast, token_group

from ..models import AccessToken, User
from ..signals import session_ended

TOKEN_PREFIX = "pob_"  # noqa: S105 (a public prefix that makes leaked tokens greppable)
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_GRANULARITY = timedelta(minutes=5)


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def access_token_issue(*, user: User, device_name: str) -> tuple[AccessToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, token_hash=hash_token(raw), device_name=device_name.strip()[:100] or "Phone"
    )
    return token, raw


def access_token_authenticate(*, raw_token: str) -> tuple[User, AccessToken] | None:
    if not raw_token.startswith(TOKEN_PREFIX) or len(raw_token) > 100:
        return None
    token = (
        AccessToken.objects.select_related("user", "user__school", "user__coordinated_district")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    if now - token.last_used_at > LAST_USED_GRANULARITY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


def access_token_session_user(*, token_id: int) -> User | None:
    """The session's user as now stored, or None if the session may no longer be used (revoked,
    expired, its account deactivated). A WebSocket re-checks its session with this."""
    token = (
        AccessToken.objects.select_related("user", "user__school", "user__coordinated_district")
        .filter(id=token_id)
        .first()
    )
    return token.user if token is not None and token.is_usable() else None


@transaction.atomic
def access_token_revoke(*, actor: User, token: AccessToken) -> AccessToken:
    """Revoke one of the actor's own tokens (sign out on that device)."""
    if token.user_id != actor.id:
        raise PermissionDenied("You can only sign out your own devices.")
    # Notifications forgets the phone: it stops receiving this account's pushes.
    session_ended.send(sender=AccessToken, access_token=token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=Action.SESSION_REVOKED,
            target=token,
            details={"device_name": token.device_name},
        )
        broadcast(token_group(token.id), SESSION_REVOKED, {"session_id": token.id})
    return token
