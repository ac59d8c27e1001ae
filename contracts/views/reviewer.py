"""Reviewers: 待审核 (with batch approval), 已审核, and a contract's detail with 审核通过 / 审核不通过."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from schools.selectors import reviewer_for_user
from signing_platform.access import role_required
from signing_platform.accounts.models import Role

from .. import selectors, services
from ..forms import ListFilterForm, ReasonForm
from ..models import ContractStatus, TerminationStage
from .common import done, page_or_fragment, paginate, with_query


def reviewer_required(view):
    """A signed-in, active reviewer; the view gets it as request.reviewer. Anyone else: 404."""

    @role_required(Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        reviewer = reviewer_for_user(request.user)
        if reviewer is None or not reviewer.is_active:
            raise Http404
        request.reviewer = reviewer
        return view(request, *args, **kwargs)

    return wrapped


def reviewer_list(request, *, url_name: str, selector, template: str, active_menu: str | None = None):
    """A filtered, paginated reviewer list. POSTed filters become a GET URL without the ID number (a redirect, or
    with htmx the list fragment and HX-Push-Url)."""
    base = reverse(url_name)
    form = ListFilterForm(request.POST if request.method == "POST" else request.GET)
    filters = form.to_filters() if form.is_valid() else selectors.ListFilters()
    query = form.query() if form.is_valid() else {}
    url = with_query(base, query) if request.method == "POST" and form.is_valid() else None
    if url and not request.htmx:
        return done(request, url)
    rows = paginate(request, selector(reviewer=request.reviewer, filters=filters))
    context = {
        "form": form, "rows": rows, "query": query, "filter_query": query, "list_url": base,
        "active_menu": active_menu or url_name,
    }
    return page_or_fragment(request, template, "review-list", context, push_url=url)


@reviewer_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def queue(request):
    """待审核: the contracts waiting for this reviewer's level."""
    return reviewer_list(
        request, url_name="contracts:review_queue", selector=selectors.review_queue, template="contracts/review_queue.html"
    )


@reviewer_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def history(request):
    """已审核: the decisions taken at this reviewer's level."""
    return reviewer_list(
        request, url_name="contracts:review_history", selector=selectors.review_history,
        template="contracts/review_history.html",
    )


def _detail_context(request, contract, reject_form=None):
    step = services.review_step_for(reviewer=request.reviewer, contract=contract)
    return {
        "contract": contract,
        "steps": selectors.progress_steps(contract),
        "actions_template": "contracts/_actions_reviewer.html",
        "can_review": step is not None,
        "can_review_termination": contract.status == ContractStatus.TERMINATING
        and contract.termination_stage == TerminationStage.SCHOOL
        and services.termination_reviewer_may_review(reviewer=request.reviewer, contract=contract),
        "reject_form": reject_form or ReasonForm(label="不通过原因", required=True),
        "full_id_number": contract.graduate.id_number(),
        "active_menu": "contracts:review_queue",
    }


@reviewer_required
@require_http_methods(["GET"])
def detail(request, pk):
    contract = selectors.contract_for_reviewer(reviewer=request.reviewer, pk=pk)
    return page_or_fragment(request, "contracts/detail.html", "detail-modal", _detail_context(request, contract))


@reviewer_required
@require_POST
def approve(request, pk):
    contract = selectors.contract_for_reviewer(reviewer=request.reviewer, pk=pk)
    try:
        services.approve(actor=request.user, contract=contract)
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已审核通过：{contract.graduate.name}")
    return done(request, reverse("contracts:review_queue"))


@reviewer_required
@require_POST
def reject(request, pk):
    contract = selectors.contract_for_reviewer(reviewer=request.reviewer, pk=pk)
    form = ReasonForm(request.POST, label="不通过原因", required=True)
    if form.is_valid():
        try:
            services.reject(actor=request.user, contract=contract, reason=form.cleaned_data["reason"])
        except services.ContractError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已审核不通过：{contract.graduate.name}")
            return done(request, reverse("contracts:review_queue"))
    return page_or_fragment(
        request, "contracts/detail.html", "detail-modal", _detail_context(request, contract, reject_form=form)
    )


@reviewer_required
@require_POST
def batch_approve(request):
    """批量通过: each selected row is approved on its own; rows that cannot be are reported, the others pass."""
    ids = [int(value) for value in request.POST.getlist("contract") if value.isdigit()]
    in_scope = list(
        selectors.contracts_in_reviewer_scope(request.reviewer).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if not in_scope:
        messages.error(request, "请先勾选要审核通过的记录")
        return done(request, reverse("contracts:review_queue"))
    approved, problems = services.batch_approve(actor=request.user, contract_ids=in_scope)
    if approved:
        messages.success(request, f"已审核通过{approved}条记录")
    for problem in dict.fromkeys(problems):
        messages.error(request, problem)
    return done(request, reverse("contracts:review_queue"))
