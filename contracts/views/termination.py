"""解约: 申请解约 and the counterpart's answer (employer and student), the 解约函 download, and the school's 解约审核."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers.access import employer_required
from schools.access import reviewer_required
from signing_platform.replica import reads_from_replica
from signing_platform.uploads import private_file_response
from signing_platform.web import done, page_or_fragment
from students.access import student_page

from .. import presentation, rules, selectors, services
from ..forms import DecisionForm, TerminationRequestForm
from ..models import Contract
from ..rules import EmployerTab
from . import employer as employer_views
from . import reviewer as reviewer_views
from . import student as student_views
from .agreement import contract_for_party

REQUEST_TEMPLATE = "contracts/termination_request.html"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def _request_termination(request, pk, load, *, cancel_url: str, after_url: str, show_in: str | None = None):
    """The 申请解约 form of either party: the page (or with htmx the modal) and its POST. `load()` fetches the contract
    for this user (NotFound for anyone else); a valid POST goes straight to the service, which checks the same."""
    form = TerminationRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_termination(
                actor=request.user, contract=Contract(pk=pk), reason=form.cleaned_data["reason"],
                attachment=form.cleaned_data["attachment"],
            )
        except services.ContractError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "解约申请已提交，等待对方确认")
            return done(request, after_url, show_in=show_in)
    contract = load()
    refusal = "" if rules.can_request_termination(contract) else f"当前状态为“{contract.shown_status}”，不能申请解约"
    context = {
        "contract": contract, "form": form, "cancel_url": cancel_url, "refusal": refusal,
        "response_days": settings.TERMINATION_RESPONSE_DAYS,
    }
    return page_or_fragment(request, REQUEST_TEMPLATE, "termination-modal", context)


def _answer_form(data=None):
    return DecisionForm(data, label="意见（不同意时必填）", refusal_label="不同意原因")


def _answer(request, pk, *, rerender, after_url: str):
    """同意/不同意解约 of the counterpart; a refusal without its reason re-renders the page with the message."""
    form = _answer_form(request.POST)
    if not form.is_valid():
        return rerender(form)
    try:
        services.answer_termination(
            actor=request.user, contract=Contract(pk=pk), agree=form.approved, note=form.cleaned_data["note"]
        )
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已同意解约，等待学校审核" if form.approved else "已不同意解约，原协议继续有效")
    return done(request, after_url)


# ---------------------------------------------------------------------------------------------- employers


@employer_required
@require_http_methods(["GET", "POST"])
def employer_request(request, pk):
    return _request_termination(request, pk, lambda: selectors.contract_for_employer(unit=request.unit, pk=pk),
                                cancel_url=employer_views.tab_url(EmployerTab.SIGNED),
                                after_url=employer_views.tab_url(EmployerTab.TERMINATING),
                                show_in=employer_views.LIST_TARGET)


@employer_required
@require_POST
def employer_answer(request, pk):
    def rerender(form):
        contract = selectors.contract_for_employer(unit=request.unit, pk=pk)
        return render(request, "contracts/detail.html", {**employer_views.detail_context(contract), "answer_form": form})

    return _answer(request, pk, rerender=rerender, after_url=employer_views.tab_url(EmployerTab.TERMINATING))


# ---------------------------------------------------------------------------------------------- students


@student_page()
@require_http_methods(["GET", "POST"])
def student_request(request, graduate, pk):
    return _request_termination(request, pk, lambda: selectors.contract_for_student(user=request.user, pk=pk),
                                cancel_url=reverse("students:home"), after_url=reverse("students:home"))


@student_page()
@require_POST
def student_answer(request, graduate, pk):
    def rerender(form):
        contract = selectors.contract_for_student(user=request.user, pk=pk)
        return render(request, "contracts/detail.html", {**student_views.detail_context(contract), "answer_form": form})

    return _answer(request, pk, rerender=rerender, after_url=reverse("students:home"))


# ---------------------------------------------------------------------------------------------- the 解约函


@require_GET
def letter(request, pk, request_pk):
    """The 解约函 of a request, to the two parties and the school's reviewers only (404 for anyone else)."""
    if not request.user.is_authenticated:
        raise Http404
    contract = contract_for_party(request.user, pk)
    termination = selectors.termination_request_for(contract=contract, pk=request_pk)
    if not termination.attachment:
        raise Http404
    extension = EXTENSIONS.get(termination.attachment_type, "bin")
    return private_file_response(
        termination.attachment, content_type=termination.attachment_type or "application/octet-stream",
        download_name=f"解约函-{contract.pk}-{termination.pk}.{extension}",
    )


# ---------------------------------------------------------------------------------------------- 解约审核 (school)


@reviewer_required(school_level=True)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def queue(request):
    """解约审核: agreed termination requests of the reviewer's school."""
    return reviewer_views.reviewer_list(
        request, url_name="contracts:termination_queue", selector=selectors.termination_queue,
        template="contracts/termination_queue.html", decorate=presentation.termination_rows,
    )


@reviewer_required(school_level=True)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
@reads_from_replica
def history(request):
    """已审核的解约申请 of the reviewer's school."""
    return reviewer_views.reviewer_list(
        request, url_name="contracts:termination_history", selector=selectors.termination_history,
        template="contracts/termination_history.html", active_menu="contracts:termination_queue",
    )


@reviewer_required(school_level=True)
@require_POST
def review(request, pk):
    """学校同意解约 / 学校不同意解约 (a reason is needed to refuse)."""
    form = DecisionForm(request.POST, label="审核意见（不通过时必填）", refusal_label="不通过原因", prefix_id="termination-review")
    if not form.is_valid():
        contract = selectors.contract_for_reviewer(reviewer=request.reviewer, pk=pk)
        context = {**reviewer_views.detail_context(request, contract), "termination_review_form": form}
        return render(request, "contracts/detail.html", context)
    try:
        request_ = services.review_termination(
            actor=request.user, contract=Contract(pk=pk), approve=form.approved, note=form.cleaned_data["note"]
        )
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        verdict = "已同意解约" if form.approved else "已不同意解约"
        messages.success(request, f"{verdict}：{request_.contract.graduate.name}")
    return done(request, reverse("contracts:termination_queue"))
