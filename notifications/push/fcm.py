"""Firebase Cloud Messaging back-end, built on the official ``firebase-admin`` SDK.

What this module adds on top of ``firebase_admin.messaging.send_each``:

* batches of at most 500 messages (the SDK's limit per call);
* mapping of each per-token error to a :class:`~notifications.push.base.PushOutcome`;
* retries of 429 / 5xx / timeouts for the failed tokens only, with exponential back-off and
  full jitter, honouring ``Retry-After``, bounded by a number of attempts and a total delay;
* one named ``firebase_admin.App`` per back-end instance, so several can coexist (tests,
  several Firebase projects) without touching the process-wide default app.

SDK internals this module relies on (checked against firebase-admin 7.7.0; a version that changes
them makes :class:`FCMBackend` fail loudly at construction instead of silently misbehaving):

* ``messaging._get_messaging_service(app)`` returns the per-app ``_MessagingService``;
* ``service._client.session`` is the ``requests`` session used by ``send_each``. The SDK mounts
  ``HTTPAdapter(max_retries=DEFAULT_RETRY_CONFIG)`` on it, i.e. urllib3 retries 500/503 up to
  4 times, sleeps for ``Retry-After`` on 429/503 and retries reads once. Those hidden retries
  would multiply ours (up to 5 x 5 requests per token, and sleeps we cannot control or count),
  so every adapter of that session is replaced by one that never retries;
* ``service._fcm_url`` is the send URL, fixed at service creation from the class constant
  ``_MessagingService.FCM_URL``. The SDK has no emulator variable for FCM, so ``fcm_base_url``
  overrides this per-app attribute (never the class constant, which would affect every app).

Two transports carry the requests (``FCMBackend(transport=...)``, or ``FCM_TRANSPORT``):

* ``"sdk"``: ``messaging.send_each`` as described above (requests + google-auth, one thread per
  message);
* ``"pool"``: :class:`~notifications.push.http_pool.HTTPPool`, an asyncio keep-alive pool that
  POSTs the same v1 body (built by :func:`v1_message`, held equal to the SDK's encoder by a test)
  with the same headers, and turns every answer back into the exception ``send_each`` would
  have returned (through the SDK's ``_handle_fcm_error``), so both transports share
  ``_classify``. A 401 makes it refresh the access token once per batch and resend what was
  refused, like google-auth's ``AuthorizedSession`` (but with one refresh per batch, not one per
  thread). A worker costs about 0.2 ms of CPU per message this way against 1.2 ms for
  ``"sdk"`` (fake FCM on loopback);
* ``"auto"`` (default): ``"pool"``, unless a proxy is configured in the environment (the pool
  does not speak to proxies), then ``"sdk"``.

With ``fcm_base_url`` set, google-auth's background regional-access-boundary lookup at
iamcredentials.googleapis.com is also switched off on this back-end's credential (see
``_skip_regional_access_boundary_lookup``), so a fake server keeps everything on loopback.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import math
import os
import random as _random
import re
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import firebase_admin
import google.auth.exceptions
import google.auth.transport.requests
import orjson
import requests
import requests.adapters
import requests.certs
from firebase_admin import credentials, exceptions, messaging
from urllib3.util.retry import Retry

from .base import PushBackend, PushMessage, PushOutcome, PushResult, TokenKind, check_messages
from .http_pool import HTTPPool, PoolConnectionError, PoolTimeout, Response

__all__ = [
    "FCM_MAX_BATCH_SIZE",
    "FCM_TRANSPORTS",
    "FCMBackend",
    "RetryPolicy",
    "parse_retry_after",
]

_logger = logging.getLogger(__name__)

FCM_MAX_BATCH_SIZE = 500
"""``messaging.send_each`` refuses more messages per call."""

# FCM answers INVALID_ARGUMENT both for a bad token and for a bad payload; only the wording of the
# message tells them apart ("The registration token is not a valid FCM registration token").
_INVALID_TOKEN_RE = re.compile(
    r"registration[ _-]?token.*\bnot (?:a )?valid|invalid[ _-]registration[ _-]?token",
    re.IGNORECASE,
)

# Error types FCM documents as retryable; 429 and 5xx statuses are also retried whatever the type.
_RETRYABLE_ERRORS = (
    messaging.QuotaExceededError,
    exceptions.ResourceExhaustedError,
    exceptions.UnavailableError,
    exceptions.InternalError,
    exceptions.DeadlineExceededError,
)

_MAX_REASON_LENGTH = 500

FCM_TRANSPORTS = ("auto", "pool", "sdk")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard :class:`FCMBackend` retries 429, 5xx and timeouts before answering TRANSIENT.

    ``max_attempts`` counts every try, the first included. The n-th retry waits a random time in
    ``[0, min(max_delay, base_delay * 2**(n-1)))`` ("full jitter", which spreads the retries of
    many workers instead of synchronising them), or the largest ``Retry-After`` FCM sent if that
    is longer. Retrying stops when the next wait would make the total exceed ``max_total_delay``;
    the results then carry ``retry_after`` so the caller can reschedule.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 10.0
    max_total_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_total_delay < 0:
            raise ValueError("delays must be >= 0")

    def backoff(self, retry_number: int, rand: float) -> float:
        """The jittered wait before retry number ``retry_number`` (1 for the first retry);
        ``rand`` is a number in ``[0, 1)``."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry_number - 1))
        return rand * ceiling


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


@dataclass(frozen=True, slots=True)
class _Verdict:
    """What one attempt for one message produced; ``outcome`` None means "retry"."""

    outcome: PushOutcome | None
    message_id: str | None = None
    reason: str | None = None
    retry_after: float | None = None


def _http_response(exc: BaseException) -> Any:
    return getattr(exc, "http_response", None)


def _http_status(exc: BaseException) -> int | None:
    status = getattr(_http_response(exc), "status_code", None)
    return status if isinstance(status, int) else None


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(_http_response(exc), "headers", None)
    return parse_retry_after(headers.get("Retry-After")) if headers is not None else None


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    status = _http_status(exc)
    context = ", ".join(
        part for part in (code, f"HTTP {status}" if status else None) if part is not None
    )
    text = f"{type(exc).__name__}" + (f" [{context}]" if context else "") + f": {exc}"
    return text[:_MAX_REASON_LENGTH]


def _classify(exc: BaseException) -> _Verdict:
    """Map one per-token error from ``send_each`` to an outcome (None: retry)."""
    reason = _describe(exc)
    if isinstance(exc, messaging.UnregisteredError):
        return _Verdict(PushOutcome.UNREGISTERED, reason=reason)
    if isinstance(exc, messaging.SenderIdMismatchError):
        return _Verdict(PushOutcome.INVALID_TOKEN, reason=reason)
    if isinstance(exc, exceptions.InvalidArgumentError):
        if _INVALID_TOKEN_RE.search(str(exc)):
            return _Verdict(PushOutcome.INVALID_TOKEN, reason=reason)
        return _Verdict(PushOutcome.FAILED, reason=reason)
    status = _http_status(exc)
    if isinstance(exc, _RETRYABLE_ERRORS) or status == 429 or (status and status >= 500):
        return _Verdict(None, reason=reason, retry_after=_retry_after(exc))
    return _Verdict(PushOutcome.FAILED, reason=reason)


def _configure_sdk_transport(
    app: firebase_admin.App, *, fcm_url: str | None, pool_size: int
) -> requests.Session:
    """Disable the SDK's own HTTP retries, size its connection pool, and optionally redirect it.

    Returns the session so the back-end can close it (``delete_app`` does not).
    """
    service = messaging._get_messaging_service(app)
    session = getattr(getattr(service, "_client", None), "session", None)
    if not isinstance(session, requests.Session) or not isinstance(
        getattr(service, "_fcm_url", None), str
    ):
        raise RuntimeError(
            f"firebase-admin {firebase_admin.__version__} no longer exposes "
            "_MessagingService._client.session / _fcm_url; review notifications.push.fcm"
        )
    # total=0 with read=False: one try per request, a read timeout surfaces at once as
    # requests.ReadTimeout (-> DeadlineExceededError), and Retry-After is left to us.
    no_retry = Retry(total=0, read=False, redirect=0, respect_retry_after_header=False)
    # send_each runs up to one thread per message; a pool smaller than that makes urllib3 open
    # and then discard the extra connections (a TLS handshake each) on every batch.
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=4, pool_maxsize=pool_size, max_retries=no_retry
    )
    # Every mounted prefix, including the SDK's "https://fcm.googleapis.com" one, which would
    # otherwise win over "https://" as the longest match.
    for prefix in {*session.adapters, "https://", "http://"}:
        session.mount(prefix, adapter)
    if not _environment_needs_per_request_lookup():
        # requests re-reads proxy and CA-bundle variables from os.environ on every request
        # (about a fifth of the CPU per message in a profile of send_each). Without a proxy or
        # netrc the answer never changes, so read it once: a CA bundle becomes the session's
        # `verify`, in requests' own order of precedence.
        session.trust_env = False
        ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if ca_bundle and session.verify is True:
            session.verify = ca_bundle
    if fcm_url is not None:
        service._fcm_url = fcm_url
    return session


def _skip_regional_access_boundary_lookup(credential: Any) -> None:
    """Stop google-auth from looking up the service account's regional access boundary.

    google-auth (2.62) starts that lookup at iamcredentials.googleapis.com in a background
    thread after each token refresh. A fake FCM server or an emulator has no such endpoint, and
    tests and benchmarks must not reach Google (nor send it the fake account's address), so the
    lookup is skipped when ``fcm_base_url`` redirects the back-end. Against real FCM it stays.
    """
    if hasattr(credential, "_is_regional_access_boundary_lookup_required"):
        credential._is_regional_access_boundary_lookup_required = lambda: False


def _environment_proxies() -> dict[str, str]:
    """Proxies configured in the environment (``no_proxy`` alone configures none)."""
    return {scheme: url for scheme, url in urllib.request.getproxies().items() if scheme != "no"}


def _ca_bundle() -> str | None:
    """The CA bundle requests would use: its environment variables, else certifi's."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        return bundle
    return requests.certs.where()  # certifi's bundle, so both transports trust the same CAs


def _environment_needs_per_request_lookup() -> bool:
    """True when a proxy or netrc setting makes requests decide per URL (no_proxy, hosts)."""
    if urllib.request.getproxies():
        return True
    return bool(os.environ.get("NETRC"))


class FCMBackend(PushBackend):
    """Sends through FCM HTTP v1 with ``firebase_admin.messaging.send_each``.

    ``credentials_file`` is the service-account JSON downloaded from the Firebase console (the
    settings read its path from ``FIREBASE_CREDENTIALS_FILE``). ``project_id`` defaults to the
    one in that file. ``http_timeout`` bounds each HTTP request (the SDK default, 120 s, would
    stall a whole batch behind one slow request). ``batch_size`` (<= 500) is also the number of
    concurrent requests, because ``send_each`` starts one thread per message; ``max_connections``
    (default ``batch_size``) sizes the connection pool and should be raised to
    ``batch_size x threads`` when :meth:`send` is called from several threads. ``app_name``
    names the ``firebase_admin.App`` (default: a unique ``push-fcm-...``).

    ``transport`` is ``"auto"``, ``"pool"`` or ``"sdk"`` (see the module docstring; default:
    the ``FCM_TRANSPORT`` environment variable, else ``"auto"``). ``pool_connections`` sizes the
    pool transport (default: ``max_connections``, else ``batch_size``, as for the SDK).

    ``fcm_base_url`` (e.g. ``http://127.0.0.1:8099``) replaces ``https://fcm.googleapis.com``
    for this back-end only; it is how tests and benchmarks reach ``notifications.fake_fcm``.
    ``sleep`` and ``random`` are injectable so tests of the back-off run instantly and
    deterministically.

    :meth:`send` is thread-safe: a worker may call it from several threads to keep more
    requests in flight.
    """

    name = "fcm"

    def __init__(
        self,
        credentials_file: str | os.PathLike[str],
        *,
        project_id: str | None = None,
        app_name: str | None = None,
        http_timeout: float = 10.0,
        retry_policy: RetryPolicy | None = None,
        batch_size: int = FCM_MAX_BATCH_SIZE,
        max_connections: int | None = None,
        fcm_base_url: str | None = None,
        transport: str | None = None,
        pool_connections: int | None = None,
        dry_run: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if not 1 <= batch_size <= FCM_MAX_BATCH_SIZE:
            raise ValueError(f"batch_size must be between 1 and {FCM_MAX_BATCH_SIZE}")
        if http_timeout <= 0:
            raise ValueError("http_timeout must be > 0 seconds")
        if fcm_base_url is not None and not re.match(r"^https?://[^/]+/?$", fcm_base_url):
            raise ValueError("fcm_base_url must look like 'https://host[:port]'")
        transport = transport or os.environ.get("FCM_TRANSPORT") or "auto"
        if transport not in FCM_TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(FCM_TRANSPORTS)}")
        if transport == "auto":
            transport = "sdk" if _environment_proxies() else "pool"
        if pool_connections is not None and pool_connections < 1:
            raise ValueError("pool_connections must be >= 1")
        self.transport = transport

        self.retry_policy = retry_policy or RetryPolicy()
        self.batch_size = batch_size
        self.dry_run = dry_run
        self._sleep = sleep
        self._random = random
        self._closed = False

        options: dict[str, Any] = {"httpTimeout": http_timeout}
        if project_id:
            options["projectId"] = project_id
        certificate = credentials.Certificate(os.fspath(credentials_file))
        self.app = firebase_admin.initialize_app(
            certificate, options, name=app_name or f"push-fcm-{uuid.uuid4().hex[:12]}"
        )
        try:
            self.project_id: str = self.app.project_id
            fcm_url = None
            if fcm_base_url is not None:
                fcm_url = f"{fcm_base_url.rstrip('/')}/v1/projects/{self.project_id}/messages:send"
            self._session = _configure_sdk_transport(
                self.app, fcm_url=fcm_url, pool_size=max_connections or batch_size
            )
        except BaseException:
            firebase_admin.delete_app(self.app)
            raise
        self._service = messaging._get_messaging_service(self.app)
        self._pool: HTTPPool | None = None
        if transport == "pool":
            url = urllib.parse.urlsplit(self._service._fcm_url)
            self._pool_path = url.path
            self._pool = HTTPPool(
                f"{url.scheme}://{url.netloc}",
                # One connection per request in flight, as send_each has one thread per message:
                # FCM answers in tens of milliseconds, so fewer would cap the rate (100 gave
                # 2,500/s at 30 ms), and idle kept-alive connections cost almost nothing.
                size=pool_connections or max_connections or batch_size,
                timeout=http_timeout,
                ca_file=_ca_bundle() if url.scheme == "https" else None,
            )
            # The headers send_each sends (google-auth adds only the bearer token).
            self._pool_headers = [
                ("Content-Type", "application/json"),
                ("Accept-Encoding", "identity"),
                *self._service._fcm_headers.items(),
            ]

        self._credential = certificate.get_credential()
        if fcm_base_url is not None:
            _skip_regional_access_boundary_lookup(self._credential)
        self._token_lock = threading.Lock()
        self._auth_session = requests.Session()
        self._auth_request = functools.partial(
            google.auth.transport.requests.Request(self._auth_session), timeout=http_timeout
        )

    # -- public API ---------------------------------------------------------------------------

    def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Send ``messages`` (any number; split into batches of ``batch_size``).

        Returns one result per message in the same order. Retryable failures are retried for
        the failed tokens only, as :class:`RetryPolicy` allows, then reported TRANSIENT.
        """
        checked = check_messages(messages)
        if self._closed:
            raise RuntimeError("FCMBackend is closed")
        if self._pool is not None:
            payloads: list[Any] = [self._encode(message) for message in checked]
        else:
            payloads = [self._to_fcm(message) for message in checked]
        results: list[PushResult | None] = [None] * len(checked)
        pending = list(range(len(checked)))
        policy = self.retry_policy
        waited = 0.0
        attempt = 0
        while pending:
            attempt += 1
            retry: dict[int, _Verdict] = {}
            for index, verdict in zip(pending, self._attempt(pending, payloads), strict=True):
                if verdict.outcome is None:
                    retry[index] = verdict
                else:
                    results[index] = PushResult(
                        checked[index].token,
                        verdict.outcome,
                        message_id=verdict.message_id,
                        error=verdict.reason,
                    )
            if not retry:
                break

            hinted = max((v.retry_after for v in retry.values() if v.retry_after), default=0.0)
            delay = max(policy.backoff(attempt, self._random()), hinted)
            if attempt >= policy.max_attempts or waited + delay > policy.max_total_delay:
                for index, verdict in retry.items():
                    results[index] = PushResult(
                        checked[index].token,
                        PushOutcome.TRANSIENT,
                        error=f"{verdict.reason} (gave up after {attempt} attempt(s))",
                        retry_after=verdict.retry_after,
                    )
                break
            _logger.info(
                "FCM: %d of %d message(s) failed transiently (attempt %d), retrying in %.2fs: %s",
                len(retry),
                len(checked),
                attempt,
                delay,
                next(iter(retry.values())).reason,
            )
            self._sleep(delay)
            waited += delay
            pending = sorted(retry)

        assert all(result is not None for result in results)
        return results  # type: ignore[return-value]

    def close(self) -> None:
        """Delete the firebase_admin App and close its connections. Call it outside an event
        loop: the SDK closes its async client with ``asyncio.run``."""
        if self._closed:
            return
        self._closed = True
        if self._pool is not None:
            self._pool.close()
        self._session.close()
        self._auth_session.close()
        firebase_admin.delete_app(self.app)

    # -- internals ------------------------------------------------------------------------

    @staticmethod
    def _to_fcm(message: PushMessage) -> messaging.Message:
        android = apns = None
        if message.collapse_key or message.tag:
            android = messaging.AndroidConfig(
                collapse_key=message.collapse_key or None,
                notification=messaging.AndroidNotification(tag=message.tag)
                if message.tag
                else None,
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
            # Set after construction: Message(token=...) emits a DeprecationWarning per message
            # (500 per batch). Registration tokens still deliver; the deprecation is tracked by
            # TokenKind, not by log noise, and warnings.catch_warnings is not thread-safe.
            fcm_message.token = message.token
        return fcm_message

    def _attempt(self, pending: list[int], payloads: list[Any]) -> list[_Verdict]:
        """One try for every pending message, in batches; verdicts in ``pending`` order.

        ``payloads`` are what the transport sends: ``messaging.Message`` objects for the SDK,
        encoded bodies (or the verdict of a message that could not be encoded) for the pool.
        """
        auth_problem = self._ensure_access_token()
        if auth_problem is not None:
            return [auth_problem] * len(pending)
        verdicts: list[_Verdict] = []
        send_batch = self._send_batch if self._pool is None else self._send_batch_pool
        for start in range(0, len(pending), self.batch_size):
            chunk = [payloads[i] for i in pending[start : start + self.batch_size]]
            verdicts.extend(send_batch(chunk))
        return verdicts

    def _send_batch(self, batch: list[messaging.Message]) -> list[_Verdict]:
        try:
            response = messaging.send_each(batch, dry_run=self.dry_run, app=self.app)
        except ValueError as exc:
            # The SDK encodes the whole batch before sending anything, so one message it refuses
            # would fail the others: isolate it by sending one by one.
            if len(batch) > 1:
                return [verdict for message in batch for verdict in self._send_batch([message])]
            return [_Verdict(PushOutcome.FAILED, reason=_describe(exc))]
        except exceptions.FirebaseError as exc:
            # Raised when the thread pool itself failed (e.g. a token refresh error mid-batch);
            # nothing says the messages were rejected, so try them again.
            return [_Verdict(None, reason=_describe(exc))] * len(batch)
        verdicts = []
        for item in response.responses:
            if item.success:
                verdicts.append(_Verdict(PushOutcome.SENT, message_id=item.message_id))
            else:
                verdicts.append(_classify(item.exception))
        return verdicts

    def _send_batch_pool(self, batch: list[bytes | _Verdict]) -> list[_Verdict]:
        """Like :meth:`_send_batch` over the pool: same bodies, headers and error mapping."""
        verdicts: list[_Verdict | None] = [None] * len(batch)
        bodies: dict[int, bytes] = {}
        for index, payload in enumerate(batch):
            if isinstance(payload, _Verdict):
                verdicts[index] = payload
            else:
                bodies[index] = payload
        token = self._credential.token
        answers = dict(zip(bodies, self._post(token, list(bodies.values())), strict=True))
        refused = [index for index, answer in answers.items() if _is_unauthorized(answer)]
        if refused:
            # Revoked or expired early: refresh once (whichever thread sees it first), resend
            # only the refused ones. A second 401 stands, like google-auth's AuthorizedSession.
            problem = self._refresh_access_token(stale=token)
            if problem is not None:
                for index in refused:
                    verdicts[index] = problem
            else:
                resent = self._post(self._credential.token, [bodies[i] for i in refused])
                answers.update(zip(refused, resent, strict=True))
        for index, answer in answers.items():
            if verdicts[index] is None:
                verdicts[index] = self._pool_verdict(answer)
        return verdicts  # type: ignore[return-value]

    def _encode(self, message: PushMessage) -> bytes | _Verdict:
        """The v1 request body for ``message``, or the verdict of one that cannot be sent."""
        data: dict[str, Any] = {"message": v1_message(message)}
        if self.dry_run:
            data["validate_only"] = True
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError as exc:
            # A lone surrogate in a string: FCM would refuse it too, and retrying cannot help.
            return _Verdict(PushOutcome.FAILED, reason=f"cannot encode the message: {exc}")

    def _post(self, token: str | None, bodies: list[bytes]) -> list[Any]:
        if not bodies:
            return []
        assert self._pool is not None
        headers = [*self._pool_headers, ("Authorization", f"Bearer {token}")]
        return self._pool.post_all(self._pool_path, headers, bodies)

    def _pool_verdict(self, answer: Any) -> _Verdict:
        if isinstance(answer, Response) and 200 <= answer.status < 300:
            try:
                name = orjson.loads(answer.body)["name"]
            except (ValueError, KeyError, TypeError) as exc:
                error = exceptions.UnknownError(f"unexpected FCM answer: {exc}", cause=exc)
                return _classify(error)
            return _Verdict(PushOutcome.SENT, message_id=name)
        return _classify(self._service._handle_fcm_error(_as_requests_error(answer)))

    def _refresh_access_token(self, *, stale: str | None) -> _Verdict | None:
        """Refresh the token after FCM refused ``stale``, unless another thread already did."""
        with self._token_lock:
            if self._credential.token != stale and self._credential.valid:
                return None
            return self._refresh_locked()

    def _ensure_access_token(self) -> _Verdict | None:
        """Fetch the OAuth2 access token once, before the batch, if it is missing or expiring.

        google-auth refreshes without a lock, so letting the 500 threads of ``send_each`` find
        an expired token would send up to 500 token requests at once. Returns a verdict for all
        pending messages when the token cannot be obtained.
        """
        if self._credential.valid:
            return None
        with self._token_lock:
            if self._credential.valid:
                return None
            return self._refresh_locked()

    def _refresh_locked(self) -> _Verdict | None:
        """Fetch a new access token (hold ``_token_lock``); a verdict when that fails."""
        try:
            self._credential.refresh(self._auth_request)
        except google.auth.exceptions.TransportError as exc:
            return _Verdict(None, reason=f"OAuth2 token request failed: {_describe(exc)}")
        except google.auth.exceptions.RefreshError as exc:
            outcome = None if getattr(exc, "retryable", False) else PushOutcome.FAILED
            return _Verdict(outcome, reason=f"OAuth2 token refused: {_describe(exc)}")
        except google.auth.exceptions.GoogleAuthError as exc:
            return _Verdict(PushOutcome.FAILED, reason=f"credentials error: {_describe(exc)}")
        return None


def _is_unauthorized(answer: Any) -> bool:
    return isinstance(answer, Response) and answer.status == 401


def _as_requests_error(answer: Any) -> requests.RequestException:
    """The requests exception send_each would have seen for ``answer`` (a pool result)."""
    if isinstance(answer, Response):
        response = requests.Response()
        response.status_code = answer.status
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
        response._content = answer.body
        response.encoding = "utf-8"
        return requests.HTTPError(f"{answer.status} error from FCM", response=response)
    if isinstance(answer, PoolTimeout):
        return requests.exceptions.ReadTimeout(str(answer))
    if isinstance(answer, (PoolConnectionError, OSError)):
        return requests.exceptions.ConnectionError(str(answer))
    if isinstance(answer, BaseException):
        # A bug in the pool: report it for this message rather than lose the batch.
        _logger.error("FCM pool transport failed", exc_info=answer)
        return requests.exceptions.ConnectionError(f"{type(answer).__name__}: {answer}")
    raise TypeError(f"not a pool result: {answer!r}")


def v1_message(message: PushMessage) -> dict[str, Any]:
    """The FCM v1 ``message`` object for ``message``: what the SDK's encoder makes of
    :meth:`FCMBackend._to_fcm` (a test holds the two equal), built directly because the SDK's
    validating encoder cost more CPU per push than sending it over the pool."""
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
