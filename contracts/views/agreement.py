from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from employers.selectors import unit_for_user
from schools.selectors import reviewer_for_user
from signing_platform.accounts.models import Role
from signing_platform.errors import NotFound
from students.verification import agreement_check_url

from .. import rules, selectors
from ..pdf import render_agreement


def contract_for_party(user, pk):
    """The contract as the three parties may see it: the unit's users, the student, the school's reviewers."""
    if user.role == Role.EMPLOYER:
        return selectors.contract_for_employer(unit=unit_for_user(user), pk=pk)
    if user.role == Role.STUDENT:
        return selectors.contract_for_student(user=user, pk=pk)
    reviewer = reviewer_for_user(user)
    if reviewer is None:
        raise NotFound
    return selectors.contract_for_reviewer(reviewer=reviewer, pk=pk)


@login_required
@require_GET
def agreement_pdf(request, pk):
    """就业协议书 of a signed contract, as a PDF download."""
    contract = contract_for_party(request.user, pk)
    if not rules.has_agreement(contract):
        raise NotFound
    pdf = render_agreement(contract, verification_url=agreement_check_url(request, contract))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{contract.agreement_no}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
