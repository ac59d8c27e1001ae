from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts import selectors as contract_selectors
from signing_platform.access import role_required
from signing_platform.accounts.models import Role
from signing_platform.accounts.views import mobile_change_page
from signing_platform.forms import apply_service_errors
from signing_platform.sms.models import Purpose
from signing_platform.sms.views import code_form_page
from signing_platform.uploads import private_file_response

from . import selectors, services
from .access import employer_required, unit_required
from .forms import (
    ArchiveInfoForm,
    AuthenticationForm,
    ContactForm,
    SubAccountForm,
    SubAccountPasswordForm,
)
from .models import RequestStatus

SIGNING_SYSTEM = "signing"


@employer_required
def home(request):
    """工作台: the unit's 认证 status and what it still lacks; once 已认证, the signing summary too.

    An employer without a unit, or whose unit has never submitted 身份认证, is led to the system choice first.
    """
    unit = request.unit
    state = selectors.authentication_state(unit, selectors.latest_authentication_request(unit))
    if unit is None or not state.submitted:
        return redirect("employers:system_choice")
    context = {"unit": unit, "state": state, **selectors.unit_setup(unit)}
    if state.authenticated:
        context.update(contract_selectors.workbench_summary(unit=unit))
    return render(request, "employers/workbench.html", context)


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def system_choice(request):
    """单位用户联合认证: the employer picks the system to use; only the signing platform is served here."""
    if request.method == "POST" and request.POST.get("system") == SIGNING_SYSTEM:
        return redirect("employers:authentication")
    error = "请选择您本次要使用的系统" if request.method == "POST" else ""
    return render(request, "employers/system_choice.html", {"error": error, "signing_system": SIGNING_SYSTEM})


def _authentication_initial(unit, latest) -> dict:
    source = latest if latest is not None and latest.status != RequestStatus.APPROVED else unit
    if source is None:
        return {}
    fields = ["name", "credit_code", "nature", "industry", "province", "city", "address", "contact_name", "contact_phone"]
    return {field: getattr(source, field) for field in fields}


@employer_required
@require_http_methods(["GET", "POST"])
def authentication(request):
    """身份认证: the status of the unit's authentication and, when a submission is possible, the form."""
    unit = request.unit
    latest = selectors.latest_authentication_request(unit)
    member = getattr(request.user, "unit_member", None) if unit is not None else None
    state = selectors.authentication_state(unit, latest)
    can_submit = not state.pending and (unit is None or (member is not None and member.is_admin))
    if request.method == "POST" and can_submit:
        form = AuthenticationForm(request.POST, request.FILES)
        if "refresh_cities" in request.POST:
            # Without JavaScript: the province was changed, show its cities and keep what was typed.
            form = AuthenticationForm(initial=request.POST.dict())
        elif form.is_valid():
            try:
                services.authentication_submit(
                    user=request.user, data=form.unit_data(), licence=form.cleaned_data["licence"],
                    licence_kind=form.licence_kind,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "身份认证信息已提交，请等待平台审核")
                return redirect("employers:authentication")
    elif request.method == "POST":
        messages.error(request, services.ALREADY_PENDING if state.pending else services.ADMIN_ONLY)
        return redirect("employers:authentication")
    else:
        form = AuthenticationForm(initial=_authentication_initial(unit, latest)) if can_submit else None
    return render(
        request, "employers/authentication.html",
        {
            "unit": unit, "latest": latest, "form": form, "state": state,
            "is_admin": member is not None and member.is_admin,
        },
    )


@employer_required
@require_GET
def cities(request):
    """The 所在城市 select for the province chosen (htmx swaps it in when the province changes)."""
    form = AuthenticationForm(initial={"province": request.GET.get("province")})
    return render(request, "employers/authentication.html#city-field", {"form": form})


@require_GET
def licence(request, request_id):
    """The 营业执照 of an authentication request: only for the unit's users and platform admins (404 otherwise)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    auth_request = selectors.licence_request_for_user(request.user, request_id)
    return private_file_response(
        auth_request.licence, content_type=auth_request.licence_content_type,
        download_name=f"licence-{auth_request.pk}.{auth_request.licence.name.rsplit('.', 1)[-1]}",
    )


@unit_required
@require_http_methods(["GET", "POST"])
def archive(request):
    """档案信息管理: the archive information in force, a form to change it (a new history row), and the history."""
    current = selectors.current_archive_info(request.unit)
    if request.method == "POST":
        form = ArchiveInfoForm(request.POST)
        if form.is_valid():
            try:
                services.archive_info_update(unit=request.unit, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "档案信息已保存")
                return redirect("employers:archive")
    else:
        initial = {}
        if current is not None:
            initial = {field: getattr(current, field) for field in ArchiveInfoForm.Meta.fields}
            initial["has_archive_authority"] = "1" if current.has_archive_authority else "0"
        form = ArchiveInfoForm(initial=initial)
    return render(
        request, "employers/archive.html",
        {"form": form, "current": current, "history": selectors.archive_history(request.unit)},
    )


@unit_required
@require_GET
def account(request):
    """账号管理: 单位信息, 签约联系人, 子账号 (for the unit's admin), 修改密码, 更换手机号."""
    member = request.user.unit_member
    latest = selectors.latest_authentication_request(request.unit)
    return render(
        request, "employers/account.html",
        {
            "unit": request.unit, "is_admin": member.is_admin, "contacts": selectors.unit_contacts(request.unit),
            "members": selectors.unit_members(request.unit) if member.is_admin else [],
            "state": selectors.authentication_state(request.unit, latest),
        },
    )


@unit_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, contact_id=None):
    """Add a 签约联系人 (no id) or change one of the unit's contacts."""
    contact = selectors.contact_for_unit(request.unit, contact_id) if contact_id is not None else None
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(unit=request.unit, actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "签约联系人已保存")
            return redirect("employers:account")
    return render(request, "employers/contact_form.html", {"form": form, "contact": contact})


@unit_required
@require_POST
def contact_toggle(request, contact_id):
    """停用 / 启用 a contact; the last active one cannot be disabled."""
    contact = selectors.contact_for_unit(request.unit, contact_id)
    try:
        services.contact_set_active(unit=request.unit, actor=request.user, contact=contact, active=not contact.is_active)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"联系人 {contact.name} 已{'启用' if contact.is_active else '停用'}")
    return redirect("employers:account")


def _admin_member_or_404(request):
    if not request.user.unit_member.is_admin:
        raise Http404
    return request.user.unit_member


@unit_required
@require_http_methods(["GET", "POST"])
def sub_account_add(request):
    """添加子账号: the unit's admin adds an employer user by mobile."""
    _admin_member_or_404(request)
    form = SubAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sub_account_add(unit=request.unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "子账号已添加，已短信通知对方设置密码")
            return redirect("employers:account")
    return render(request, "employers/sub_account_form.html", {"form": form})


@unit_required
@require_POST
def sub_account_toggle(request, member_id):
    _admin_member_or_404(request)
    member = selectors.member_for_unit(request.unit, member_id)
    try:
        services.sub_account_set_active(unit=request.unit, actor=request.user, member=member, active=not member.is_active)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"子账号已{'启用' if member.is_active else '停用'}")
    return redirect("employers:account")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
def sub_account_password(request):
    """子账号设置密码: the person the unit's admin added sets a password with a code sent to that mobile."""

    def password_set(form):
        data = form.cleaned_data
        user = services.sub_account_set_password(mobile=data["mobile"], code=data["code"], password=data["password1"])
        login(request, user)
        messages.success(request, "密码设置成功")
        return redirect("employers:home")

    return code_form_page(
        request, form_class=SubAccountPasswordForm, purpose=Purpose.SUB_ACCOUNT,
        template="employers/sub_account_password.html", on_valid=password_set,
    )


@employer_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "code")
def mobile_change(request):
    """更换手机号: a code to the new number authorises the change; the old number is told."""
    success_url = reverse("employers:account" if request.unit is not None else "employers:home")
    return mobile_change_page(request, template="employers/mobile_change.html", success_url=success_url)
