"""Role checks for views. A user of another role gets 404, never a hint that the page exists."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_operator(user, permission: str) -> bool:
    """A platform operator (staff in Django admin) holding `permission`: what operator services check themselves,
    never trusting the admin page that called them."""
    return user is not None and user.is_active and user.is_staff and user.has_perm(permission)
