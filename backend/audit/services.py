"""Recording sensitive actions. Call inside the action's transaction so both land or neither."""

from backend.request_id import current_request_id

from .models import Action, AuditEvent


def audit_record(*, actor, action: Action, target=None, details: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
        request_id=current_request_id(),
    )
