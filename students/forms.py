import re

from django import forms
from django.urls import reverse

from contracts.forms import ListFilterForm
from contracts.models import JobCategory
from employers.models import Industry, Region, UnitNature
from schools.models import School
from signing_platform.accounts.forms import NewMobileMixin, NewPasswordMixin
from signing_platform.forms import CreditCodeField, IdNumberField, MobileField, SmsCodeField

from .models import Category, DestinationCode
from .selectors import DestinationFilters
from .services.destinations import GROUP_FIELDS, TEXT_LIMITS, Registration, field_required


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


# ---------------------------------------------------------------------------------------------- 毕业去向登记


def code_choices(codes) -> list:
    """The active codes grouped by 去向类别 (an <optgroup> each), in the code list's order."""
    groups: dict[str, list] = {}
    for code in codes:
        label = f"{code.code} {code.name}" + ("（线下签约）" if code.is_agreement else "")
        groups.setdefault(code.get_category_display(), []).append((code.code, label))
    return [("", "请选择毕业去向"), *groups.items()]


class CodeChoiceForm(forms.Form):
    """登记的第一步: which destination. Without JavaScript, 下一步 (a GET) shows that code's fields."""

    code = forms.ChoiceField(label="毕业去向", error_messages={"required": "请选择毕业去向"})

    def __init__(self, *args, codes, **kwargs):
        kwargs.setdefault("auto_id", "choose-%s")
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = code_choices(codes)
        # htmx: choosing a code swaps in its fields (and the URL says which code, as 下一步's would).
        self.fields["code"].widget.attrs.update({
            "hx-get": reverse("destinations:register"), "hx-target": "#destination-fields", "hx-swap": "outerHTML",
            "hx-push-url": "true",
        })


def region_choices() -> list:
    """单位所在地: GB/T 2260 prefecture-level cities grouped by province, in one select that needs no script."""
    groups: dict[str, list] = {}
    for city in Region.objects.filter(parent__isnull=False).select_related("parent").order_by("parent__code", "code"):
        groups.setdefault(city.parent.name, []).append((city.pk, city.name))
    return [("", "请选择城市"), *groups.items()]


class RegistrationForm(forms.Form):
    """The fields a code's registration needs (students.services.destinations.GROUP_FIELDS), and its proof."""

    def __init__(self, *args, code: DestinationCode, can_keep_proof: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "destination-%s")
        super().__init__(*args, **kwargs)
        self.code = code
        for name, label, required in GROUP_FIELDS[code.field_group]:
            self.fields[name] = self._field(name, label, field_required(code, name, required))
        if code.needs_proof:
            self.fields["proof"] = forms.FileField(
                label=code.proof_label or "证明材料", required=not can_keep_proof,
                help_text=("不重新上传则沿用上次提交的证明材料；" if can_keep_proof else "") + "JPG、PNG 图片或 PDF，不超过5MB",
                error_messages={"required": f"请上传{code.proof_label or '证明材料'}"},
                widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"}),
            )

    def _field(self, name: str, label: str, required: bool) -> forms.Field:
        messages = {"required": f"请填写{label}" if name in TEXT_LIMITS or name == "credit_code" else f"请选择{label}"}
        if name == "credit_code":
            help_text = "" if required else "没有统一社会信用代码的单位（如部队）可不填"
            return CreditCodeField(label=label, required=required, help_text=help_text, error_messages=messages)
        if name == "unit_nature":
            return forms.ModelChoiceField(label=label, queryset=UnitNature.objects.filter(is_active=True),
                                          empty_label="请选择", required=required, error_messages=messages)
        if name == "industry":
            return forms.ModelChoiceField(label=label, queryset=Industry.objects.filter(is_active=True),
                                          empty_label="请选择", required=required, error_messages=messages)
        if name == "job_category":
            return forms.ModelChoiceField(label=label, queryset=JobCategory.objects.filter(is_active=True),
                                          empty_label="请选择", required=required, error_messages=messages)
        if name == "region":
            return forms.TypedChoiceField(label=label, choices=region_choices(), coerce=_region, empty_value=None,
                                          required=required, error_messages={**messages, "invalid_choice": "请选择城市"})
        widget = forms.Textarea(attrs={"rows": 2}) if name == "note" else forms.TextInput
        return forms.CharField(label=label, max_length=TEXT_LIMITS[name], required=required, widget=widget,
                               error_messages={**messages, "max_length": f"{label}不能超过{TEXT_LIMITS[name]}个字"})

    def registration(self) -> Registration:
        values = {name: value for name, value in self.cleaned_data.items() if name != "proof" and value is not None}
        return Registration(code=self.code, **values)


def _region(value) -> Region:
    return Region.objects.get(pk=int(value))


def initial_from(record) -> dict:
    """A returned registration's fields, to correct them rather than type them again."""
    return {name: getattr(record, name) for name, _label, _required in GROUP_FIELDS[record.code.field_group]} | {
        "region": record.region_id,
    }


class DestinationFilterForm(ListFilterForm):
    """院系 / 专业 / 去向类别 / 状态 / 姓名 / 证件号码 (and 年份) of the 毕业去向审核 lists; the ID number is posted and then
    travels only as its keyed hash, as in the signing lists."""

    college = forms.TypedChoiceField(label="院系", coerce=int, required=False, empty_value=None)
    major = forms.CharField(label="专业", max_length=50, required=False)
    category = forms.ChoiceField(label="去向类别", required=False, choices=[("", "全部"), *Category.choices])

    field_order = ["year", "college", "major", "category", "status", "name", "id_number"]

    def __init__(self, *args, colleges, statuses=(), **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, statuses=statuses, **kwargs)
        self.fields["college"].choices = [("", "全部"), *[(college.pk, college.name) for college in colleges]]
        self.fields["name"].label = "姓名"

    def to_filters(self) -> DestinationFilters:
        base = super().to_filters()
        data = self.cleaned_data
        return DestinationFilters(
            year=base.year, college_id=data.get("college"), major=data.get("major", "").strip(),
            category=data.get("category", ""), status=base.status, name=base.name, id_hash=base.id_hash,
        )

    def empty_filters(self) -> DestinationFilters:
        return DestinationFilters()

    def query(self) -> dict[str, str]:
        filters = self.to_filters()
        params = {
            "year": filters.year or "", "college": filters.college_id or "", "major": filters.major,
            "category": filters.category, "status": filters.status, "name": filters.name, "idh": filters.id_hash,
        }
        return {key: str(value) for key, value in params.items() if value}


class DestinationCheckForm(forms.Form):
    """毕业去向核验: 姓名 + 核验编号 (dashes, spaces and lower case forgiven)."""

    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请输入姓名"})
    number = forms.CharField(label="核验编号", max_length=20, error_messages={"required": "请输入核验编号"},
                             help_text="12位字母与数字，见去向证明；可含短横线")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "off"})
        self.fields["number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_number(self):
        return normalize_code(self.cleaned_data["number"])


class AgreementCheckForm(forms.Form):
    """协议书核验: 协议书编号 + 验证码 (as printed on the agreement)."""

    no = forms.CharField(label="协议书编号", max_length=32, error_messages={"required": "请输入协议书编号"})
    code = forms.CharField(label="验证码", max_length=20, error_messages={"required": "请输入验证码"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("no", "code"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_no(self):
        return re.sub(r"\s", "", self.cleaned_data["no"])

    def clean_code(self):
        return normalize_code(self.cleaned_data["code"])


def normalize_code(value: str) -> str:
    """Upper case, without the spaces and dashes people type between groups."""
    return re.sub(r"[\s\-－—]", "", value).upper()
