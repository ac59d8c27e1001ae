from django.shortcuts import render

from signing_platform.access import role_required
from signing_platform.accounts.models import Role


@role_required(Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER)
def home(request):
    return render(request, "schools/home.html")
