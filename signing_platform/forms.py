"""Form fields shared by every app: they normalise with the validators of signing_platform.validators."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape

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


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    return (f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f'{conditional_escape(option["label"])}</option>')


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


_INPUT_TYPES = ("text", "number", "email", "password", "hidden", "checkbox", "url", "tel", "date", "datetime", "time",
                "search", "input", "file")
# Django's own widget templates, written out in Python with the same output: a filter form or an invitation form
# renders dozens of them per page, and each template render costs more than the rest of the field.
FAST_WIDGETS = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUT_TYPES},
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
    "django/forms/widgets/textarea.html": _textarea,
}


REQUIRED_MARK = '<span class="required-mark" aria-hidden="true">*</span>'


def field_group(field) -> str:
    """One form field as every page shows it: its label tied to the control (`label for`), help and errors tied by
    aria-describedby (Django sets it on the control), and the required mark (*) as an aria-hidden span outside the
    <label>, so that the field's accessible name is the label alone ("手机号", not "* 手机号"); that it is required
    is said by the control's own `required` attribute."""
    required = field.field.required
    mark = REQUIRED_MARK if required else ""
    checkbox = field.widget_type == "checkbox"
    classes = "field" + (" required" if required else "") + (" has-error" if field.errors else "")
    classes += " field-check" if checkbox else ""
    label = conditional_escape(field.label)
    if field.use_fieldset:
        body = f"<fieldset><legend>{mark}{label}</legend>{field}</fieldset>"
    elif checkbox:
        body = f'{field} {mark}<label for="{conditional_escape(field.id_for_label)}">{label}</label>'
    else:
        body = f'<div class="field-label">{mark}<label for="{conditional_escape(field.id_for_label)}">{label}</label></div>{field}'
    if field.help_text:
        body += f'<p class="help" id="{field.auto_id}_helptext">{conditional_escape(field.help_text)}</p>'
    if field.errors:
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in field.errors)
        body += f'<ul class="field-errors" id="{field.auto_id}_error" role="alert">{items}</ul>'
    return f'<div class="{classes}">{body}</div>'


class FormRenderer(TemplatesSetting):
    """Every field through `field_group`, the plain widgets through FAST_WIDGETS: Python with the markup of a
    template, because a filter or invitation form renders dozens of them per page and each template render costs
    more than the rest of the field. Other widgets keep Django's templates."""

    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
        if template_name == self.field_template_name:
            return field_group(context["field"])
        fast = FAST_WIDGETS.get(template_name)
        if fast is not None and "widget" in context:
            return fast(context["widget"])
        return super().render(template_name, context, request=request)


def apply_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
