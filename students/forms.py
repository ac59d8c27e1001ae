from django import forms
from django.core.exceptions import ValidationError

from schools.models import School
from signing_platform.accounts.forms import CodeRequestMixin, NewPasswordMixin
from signing_platform.accounts.models import User
from signing_platform.accounts.services import MOBILE_TAKEN
from signing_platform.forms import IdNumberField, MobileField, SmsCodeField


class _NewMobileMixin(CodeRequestMixin):
    def check_mobile_for_code(self, mobile):
        if User.objects.filter(mobile=mobile).exists():
            raise ValidationError(MOBILE_TAKEN)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        self.check_mobile_for_code(mobile)
        return mobile


class ActivationForm(_NewMobileMixin, NewPasswordMixin):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请输入姓名"})
    id_number = IdNumberField()
    school = forms.ModelChoiceField(
        label="毕业院校", queryset=School.objects.order_by("code"), empty_label="请选择毕业院校",
        error_messages={"required": "请选择毕业院校", "invalid_choice": "请选择毕业院校"},
    )
    mobile = MobileField(help_text="用于登录和接收签约通知")
    code = SmsCodeField()

    field_order = ["name", "id_number", "school", "mobile", "code", "password1", "password2"]

    def unbound_copy(self):
        keep = ("name", "id_number", "school", "mobile")
        return self.__class__(initial={key: self.data.get(key, "") for key in keep})


class CorrectionRequestForm(forms.Form):
    message = forms.CharField(
        label="需要更正的内容", max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请写明哪一项有误以及正确的内容，如：专业应为“软件工程”",
        error_messages={"required": "请填写需要更正的内容"},
    )


class ChangeMobileForm(_NewMobileMixin, forms.Form):
    password = forms.CharField(
        label="当前密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入当前密码"},
    )
    mobile = MobileField(label="新手机号")
    code = SmsCodeField()

    field_order = ["password", "mobile", "code"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def unbound_copy(self):
        return self.__class__(user=self.user, initial={"mobile": self.data.get("mobile", "")})

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("当前密码不正确")
        return password
