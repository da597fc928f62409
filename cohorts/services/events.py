"""Live hints about a cohort, sent after commit to `cohort.<id>` (see backend.graphql.events).

Payloads carry ids only; the subscription reloads what changed from the database.
"""

from backend.graphql.events import broadcast

EVENT = "cohort_changed"


def cohort_group(cohort_id: int) -> str:
    return f"cohort.{cohort_id}"


def cohort_changed(
    cohort_id: int, kind: str, *, membership_id: int | None = None, meeting_id: int | None = None
) -> None:
    """`kind` is a CohortChangeKind value (see graphql/enums.py)."""
    broadcast(
        cohort_group(cohort_id),
        EVENT,
        {
            "kind": kind,
            "cohort_id": cohort_id,
            "membership_id": membership_id,
            "meeting_id": meeting_id,
        },
    )
