from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from signing_platform.validators import normalize_mobile

from .models import User


class MobileOrUsernameBackend(ModelBackend):
    """Sign in with a mobile number (any of its written forms) or, for reviewers and admins, a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
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
