import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from signing_platform.accounts.forms import CodeRequestMixin, NewPasswordMixin
from signing_platform.forms import CreditCodeField, MobileField, SmsCodeField
from signing_platform.uploads import validate_upload
from signing_platform.validators import normalize_mobile, record_key

from . import selectors
from .models import ArchiveInfo, Contact, Industry, UnitNature
from .services import UnitData

# A landline with its area code (010-12345678, 0571 8888 8888, optional extension) or a mobile.
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: str) -> str:
    """A mobile (normalised) or a landline with area code; ValidationError otherwise."""
    compact = re.sub(r"[\s\u3000]", "", value)
    if _LANDLINE_RE.match(compact):
        return compact
    try:
        return normalize_mobile(value)
    except ValidationError:
        raise ValidationError("请输入手机号或带区号的固定电话（如 010-62512345）") from None


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "联系电话")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": "请输入联系电话"})
        kwargs.setdefault("help_text", "手机号或带区号的固定电话")
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class AuthenticationForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100, error_messages={"required": "请输入单位名称"})
    credit_code = CreditCodeField()
    nature = forms.ModelChoiceField(
        label="单位性质", queryset=UnitNature.objects.filter(is_active=True), empty_label="请选择",
        error_messages={"required": "请选择单位性质", "invalid_choice": "请选择单位性质"},
    )
    industry = forms.ModelChoiceField(
        label="单位行业", queryset=Industry.objects.filter(is_active=True), empty_label="请选择",
        error_messages={"required": "请选择单位行业", "invalid_choice": "请选择单位行业"},
    )
    province = forms.ModelChoiceField(
        label="所在省份", queryset=selectors.provinces(), empty_label="请选择省份",
        error_messages={"required": "请选择所在省份", "invalid_choice": "请选择所在省份"},
    )
    city = forms.ModelChoiceField(
        label="所在城市", queryset=selectors.cities_of(None), empty_label="请选择城市",
        error_messages={"required": "请选择所在城市", "invalid_choice": "请先选择省份，再选择该省的城市"},
    )
    address = forms.CharField(label="单位地址", max_length=200, error_messages={"required": "请输入单位地址"})
    contact_name = forms.CharField(label="联系人", max_length=50, error_messages={"required": "请输入联系人"})
    contact_phone = PhoneField(help_text="手机号或带区号的固定电话；填写手机号的，审核通过后此联系人即成为本单位的签约联系人")
    licence = forms.FileField(
        label="营业执照", help_text="JPG、PNG 图片或 PDF，不超过5MB", error_messages={"required": "请上传营业执照"},
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        province_id = self.province_id()
        self.fields["city"].queryset = selectors.cities_of(province_id)
        if province_id is None:
            # Until a province is chosen the city list is empty and says what to do first.
            self.fields["city"].empty_label = "请先选择省份"
        # htmx: changing the province swaps in the city select of that province.
        self.fields["province"].widget.attrs.update(
            {"hx-get": reverse("employers:cities"), "hx-target": "#city-field", "hx-swap": "outerHTML"}
        )

    def province_id(self):
        """The chosen province: from the submitted data, else the initial value."""
        value = self.data.get("province") if self.is_bound else self.initial.get("province")
        value = getattr(value, "pk", value)
        return record_key(value)

    def clean_licence(self):
        licence = self.cleaned_data["licence"]
        self.licence_kind = validate_upload(licence)
        return licence

    def unit_data(self) -> UnitData:
        fields = ["name", "credit_code", "nature", "industry", "province", "city", "address", "contact_name", "contact_phone"]
        return UnitData(**{field: self.cleaned_data[field] for field in fields})


class ArchiveInfoForm(forms.ModelForm):
    has_archive_authority = forms.TypedChoiceField(
        label="是否具有人事档案管理权限", choices=[("1", "是"), ("0", "否")], coerce=lambda value: value == "1",
        widget=forms.RadioSelect, error_messages={"required": "请选择是否具有人事档案管理权限"},
    )
    contact_phone = PhoneField()

    class Meta:
        model = ArchiveInfo
        fields = ["has_archive_authority", "receiver_name", "address", "postcode", "contact_name", "contact_phone"]
        error_messages = {
            "receiver_name": {"required": "请输入档案接收单位名称"},
            "address": {"required": "请输入地址"},
            "postcode": {"required": "请输入邮政编码"},
            "contact_name": {"required": "请输入联系人"},
        }
        widgets = {"postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6})}


class ContactForm(forms.ModelForm):
    mobile = MobileField()

    class Meta:
        model = Contact
        fields = ["name", "mobile", "email"]
        error_messages = {"name": {"required": "请输入姓名"}, "email": {"invalid": "请输入有效的邮箱地址"}}


class SubAccountForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请输入姓名"})
    mobile = MobileField()


class SubAccountPasswordForm(CodeRequestMixin, NewPasswordMixin):
    """子账号设置密码: the mobile the unit's admin added, a code sent to it, and a new password."""

    mobile = MobileField()
    code = SmsCodeField()
    field_order = ["mobile", "code", "password1", "password2"]

    def should_send_code(self, mobile):
        return selectors.sub_account_awaiting_password(mobile) is not None
