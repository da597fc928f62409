"""Small helpers shared by the surveys tests."""

from django.core.exceptions import ValidationError


def validation_codes(error: ValidationError) -> list[str]:
    """The codes of a (possibly per-field) ValidationError, in order, as plain text (services
    raise enum members; their text is what the API sends)."""
    if hasattr(error, "error_dict"):
        return [str(item.code) for errors in error.error_dict.values() for item in errors]
    return [str(item.code) for item in error.error_list]


def validation_fields(error: ValidationError) -> list[str]:
    return list(error.error_dict) if hasattr(error, "error_dict") else []
