"""毕业去向审核 for college and school reviewers: the queue of their level (with batch 通过), 已审核, and a record's
page with its proof shown inline, 通过 and 退回 (with a required reason)."""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.forms import ReasonForm
from contracts.views.reviewer import reviewer_list
from schools.access import reviewer_required
from schools.selectors import colleges_for_reviewer
from signing_platform import web
from signing_platform.replica import reads_from_replica
from signing_platform.web import done, page_or_fragment

from . import presentation, rules, selectors, services
from .destination_views import proof_response
from .forms import DestinationFilterForm
from .models import DestinationRecord, RecordStatus

ACTIVE_MENU = "destinations:review_queue"


def _filter_form(reviewer, *, statuses=()):
    colleges = list(colleges_for_reviewer(reviewer))
    return lambda data: DestinationFilterForm(data, colleges=colleges, statuses=statuses)


@reviewer_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def queue(request):
    """毕业去向审核: the registrations waiting for this reviewer's level, oldest first."""
    return reviewer_list(
        request, url_name="destinations:review_queue", selector=selectors.review_queue,
        template="students/destination_queue.html", filter_form=_filter_form(request.reviewer),
        decorate=_label_codes,
    )


def _label_codes(rows):
    for row in rows:
        row.code_label = presentation.code_label(row)


@reviewer_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
@reads_from_replica
def history(request):
    """已审核: the decisions taken at this reviewer's level; 状态 filters the record's state now."""

    def decorate(rows):
        for event in rows:
            event.record.code_label = presentation.code_label(event.record)
            event.record.badge = presentation.record_badge(event.record)

    return reviewer_list(
        request, url_name="destinations:review_history", selector=selectors.review_history,
        template="students/destination_history.html", active_menu=ACTIVE_MENU, decorate=decorate,
        filter_form=_filter_form(request.reviewer, statuses=list(RecordStatus)),
    )


def _detail_context(request, record: DestinationRecord, return_form=None) -> dict:
    in_force = selectors.in_force_of(record.graduate_id)
    return {
        "record": record,
        "code_label": presentation.code_label(record),
        "details": presentation.details(record),
        "steps": presentation.record_steps(record),
        "badge": presentation.record_badge(record),
        "in_force": in_force if in_force is not None and in_force.pk != record.pk else None,
        "in_force_label": presentation.code_label(in_force) if in_force is not None else "",
        "proof_is_image": record.proof_content_type.startswith("image/"),
        "can_review": rules.review_step(request.reviewer, record) is not None,
        "return_form": return_form or ReasonForm(label="退回原因", required=True),
        "active_menu": ACTIVE_MENU,
    }


@reviewer_required
@require_GET
def detail(request, pk):
    record = selectors.record_for_reviewer(reviewer=request.reviewer, pk=pk)
    return page_or_fragment(request, "students/destination_review.html", "review-detail", _detail_context(request, record))


@reviewer_required
@require_GET
def proof(request, pk):
    """The proof of a record in the reviewer's scope (an image is shown inline on the record's page)."""
    return proof_response(selectors.record_for_reviewer(reviewer=request.reviewer, pk=pk))


@reviewer_required
@require_POST
def approve(request, pk):
    try:
        record = services.approve(actor=request.user, record=DestinationRecord(pk=pk))
    except services.DestinationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已审核通过：{record.graduate.name}")
    return done(request, reverse("destinations:review_queue"))


@reviewer_required
@require_POST
def return_for_correction(request, pk):
    form = ReasonForm(request.POST, label="退回原因", required=True)
    if form.is_valid():
        try:
            record = services.return_for_correction(
                actor=request.user, record=DestinationRecord(pk=pk), reason=form.cleaned_data["reason"]
            )
        except services.DestinationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已退回修改：{record.graduate.name}")
        return done(request, reverse("destinations:review_queue"))
    record = selectors.record_for_reviewer(reviewer=request.reviewer, pk=pk)
    return page_or_fragment(request, "students/destination_review.html", "review-detail",
                            _detail_context(request, record, return_form=form), status=400)


@reviewer_required
@require_POST
def batch_approve(request):
    """批量通过: each selected row is approved on its own; rows that cannot be are reported, the others pass."""
    return web.batch_approve(
        request, field="record", scope=selectors.records_in_reviewer_scope(request.reviewer),
        approve=lambda ids: services.batch_approve(actor=request.user, record_ids=ids),
        back=reverse("destinations:review_queue"),
    )
