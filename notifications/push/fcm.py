"""Firebase Cloud Messaging back-end: batches, each message sent once, on one of two transports.

:class:`FCMBackend` sends each message once and reports what FCM answered; it does not retry.
A TRANSIENT result (429, 5xx, timeout, connection failure) carries FCM's ``Retry-After``, and
the outbox (``notifications.delivery.Courier``) is the one retry level: it puts the notification
back no sooner than that, with back-off, while no lease is held for the wait.

Two transports (``FCMBackend(transport=...)``, from the ``FCM_TRANSPORT`` setting):

* ``"pool"`` (default; ``"auto"`` means the same): :class:`~.fcm_pool.PoolTransport`, which
  speaks the contract of :mod:`.fcm_v1` itself over a keep-alive pool, with google-auth's public
  token API; about 0.2 ms of worker CPU per message.
* ``"sdk"``: firebase-admin's ``send_each`` (:mod:`.fcm_sdk`), the reference the tests hold the
  pool to; about 1.2 ms per message. Only this transport imports firebase-admin.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from .base import PushBackend, PushMessage, PushResult, check_messages
from .fcm_pool import PoolTransport
from .fcm_v1 import parse_retry_after, v1_message
from .http_pool import HTTPPool

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
