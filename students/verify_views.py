"""The public checks, open to anyone without signing in: 毕业去向核验 (姓名 + 核验编号) and 协议书核验 (协议书编号 +
验证码). They show only what confirms the document, never say which input was wrong, and are rate-limited per client
address (students/verification.py)."""

from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from . import presentation, selectors, verification
from .forms import AgreementCheckForm, DestinationCheckForm


@sensitive_post_parameters("name", "number")
@require_http_methods(["GET", "POST"])
def verify_destination(request):
    """毕业去向核验. The name is POSTed (it never lands in a URL or a log); a QR code opens the page with the 核验编号
    filled in (?no=), and the name is typed beside the printed certificate."""
    outcome = None
    if request.method == "POST":
        form = DestinationCheckForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            outcome = verification.check(
                request, lambda: selectors.verify_destination(name=data["name"], number=data["number"])
            )
    else:
        form = DestinationCheckForm(initial={"number": request.GET.get("no", "")[:20]})
    context = {
        "form": form,
        "outcome": outcome,
        "result": presentation.destination_check(outcome.found) if outcome and outcome.found else None,
        "active_check": "destination",
    }
    return render(request, "verify/destination.html", context, status=outcome.status if outcome else 200)


@require_GET
def verify_agreement(request):
    """协议书核验: a GET form, so the QR code of an agreement (?no=…&code=…) shows the check at once; every check is
    counted against the client address like any other."""
    outcome = None
    if request.GET.get("no") or request.GET.get("code"):
        form = AgreementCheckForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            outcome = verification.check(
                request, lambda: selectors.verify_agreement(agreement_no=data["no"], code=data["code"])
            )
    else:
        form = AgreementCheckForm()
    context = {
        "form": form,
        "outcome": outcome,
        "result": presentation.agreement_check(outcome.found) if outcome and outcome.found else None,
        "active_check": "agreement",
    }
    return render(request, "verify/agreement.html", context, status=outcome.status if outcome else 200)
