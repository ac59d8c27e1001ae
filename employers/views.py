from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from signing_platform.access import role_required
from signing_platform.accounts.models import Role

SIGNING_SYSTEM = "signing"


@role_required(Role.EMPLOYER)
def home(request):
    return redirect("employers:system_choice")


@role_required(Role.EMPLOYER)
@require_http_methods(["GET", "POST"])
def system_choice(request):
    """单位用户联合认证: the employer picks the system to use; only the signing platform is served here."""
    if request.method == "POST" and request.POST.get("system") == SIGNING_SYSTEM:
        return redirect("employers:authentication")
    error = "请选择您本次要使用的系统" if request.method == "POST" else ""
    return render(request, "employers/system_choice.html", {"error": error, "signing_system": SIGNING_SYSTEM})


@role_required(Role.EMPLOYER)
def authentication(request):
    return render(request, "employers/authentication.html")
