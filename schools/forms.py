from django import forms
from django.core.exceptions import ValidationError

from signing_platform.accounts.forms import NewPasswordMixin
from signing_platform.forms import IdNumberField
from signing_platform.validators import normalize_id_number, normalize_mobile
from students.models import Category, DestinationState

from .models import College, CorrectionStatus, EducationLevel, Graduate
from .roster_import import MAX_BYTES
from .selectors import RosterFilters


def roster_filters_from_query(query) -> RosterFilters:
    """生源信息's canonical GET parameters (the page's, its pager's, its 导出Excel's); the ID number appears only as
    its keyed hash (idh). Anything malformed is ignored, as a hand-edited URL should be."""

    def number(key):
        value = query.get(key, "")
        # isdigit() alone passes ² (int() refuses it); a year or an id has fewer than 10 digits (SQLite overflows).
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None

    level = query.get("level", "")
    idh = query.get("idh", "")
    return RosterFilters(
        year=number("year"),
        college_id=number("college"),
        major=query.get("major", "")[:100],
        education_level=level if level in EducationLevel.values else "",
        name=query.get("name", "")[:50],
        id_hash=idh if len(idh) == 64 else "",
        destination_state=_choice(query.get("state", ""), DestinationState.values),
        category=_choice(query.get("category", ""), Category.values),
    )


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


def roster_query(filters: RosterFilters) -> dict[str, str]:
    """The canonical GET parameters of `filters` (those with a value)."""
    params = {
        "year": filters.year, "college": filters.college_id, "major": filters.major,
        "level": filters.education_level, "name": filters.name, "idh": filters.id_hash,
        "state": filters.destination_state, "category": filters.category,
    }
    return {key: str(value) for key, value in params.items() if value}


class RosterFilterForm(forms.Form):
    """年份, 院系, 专业, 学历层次, 姓名, 身份证号, 毕业去向状态, 去向类别. Posted, so the ID number never lands in a URL."""

    year = forms.TypedChoiceField(label="年份", required=False, coerce=int, empty_value=None)
    college = forms.ModelChoiceField(label="院系", queryset=College.objects.none(), required=False, empty_label="全部")
    major = forms.CharField(label="专业", max_length=100, required=False)
    education_level = forms.ChoiceField(
        label="学历层次", required=False, choices=[("", "全部"), *EducationLevel.choices]
    )
    name = forms.CharField(label="姓名", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    destination_state = forms.ChoiceField(
        label="毕业去向状态", required=False, choices=[("", "全部"), *DestinationState.choices]
    )
    category = forms.ChoiceField(label="去向类别", required=False, choices=[("", "全部"), *Category.choices])

    def __init__(self, *args, years, colleges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部"), *[(year, str(year)) for year in years]]
        self.fields["college"].queryset = colleges
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        return normalize_id_number(value) if value else ""


class GraduateForm(forms.ModelForm):
    """编辑生源信息. The current 身份证号 is never put in the form (the page shows it masked): a new one corrects it,
    blank keeps it."""

    id_number = IdNumberField(
        label="新身份证号", required=False, help_text="如需更正身份证号，请输入新的号码；留空则不修改"
    )
    mobile = forms.CharField(label="手机号", max_length=20, required=False)

    class Meta:
        model = Graduate
        fields = [
            "name", "id_number", "student_no", "gender", "education_level", "college", "major", "major_category",
            "graduation_year", "mobile",
        ]

    def __init__(self, *args, colleges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = colleges
        self.fields["college"].empty_label = None

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        return normalize_mobile(mobile) if mobile else ""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("id_number"):
            # No new number: the service keeps the one on file.
            cleaned.pop("id_number", None)
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the model's own uniqueness check needs the hash it does not have yet.
        pass


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label="生源文件", help_text="CSV（UTF-8或GBK编码）或Excel（.xlsx）文件，第一行为列名，请使用导入模板",
        error_messages={"required": "请选择要导入的文件", "empty": "文件为空，请使用导入模板填写"},
    )
    skip_bad_rows = forms.BooleanField(
        label="仅导入无误的行（有误的行跳过，不导入）", required=False,
        help_text="不勾选时，文件中只要有一行有误，就不导入任何数据",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(f"文件过大，请不超过{MAX_BYTES // (1024 * 1024)}MB，或分批导入")
        return upload


class CollegeReviewerForm(NewPasswordMixin):
    college = forms.ModelChoiceField(
        label="院系", queryset=College.objects.none(), empty_label=None, error_messages={"required": "请选择院系"}
    )
    username = forms.RegexField(
        label="用户名", max_length=32, regex=r"^[A-Za-z0-9_.-]{4,32}$",
        help_text="4-32位字母、数字或 _ . -，用于登录",
        error_messages={"required": "请输入用户名", "invalid": "用户名应为4-32位字母、数字或 _ . -"},
    )
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请输入姓名"})

    field_order = ["college", "username", "name", "password1", "password2"]

    def __init__(self, *args, colleges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = colleges


class CorrectionResolveForm(forms.Form):
    status = forms.ChoiceField(
        label="处理结果",
        choices=[(CorrectionStatus.RESOLVED, "已更正"), (CorrectionStatus.DECLINED, "不予更正")],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(label="处理说明", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def statistics_year(value) -> int | None:
    """A 毕业年份 from a query (the statistics page's, its 导出Excel's): four ASCII digits in 2000–2100, else None."""
    value = value if isinstance(value, str) else ""
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        return None
    year = int(value)
    return year if 2000 <= year <= 2100 else None


class StatisticsYearForm(forms.Form):
    """落实率统计's one filter: a 毕业年份 of the reviewer's roster."""

    year = forms.TypedChoiceField(label="毕业年份", coerce=int, error_messages={
        "required": "请选择毕业年份", "invalid_choice": "请选择有效的毕业年份",
    })

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, f"{year}届") for year in years]


class PlatformStatisticsForm(forms.Form):
    """The operators' 落实率统计: any 毕业年份."""

    year = forms.IntegerField(label="毕业年份", min_value=2000, max_value=2100, error_messages={
        "required": "请填写毕业年份", "invalid": "请填写正确的毕业年份", "min_value": "请填写正确的毕业年份",
        "max_value": "请填写正确的毕业年份",
    })
