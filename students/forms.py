from django import forms

from schools.models import School
from signing_platform.accounts.forms import NewMobileMixin, NewPasswordMixin
from signing_platform.forms import IdNumberField, MobileField, SmsCodeField


class ActivationForm(NewMobileMixin, NewPasswordMixin):
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
