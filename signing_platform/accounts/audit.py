from .models import AuditEvent


def record(*, actor, action: str, target, **detail) -> AuditEvent:
    """Append an audit event for `target` (a model instance) in the caller's transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        detail=detail,
    )
