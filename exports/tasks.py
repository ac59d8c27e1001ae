from celery import shared_task

from . import services


@shared_task
def build_export(export_id: int) -> int:
    """Write a large export's file (idempotent: only a queued export is built, once)."""
    return services.export_build(export_id=export_id)


@shared_task
def sweep_exports() -> int:
    """Beat job: delete export files past their retention, re-queue lost exports, fail dead ones (idempotent)."""
    return services.exports_sweep()
