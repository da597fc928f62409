"""Helpers the improvement services share."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.local_time import local_today

from ..errors import ImprovementError as Codes


def not_found(field: str, what: str) -> ValidationError:
    return ValidationError(
        {field: ValidationError(f"No {what} with this id.", code=Codes.NOT_FOUND)}
    )


def ensure_owner(owner, thing, *, field: str, what: str) -> None:
    """Someone else's cycle or measure is NOT_FOUND, exactly like a missing one: whether it
    exists is not the caller's to learn."""
    if thing is None or thing.owner_id != owner.pk:
        raise not_found(field, what)


def school_today(person) -> date:
    """Today where the person teaches (their school's zone), else in the server's zone."""
    school = getattr(person, "school", None)
    if school is None:
        return timezone.localdate()
    return local_today(school.zone, timezone.now())


def required_text(value: str | None, field: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: ValidationError(f"Write {what}.", code=Codes.REQUIRED)})
    if len(text) > limit:
        raise ValidationError(
            {field: ValidationError(f"Keep it under {limit} characters.", code=Codes.INVALID)}
        )
    return text


def optional_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError(
            {field: ValidationError(f"Keep it under {limit} characters.", code=Codes.INVALID)}
        )
    return text


def not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise ValidationError(
            {
                field: ValidationError(
                    f"{day.isoformat()} is after today ({today.isoformat()}) at your school.",
                    code=Codes.FUTURE_DATE,
                )
            }
        )
