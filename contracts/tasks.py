from celery import shared_task

from . import services


@shared_task
def expire_overdue_invitations() -> int:
    """Beat job: invitations past their deadline become EXPIRED (idempotent; concurrent runs skip each other's rows)."""
    return services.expire_overdue()


@shared_task
def remind_expiring_invitations() -> int:
    """Beat job: one SMS per invitation that has less than 24 hours left."""
    return services.remind_expiring()


@shared_task
def expire_termination_requests() -> int:
    """Beat job: termination requests the counterpart left unanswered past the deadline fail (idempotent)."""
    return services.expire_termination_requests()
