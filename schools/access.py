"""The gate of reviewer pages: one for every view of college and school reviewers."""

from functools import wraps

from django.http import Http404

from signing_platform.access import role_required
from signing_platform.accounts.models import Role

from .selectors import reviewer_for_user


def reviewer_required(view=None, *, school_level: bool = False):
    """A signed-in, active reviewer (with school_level, a school reviewer); the view gets it as request.reviewer.
    Anyone else: 404 (or the sign-in page when not signed in)."""

    def decorator(view):
        @role_required(Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            reviewer = reviewer_for_user(request.user)
            if reviewer is None or (school_level and not reviewer.is_school_reviewer):
                raise Http404
            request.reviewer = reviewer
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
