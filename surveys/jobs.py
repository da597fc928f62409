"""Surveys' periodic job, run by the reminder worker between rounds (registered in apps.py)."""

import logging

from .services.administrations import follow_ups_take_groups_due
from .services.responses import responses_open_due

logger = logging.getLogger("notifications.worker")  # the worker's log, where operators read it

# Closed surveys' sealed responses are opened this often (reports also open them on first read).
SURVEY_OPENING_SECONDS = 60.0


def open_closed_surveys() -> None:
    """Responses stay sealed until their survey closes: open those of surveys that have closed.
    A six-month follow-up about to open takes its whole group as it stands (#18)."""
    opened = responses_open_due()
    follow_ups_take_groups_due()
    if opened:
        logger.info("Opened the sealed responses of %d closed survey(s)", opened)
