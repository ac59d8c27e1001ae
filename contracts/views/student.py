"""我的邀请 and the student's answers: 应约 (binding, with an explicit confirmation) and 拒绝."""

from django import forms
from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers.selectors import current_archive_info
from signing_platform.web import done
from students.access import student_page
from students.presentation import accept_refusal
from students.selectors import blocking_destination

from .. import presentation, rules, selectors, services
from ..forms import ReasonForm
from ..models import Contract, Side

ARCHIVE_CONFIRM = "我确认档案转寄至上述档案接收单位"
NO_ARCHIVE_CONFIRM = "我已了解：该单位未登记档案接收信息，档案转递按学校规定办理，以学校通知为准"


class AcceptForm(forms.Form):
    details_confirmed = forms.BooleanField(
        label="我已核对本人信息无误", error_messages={"required": "请确认本人信息无误"}
    )
    binding_understood = forms.BooleanField(
        label="我已知晓：应约即提交学校审核，具有约束力；审核期间及签约后，其他邀请函只能查看，不能再应约",
        error_messages={"required": "请确认已知晓应约的约束力"},
    )
    archive_confirmed = forms.BooleanField(label=ARCHIVE_CONFIRM, error_messages={"required": "请确认档案去向"})
    note = forms.CharField(label="说明（选填）", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))


@student_page()
@require_GET
def invitations(request, graduate):
    """我的邀请: open invitations with their countdown; all others for reference."""
    now = timezone.now()
    rows = list(selectors.invitations_for_student(graduate=graduate))
    holds_active = any(rules.holds_active(row) for row in rows)
    pending = [row for row in rows if rules.awaits_answer(row, now)]
    blocking = blocking_destination(graduate_id=graduate.pk) if pending and not holds_active else None
    for row in rows:
        row.actions = rules.student_actions(row, now, holds_other_active=holds_active,
                                            destination_blocks=blocking is not None)
    presentation.decorate_status(rows, now)
    others = [row for row in rows if not rules.awaits_answer(row, now)]
    context = {"pending": pending, "others": others, "has_active": holds_active,
               "destination_refusal": accept_refusal(blocking) if blocking else "",
               "active_menu": "contracts:student_invitations"}
    return render(request, "contracts/student_invitations.html", context)


def detail_context(contract, *, refuse_form=None) -> dict:
    now = timezone.now()
    termination = selectors.latest_termination(contract)
    holds_active = rules.holds_active(contract) or selectors.student_holds_active(graduate=contract.graduate_id)
    blocking = None
    if rules.awaits_answer(contract, now) and not holds_active:
        blocking = blocking_destination(graduate_id=contract.graduate_id)
    actions = rules.student_actions(contract, now, holds_other_active=holds_active, termination=termination,
                                    destination_blocks=blocking is not None)
    return {
        **presentation.contract_page(contract, termination, now, viewer=Side.STUDENT, actions=actions),
        "destination_refusal": accept_refusal(blocking) if blocking else "",
        "actions_template": "contracts/_actions_student.html",
        "refuse_form": refuse_form or ReasonForm(label="拒绝原因（选填）"),
        "active_menu": "contracts:student_invitations",
    }


@student_page()
@require_GET
def invitation_detail(request, graduate, pk):
    contract = selectors.contract_for_student(user=request.user, pk=pk)
    return render(request, "contracts/detail.html", detail_context(contract))


@student_page()
@require_http_methods(["GET", "POST"])
def accept(request, graduate, pk):
    """应约: the confirmation page first; the POST with every box ticked binds the student."""
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept(actor=request.user, contract=Contract(pk=pk), note=form.cleaned_data["note"])
        except services.ContractError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已应约，签约申请已提交学校审核")
            return done(request, reverse("students:home"))
    contract = selectors.contract_for_student(user=request.user, pk=pk)
    archive = current_archive_info(contract.unit)
    form.fields["archive_confirmed"].label = ARCHIVE_CONFIRM if archive else NO_ARCHIVE_CONFIRM
    context = {
        "contract": contract,
        "graduate": contract.graduate,
        "archive": archive,
        "form": form,
        "active_menu": "contracts:student_invitations",
    }
    return render(request, "contracts/student_accept.html", context)


@student_page()
@require_POST
def refuse(request, graduate, pk):
    form = ReasonForm(request.POST, label="拒绝原因（选填）")
    if not form.is_valid():
        contract = selectors.contract_for_student(user=request.user, pk=pk)
        return render(request, "contracts/detail.html", detail_context(contract, refuse_form=form))
    try:
        services.refuse(actor=request.user, contract=Contract(pk=pk), reason=form.cleaned_data["reason"])
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已拒绝该邀请函")
    return done(request, reverse("contracts:student_invitations"))
