"""The reference FCM transport: firebase-admin's ``messaging.send_each`` (``FCM_TRANSPORT=sdk``).

It is kept beside the lean transport (``fcm_pool.PoolTransport``, which speaks the documented
HTTP v1 contract itself) as the yardstick both are held to: the tests send every FCM answer kind
through both and expect the same outcomes. Its per-token exceptions are mapped through the SDK's
public exception types and ``FirebaseError.http_response``.

Only this module touches firebase-admin, and only it uses private SDK names, for two things that
have no public switch (checked against firebase-admin 7.7; a version that changes them makes the
transport fail loudly at construction):

* ``_get_messaging_service(app)._client.session``: the SDK mounts urllib3 retries on it (500/503
  up to 4 times, sleeping on ``Retry-After``), a second, hidden retry level under the outbox's;
  every adapter is replaced by one that never retries;
* ``_MessagingService._fcm_url``, only with ``fcm_base_url`` (tests and benchmarks: the SDK has
  no FCM emulator variable), and google-auth's regional-access-boundary hook, switched off
  only then so a fake server keeps everything on loopback.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
from collections.abc import Sequence
from typing import Any

import firebase_admin
import google.auth.exceptions
import google.auth.transport.requests
import requests
import requests.adapters
from firebase_admin import credentials, exceptions, messaging
from urllib3.util.retry import Retry

from .base import PushMessage, PushOutcome, TokenKind
from .fcm_pool import token_problem
from .fcm_v1 import (
    _INVALID_TOKEN_RE,
    MAX_REASON_LENGTH,
    Verdict,
    parse_retry_after,
    send_path,
)

_RETRYABLE_ERRORS = (
    messaging.QuotaExceededError,
    exceptions.ResourceExhaustedError,
    exceptions.UnavailableError,
    exceptions.InternalError,
    exceptions.DeadlineExceededError,
)


def _http_response(exc: BaseException) -> Any:
    return getattr(exc, "http_response", None)


def _http_status(exc: BaseException) -> int | None:
    status = getattr(_http_response(exc), "status_code", None)
    return status if isinstance(status, int) else None


def describe(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    status = _http_status(exc)
    context = ", ".join(
        part for part in (code, f"HTTP {status}" if status else None) if part is not None
    )
    text = f"{type(exc).__name__}" + (f" [{context}]" if context else "") + f": {exc}"
    return text[:MAX_REASON_LENGTH]


def classify(exc: BaseException) -> Verdict:
    """Map one per-token error from ``send_each`` to an outcome."""
    reason = describe(exc)
    if isinstance(exc, messaging.UnregisteredError):
        return Verdict(PushOutcome.UNREGISTERED, reason=reason)
    if isinstance(exc, messaging.SenderIdMismatchError):
        return Verdict(PushOutcome.INVALID_TOKEN, reason=reason)
    if isinstance(exc, exceptions.InvalidArgumentError):
        if _INVALID_TOKEN_RE.search(str(exc)):
            return Verdict(PushOutcome.INVALID_TOKEN, reason=reason)
        return Verdict(PushOutcome.FAILED, reason=reason)
    status = _http_status(exc)
    if isinstance(exc, _RETRYABLE_ERRORS) or status == 429 or (status and status >= 500):
        headers = getattr(_http_response(exc), "headers", None)
        retry_after = parse_retry_after(headers.get("Retry-After")) if headers else None
        return Verdict(PushOutcome.TRANSIENT, reason=reason, retry_after=retry_after)
    return Verdict(PushOutcome.FAILED, reason=reason)


def to_sdk_message(message: PushMessage) -> messaging.Message:
    android = apns = None
    if message.collapse_key or message.tag:
        android = messaging.AndroidConfig(
            collapse_key=message.collapse_key or None,
            notification=messaging.AndroidNotification(tag=message.tag) if message.tag else None,
        )
    apns_collapse_id = message.collapse_key or message.tag
    if apns_collapse_id or message.thread_id:
        headers = {"apns-collapse-id": apns_collapse_id} if apns_collapse_id else None
        payload = None
        if message.thread_id:
            payload = messaging.APNSPayload(aps=messaging.Aps(thread_id=message.thread_id))
        apns = messaging.APNSConfig(headers=headers, payload=payload)
    fcm_message = messaging.Message(
        notification=messaging.Notification(title=message.title, body=message.body),
        data=dict(message.data) or None,
        android=android,
        apns=apns,
    )
    if message.token_kind is TokenKind.FID:
        fcm_message.fid = message.token
    else:
        # Set after construction: Message(token=...) warns (DeprecationWarning) per message.
        fcm_message.token = message.token
    return fcm_message


class SDKTransport:
    """One attempt per message through ``send_each``, on a named ``firebase_admin.App``."""

    name = "sdk"

    def __init__(
        self,
        credentials_file: str | os.PathLike[str],
        *,
        project_id: str | None,
        app_name: str | None,
        http_timeout: float,
        fcm_base_url: str | None,
        connections: int,
        dry_run: bool,
    ) -> None:
        self.dry_run = dry_run
        options: dict[str, Any] = {"httpTimeout": http_timeout}
        if project_id:
            options["projectId"] = project_id
        certificate = credentials.Certificate(os.fspath(credentials_file))
        self.app = firebase_admin.initialize_app(
            certificate, options, name=app_name or f"push-fcm-{uuid.uuid4().hex[:12]}"
        )
        try:
            self.project_id: str = self.app.project_id
            self.session = self._configure(fcm_base_url, connections)
        except BaseException:
            firebase_admin.delete_app(self.app)
            raise
        self._credential = certificate.get_credential()
        if fcm_base_url is not None and hasattr(
            self._credential, "_is_regional_access_boundary_lookup_required"
        ):
            self._credential._is_regional_access_boundary_lookup_required = lambda: False
        self._token_lock = threading.Lock()
        self._auth_session = requests.Session()
        self._auth_request = functools.partial(
            google.auth.transport.requests.Request(self._auth_session), timeout=http_timeout
        )

    def _configure(self, fcm_base_url: str | None, connections: int) -> requests.Session:
        service = messaging._get_messaging_service(self.app)
        session = getattr(getattr(service, "_client", None), "session", None)
        if not isinstance(session, requests.Session) or not isinstance(
            getattr(service, "_fcm_url", None), str
        ):
            raise RuntimeError(
                f"firebase-admin {firebase_admin.__version__} no longer exposes "
                "_MessagingService._client.session / _fcm_url; review notifications.push.fcm_sdk"
            )
        # One try per request (a read timeout surfaces at once); retries are the outbox's.
        no_retry = Retry(total=0, read=False, redirect=0, respect_retry_after_header=False)
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=4, pool_maxsize=connections, max_retries=no_retry
        )
        for prefix in {*session.adapters, "https://", "http://"}:
            session.mount(prefix, adapter)
        if fcm_base_url is not None:
            service._fcm_url = f"{fcm_base_url.rstrip('/')}{send_path(self.project_id)}"
        return session

    def send(self, messages: Sequence[PushMessage]) -> list[Verdict]:
        # One token fetch up front: google-auth refreshes without a lock, so 500 send_each
        # threads finding an expired token would each ask for one.
        problem = self._ensure_access_token()
        if problem is not None:
            return [problem] * len(messages)
        return self._send([to_sdk_message(message) for message in messages])

    def _send(self, batch: list[messaging.Message]) -> list[Verdict]:
        try:
            response = messaging.send_each(batch, dry_run=self.dry_run, app=self.app)
        except ValueError as exc:
            # The SDK encodes the whole batch first: isolate the message it refuses.
            if len(batch) > 1:
                return [verdict for message in batch for verdict in self._send([message])]
            return [Verdict(PushOutcome.FAILED, reason=describe(exc))]
        except exceptions.FirebaseError as exc:
            return [Verdict(PushOutcome.TRANSIENT, reason=describe(exc))] * len(batch)
        return [
            Verdict(PushOutcome.SENT, message_id=item.message_id)
            if item.success
            else classify(item.exception)
            for item in response.responses
        ]

    def _ensure_access_token(self) -> Verdict | None:
        if self._credential.valid:
            return None
        with self._token_lock:
            if self._credential.valid:
                return None
            try:
                self._credential.refresh(self._auth_request)
            except google.auth.exceptions.GoogleAuthError as exc:
                return token_problem(exc)
        return None

    def close(self) -> None:
        self.session.close()
        self._auth_session.close()
        firebase_admin.delete_app(self.app)


__all__ = ["SDKTransport", "classify", "to_sdk_message"]
