"""A request id for every HTTP request: on the response, in error payloads and in log lines."""

import contextvars
import logging
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


def new_request_id(incoming: str | None = None) -> str:
    """Use the proxy's id when it looks like one, so logs across tiers line up."""
    value = incoming if incoming and _SAFE_INCOMING.match(incoming) else uuid.uuid4().hex
    _request_id.set(value)
    return value


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get("X-Request-ID"))
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True
