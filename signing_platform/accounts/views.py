from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from signing_platform.forms import apply_service_errors
from signing_platform.sms.models import Purpose
from signing_platform.sms.views import code_control_context, send_code

from . import services
from .forms import EmployerRegisterForm, LoginForm, MobileChangeForm, PasswordResetForm
from .models import Role

# Where each role starts after signing in.
ROLE_HOME = {
    Role.EMPLOYER: "employers:home",
    Role.STUDENT: "students:home",
    Role.COLLEGE_REVIEWER: "contracts:review_queue",
    Role.SCHOOL_REVIEWER: "contracts:review_queue",
    Role.ADMIN: "admin:index",
}


def home(request):
    if request.user.is_authenticated:
        return redirect(ROLE_HOME[request.user.role])
    return render(request, "accounts/landing.html")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
def register(request):
    template = "accounts/register.html"
    if request.method == "POST":
        form = EmployerRegisterForm(request.POST)
        if "send_code" in request.POST:
            return send_code(request, form=form, purpose=Purpose.REGISTER, template=template)
        if form.is_valid():
            try:
                user = services.employer_register(
                    mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"], password=form.cleaned_data["password1"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                login(request, user)
                messages.success(request, "账号开通成功")
                return redirect(ROLE_HOME[user.role])
    else:
        form = EmployerRegisterForm()
    return render(request, template, {"form": form, **code_control_context(request, Purpose.REGISTER)})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            login(request, form.user)
            return redirect(next_url or ROLE_HOME[form.user.role])
    else:
        form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
def password_reset(request):
    template = "accounts/password_reset.html"
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        if "send_code" in request.POST:
            return send_code(request, form=form, purpose=Purpose.RESET_PASSWORD, template=template)
        if form.is_valid():
            try:
                services.password_reset(
                    mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"], password=form.cleaned_data["password1"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "密码已重置，请使用新密码登录")
                return redirect("accounts:login")
    else:
        form = PasswordResetForm()
    return render(request, template, {"form": form, **code_control_context(request, Purpose.RESET_PASSWORD)})


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改")
        return redirect(reverse("accounts:password_change"))
    return render(request, "accounts/password_change.html", {"form": form})


def mobile_change_page(request, *, template: str, success_url: str):
    """更换手机号 for a signed-in user of any role: the current password, then a code to the new number."""
    if request.method == "POST":
        form = MobileChangeForm(request.POST, user=request.user)
        if "send_code" in request.POST:
            return send_code(request, form=form, purpose=Purpose.CHANGE_MOBILE, template=template)
        if form.is_valid():
            try:
                services.mobile_change(
                    user=request.user, new_mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "手机号已更换，请使用新手机号登录")
                return redirect(success_url)
    else:
        form = MobileChangeForm(user=request.user)
    return render(request, template, {"form": form, **code_control_context(request, Purpose.CHANGE_MOBILE)})
