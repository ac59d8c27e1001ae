"""Reviewers: 待审核 (with batch approval), 已审核, and a contract's detail with 审核通过 / 审核不通过."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schools import views as schools_views
from schools.access import reviewer_required
from signing_platform import web
from signing_platform.replica import reads_from_replica
from signing_platform.web import done, page_or_fragment, paginate, with_query

from .. import presentation, rules, selectors, services
from ..forms import ListFilterForm, ReasonForm
from ..models import Contract


def reviewer_list(request, *, url_name: str, selector, template: str, active_menu: str | None = None,
                  decorate=None, filter_form=ListFilterForm):
    """A filtered, paginated reviewer list. POSTed filters become a GET URL without the ID number (a redirect, or
    with htmx the list fragment and HX-Push-Url). `filter_form(data)` makes the filter form: a ListFilterForm, or
    one with the same to_filters / empty_filters / query (毕业去向审核's)."""
    base = reverse(url_name)
    form = filter_form(request.POST if request.method == "POST" else request.GET)
    filters = form.to_filters() if form.is_valid() else form.empty_filters()
    query = form.query() if form.is_valid() else {}
    url = with_query(base, query) if request.method == "POST" and form.is_valid() else None
    if url and not request.htmx:
        return done(request, url)
    rows = paginate(request, selector(reviewer=request.reviewer, filters=filters))
    if decorate is not None:
        decorate(rows)
    context = {
        "form": form, "rows": rows, "query": query, "list_url": base, "active_menu": active_menu or url_name,
    }
    return page_or_fragment(request, template, "review-list", context, push_url=url)


@reviewer_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def queue(request):
    """待审核: the contracts waiting for this reviewer's level."""
    return reviewer_list(
        request, url_name="contracts:review_queue", selector=selectors.review_queue, template="contracts/review_queue.html",
        decorate=presentation.review_rows,
    )


@reviewer_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
@reads_from_replica
def history(request):
    """已审核: the decisions taken at this reviewer's level."""
    now = timezone.now()
    return reviewer_list(
        request, url_name="contracts:review_history", selector=selectors.review_history,
        template="contracts/review_history.html",
        decorate=lambda rows: presentation.decorate_status([event.contract for event in rows], now),
    )


def detail_context(request, contract, reject_form=None, id_number_cell=None) -> dict:
    """The detail page; the 身份证号 shows masked unless `id_number_cell` holds a reveal's outcome."""
    now = timezone.now()
    reviewer = request.reviewer
    actions = {
        "can_review": rules.review_step(reviewer, contract) is not None,
        "can_review_termination": rules.can_review_termination(reviewer, contract),
    }
    return {
        **presentation.contract_page(contract, selectors.latest_termination(contract), now, viewer=None, actions=actions),
        "actions_template": "contracts/_actions_reviewer.html",
        "reject_form": reject_form or ReasonForm(label="不通过原因", required=True),
        "graduate": contract.graduate,
        "reveal_url": reverse("contracts:review_id_number", args=[contract.pk]),
        **(id_number_cell or {}),
        "active_menu": "contracts:review_queue",
    }


@reviewer_required
@require_GET
def detail(request, pk):
    contract = selectors.contract_for_reviewer(reviewer=request.reviewer, pk=pk)
    return page_or_fragment(request, "contracts/detail.html", "detail-modal", detail_context(request, contract))


@reviewer_required
@require_POST
def reveal_id_number(request, pk):
    """查看完整证件号 on a contract's detail: with htmx only its cell, without JavaScript the page showing it."""
    contract = selectors.contract_for_reviewer(reviewer=request.reviewer, pk=pk)

    def page(cell):
        return render(request, "contracts/detail.html", detail_context(request, contract, id_number_cell=cell))

    return schools_views.reveal_id_number(request, contract.graduate, page=page)


@reviewer_required
@require_POST
def approve(request, pk):
    try:
        contract = services.approve(actor=request.user, contract=Contract(pk=pk))
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已审核通过：{contract.graduate.name}")
    return done(request, reverse("contracts:review_queue"))


@reviewer_required
@require_POST
def reject(request, pk):
    form = ReasonForm(request.POST, label="不通过原因", required=True)
    if form.is_valid():
        try:
            contract = services.reject(actor=request.user, contract=Contract(pk=pk), reason=form.cleaned_data["reason"])
        except services.ContractError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已审核不通过：{contract.graduate.name}")
        return done(request, reverse("contracts:review_queue"))
    contract = selectors.contract_for_reviewer(reviewer=request.reviewer, pk=pk)
    return page_or_fragment(
        request, "contracts/detail.html", "detail-modal", detail_context(request, contract, reject_form=form)
    )


@reviewer_required
@require_POST
def batch_approve(request):
    """批量通过: each selected row is approved on its own; rows that cannot be are reported, the others pass."""
    return web.batch_approve(
        request, field="contract", scope=selectors.contracts_in_reviewer_scope(request.reviewer),
        approve=lambda ids: services.batch_approve(actor=request.user, contract_ids=ids),
        back=reverse("contracts:review_queue"),
    )
