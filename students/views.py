from django.shortcuts import render

from signing_platform.access import role_required
from signing_platform.accounts.models import Role


@role_required(Role.STUDENT)
def home(request):
    return render(request, "students/home.html")
