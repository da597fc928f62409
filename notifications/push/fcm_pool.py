"""The FCM transport the project speaks itself (``FCM_TRANSPORT=pool``, the default): FCM's
documented HTTP v1 contract (:mod:`.fcm_v1`) over :class:`~.http_pool.HTTPPool`, an asyncio
keep-alive pool (one connection per request in flight), through an HTTPS proxy with CONNECT when
one is configured.

Access tokens come from google-auth's public API
(``service_account.Credentials.from_service_account_file(..., scopes=[FCM_SCOPE])``, ``refresh``,
``token``, ``valid``): one refresh per batch when missing or expiring, and once more when FCM
answers 401, resending only what was refused (as google-auth's ``AuthorizedSession`` does, once
per batch instead of once per thread). About 0.2 ms of worker CPU per message.

:func:`token_problem` turns a failed token fetch into the verdict of every message of the batch;
the sdk transport (:mod:`.fcm_sdk`) uses it too.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Sequence
from typing import Any

import certifi
import google.auth.exceptions
import google.auth.transport.requests
import requests
from google.oauth2 import service_account

from .base import PushMessage, PushOutcome
from .fcm_v1 import (
    FCM_ORIGIN,
    FCM_SCOPE,
    MAX_REASON_LENGTH,
    REQUEST_HEADERS,
    Verdict,
    answer_outcome,
    encode_request,
    is_expired_token,
    send_path,
)
from .http_pool import HTTPPool, PoolTimeout, Response


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
