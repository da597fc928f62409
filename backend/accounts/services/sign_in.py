"""Signing in from a phone (and to the staff admin), with throttling of password guesses.

Threat model. A guesser must get few tries at a password; a stranger must not be able to lock a
teacher out of their own phone by failing on purpose. So no limit is "5 failures per account":
- per (account, address): tight (`per_account`, 5 a window). A stranger on another network
  exhausts their own pair, not the teacher's.
- per address: broad (`per_address`, 20), across accounts: one address spraying many accounts.
- per account across all addresses: a high ceiling (`account_ceiling`, 100) against guessing
  spread over many addresses. Reaching it would lock the owner out, so:
- a phone that signed in to this account before presents its device key (returned by every
  successful sign-in, signed by the server): it is limited per (account, device) only and
  ignores the address and ceiling limits a stranger can fill.
Every attempt takes its slot atomically BEFORE the password is checked; a refused attempt never
reaches the password hasher.
"""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError

from backend.accounts.errors import AccountError
from backend.throttle import RateLimit

from ..models import AccessToken, User
from .tokens import access_token_issue

DEVICE_KEY_SALT = "accounts.sign-in.device-key"
DEVICE_KEY_MAX_AGE = 400 * 24 * 3600  # a school year and then some


def _limits() -> dict[str, RateLimit]:
    config = settings.SIGN_IN_THROTTLE
    window = config["window_seconds"]
    return {
        "account_address": RateLimit("sign-in-account-address", config["per_account"], window),
        "address": RateLimit("sign-in-address", config["per_address"], window),
        "account": RateLimit("sign-in-account", config["account_ceiling"], window),
        "device": RateLimit("sign-in-device", config["per_account"], window),
    }


def _too_many(limit: RateLimit) -> ValidationError:
    minutes = max(1, limit.retry_after() // 60)
    return ValidationError(
        f"Too many failed attempts. Try again in about {minutes} minutes.",
        code=AccountError.TOO_MANY_ATTEMPTS,
    )


@dataclass
class SignInAttempt:
    """The slots one attempt holds; `succeeded()` gives them back."""

    held: list[tuple[RateLimit, str]] = field(default_factory=list)
    resettable: list[tuple[RateLimit, str]] = field(default_factory=list)

    def succeeded(self) -> None:
        for limit, subject in self.held:
            limit.release(subject)
        for limit, subject in self.resettable:
            limit.reset(subject)


def throttle_reserve(*, account_key: str, address: str, device: str | None = None) -> SignInAttempt:
    """Take this attempt's slots, tightest first, or raise TOO_MANY_ATTEMPTS (nothing held)."""
    limits = _limits()
    if device is not None:
        wanted = [(limits["device"], f"{account_key}|{device}")]
    else:
        wanted = [
            (limits["account_address"], f"{account_key}|{address}"),
            (limits["address"], address),
            (limits["account"], account_key),
        ]
    attempt = SignInAttempt()
    for limit, subject in wanted:
        if not limit.reserve(subject):
            for taken, taken_subject in attempt.held:
                taken.release(taken_subject)
            raise _too_many(limit)
        attempt.held.append((limit, subject))
    # After a success the pair's (or device's) earlier failures are forgotten; the broad
    # counters only get this attempt back.
    attempt.resettable = attempt.held[:1]
    attempt.held = attempt.held[1:]
    return attempt


def device_key_issue(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "d": secrets.token_urlsafe(9)}, salt=DEVICE_KEY_SALT)


def device_key_identity(*, user: User | None, device_key: str | None) -> str | None:
    """The device id inside a genuine, unexpired key issued to this user; else None."""
    if not device_key or user is None:
        return None
    try:
        data = signing.loads(device_key, salt=DEVICE_KEY_SALT, max_age=DEVICE_KEY_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("d"), str):
        return None
    return data["d"]


def sign_in(
    *, email: str, password: str, device_name: str, address: str, device_key: str | None = None
) -> tuple[User, AccessToken, str, str]:
    """Returns the user, the new session, its raw token and the device key to keep."""
    account_key = email.strip().lower()
    user = User.objects.filter(email__iexact=account_key).first()
    device = device_key_identity(user=user, device_key=device_key)
    attempt = throttle_reserve(account_key=account_key, address=address, device=device)
    if user is None:
        # Hash anyway so a wrong address takes as long as a wrong password.
        make_password(password)
    if user is None or not (user.check_password(password) and user.is_active):
        raise ValidationError(
            "The e-mail or the password is not right.", code=AccountError.INVALID_CREDENTIALS
        )
    attempt.succeeded()
    token, raw = access_token_issue(user=user, device_name=device_name)
    User.objects.filter(pk=user.pk).update(last_login=token.created_at)
    # `device` is only ever found inside a `device_key`, so a kept key is never None.
    kept_key = device_key if device and device_key else device_key_issue(user=user)
    return user, token, raw, kept_key
