"""Live hints about a visit, sent after commit to each participant's `user.<id>` group.

Only the host and visitors are told (the content is theirs); the payload carries ids and the
status, never content: each subscription loads the visit as its subscriber may read it when
the event arrives (`observations.graphql.schema`). The group and the event are named in
backend.live.
"""

from backend.live import VISIT_CHANGED, broadcast, user_group

from ..models import Visit, VisitParticipant


def visit_changed(visit: Visit, change: str, *, actor) -> None:
    """`change` is a VisitChange value (see graphql/enums.py)."""
    payload = {
        "visit_id": visit.pk,
        "change": change,
        "revision": visit.revision,
        "status": str(visit.status),
        "actor_id": getattr(actor, "pk", None),
    }
    for person_id in VisitParticipant.objects.filter(visit=visit).values_list(
        "person_id", flat=True
    ):
        broadcast(user_group(person_id), VISIT_CHANGED, payload)
