"""Delivering due notifications: claim a batch under a lease, push it, record the results.

One round (`Courier.deliver_batch`):

1. Release expired leases: rows a worker claimed but never recorded (it was killed) become
   PENDING again, or FAILED once they have used up `max_attempts`.
2. Claim, in one short transaction: lock up to `batch_size` PENDING rows due now, oldest first,
   with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so concurrent workers take disjoint
   batches without waiting for each other (on SQLite the transaction starts with BEGIN
   IMMEDIATE, which serialises claims: one worker is the supported set-up there). Each row is
   decided inside that transaction, so `outbox.schedule`/`cancel` never see a half-decided row:
   * kind turned off, account inactive or no active device: SKIPPED (in the inbox, not pushed);
   * recipient in quiet hours: `due_at` moves to when they end, the row stays PENDING;
   * otherwise SENDING with a lease (`claimed_by`, `claimed_until`) and `attempts + 1`.
   A row reaches the inbox (`delivered_at`, and a live hint after the commit) the first time
   a worker takes it up.
3. Push outside any transaction: one message per (notification, active device).
4. Record, fenced on the lease (status SENDING and `claimed_by` = this worker) so a worker that
   overran its lease cannot overwrite the result of the one that took over:
   * a device accepted it: SENT;
   * every device token was rejected as unregistered or invalid: SKIPPED, tokens deactivated;
   * transient failure (FCM 429/5xx, a timeout, a lost connection): PENDING again after an
     exponential, jittered delay, never sooner than FCM's Retry-After, until `max_attempts`,
     then FAILED with the reason. This is the only retry level: the back-end sends each
     message once, so no lease is held (and no worker thread sleeps) while a retry waits;
   * anything else: FAILED with the reason.

Delivery is at least once. A worker killed between pushing and recording leaves a lease that
expires, and the next worker pushes again; each push carries the notification's key as its
replacement tag (Android notification tag, iOS apns-collapse-id), so the phone replaces the
first copy instead of showing two. A record that fails (database restart) is kept and retried
at the start of the next round, before the lease can expire.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random as _random
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from graphql_relay import to_global_id

from .events import announce_received
from .models import Device, Notification, Status
from .push import PushBackend, PushMessage, PushOutcome, PushResult, TokenKind
from .recipients import settings_for_users

logger = logging.getLogger("notifications.delivery")

NOTIFICATION_TYPE = "Notification"  # the GraphQL type name in deep links
REASON_KIND_OFF = "Turned off in the recipient's preferences."
REASON_NO_DEVICE = "The recipient has no device registered for push."
REASON_INACTIVE = "The recipient's account is deactivated."
REASON_LEASE_EXPIRED = "A worker stopped before recording the result; sending again."
_MAX_REASON = 500
_MAX_TAG_BYTES = 64  # APNs refuses a longer apns-collapse-id


def replacement_tag(key: str) -> str:
    """The push tag for a notification key: the key itself when short enough, else a digest."""
    if len(key.encode()) <= _MAX_TAG_BYTES:
        return key
    return "n-" + hashlib.sha256(key.encode()).hexdigest()[:40]


class DueNotification(NamedTuple):
    """The columns of a due notification the worker reads (a plain row: the worker takes 500
    a round, and building model instances for them was a large share of its CPU)."""

    pk: int
    recipient_id: int
    kind: str
    key: str
    title: str
    body: str
    target_type: str
    target_id: str
    attempts: int
    delivered_at: datetime | None


class ActiveDevice(NamedTuple):
    pk: int
    user_id: int
    token: str
    token_kind: str


def push_message(
    notification: Notification | DueNotification, device: Device | ActiveDevice
) -> PushMessage:
    """What the phone receives. `data` is the deep link the app opens: `type` (GraphQL type
    name) and `id` (global id) of the target, plus the notification's kind and global id."""
    data = {
        "kind": notification.kind,
        "notificationId": to_global_id(NOTIFICATION_TYPE, notification.pk),
    }
    if notification.target_type:
        data["type"] = notification.target_type
    if notification.target_id:
        data["id"] = notification.target_id
    thread = (
        f"{notification.target_type}:{notification.target_id}"
        if notification.target_id
        else notification.kind
    )
    return PushMessage(
        token=device.token,
        token_kind=TokenKind(device.token_kind),
        title=notification.title,
        body=notification.body,
        data=data,
        tag=replacement_tag(notification.key),
        thread_id=thread[:200],
    )


@dataclass
class BatchReport:
    """What one round (or several, added up) did."""

    taken: int = 0  # due rows looked at
    claimed: int = 0  # rows pushed
    sent: int = 0
    skipped: int = 0
    deferred: int = 0  # moved to the end of quiet hours
    retrying: int = 0  # transient failure, due again later
    failed: int = 0
    released: int = 0  # expired leases made claimable again
    lost_leases: int = 0  # results not recorded because another worker took the row over
    messages: int = 0
    tokens_deactivated: int = 0
    full: bool = False  # the round took a full batch: more may be due

    def add(self, other: BatchReport) -> BatchReport:
        for item in fields(self):
            if item.name != "full":
                setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        self.full = other.full
        return self


@dataclass
class _Claim:
    notifications: list[DueNotification] = field(default_factory=list)
    devices: dict[int, list[ActiveDevice]] = field(default_factory=dict)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:100]


class Courier:
    """Delivers due notifications through a push back-end; `manage.py deliver_notifications`
    runs one in a loop. Settings default to `settings.NOTIFICATIONS_WORKER`."""

    def __init__(
        self,
        backend: PushBackend,
        *,
        worker_id: str | None = None,
        batch_size: int | None = None,
        lease_seconds: float | None = None,
        max_attempts: int | None = None,
        retry_seconds: float | None = None,
        random: Callable[[], float] = _random.random,
    ) -> None:
        config = settings.NOTIFICATIONS_WORKER
        self.backend = backend
        self.worker_id = (worker_id or default_worker_id())[:100]
        self.batch_size = batch_size or config["batch_size"]
        self.lease = timedelta(seconds=lease_seconds or config["lease_seconds"])
        self.max_attempts = max_attempts or config["max_attempts"]
        self.retry_seconds = retry_seconds or config["retry_seconds"]
        self._random = random
        self._unrecorded: tuple[_Claim, list[PushResult]] | None = None
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")

    # -- rounds --------------------------------------------------------------------------

    def deliver_batch(self) -> BatchReport:
        """One round: release expired leases, claim, push, record."""
        report = BatchReport()
        if self._unrecorded is not None:
            self._record(*self._unrecorded, report)
            self._unrecorded = None
        report.released = self.release_expired_leases()
        claim = self._claim(report)
        if claim.notifications:
            results = self._push(claim, report)
            # Kept until recorded: if the database is away, the next round records it.
            self._unrecorded = (claim, results)
            self._record(claim, results, report)
            self._unrecorded = None
        return report

    def drain(self, *, max_rounds: int = 10_000) -> BatchReport:
        """Rounds until nothing more is due now (used by `--once` and tests)."""
        total = BatchReport()
        for _ in range(max_rounds):
            report = self.deliver_batch()
            total.add(report)
            if not report.full:
                break
        return total

    # -- step 1: expired leases ----------------------------------------------------------

    def release_expired_leases(self) -> int:
        now = timezone.now()
        expired = Notification.objects.filter(status=Status.SENDING, claimed_until__lt=now)
        released = expired.filter(attempts__lt=self.max_attempts).update(
            status=Status.PENDING,
            claimed_by="",
            claimed_until=None,
            last_error=REASON_LEASE_EXPIRED,
        )
        given_up = expired.filter(attempts__gte=self.max_attempts).update(
            status=Status.FAILED,
            claimed_by="",
            claimed_until=None,
            last_error=f"Gave up after {self.max_attempts} attempts: the workers sending it "
            "stopped before recording a result.",
        )
        if released or given_up:
            logger.warning(
                "Expired leases: %d notification(s) claimable again, %d failed", released, given_up
            )
        return released

    # -- step 2: claim -------------------------------------------------------------------

    def _claim(self, report: BatchReport) -> _Claim:
        now = timezone.now()
        with transaction.atomic():
            due = Notification.objects.filter(status=Status.PENDING, due_at__lte=now).order_by(
                "due_at", "id"
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            rows = [
                DueNotification._make(row)
                for row in due.values_list(*DueNotification._fields)[: self.batch_size]
            ]
            report.taken = len(rows)
            report.full = len(rows) == self.batch_size
            if not rows:
                return _Claim()
            recipient_ids = {row.recipient_id for row in rows}
            people = settings_for_users(recipient_ids)
            devices: dict[int, list[ActiveDevice]] = defaultdict(list)
            for device in map(
                ActiveDevice._make,
                Device.objects.filter(user_id__in=recipient_ids, active=True)
                .order_by("pk")
                .values_list(*ActiveDevice._fields),
            ):
                devices[device.user_id].append(device)

            skipped: dict[str, list[DueNotification]] = defaultdict(list)
            deferred: dict[datetime, list[int]] = defaultdict(list)
            claimed: list[DueNotification] = []
            for row in rows:
                person = people.get(row.recipient_id)
                if person is None or not person.is_active:
                    skipped[REASON_INACTIVE].append(row)
                elif not person.wants(row.kind):
                    skipped[REASON_KIND_OFF].append(row)
                elif not devices.get(row.recipient_id):
                    skipped[REASON_NO_DEVICE].append(row)
                elif (until := person.quiet_until(now, row.kind)) is not None:
                    deferred[until].append(row.pk)
                else:
                    claimed.append(row)

            first_delivery = Coalesce(F("delivered_at"), Value(now, output_field=DateTimeField()))
            for reason, group in skipped.items():
                Notification.objects.filter(pk__in=[row.pk for row in group]).update(
                    status=Status.SKIPPED,
                    last_error=reason,
                    claimed_by="",
                    claimed_until=None,
                    delivered_at=first_delivery,
                )
                report.skipped += len(group)
            for until, ids in deferred.items():
                Notification.objects.filter(pk__in=ids).update(due_at=until)
                report.deferred += len(ids)
            if claimed:
                Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(
                    status=Status.SENDING,
                    claimed_by=self.worker_id,
                    claimed_until=now + self.lease,
                    attempts=F("attempts") + 1,
                    delivered_at=first_delivery,
                )
                claimed = [row._replace(attempts=row.attempts + 1) for row in claimed]
                report.claimed = len(claimed)
            new_in_inbox = [
                (row.recipient_id, row.pk)
                for group in (*skipped.values(), claimed)
                for row in group
                if row.delivered_at is None
            ]
            announce_received(new_in_inbox)
        return _Claim(claimed, {user_id: devices[user_id] for user_id in recipient_ids})

    # -- step 3: push --------------------------------------------------------------------

    def _push(self, claim: _Claim, report: BatchReport) -> list[PushResult]:
        messages = [
            push_message(notification, device)
            for notification in claim.notifications
            for device in claim.devices[notification.recipient_id]
        ]
        report.messages += len(messages)
        try:
            results = self.backend.send(messages)
            if len(results) != len(messages):
                raise RuntimeError(f"{len(messages)} messages but {len(results)} results")
        except Exception as exc:
            # A bug or outage in the back-end must not strand the batch until the lease
            # expires: treat every message as a transient failure and let retries decide.
            logger.exception("Push back-end %s failed on a batch", self.backend.name)
            reason = f"Push back-end error: {exc!r}"[:_MAX_REASON]
            results = [PushResult(m.token, PushOutcome.TRANSIENT, error=reason) for m in messages]
        return results

    # -- step 4: record ------------------------------------------------------------------

    def _record(self, claim: _Claim, results: list[PushResult], report: BatchReport) -> None:
        now = timezone.now()
        outcomes = iter(results)
        groups: dict[tuple[Status, str, datetime | None], list[int]] = defaultdict(list)
        dead_devices: dict[str, list[int]] = defaultdict(list)
        jitter = self._random()
        for notification in claim.notifications:
            per_device = [
                (device, next(outcomes)) for device in claim.devices[notification.recipient_id]
            ]
            for device, result in per_device:
                if result.deactivates_token:
                    dead_devices[(result.error or result.outcome.value)[:_MAX_REASON]].append(
                        device.pk
                    )
            problems = [result for _device, result in per_device if not result.ok]
            if len(problems) < len(per_device):
                summary = _summarise(problems) if problems else ""
                groups[(Status.SENT, summary, None)].append(notification.pk)
            elif all(result.deactivates_token for result in problems):
                reason = "No device accepted it: " + _summarise(problems)
                groups[(Status.SKIPPED, reason, None)].append(notification.pk)
            elif (
                any(result.outcome is PushOutcome.TRANSIENT for result in problems)
                and notification.attempts < self.max_attempts
            ):
                due = now + self._retry_delay(notification.attempts, problems, jitter)
                groups[(Status.PENDING, _summarise(problems), due)].append(notification.pk)
            else:
                groups[(Status.FAILED, _summarise(problems), None)].append(notification.pk)

        with transaction.atomic():
            ours = Notification.objects.filter(status=Status.SENDING, claimed_by=self.worker_id)
            for (status, reason, retry_at), ids in groups.items():
                changes: dict[str, object] = {
                    "status": status,
                    "last_error": reason[:_MAX_REASON],
                    "claimed_by": "",
                    "claimed_until": None,
                }
                if status == Status.SENT:
                    changes["sent_at"] = now
                if retry_at is not None:
                    changes["due_at"] = retry_at
                updated = ours.filter(pk__in=ids).update(**changes)
                report.lost_leases += len(ids) - updated
                counter = {
                    Status.SENT: "sent",
                    Status.SKIPPED: "skipped",
                    Status.PENDING: "retrying",
                    Status.FAILED: "failed",
                }[status]
                setattr(report, counter, getattr(report, counter) + updated)
            for reason, device_ids in dead_devices.items():
                report.tokens_deactivated += Device.objects.filter(
                    pk__in=device_ids, active=True
                ).update(active=False, deactivated_at=now, deactivation_reason=reason)
        if report.lost_leases:
            logger.warning(
                "%d result(s) not recorded: the lease expired and another worker took over "
                "(raise NOTIFICATIONS_LEASE_SECONDS above the longest send)",
                report.lost_leases,
            )

    def _retry_delay(self, attempts: int, problems: list[PushResult], jitter: float) -> timedelta:
        # Exponential with "equal jitter": between half and all of base * 2^(n-1), and never
        # sooner than FCM asked with Retry-After.
        ceiling = self.retry_seconds * 2 ** max(attempts - 1, 0)
        hinted = max((result.retry_after or 0.0 for result in problems), default=0.0)
        return timedelta(seconds=max(ceiling / 2 + jitter * ceiling / 2, hinted))


def _summarise(problems: list[PushResult]) -> str:
    reasons: dict[str, int] = {}
    for result in problems:
        reason = result.error or result.outcome.value
        reasons[reason] = reasons.get(reason, 0) + 1
    text = "; ".join(
        f"{reason} (x{count})" if count > 1 else reason for reason, count in reasons.items()
    )
    return text[:_MAX_REASON]
