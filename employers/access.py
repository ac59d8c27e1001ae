"""The gate of employer pages: who the unit is, and whether it may use online signing yet."""

from functools import wraps

from django.shortcuts import render

from signing_platform.access import role_required
from signing_platform.accounts.models import Role

from .selectors import authentication_state, latest_authentication_request, unit_for_user


def _gate(request):
    """Why the page is closed to this employer: the unit's 认证 status (待审核, or 未通过 with the reason) and the way on.

    Status 200: an explanation, not an error.
    """
    state = authentication_state(request.unit, latest_authentication_request(request.unit))
    return render(request, "employers/gate.html", {"unit": request.unit, "state": state})


def employer_required(view):
    """An employer user; the view gets their unit (or None) as request.unit."""

    @role_required(Role.EMPLOYER)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.unit = unit_for_user(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def authenticated_unit_required(view):
    """An employer whose unit is 已认证; anyone else of that role sees why not and where to authenticate."""

    @employer_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.unit is None or not request.unit.is_authenticated:
            return _gate(request)
        return view(request, *args, **kwargs)

    return wrapped


def unit_required(view):
    """An employer who belongs to a unit (of any 认证 status); without one they are shown the gate."""

    @employer_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.unit is None:
            return _gate(request)
        return view(request, *args, **kwargs)

    return wrapped
