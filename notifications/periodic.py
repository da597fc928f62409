"""Small periodic jobs the reminder worker runs between its rounds, for apps above this one.

An app registers its job in its AppConfig.ready (`register("surveys.open", job, every_seconds=60)`)
so the worker (deliver_notifications) never imports the app. Each worker run keeps its own
`Schedule`: a job runs from one sender loop at a time, at most once per `every_seconds`, the
first time at the worker's first round; what it raises reaches the worker's loop as a failed
round would (a lost database is waited out there).
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    run: Callable[[], object]
    every_seconds: float


_jobs: dict[str, Job] = {}


def register(name: str, run: Callable[[], object], *, every_seconds: float) -> None:
    """Have the worker call `run()` at most every `every_seconds`; registering a name again
    replaces its job."""
    _jobs[name] = Job(run=run, every_seconds=every_seconds)


class Schedule:
    """One worker run's clock for the registered jobs."""

    def __init__(self) -> None:
        self._last_run: dict[str, float] = {}
        self._lock = threading.Lock()

    def run_due(self) -> None:
        """Run the jobs whose time has come; a no-op while another sender loop runs them."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            for name, job in list(_jobs.items()):
                now = time.monotonic()
                if now - self._last_run.get(name, float("-inf")) < job.every_seconds:
                    continue
                self._last_run[name] = now
                job.run()
        finally:
            self._lock.release()
