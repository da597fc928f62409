"""Live hints about a cohort, sent after commit to `cohort.<id>` (named in backend.live).

Payloads carry ids only; the subscription reloads what changed from the database.
"""

from backend.live import COHORT_CHANGED, broadcast, cohort_group


def cohort_changed(
    cohort_id: int, kind: str, *, membership_id: int | None = None, meeting_id: int | None = None
) -> None:
    """`kind` is a CohortChangeKind value (see graphql/enums.py)."""
    broadcast(
        cohort_group(cohort_id),
        COHORT_CHANGED,
        {
            "kind": kind,
            "cohort_id": cohort_id,
            "membership_id": membership_id,
            "meeting_id": meeting_id,
        },
    )
