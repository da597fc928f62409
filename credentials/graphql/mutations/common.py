"""What the credentials mutations share."""

from django.core.exceptions import ValidationError

# Services speak of slots; the API of requirements.
RENAMED = {"slot_key": "requirement_key", "source_id": "record_id"}


def renamed_fields(error: ValidationError) -> ValidationError:
    """The service's error with its field names as the API names them."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {RENAMED.get(key, key): value for key, value in error.error_dict.items()}
    )


def calling(service, **arguments):
    try:
        return service(**arguments)
    except ValidationError as error:
        raise renamed_fields(error) from error
