"""File uploads by the GraphQL multipart request specification.

The form has `operations` (the JSON operation with nulls where files go), `map` (which form
field goes to which variable path) and the files themselves.
"""

import json

from django.conf import settings
from graphene.types import Scalar

from backend.client_address import client_address
from backend.throttle import RateLimit

from .errors import HttpError


class Upload(Scalar):
    """A file sent with the GraphQL multipart request specification (`operations`, `map`)."""

    @staticmethod
    def serialize(value):
        raise TypeError("Upload is an input-only scalar.")

    @staticmethod
    def parse_literal(node, _variables=None):
        return None

    @staticmethod
    def parse_value(value):
        return value


def place_files(request) -> dict:
    limits = settings.UPLOAD_LIMITS
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > limits["max_request_bytes"]:
        raise HttpError(413, "The upload is too large.", "PAYLOAD_TOO_LARGE")
    per_hour = RateLimit("uploads", limits["per_hour"], 3600)
    user = request.user
    subject = f"user:{user.pk}" if user.is_authenticated else f"addr:{client_address(request)}"
    if per_hour.hit(subject) > per_hour.limit:
        raise HttpError(
            429,
            "Too many uploads this hour; try again later.",
            "RATE_LIMITED",
            {"Retry-After": str(per_hour.retry_after())},
        )
    try:
        operations = json.loads(request.POST["operations"])
        file_map = json.loads(request.POST.get("map", "{}"))
    except (KeyError, ValueError) as exc:
        raise HttpError(400, "A multipart request needs `operations` and `map` as JSON.") from exc
    if not isinstance(operations, dict) or not isinstance(file_map, dict):
        raise HttpError(400, "`operations` and `map` must be JSON objects.")
    if len(file_map) > limits["max_files"]:
        raise HttpError(413, f"At most {limits['max_files']} files per request.", "TOO_MANY_FILES")
    for form_field, paths in file_map.items():
        upload = request.FILES.get(form_field)
        if upload is None:
            raise HttpError(400, f"The map names file `{form_field}` but it was not sent.")
        if upload.size > limits["max_file_bytes"]:
            raise HttpError(
                413,
                f"Each file must be at most {limits['max_file_bytes'] // 1_000_000} MB.",
                "PAYLOAD_TOO_LARGE",
            )
        if not isinstance(paths, list):
            raise HttpError(400, "Each map entry must be a list of paths.")
        for path in paths:
            _place(operations, str(path).split("."), upload)
    return operations


def _place(target, parts: list[str], value) -> None:
    *parents, last = parts
    node = target
    try:
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        elif isinstance(node, dict) and last in node:
            node[last] = value
        else:
            raise KeyError(last)
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise HttpError(400, f"The map path `{'.'.join(parts)}` is not in the operation.") from exc
