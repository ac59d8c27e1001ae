from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from signing_platform.sms.models import Purpose
from signing_platform.sms.views import code_form_page

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
    def registered(form):
        data = form.cleaned_data
        user = services.employer_register(
            mobile=data["mobile"], code=data["code"], password=data["password1"], name=data["name"]
        )
        login(request, user)
        messages.success(request, "账号开通成功")
        return redirect(ROLE_HOME[user.role])

    return code_form_page(
        request, form_class=EmployerRegisterForm, purpose=Purpose.REGISTER, template="accounts/register.html",
        on_valid=registered,
    )


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
    """忘记密码: a code to the account's mobile authorises a new password; the page never says who has an account."""

    def reset(form):
        data = form.cleaned_data
        services.password_reset(mobile=data["mobile"], code=data["code"], password=data["password1"])
        messages.success(request, "密码已重置，请使用新密码登录")
        return redirect("accounts:login")

    return code_form_page(
        request, form_class=PasswordResetForm, purpose=Purpose.RESET_PASSWORD, template="accounts/password_reset.html",
        on_valid=reset,
    )


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

    def changed(form):
        services.mobile_change(user=request.user, new_mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"])
        messages.success(request, "手机号已更换，请使用新手机号登录")
        return redirect(success_url)

    return code_form_page(
        request, form_class=MobileChangeForm, form_kwargs={"user": request.user}, purpose=Purpose.CHANGE_MOBILE,
        template=template, on_valid=changed,
    )
