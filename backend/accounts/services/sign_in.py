"""Signing in from a phone, with throttling of failed attempts per account and per address."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from backend.throttle import RateLimit

from ..models import AccessToken, User
from .tokens import access_token_issue


def _limits() -> tuple[RateLimit, RateLimit]:
    config = settings.SIGN_IN_THROTTLE
    return (
        RateLimit("sign-in-account", config["per_account"], config["window_seconds"]),
        RateLimit("sign-in-address", config["per_address"], config["window_seconds"]),
    )


def throttle_check(*, account_key: str, address: str) -> None:
    per_account, per_address = _limits()
    if per_account.exceeded(account_key) or per_address.exceeded(address):
        minutes = max(1, per_account.retry_after() // 60)
        raise ValidationError(
            f"Too many failed attempts. Try again in about {minutes} minutes.",
            code="TOO_MANY_ATTEMPTS",
        )


def throttle_record_failure(*, account_key: str, address: str) -> None:
    per_account, per_address = _limits()
    per_account.hit(account_key)
    per_address.hit(address)


def sign_in(
    *, email: str, password: str, device_name: str, address: str
) -> tuple[User, AccessToken, str]:
    account_key = email.strip().lower()
    throttle_check(account_key=account_key, address=address)
    user = User.objects.filter(email__iexact=account_key).first()
    if user is None:
        # Hash anyway so a wrong address takes as long as a wrong password.
        make_password(password)
        valid = False
    else:
        valid = user.check_password(password) and user.is_active
    if not valid:
        throttle_record_failure(account_key=account_key, address=address)
        raise ValidationError(
            "The e-mail or the password is not right.", code="INVALID_CREDENTIALS"
        )
    _limits()[0].reset(account_key)
    token, raw = access_token_issue(user=user, device_name=device_name)
    User.objects.filter(pk=user.pk).update(last_login=token.created_at)
    return user, token, raw
