from django import forms
from django.utils import timezone

from employers.models import Contact
from schools.models import School
from signing_platform.crypto import id_number_hash
from signing_platform.forms import IdNumberField
from signing_platform.uploads import validate_upload

from .models import JobCategory
from .selectors import ListFilters
from .services import DEFAULT_VALID_DAYS, MAX_VALID_DAYS, MIN_VALID_DAYS


def graduation_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year + 1, this_year - 5, -1))


class ListFilterForm(forms.Form):
    """年份 · 最新状态 · 学生姓名 · 证件号码. The ID number is posted, then travels only as its keyed hash."""

    year = forms.TypedChoiceField(label="年份", coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label="最新状态", required=False)
    name = forms.CharField(label="学生姓名", max_length=20, required=False)
    id_number = IdNumberField(label="证件号码", required=False)
    idh = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部")] + [(year, str(year)) for year in graduation_years()]
        self.fields["status"].choices = [("", "全部")] + [(s.value, s.label) for s in statuses]
        if not statuses:
            del self.fields["status"]

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        return value if value else ""

    def to_filters(self) -> ListFilters:
        data = self.cleaned_data
        id_hash = id_number_hash(data["id_number"]) if data.get("id_number") else data.get("idh") or ""
        return ListFilters(year=data.get("year"), status=data.get("status", ""), name=data.get("name", "").strip(), id_hash=id_hash)

    def empty_filters(self) -> ListFilters:
        """The filters of an invalid form: none."""
        return ListFilters()

    def query(self) -> dict[str, str]:
        """The filters as GET parameters for a bookmarkable URL (the ID number as its hash)."""
        filters = self.to_filters()
        params = {"year": filters.year or "", "status": filters.status, "name": filters.name, "idh": filters.id_hash}
        return {key: str(value) for key, value in params.items() if value}


class StudentSearchForm(forms.Form):
    """添加学生: the three facts that must all match one roster entry exactly."""

    # Shown in a modal over the lists page, whose filter has fields of the same names: ids must differ.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "student-search-%s")
        super().__init__(*args, **kwargs)

    name = forms.CharField(label="学生姓名", max_length=50, error_messages={"required": "请输入学生姓名"})
    id_number = IdNumberField(label="身份证号")
    school = forms.ModelChoiceField(
        label="毕业院校", queryset=School.objects.order_by("name"), empty_label="请选择毕业院校",
        error_messages={"required": "请选择毕业院校", "invalid_choice": "请选择毕业院校"},
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class InvitationForm(forms.Form):
    """签约邀请函: 岗位信息 of SPEC §2.6."""

    job_category = forms.ModelChoiceField(
        label="拟录用职位类别", queryset=JobCategory.objects.filter(is_active=True), empty_label="请选择",
        error_messages={"required": "请选择拟录用职位类别", "invalid_choice": "请选择拟录用职位类别"},
    )
    post_name = forms.CharField(label="拟录用岗位名称", max_length=50, error_messages={"required": "请填写拟录用岗位名称", "max_length": "拟录用岗位名称不能超过50个字"})
    valid_days = forms.IntegerField(
        label="应约有效期", min_value=MIN_VALID_DAYS, max_value=MAX_VALID_DAYS, initial=DEFAULT_VALID_DAYS,
        help_text="1至30天，学生须在有效期内应约",
        error_messages={
            "required": "请填写应约有效期", "invalid": "应约有效期应为1至30天",
            "min_value": "应约有效期应为1至30天", "max_value": "应约有效期应为1至30天",
        },
    )
    contact = forms.ModelChoiceField(
        label="签约联系人", queryset=Contact.objects.none(), empty_label="请选择",
        error_messages={"required": "请选择签约联系人", "invalid_choice": "请选择签约联系人"},
    )
    work_location = forms.CharField(label="工作地点", max_length=100, required=False)
    salary = forms.CharField(label="薪酬", max_length=50, required=False)
    remarks = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, unit, **kwargs):
        kwargs.setdefault("auto_id", "invitation-%s")
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(unit=unit, is_active=True).order_by("pk")
        self.fields["valid_days"].widget.attrs.update({"min": MIN_VALID_DAYS, "max": MAX_VALID_DAYS})

    def clean_post_name(self):
        value = self.cleaned_data["post_name"].strip()
        if not value:
            raise forms.ValidationError("请填写拟录用岗位名称")
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label="原因", required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label, field.required = label, required
        field.error_messages.update({"required": f"请填写{label}", "max_length": f"{label}不能超过200个字"})


class TerminationRequestForm(forms.Form):
    """申请解约: a reason, and optionally the 解约函 (image or PDF, checked by its content)."""

    reason = forms.CharField(
        label="解约原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写解约原因", "max_length": "解约原因不能超过200个字"},
    )
    attachment = forms.FileField(label="解约函（选填）", required=False, help_text="JPG、PNG或PDF文件，不超过5MB")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "termination-%s")
        super().__init__(*args, **kwargs)
        self.fields["attachment"].widget.attrs["accept"] = "image/jpeg,image/png,application/pdf"

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError("请填写解约原因")
        return value

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            validate_upload(upload)
        return upload


class DecisionForm(forms.Form):
    """Two buttons, one note: 同意/不同意 (a counterpart) or 审核通过/审核不通过 (the school); the note is needed to refuse."""

    decision = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")], error_messages={"required": "请选择同意或不同意"})
    note = forms.CharField(label="意见", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label="意见", refusal_label="不同意原因", prefix_id="decision", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.refusal_label = refusal_label
        self.fields["note"].label = label
        self.fields["note"].error_messages["max_length"] = f"{label}不能超过200个字"

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == "yes"

    def clean(self):
        data = super().clean()
        data["note"] = (data.get("note") or "").strip()
        if data.get("decision") == "no" and not data["note"]:
            self.add_error("note", f"请填写{self.refusal_label}")
        return data
