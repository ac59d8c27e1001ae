"""Form fields shared by every app: they normalise with the validators of signing_platform.validators."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.renderers import TemplatesSetting

from .validators import normalize_credit_code, normalize_id_number, normalize_mobile


class MobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "手机号")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": "请输入手机号"})
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel", "placeholder": "请输入11位手机号"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_mobile(value) if value else value


class SmsCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "短信验证码")
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("error_messages", {"required": "请输入短信验证码"})
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(r"^[0-9]{6}$", "请输入6位数字验证码"))
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": "6位数字"})

    def to_python(self, value):
        # Full-width digits typed with a Chinese input method are the same code.
        return unicodedata.normalize("NFKC", super().to_python(value))


class IdNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "身份证号")
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("error_messages", {"required": "请输入身份证号"})
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_id_number(value) if value else value


class CreditCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "统一社会信用代码")
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("error_messages", {"required": "请输入统一社会信用代码"})
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_credit_code(value) if value else value


class FormRenderer(TemplatesSetting):
    """Render every field with templates/forms/field.html: label for, help and errors tied by aria-describedby."""

    field_template_name = "forms/field.html"


def apply_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
