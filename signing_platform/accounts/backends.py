from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from signing_platform import ratelimits
from signing_platform.validators import normalize_mobile

from .models import User

LOCKED = "登录失败次数过多，请15分钟后再试"
UNAVAILABLE = "系统繁忙，请稍后再试"


def refusal(request) -> ValidationError | None:
    """Why the backend refused to check a password during this request (too many failures, no counters), if it
    did: the sign-in form shows it instead of "wrong password"."""
    return getattr(request, "_sign_in_refusal", None)


def _account_key(login: str) -> str:
    try:
        return normalize_mobile(login)
    except ValidationError:
        return login.strip().lower()


class MobileOrUsernameBackend(ModelBackend):
    """Sign in with a mobile number (any of its written forms) or, for reviewers and admins, a username.

    Every sign-in passes here (our form, Django admin, any authenticate() call), so this is where failed tries are
    counted and limited, per account and per client address.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        limits = [("login:account", _account_key(username), settings.LOGIN_FAILURES_PER_ACCOUNT)]
        if request is not None:
            limits.append(("login:ip", ratelimits.client_ip(request), settings.LOGIN_FAILURES_PER_IP))
        try:
            if any(ratelimits.exceeded(request, group=g, key=k, rate=r) for g, k, r in limits):
                self._refuse(request, ValidationError(LOCKED, code="locked"))
            user = self._check_password(username, password)
            if user is None:
                for group, key, rate in limits:
                    ratelimits.hit(request, group=group, key=key, rate=rate)
            return user
        except ratelimits.RateLimitUnavailable:
            # Without the counters there is no limit: refuse rather than allow unlimited guessing.
            self._refuse(request, ValidationError(UNAVAILABLE, code="unavailable"))

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        # ModelBackend's async version looks the user up itself; it must pass the same limits.
        return await sync_to_async(self.authenticate)(request, username=username, password=password, **kwargs)

    @staticmethod
    def _refuse(request, reason: ValidationError):
        if request is not None:
            request._sign_in_refusal = reason
        raise PermissionDenied(reason.message)

    def _check_password(self, username: str, password: str) -> User | None:
        try:
            lookup = {"mobile": normalize_mobile(username)}
        except ValidationError:
            lookup = {"username": username.strip()}
        try:
            user = User.objects.get(**lookup)
        except User.DoesNotExist:
            # Spend the same time as a real check so that timing does not tell which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, with their unit membership (and unit) in the same query: every employer
        page needs it."""
        user = User._default_manager.select_related("unit_member__unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
