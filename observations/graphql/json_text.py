"""JSON carried as text in String fields (tool definitions, entry payloads, data summaries).

graphene's JSONString and UUID scalars raise a bare ValueError on a malformed literal, which
the server can only answer as an internal error; as Strings parsed here, bad JSON becomes a
typed error on the field it came in.
"""

import json

from django.core.exceptions import ValidationError

from ..services.data import MalformedPayload


def dump(value) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def load(text: str | None, *, field: str, code: str):
    """The parsed value; a ValidationError on `field` with `code` when it is not JSON."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValidationError(
            {
                field: ValidationError(
                    "This is not valid JSON: %(why)s", code=code, params={"why": exc}
                )
            }
        ) from exc


def load_payload(text: str):
    """An entry payload; bad JSON is reported with the entry's other problems."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        return MalformedPayload(str(exc))
