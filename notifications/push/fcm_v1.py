"""FCM's documented HTTP v1 contract, spoken by the project itself (no firebase-admin here).

* Request: ``POST https://fcm.googleapis.com/v1/projects/{project_id}/messages:send`` with
  ``Authorization: Bearer <OAuth2 access token>`` (scope :data:`FCM_SCOPE`), ``Content-Type:
  application/json`` and the body ``{"message": ..., "validate_only": bool}``
  (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send).
  ``X-GOOG-API-FORMAT-VERSION: 2`` is what firebase-admin adds that matters: it asks for the
  error format whose ``details`` carry ``FcmError``.
* Success: ``200 {"name": "projects/<id>/messages/<n>"}``.
* Failure: a ``google.rpc.Status`` under ``error`` (``code``, ``message``, ``status``) whose
  ``details`` hold ``{"@type": FCM_ERROR_TYPE, "errorCode": ...}``; the error codes are listed at
  https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode. :func:`answer_outcome` maps
  one answer straight to a :class:`~.base.PushOutcome`, with the same results as firebase-admin's
  exception types mapped by ``fcm_sdk`` (a test holds the two transports equal on every kind).
"""

from __future__ import annotations

import email.utils
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from .base import PushMessage, PushOutcome, TokenKind

__all__ = [
    "FCM_ERROR_TYPE",
    "FCM_ORIGIN",
    "FCM_SCOPE",
    "REQUEST_HEADERS",
    "Verdict",
    "answer_outcome",
    "encode_request",
    "parse_retry_after",
    "send_path",
    "v1_message",
]

FCM_ORIGIN = "https://fcm.googleapis.com"
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"

REQUEST_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Type", "application/json"),
    ("X-GOOG-API-FORMAT-VERSION", "2"),
    # The pool does not decompress; FCM's answers are a few dozen bytes anyway.
    ("Accept-Encoding", "identity"),
)

MAX_REASON_LENGTH = 500

# FCM answers INVALID_ARGUMENT both for a bad token and for a bad payload; only the wording of the
# message tells them apart ("The registration token is not a valid FCM registration token").
_INVALID_TOKEN_RE = re.compile(
    r"registration[ _-]?token.*\bnot (?:a )?valid|invalid[ _-]registration[ _-]?token",
    re.IGNORECASE,
)

# FcmError codes and google.rpc canonical statuses FCM documents as worth retrying later.
_TRANSIENT_CODES = frozenset({"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL"})
_TRANSIENT_STATUSES = frozenset(
    {"RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED"}
)


def send_path(project_id: str) -> str:
    return f"/v1/projects/{project_id}/messages:send"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one FCM answer means for its message."""

    outcome: PushOutcome
    message_id: str | None = None
    reason: str | None = None
    retry_after: float | None = None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def error_parts(body: bytes) -> tuple[str | None, str | None, str]:
    """(FcmError ``errorCode``, rpc ``status``, ``message``) of an error body; Nones if absent."""
    try:
        error = orjson.loads(body).get("error")
    except (orjson.JSONDecodeError, AttributeError):
        error = None
    if not isinstance(error, dict):
        text = body[:200].decode("utf-8", "replace")
        return None, None, text
    code = None
    for detail in error.get("details") or ():
        if isinstance(detail, dict) and detail.get("@type") == FCM_ERROR_TYPE:
            code = detail.get("errorCode") if isinstance(detail.get("errorCode"), str) else None
    status = error.get("status") if isinstance(error.get("status"), str) else None
    return code, status, str(error.get("message", ""))


def answer_outcome(status: int, headers: Mapping[str, str], body: bytes) -> Verdict:
    """The verdict for one HTTP answer to ``messages:send`` (``headers`` in lower case)."""
    if 200 <= status < 300:
        try:
            return Verdict(PushOutcome.SENT, message_id=orjson.loads(body)["name"])
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            return Verdict(PushOutcome.FAILED, reason=f"unexpected FCM answer: {exc!r}")
    code, rpc_status, message = error_parts(body)
    context = ", ".join(part for part in (rpc_status, f"HTTP {status}") if part)
    reason = f"{code or rpc_status or 'ERROR'} [{context}]: {message}"[:MAX_REASON_LENGTH]
    if code == "UNREGISTERED":
        return Verdict(PushOutcome.UNREGISTERED, reason=reason)
    if code == "SENDER_ID_MISMATCH":
        return Verdict(PushOutcome.INVALID_TOKEN, reason=reason)
    if code == "INVALID_ARGUMENT" or (code is None and rpc_status == "INVALID_ARGUMENT"):
        bad_token = _INVALID_TOKEN_RE.search(message)
        return Verdict(
            PushOutcome.INVALID_TOKEN if bad_token else PushOutcome.FAILED, reason=reason
        )
    if (
        code in _TRANSIENT_CODES
        or (code is None and rpc_status in _TRANSIENT_STATUSES)
        or status == 429
        or status >= 500
    ):
        retry_after = parse_retry_after(headers.get("retry-after"))
        return Verdict(PushOutcome.TRANSIENT, reason=reason, retry_after=retry_after)
    # THIRD_PARTY_AUTH_ERROR (the APNs or web-push credential in the Firebase console),
    # PERMISSION_DENIED, UNAUTHENTICATED after a fresh token, NOT_FOUND of the project, ...
    return Verdict(PushOutcome.FAILED, reason=reason)


def is_expired_token(status: int, body: bytes) -> bool:
    """A 401 that a fresh access token may cure; THIRD_PARTY_AUTH_ERROR (also 401) is not."""
    return status == 401 and error_parts(body)[0] != "THIRD_PARTY_AUTH_ERROR"


def v1_message(message: PushMessage) -> dict[str, Any]:
    """The FCM v1 ``message`` object for ``message``; a test holds it equal to what
    firebase-admin's encoder makes of the same message (``fcm_sdk.to_sdk_message``)."""
    fcm: dict[str, Any] = {"notification": {"title": message.title, "body": message.body}}
    if message.token_kind is TokenKind.FID:
        fcm["fid"] = message.token
    else:
        fcm["token"] = message.token
    if message.data:
        fcm["data"] = message.data
    if message.collapse_key or message.tag:
        android: dict[str, Any] = {}
        if message.collapse_key:
            android["collapse_key"] = message.collapse_key
        if message.tag:
            android["notification"] = {"tag": message.tag}
        fcm["android"] = android
    apns_collapse_id = message.collapse_key or message.tag
    if apns_collapse_id or message.thread_id:
        apns: dict[str, Any] = {}
        if apns_collapse_id:
            apns["headers"] = {"apns-collapse-id": apns_collapse_id}
        if message.thread_id:
            apns["payload"] = {"aps": {"thread-id": message.thread_id}}
        fcm["apns"] = apns
    return fcm


def encode_request(message: PushMessage, *, dry_run: bool = False) -> bytes | Verdict:
    """The request body for ``message``, or the verdict of one that cannot be encoded."""
    data: dict[str, Any] = {"message": v1_message(message)}
    if dry_run:
        data["validate_only"] = True
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError as exc:
        # A lone surrogate in a string: FCM would refuse it too, and retrying cannot help.
        return Verdict(PushOutcome.FAILED, reason=f"cannot encode the message: {exc}")
