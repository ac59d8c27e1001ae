
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from contracts import selectors as contract_selectors
from contracts.views import student as contract_views
from schools import services as school_services
from schools.models import CorrectionStatus
from signing_platform.accounts.views import mobile_change_page
from signing_platform.forms import apply_service_errors
from signing_platform.sms.models import Purpose
from signing_platform.sms.views import code_form_page

from . import services
from .access import student_page
from .forms import ActivationForm, CorrectionRequestForm


@student_page()
@require_GET
def home(request, graduate):
    """我的签约: the contract under review or in force, with its progress."""
    contract = contract_selectors.current_contract_for_student(graduate=graduate)
    context = {"graduate": graduate, "contract": contract}
    if contract is not None:
        contract.graduate = graduate
        context.update(contract_views.detail_context(contract), active_menu="students:home")
    return render(request, "students/home.html", context)


@sensitive_post_parameters("id_number", "code", "password1", "password2")
@require_http_methods(["GET", "POST"])
def activate(request):
    """毕业生激活账号: an exact roster match (name, ID number, school), a code to the mobile, then a password."""
    if request.user.is_authenticated:
        return redirect("home")

    def activated(form):
        data = form.cleaned_data
        user = services.student_activate(
            name=data["name"], id_number=data["id_number"], school=data["school"], mobile=data["mobile"],
            code=data["code"], password=data["password1"],
        )
        login(request, user)
        messages.success(request, "账号激活成功，请核对您的生源信息")
        return redirect("students:confirm")

    return code_form_page(
        request, form_class=ActivationForm, purpose=Purpose.ACTIVATE_STUDENT, template="students/activate.html",
        on_valid=activated,
    )


@student_page(confirmed=False)
@require_http_methods(["GET", "POST"])
def confirm(request, graduate):
    """First sign-in: the roster data with 信息确认，进入系统, and a way to ask for a correction."""
    if request.method == "POST":
        services.graduate_confirm(graduate=graduate)
        return redirect("students:home")
    if graduate.confirmed_at is not None:
        return redirect("students:home")
    context = {"graduate": graduate, "id_number": graduate.id_number(), "pending": _pending_correction(graduate)}
    return render(request, "students/confirm.html", context)


def _pending_correction(graduate):
    return graduate.correction_requests.filter(status=CorrectionStatus.PENDING).first()


@student_page(confirmed=False)
@require_http_methods(["GET", "POST"])
def correction(request, graduate):
    """信息更正申请: ask the school to correct the roster data."""
    form = CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school_services.correction_request_create(graduate=graduate, message=form.cleaned_data["message"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "更正申请已提交，学校处理后将短信通知您")
            return redirect("students:profile" if graduate.confirmed_at else "students:confirm")
    context = {"form": form, "graduate": graduate, "requests": graduate.correction_requests.all()[:20]}
    return render(request, "students/correction.html", context)


@student_page()
@require_GET
def profile(request, graduate):
    """个人信息: the roster data (the full ID number to its owner only), password and mobile changes."""
    context = {
        "graduate": graduate, "id_number": graduate.id_number(), "requests": graduate.correction_requests.all()[:5],
    }
    return render(request, "students/profile.html", context)


@student_page()
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "code")
def change_mobile(request, graduate):
    return mobile_change_page(request, template="students/change_mobile.html", success_url=reverse("students:profile"))
