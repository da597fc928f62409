"""Firebase Cloud Messaging back-end: FCM's documented HTTP v1 contract over a keep-alive pool.

:class:`FCMBackend` sends each message once and reports what FCM answered; it does not retry.
A TRANSIENT result (429, 5xx, timeout, connection failure) carries FCM's ``Retry-After``, and
the outbox (``notifications.delivery.Courier``) is the one retry level: it puts the notification
back no sooner than that, with back-off, while no lease is held for the wait.

Two transports (``FCMBackend(transport=...)``, from the ``FCM_TRANSPORT`` setting):

* ``"pool"`` (default; ``"auto"`` means the same): :class:`PoolTransport`, which speaks the
  contract of :mod:`.fcm_v1` itself over :class:`~.http_pool.HTTPPool`, an asyncio keep-alive
  pool (one connection per request in flight), through an HTTPS proxy with CONNECT when one is
  configured. Access tokens come from google-auth's public API
  (``service_account.Credentials.from_service_account_file(..., scopes=[FCM_SCOPE])``,
  ``refresh``, ``token``, ``valid``): one refresh per batch when missing or expiring, and once
  more when FCM answers 401, resending only what was refused (as google-auth's
  ``AuthorizedSession`` does, once per batch instead of once per thread). About 0.2 ms of worker
  CPU per message.
* ``"sdk"``: firebase-admin's ``send_each`` (:mod:`.fcm_sdk`), the reference the tests hold the
  pool to; about 1.2 ms per message. Only this transport imports firebase-admin.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Sequence
from typing import Any

import certifi
import google.auth.exceptions
import google.auth.transport.requests
import requests
from google.oauth2 import service_account

from .base import PushBackend, PushMessage, PushOutcome, PushResult, check_messages
from .fcm_v1 import (
    FCM_ORIGIN,
    FCM_SCOPE,
    MAX_REASON_LENGTH,
    REQUEST_HEADERS,
    Verdict,
    answer_outcome,
    encode_request,
    is_expired_token,
    parse_retry_after,
    send_path,
    v1_message,
)
from .http_pool import HTTPPool, PoolTimeout, Response

__all__ = [
    "FCM_MAX_BATCH_SIZE",
    "FCM_TRANSPORTS",
    "FCMBackend",
    "PoolTransport",
    "parse_retry_after",
    "v1_message",
]

FCM_MAX_BATCH_SIZE = 500
"""Messages per batch (firebase-admin's ``send_each`` refuses more per call)."""

FCM_TRANSPORTS = ("auto", "pool", "sdk")


def token_problem(exc: google.auth.exceptions.GoogleAuthError) -> Verdict:
    """The verdict for every message of a batch whose access token could not be fetched."""
    if isinstance(exc, google.auth.exceptions.TransportError):
        reason = f"OAuth2 token request failed: {exc}"
        return Verdict(PushOutcome.TRANSIENT, reason=reason[:MAX_REASON_LENGTH])
    if isinstance(exc, google.auth.exceptions.RefreshError):
        outcome = PushOutcome.TRANSIENT if getattr(exc, "retryable", False) else PushOutcome.FAILED
        return Verdict(outcome, reason=f"OAuth2 token refused: {exc}"[:MAX_REASON_LENGTH])
    return Verdict(PushOutcome.FAILED, reason=f"credentials error: {exc}"[:MAX_REASON_LENGTH])


def _transport_verdict(answer: Any) -> Verdict:
    """The verdict for what the pool returned for one request."""
    if isinstance(answer, Response):
        return answer_outcome(answer.status, answer.headers, answer.body)
    if isinstance(answer, PoolTimeout):
        # The request may have been delivered; the phone replaces a second copy (its tag).
        return Verdict(PushOutcome.TRANSIENT, reason=f"DEADLINE_EXCEEDED: {answer}")
    if isinstance(answer, OSError):  # PoolConnectionError and the like
        return Verdict(PushOutcome.TRANSIENT, reason=f"UNAVAILABLE: {answer}"[:MAX_REASON_LENGTH])
    # A bug in the pool: report it for this message rather than lose the batch.
    reason = f"UNAVAILABLE: {type(answer).__name__}: {answer}"[:MAX_REASON_LENGTH]
    return Verdict(PushOutcome.TRANSIENT, reason=reason)


class PoolTransport:
    """FCM HTTP v1 over :class:`HTTPPool`, with google-auth's public token API."""

    name = "pool"

    def __init__(
        self,
        credentials_file: str | os.PathLike[str],
        *,
        project_id: str | None,
        http_timeout: float,
        fcm_base_url: str | None,
        connections: int,
        proxy_url: str | None,
        ca_file: str | None,
        dry_run: bool,
    ) -> None:
        self.dry_run = dry_run
        self._credential = service_account.Credentials.from_service_account_file(
            os.fspath(credentials_file), scopes=[FCM_SCOPE]
        )
        self.project_id: str = project_id or self._credential.project_id
        if not self.project_id:
            raise ValueError("no project_id given and none in the service-account file")
        self._path = send_path(self.project_id)
        origin = (fcm_base_url or FCM_ORIGIN).rstrip("/")
        self.pool = HTTPPool(
            origin,
            # One connection per request in flight: FCM answers in tens of milliseconds, so
            # fewer would cap the rate (100 gave 2,500/s at 30 ms); idle ones cost little.
            size=connections,
            timeout=http_timeout,
            ca_file=(ca_file or certifi.where()) if origin.startswith("https:") else None,
            proxy_url=proxy_url,
        )
        self._token_lock = threading.Lock()
        # Token requests go through requests (google-auth's transport), which applies the
        # same proxy and CA bundle as the pool when they are given.
        self._auth_session = requests.Session()
        self._auth_session.trust_env = False
        if proxy_url:
            self._auth_session.proxies = {"https": proxy_url}
        if ca_file:
            self._auth_session.verify = ca_file
        self._auth_request = functools.partial(
            google.auth.transport.requests.Request(self._auth_session), timeout=http_timeout
        )

    def send(self, messages: Sequence[PushMessage]) -> list[Verdict]:
        verdicts: list[Verdict | None] = [None] * len(messages)
        bodies: dict[int, bytes] = {}
        for index, message in enumerate(messages):
            body = encode_request(message, dry_run=self.dry_run)
            if isinstance(body, Verdict):
                verdicts[index] = body
            else:
                bodies[index] = body
        if not bodies:
            return verdicts  # type: ignore[return-value]
        problem = self._refresh(stale=None)
        if problem is not None:
            return [verdict or problem for verdict in verdicts]
        token = self._credential.token
        answers = dict(zip(bodies, self._post(token, list(bodies.values())), strict=True))
        refused = [
            index
            for index, answer in answers.items()
            if isinstance(answer, Response) and is_expired_token(answer.status, answer.body)
        ]
        if refused:
            # Revoked or expired early: refresh once (whichever thread sees it first) and
            # resend only the refused ones. A second 401 stands.
            problem = self._refresh(stale=token)
            if problem is not None:
                for index in refused:
                    answers.pop(index)
                    verdicts[index] = problem
            else:
                resent = self._post(self._credential.token, [bodies[i] for i in refused])
                answers.update(zip(refused, resent, strict=True))
        for index, answer in answers.items():
            verdicts[index] = _transport_verdict(answer)
        return verdicts  # type: ignore[return-value]

    def _post(self, token: str | None, bodies: list[bytes]) -> list[Any]:
        headers = [*REQUEST_HEADERS, ("Authorization", f"Bearer {token}")]
        return self.pool.post_all(self._path, headers, bodies)

    def _refresh(self, *, stale: str | None) -> Verdict | None:
        """Fetch an access token if it is missing, expiring, or the ``stale`` one FCM refused
        (unless another thread already replaced it). A verdict when that fails."""

        def needed() -> bool:
            if stale is not None:
                return self._credential.token == stale or not self._credential.valid
            return not self._credential.valid

        if not needed():
            return None
        with self._token_lock:
            if not needed():
                return None
            try:
                self._credential.refresh(self._auth_request)
            except google.auth.exceptions.GoogleAuthError as exc:
                return token_problem(exc)
        return None

    def close(self) -> None:
        self.pool.close()
        self._auth_session.close()


class FCMBackend(PushBackend):
    """Sends through FCM HTTP v1, once per message; retrying is the caller's (the outbox's).

    ``credentials_file`` is the service-account JSON downloaded from the Firebase console (the
    settings read its path from ``FIREBASE_CREDENTIALS_FILE``); ``project_id`` defaults to the
    one in that file. ``http_timeout`` bounds each request. ``batch_size`` (<= 500) is how many
    messages go on the wire at once; ``max_connections`` (default ``batch_size``) sizes the
    connection pool, ``batch_size x threads`` when :meth:`send` is called from several threads;
    ``pool_connections`` overrides it for the pool transport.

    ``transport`` is ``"pool"`` (default; ``"auto"`` is the same) or ``"sdk"`` (see the module
    docstring). ``proxy_url`` (``http://[user:pass@]host:port``) sends through an HTTPS proxy
    with CONNECT; ``ca_file`` replaces certifi's CA bundle. ``fcm_base_url`` (e.g.
    ``http://127.0.0.1:8099``) replaces ``https://fcm.googleapis.com``: tests and benchmarks
    point it at ``tests.fakes.fake_fcm`` or ``bench.fast_fcm``. ``app_name`` names the
    ``firebase_admin.App`` of the sdk transport. :meth:`send` is thread-safe.
    """

    name = "fcm"

    def __init__(
        self,
        credentials_file: str | os.PathLike[str],
        *,
        project_id: str | None = None,
        app_name: str | None = None,
        http_timeout: float = 10.0,
        batch_size: int = FCM_MAX_BATCH_SIZE,
        max_connections: int | None = None,
        fcm_base_url: str | None = None,
        transport: str = "pool",
        pool_connections: int | None = None,
        proxy_url: str | None = None,
        ca_file: str | None = None,
        dry_run: bool = False,
    ) -> None:
        if not 1 <= batch_size <= FCM_MAX_BATCH_SIZE:
            raise ValueError(f"batch_size must be between 1 and {FCM_MAX_BATCH_SIZE}")
        if http_timeout <= 0:
            raise ValueError("http_timeout must be > 0 seconds")
        if fcm_base_url is not None and not re.match(r"^https?://[^/]+/?$", fcm_base_url):
            raise ValueError("fcm_base_url must look like 'https://host[:port]'")
        if transport not in FCM_TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(FCM_TRANSPORTS)}")
        if pool_connections is not None and pool_connections < 1:
            raise ValueError("pool_connections must be >= 1")
        self.transport = "sdk" if transport == "sdk" else "pool"
        self.batch_size = batch_size
        self.dry_run = dry_run
        self._closed = False
        self._sender: PoolTransport | Any
        if self.transport == "sdk":
            from .fcm_sdk import SDKTransport

            self._sender = SDKTransport(
                credentials_file,
                project_id=project_id,
                app_name=app_name,
                http_timeout=http_timeout,
                fcm_base_url=fcm_base_url,
                connections=max_connections or batch_size,
                dry_run=dry_run,
            )
        else:
            self._sender = PoolTransport(
                credentials_file,
                project_id=project_id,
                http_timeout=http_timeout,
                fcm_base_url=fcm_base_url,
                connections=pool_connections or max_connections or batch_size,
                proxy_url=proxy_url,
                ca_file=ca_file,
                dry_run=dry_run,
            )
        self.project_id: str = self._sender.project_id

    @property
    def app(self) -> Any:
        """The ``firebase_admin.App`` of the sdk transport (None for the pool)."""
        return getattr(self._sender, "app", None)

    @property
    def _pool(self) -> HTTPPool | None:
        return getattr(self._sender, "pool", None)

    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Send ``messages`` (any number, in batches of ``batch_size``), each once.

        Returns one result per message in the same order; a TRANSIENT one carries
        ``retry_after`` when FCM said how long to wait.
        """
        checked = check_messages(messages)
        if self._closed:
            raise RuntimeError("FCMBackend is closed")
        results: list[PushResult] = []
        for start in range(0, len(checked), self.batch_size):
            batch = checked[start : start + self.batch_size]
            for message, verdict in zip(batch, self._sender.send(batch), strict=True):
                results.append(
                    PushResult(
                        message.token,
                        verdict.outcome,
                        message_id=verdict.message_id,
                        error=verdict.reason,
                        retry_after=verdict.retry_after,
                    )
                )
        return results

    def close(self) -> None:
        """Close connections (and delete the sdk transport's App). Call it outside an event
        loop: the SDK closes its async client with ``asyncio.run``."""
        if self._closed:
            return
        self._closed = True
        self._sender.close()
