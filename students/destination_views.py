"""毕业去向 for the graduate: the record in force and the request under review, 登记 (or 变更) with the fields of the
chosen code, 撤回, the proof they uploaded, and the 去向证明 PDF of a confirmed destination."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signing_platform.errors import NotFound
from signing_platform.forms import apply_service_errors
from signing_platform.uploads import private_file_response
from signing_platform.web import done, page_or_fragment

from . import presentation, rules, selectors, services
from .access import student_page
from .forms import CodeChoiceForm, RegistrationForm, initial_from
from .models import DestinationRecord, RecordStatus
from .pdf import render_certificate
from .verification import destination_check_url

ACTIVE_MENU = "destinations:student"


def _page_context(graduate) -> dict:
    destination = selectors.destination_of(graduate)
    pending = destination.request if rules.is_open_request(destination.request) else None
    return presentation.destination_page(
        destination, holds_active_contract=selectors.holds_active_contract(graduate), pending=pending
    )


@student_page()
@require_GET
def destination(request, graduate):
    """毕业去向: the destination in force, the request and its state (退回修改 with the reason), what may be done."""
    context = _page_context(graduate)
    in_force, request_record = context["in_force"], context["request_record"]
    context.update(
        graduate=graduate,
        in_force_details=presentation.details(in_force) if in_force else [],
        request_details=presentation.details(request_record) if request_record else [],
        history=selectors.history_of(graduate),
        active_menu=ACTIVE_MENU,
    )
    return render(request, "students/destination.html", context)


def _chosen_code(value: str, codes):
    return next((code for code in codes if code.code == value), None)


@student_page()
@require_http_methods(["GET", "POST"])
def register(request, graduate):
    """毕业去向登记: choose the code (htmx swaps in its fields; without JavaScript 下一步 does), fill them in, upload the
    proof. A request returned for correction comes back filled in, its proof kept unless a new one is uploaded."""
    context = _page_context(graduate)
    destination = context["destination"]
    returned = destination.request if context["returned"] else None
    codes = list(selectors.registrable_codes())
    wanted = request.POST.get("code") if request.method == "POST" else request.GET.get("code")
    code = _chosen_code(wanted or (returned.code_id if returned else ""), codes)
    form = None
    if code is not None and context["can_register"]:
        keep = services.reusable_proof(destination, code) is not None
        initial = initial_from(returned) if returned is not None and returned.code_id == code.code else {}
        form = RegistrationForm(request.POST if request.method == "POST" else None,
                                request.FILES if request.method == "POST" else None,
                                code=code, can_keep_proof=keep, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                record = services.register(actor=request.user, registration=form.registration(),
                                           proof=form.cleaned_data.get("proof"), keep_previous_proof=keep)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except services.DestinationError as exc:
                form.add_error(None, exc.message)
            else:
                waiting = "学院审核" if record.status == RecordStatus.PENDING_COLLEGE else "学校审核"
                messages.success(request, f"毕业去向登记已提交，等待{waiting}")
                return redirect("destinations:student")
    elif request.method == "POST":
        messages.error(request, "请先选择毕业去向" if context["can_register"] else "当前不能登记毕业去向")
        return redirect("destinations:register")
    context.update(
        choice_form=CodeChoiceForm(codes=codes, initial={"code": code.code if code else ""}),
        code=code, form=form, returned=returned, active_menu=ACTIVE_MENU,
        is_change=context["in_force"] is not None,
    )
    return page_or_fragment(request, "students/destination_register.html", "destination-fields", context,
                            push_url=reverse("destinations:register") + f"?code={code.code}" if code else None)


@student_page()
@require_POST
def withdraw(request, graduate, pk):
    """撤回 a request under review or returned; the destination in force stays."""
    try:
        services.withdraw(actor=request.user, record=DestinationRecord(pk=pk))
    except services.DestinationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回毕业去向登记")
    return done(request, reverse("destinations:student"))


def proof_response(record: DestinationRecord):
    """The proof of a record the caller has already fetched for this user."""
    if not record.proof:
        raise NotFound
    extension = record.proof.name.rsplit(".", 1)[-1]
    return private_file_response(record.proof, content_type=record.proof_content_type,
                                 download_name=f"proof-{record.pk}.{extension}")


@student_page()
@require_GET
def proof(request, graduate, pk):
    return proof_response(selectors.record_for_student(user=request.user, pk=pk))


@student_page()
@require_GET
def certificate(request, graduate):
    """去向证明: the confirmed destination in force as a PDF, with its 核验编号 and the QR code of its check."""
    destination = selectors.destination_of(graduate)
    if destination.record_id is None:
        raise NotFound
    record = destination.record
    record.graduate = graduate
    pdf = render_certificate(record, verification_url=destination_check_url(request, record))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="destination-{record.verification_no}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
