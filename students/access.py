"""The gate of student pages."""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect

from schools import selectors as school_selectors
from signing_platform.access import role_required
from signing_platform.accounts.models import Role


def student_page(*, confirmed: bool = True):
    """A page of a student with a roster entry (404 otherwise); with confirmed=True, only after 信息确认."""

    def decorator(view):
        @role_required(Role.STUDENT)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            graduate = school_selectors.graduate_for_student(request.user)
            if graduate is None:
                raise Http404
            if confirmed and graduate.confirmed_at is None:
                return redirect("students:confirm")
            return view(request, graduate, *args, **kwargs)

        return wrapped

    return decorator
