"""导出Excel: a user exports a list as its page shows it (the page's selector and filters, masked ID numbers).

Up to EXPORT_DIRECT_MAX_ROWS rows the workbook is written at once to a temporary file and streamed back; a larger
export is queued for the worker, which writes it to private storage, where its owner can download it for
EXPORT_RETENTION_HOURS; the periodic sweep then deletes it. Every export is an Export row and an audit event (who,
which list, which filters, how many rows).
"""

import logging
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from signing_platform.accounts import audit
from signing_platform.errors import NotFound
from signing_platform.replica import read_on_replica
from signing_platform.sms.services import BROKER_ERRORS

from .kinds import KINDS, ExportKind, Params
from .models import Export, ExportStatus, export_path
from .workbook import write_xlsx

logger = logging.getLogger(__name__)

# Rows fetched from the database at a time (iterated, never all in memory).
CHUNK_SIZE = 2000
# A queued export the broker may have lost is queued again after this; one unfinished after STUCK_AFTER has failed
# (its worker died: a redelivered task never builds an export that is already running).
REQUEUE_AFTER = timedelta(minutes=2)
STUCK_AFTER = timedelta(hours=1)
BAD_FILTERS = "筛选条件有误，请修正后再导出"

S = ExportStatus


class ExportError(Exception):
    """An export that was refused; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Job:
    """What an export writes: the list (its registry entry), the user's scope in it, the filters."""

    kind: ExportKind
    scope: Any
    params: Params

    def records(self, now):
        # Read from the replica when one is configured (an export is the heaviest read there is).
        return read_on_replica(lambda: self.kind.rows(self.scope, self.params.filters, now))

    def headers(self) -> list[str]:
        return ["序号", *(column.header for column in self.kind.columns(self.params.filters))]

    def cells(self, now) -> Iterator[list]:
        columns = self.kind.columns(self.params.filters)
        records = self.records(now).iterator(chunk_size=CHUNK_SIZE)
        for number, record in enumerate(records, start=1):
            yield [number, *(column.value(record, now) for column in columns)]

    def write(self, target, now, progress=None) -> int:
        return write_xlsx(target, sheet_title=self.params.title, headers=self.headers(), rows=self.cells(now),
                          progress=progress, every=CHUNK_SIZE)


def export_allowed(*, user, kind: str) -> tuple[ExportKind, Any]:
    """The list `kind` and this user's scope in it (their unit, their reviewer record): NotFound for a user who may
    not see that list's page."""
    entry = KINDS.get(kind)
    allowed = entry is not None and user is not None and user.is_authenticated and user.is_active
    scope = entry.scope(user) if allowed else None
    if scope is None:
        raise NotFound
    return entry, scope


def _job(*, user, kind: str, query: Mapping[str, str]) -> Job:
    entry, scope = export_allowed(user=user, kind=kind)
    params = entry.parse(query)
    if params is None:
        raise ExportError(BAD_FILTERS)
    return Job(kind=entry, scope=scope, params=params)


@dataclass(frozen=True)
class Started:
    export: Export
    file: IO[bytes] | None  # a small export's workbook, at its start, for the response to stream; None: queued


def export_start(*, user, kind: str, query: Mapping[str, str]) -> Started:
    """Export the list `kind` with its page's filters `query`: at once up to EXPORT_DIRECT_MAX_ROWS rows, else by the
    worker (the same export still waiting or being built is not queued twice). Recorded and audited either way."""
    job = _job(user=user, kind=kind, query=query)
    now = timezone.now()
    expected = job.records(now).count()
    if expected > settings.EXPORT_DIRECT_MAX_ROWS:
        return Started(export=_queue(user, job, expected, now), file=None)
    file = tempfile.TemporaryFile()
    try:
        written = job.write(file, now)
        with transaction.atomic():
            export = Export.objects.create(
                user=user, kind=job.kind.key, title=job.params.title, filters=job.params.query, status=S.DONE,
                row_count=written, rows_written=written, created_at=now, finished_at=timezone.now(),
            )
            _audit(export)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return Started(export=export, file=file)


def _queue(user, job: Job, expected: int, now) -> Export:
    waiting = Export.objects.filter(user=user, kind=job.kind.key, status__in=[S.PENDING, S.RUNNING])
    for export in waiting.order_by("-created_at")[:20]:
        if export.filters == job.params.query:
            return export
    with transaction.atomic():
        export = Export.objects.create(
            user=user, kind=job.kind.key, title=job.params.title, filters=job.params.query, background=True,
            status=S.PENDING, row_count=expected, created_at=now,
        )
        _audit(export)
        transaction.on_commit(partial(_enqueue, export.pk))
    return export


def _audit(export: Export) -> None:
    audit.record(actor=export.user, action="export", target=export, kind=export.kind, title=export.title,
                 filters=export.filters, rows=export.row_count, background=export.background)


def _enqueue(export_id: int) -> None:
    from .tasks import build_export

    try:
        build_export.delay(export_id)
    except BROKER_ERRORS as exc:
        logger.warning("export %s left for the sweep, broker unavailable: %s", export_id, exc)


def export_build(*, export_id: int) -> int:
    """Write a queued export's file (the worker's task): only a PENDING export is built, once, so the task is safe to
    run twice. The scope and filters are checked again: an owner who lost access to the list gets nothing.
    Returns how many rows were written."""
    if not Export.objects.filter(pk=export_id, status=S.PENDING).update(status=S.RUNNING):
        return 0
    export = Export.objects.select_related("user").get(pk=export_id)
    try:
        job = _job(user=export.user, kind=export.kind, query=export.filters)
    except (NotFound, ExportError):
        _fail(export_id, "导出已取消：账号已无权导出该列表")
        return 0
    running = Export.objects.filter(pk=export_id, status=S.RUNNING)
    storage = export.file.storage
    try:
        with tempfile.TemporaryFile() as file:
            # As the list stood when it was asked for (the deadline rule, 最新状态): "now" is that moment.
            written = job.write(file, export.created_at, progress=lambda rows: running.update(rows_written=rows))
            file.seek(0)
            name = storage.save(export_path(export, "export.xlsx"), File(file))
    except Exception:
        logger.exception("export %s failed", export_id)
        _fail(export_id, "生成失败，请重新导出")
        return 0
    finished = timezone.now()
    kept = running.update(
        status=S.DONE, file=name, row_count=written, rows_written=written, finished_at=finished,
        expires_at=finished + timedelta(hours=settings.EXPORT_RETENTION_HOURS),
    )
    if not kept:  # the sweep gave up on it meanwhile: nobody will fetch this file
        storage.delete(name)
    return written


def _fail(export_id: int, why: str) -> None:
    Export.objects.filter(pk=export_id, status__in=[S.PENDING, S.RUNNING]).update(
        status=S.FAILED, error=why, finished_at=timezone.now()
    )


def exports_sweep(*, now=None) -> int:
    """Beat job: delete the files whose time is up, queue again what the broker may have lost, fail exports whose
    worker died. Idempotent. Returns how many files were deleted."""
    now = now or timezone.now()
    deleted = 0
    for export in Export.objects.filter(status=S.DONE, expires_at__lte=now).only("pk", "file").iterator():
        if export.file:
            export.file.storage.delete(export.file.name)
        deleted += Export.objects.filter(pk=export.pk, status=S.DONE).update(status=S.EXPIRED, file="")
    Export.objects.filter(status__in=[S.PENDING, S.RUNNING], created_at__lte=now - STUCK_AFTER).update(
        status=S.FAILED, error="导出超时，请重新导出", finished_at=now
    )
    for export_id in Export.objects.filter(status=S.PENDING, created_at__lte=now - REQUEUE_AFTER).values_list(
        "pk", flat=True
    )[:100]:
        _enqueue(export_id)
    return deleted
