"""Reading consent requests: what people are asked, by whom (the grantor's inbox).

Kept apart from `selectors.py` (progress) so the two grow without stepping on each other.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ConsentGrant


def consents_asked_of(person, state: str | None = None) -> QuerySet[ConsentGrant]:
    """The consent requests addressed to `person` (optionally in one state), newest first,
    with what the inbox shows (the asking teacher, the credential, the item)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return ConsentGrant.objects.none()
    queryset = ConsentGrant.objects.filter(grantor_id=person.pk).select_related(
        "pursuit__person", "pursuit__version", "evidence_item"
    )
    if state is not None:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-requested_at", "-id")


def consent_asked_of(person, consent_id: Any) -> ConsentGrant | None:
    """The request if it is addressed to `person`; None for anyone else's and unknown ids."""
    try:
        pk = int(consent_id)
    except (TypeError, ValueError):
        return None
    return consents_asked_of(person).filter(pk=pk).first()
