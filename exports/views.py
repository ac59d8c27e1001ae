"""导出Excel: the button's POST (a small export comes straight back as the file), a large export's progress page,
and its download — for the user who asked only (404 for anyone else)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from signing_platform import ratelimits
from signing_platform.uploads import private_file_response
from signing_platform.web import page_or_fragment, with_query

from . import selectors, services
from .kinds import KINDS
from .models import ExportStatus
from .workbook import CONTENT_TYPE

EXPORTS_PER_HOUR = "60/h"
# How often the progress fragment asks again while the worker writes.
POLL_SECONDS = 2


def attachment(export) -> str:
    """Content-Disposition of an export: the Chinese name as RFC 5987 UTF-8, an ASCII one for older clients."""
    return f"attachment; filename=\"{export.ascii_filename}\"; filename*=UTF-8''{quote(export.filename)}"


def list_url(export) -> str:
    """The page the export was made from, with its filters."""
    kind = KINDS.get(export.kind)
    return with_query(reverse(kind.list_url), export.filters) if kind else reverse("home")


@login_required
@require_POST
def start(request, kind):
    """导出Excel of a list with the filters its page posts (the ID number only as its hash, like the page's URL)."""
    entry, _scope = services.export_allowed(user=request.user, kind=kind)
    try:
        limited = ratelimits.hit(request, group="export", key=str(request.user.pk), rate=EXPORTS_PER_HOUR)
    except ratelimits.RateLimitUnavailable:
        limited = True
    if limited:
        messages.error(request, "导出过于频繁，请稍后再试")
        return redirect(reverse(entry.list_url))
    try:
        started = services.export_start(user=request.user, kind=kind, query=request.POST)
    except services.ExportError as exc:
        messages.error(request, exc.message)
        return redirect(reverse(entry.list_url))
    export = started.export
    if started.file is None:
        return redirect("exports:status", export.pk)
    response = FileResponse(started.file, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = attachment(export)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def status(request, pk):
    """A large export's progress (the fragment asks again every few seconds with htmx; without JavaScript the page
    has a refresh link), then its download link until the file is deleted."""
    export = selectors.export_for_user(user=request.user, pk=pk)
    downloadable = export.downloadable(timezone.now())
    context = {
        "export": export,
        "downloadable": downloadable,
        # Past its time the file is gone for the user, whether or not the sweep has deleted it yet.
        "expired": export.status == ExportStatus.EXPIRED or (export.background and export.status == ExportStatus.DONE
                                                            and not downloadable),
        "status_url": reverse("exports:status", args=[export.pk]),
        "download_url": reverse("exports:download", args=[export.pk]),
        "list_url": list_url(export),
        "poll_seconds": POLL_SECONDS,
        "active_menu": KINDS[export.kind].list_url if export.kind in KINDS else None,
    }
    return page_or_fragment(request, "exports/status.html", "export-status", context)


@login_required
@require_GET
def download(request, pk):
    export = selectors.export_for_user(user=request.user, pk=pk)
    if not export.downloadable(timezone.now()):
        raise Http404
    response = private_file_response(export.file, content_type=CONTENT_TYPE, download_name=export.filename)
    response["Content-Disposition"] = attachment(export)
    return response
