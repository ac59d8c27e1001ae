"""我的邀请 and the student's answers: 应约 (binding, with an explicit confirmation) and 拒绝."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from employers.selectors import current_archive_info
from students.views import student_page

from .. import selectors, services
from ..forms import ReasonForm
from ..models import ACTIVE_STATES, ContractStatus
from .common import done


class AcceptForm(forms.Form):
    details_confirmed = forms.BooleanField(
        label="我已核对本人信息无误", error_messages={"required": "请确认本人信息无误"}
    )
    binding_understood = forms.BooleanField(
        label="我已知晓：应约即提交学校审核，具有约束力；审核期间及签约后，其他邀请函只能查看，不能再应约",
        error_messages={"required": "请确认已知晓应约的约束力"},
    )
    archive_confirmed = forms.BooleanField(
        label="我确认档案转寄至上述档案接收单位", error_messages={"required": "请确认档案去向"}
    )
    note = forms.CharField(label="说明（选填）", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))


@student_page()
@require_GET
def invitations(request, graduate):
    """我的邀请: open invitations with their countdown; all others for reference."""
    rows = list(selectors.invitations_for_student(graduate=graduate))
    has_active = any(row.status in ACTIVE_STATES for row in rows)
    pending = [row for row in rows if row.status == ContractStatus.INVITED and not row.is_overdue()]
    others = [row for row in rows if row not in pending]
    context = {"pending": pending, "others": others, "has_active": has_active, "active_menu": "contracts:student_invitations"}
    return render(request, "contracts/student_invitations.html", context)


def _student_detail_context(request, contract):
    has_active = selectors.current_contract_for_student(graduate=contract.graduate) is not None
    answerable = contract.status == ContractStatus.INVITED and not contract.is_overdue() and not has_active
    return {
        "contract": contract,
        "steps": selectors.progress_steps(contract),
        "actions_template": "contracts/_actions_student.html",
        "can_answer": answerable,
        "can_request_termination": contract.status == ContractStatus.SIGNED,
        "refuse_form": ReasonForm(label="拒绝原因（选填）"),
        "has_active": has_active,
        "active_menu": "contracts:student_invitations",
    }


@student_page()
@require_GET
def invitation_detail(request, graduate, pk):
    contract = selectors.contract_for_student(user=request.user, pk=pk)
    return render(request, "contracts/detail.html", _student_detail_context(request, contract))


@student_page()
@require_http_methods(["GET", "POST"])
def accept(request, graduate, pk):
    """应约: the confirmation page first; the POST with every box ticked binds the student."""
    contract = selectors.contract_for_student(user=request.user, pk=pk)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept(actor=request.user, contract=contract, note=form.cleaned_data["note"])
        except services.ContractError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已应约，签约申请已提交学校审核")
            return done(request, reverse("students:home"))
    context = {
        "contract": contract,
        "graduate": contract.graduate,
        "archive": current_archive_info(contract.unit),
        "form": form,
        "active_menu": "contracts:student_invitations",
    }
    return render(request, "contracts/student_accept.html", context)


@student_page()
@require_http_methods(["POST"])
def refuse(request, graduate, pk):
    contract = selectors.contract_for_student(user=request.user, pk=pk)
    form = ReasonForm(request.POST, label="拒绝原因（选填）")
    if not form.is_valid():
        context = _student_detail_context(request, contract)
        context["refuse_form"] = form
        return render(request, "contracts/detail.html", context)
    try:
        services.refuse(actor=request.user, contract=contract, reason=form.cleaned_data["reason"])
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已拒绝该邀请函")
    return redirect("contracts:student_invitations")
