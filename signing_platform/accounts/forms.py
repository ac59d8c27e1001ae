from django import forms
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError

from signing_platform.forms import MobileField, SmsCodeField

from . import backends
from .models import User
from .services import MOBILE_IN_USE, MOBILE_TAKEN


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请输入密码"}, help_text="至少8位，不能全为数字，不能过于常见",
    )
    password2 = forms.CharField(
        label="密码确认", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请再次输入密码"},
    )

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", "两次输入的密码不一致")
            else:
                probe = User(mobile=cleaned.get("mobile"))
                try:
                    password_validation.validate_password(password1, probe)
                except ValidationError as exc:
                    self.add_error("password1", exc)
        return cleaned


class CodeRequestMixin:
    """A form whose 免费获取 button asks for a code for the mobile typed in it."""

    def clean_mobile_for_code(self) -> str:
        """Validate only the mobile (for sending a code); raises ValidationError with a Chinese message."""
        mobile = self.fields["mobile"].clean(self.data.get("mobile", ""))
        self.check_mobile_for_code(mobile)
        return mobile

    def check_mobile_for_code(self, mobile: str) -> None:
        """Refuse a mobile the page cannot send a code to (raise ValidationError)."""

    def unbound_copy(self):
        """The page's form again after a code was asked for: the mobile kept, nothing else checked yet."""
        return self.__class__(initial={"mobile": self.data.get("mobile", "")})

    def should_send_code(self, mobile: str) -> bool:
        """False to answer as if a code was sent without sending one (so a page does not reveal accounts)."""
        return True


class NewMobileMixin(CodeRequestMixin):
    """A form for a mobile no account uses yet: checked before a code is sent and again on submit."""

    taken_message = MOBILE_TAKEN

    def check_mobile_for_code(self, mobile):
        if User.objects.filter(mobile=mobile).exists():
            raise ValidationError(self.taken_message)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        self.check_mobile_for_code(mobile)
        return mobile


class EmployerRegisterForm(NewMobileMixin, NewPasswordMixin):
    # The person's own name: shown in the header and in the unit's 子账号 list.
    name = forms.CharField(
        label="姓名", max_length=50, error_messages={"required": "请输入姓名", "max_length": "姓名不能超过50个字"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = MobileField()
    code = SmsCodeField()

    field_order = ["name", "mobile", "code", "password1", "password2"]

    def unbound_copy(self):
        # Without JavaScript 免费获取 re-renders the page: keep the name typed, as the mobile is kept.
        return self.__class__(initial={"mobile": self.data.get("mobile", ""), "name": self.data.get("name", "")})


class MobileChangeForm(NewMobileMixin, forms.Form):
    """更换手机号: the current password, then a code sent to the new number."""

    password = forms.CharField(
        label="当前密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入当前密码"},
    )
    mobile = MobileField(label="新手机号", error_messages={"required": "请输入新手机号"})
    code = SmsCodeField()

    taken_message = MOBILE_IN_USE
    field_order = ["password", "mobile", "code"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def unbound_copy(self):
        return self.__class__(user=self.user, initial={"mobile": self.data.get("mobile", "")})

    def check_mobile_for_code(self, mobile):
        if mobile == self.user.mobile:
            raise ValidationError("新手机号不能与当前手机号相同")
        super().check_mobile_for_code(mobile)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("当前密码不正确")
        return password


class PasswordResetForm(CodeRequestMixin, NewPasswordMixin):
    mobile = MobileField()
    code = SmsCodeField()
    field_order = ["mobile", "code", "password1", "password2"]

    def should_send_code(self, mobile):
        return User.objects.filter(mobile=mobile, is_active=True).exists()


class LoginForm(forms.Form):
    login = forms.CharField(label="手机号/用户名", max_length=64, error_messages={"required": "请输入手机号或用户名"})
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入密码"},
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def clean(self):
        cleaned = super().clean()
        login, password = cleaned.get("login"), cleaned.get("password")
        if not login or not password:
            return cleaned
        # The backend counts and limits failed tries for every way to sign in; it says why when it refused.
        self.user = authenticate(self.request, username=login, password=password)
        if self.user is None:
            raise backends.refusal(self.request) or ValidationError("账号或密码错误", code="invalid_login")
        return cleaned
