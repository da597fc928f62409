"""Refuse oversized HTTP request bodies before Django reads them.

Django's ASGI handler reads the whole body (spooling it to a temporary file past
FILE_UPLOAD_MAX_MEMORY_SIZE) before any view or setting looks at its size: a 1,000 MB body went
to disk before its 413. This middleware stands in front of Django and

- answers 413 at once, without reading a byte of the body, when `Content-Length` is over the
  limit;
- otherwise counts bytes as they arrive (a chunked body has no `Content-Length`) and, at the
  first byte over the limit, stops reading, tells Django the client went away and answers 413.

The limit is MAX_UPLOAD_REQUEST_BYTES (UPLOAD_LIMITS["max_request_bytes"]) for
`multipart/form-data` (photo uploads) and MAX_REQUEST_BODY_BYTES (DATA_UPLOAD_MAX_MEMORY_SIZE)
for everything else. The 413 closes the connection, so the rest of the body is never read.
"""

import json

from django.conf import settings

BODY = json.dumps(
    {
        "errors": [
            {
                "message": "The request body is too large.",
                "extensions": {"code": "PAYLOAD_TOO_LARGE"},
            }
        ]
    }
).encode()


def body_limit(scope) -> int:
    content_type = b""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            content_type = value.split(b";", 1)[0].strip().lower()
    if content_type == b"multipart/form-data":
        return settings.UPLOAD_LIMITS["max_request_bytes"]
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def declared_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def too_large(send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(BODY)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


class BodyLimitMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = body_limit(scope)
        length = declared_length(scope)
        if length is not None and length > limit:
            return await too_large(send)

        received = 0
        refused = False
        started = False

        async def counted_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django stops at a disconnect (RequestAborted) without answering.
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            nonlocal started
            if refused:
                return  # the 413 below is the answer
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, tracked_send)
        if refused and not started:
            await too_large(send)
