from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from contracts.selectors import invitations_of_year, under_review_of_year
from signing_platform.admin import ReadOnlyAdminMixin
from signing_platform.crypto import id_number_hash
from signing_platform.errors import NotFound
from signing_platform.forms import IdNumberField, apply_service_errors
from signing_platform.replica import reads_from_replica
from students.models import Category

from . import services, statistics
from .forms import PlatformStatisticsForm
from .models import College, CorrectionRequest, Graduate, GraduationYearClosure, Reviewer, School


class CollegeInline(admin.TabularInline):
    model = College
    extra = 1


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province", "review_levels")
    list_filter = ("review_levels", "province")
    search_fields = ("code", "name")
    inlines = [CollegeInline]


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ("name", "school")
    list_filter = ("school",)
    search_fields = ("name", "school__name")
    list_select_related = ("school",)


class ReviewerForm(forms.ModelForm):
    class Meta:
        model = Reviewer
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        user, role, school, college = (cleaned.get(k) for k in ("user", "role", "school", "college"))
        if user and role and user.role != role:
            raise ValidationError("审核员类型须与该用户的角色一致")
        if college and school and college.school_id != school.pk:
            raise ValidationError({"college": "院系须属于所选学校"})
        return cleaned


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    form = ReviewerForm
    list_display = ("user", "role", "school", "college", "is_active")
    list_filter = ("role", "is_active", "school")
    search_fields = ("user__username", "user__name", "school__name", "college__name")
    list_select_related = ("user", "school", "college")
    autocomplete_fields = ("user",)


class GraduateAdminForm(forms.ModelForm):
    """The full 身份证号 is never put in the form: adding needs one; changing takes a new one or keeps the old."""

    id_number = IdNumberField(required=False)

    class Meta:
        model = Graduate
        exclude = ("id_hash", "id_encrypted", "id_masked")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["id_number"]
        if self.instance.pk:
            field.label = "新身份证号"
            field.help_text = "如需更正，请输入新的身份证号；留空则不修改"
        else:
            field.required = True
            field.help_text = "保存时加密存储；页面上只显示脱敏号码"

    def clean(self):
        cleaned = super().clean()
        college, school = cleaned.get("college"), cleaned.get("school")
        if college and school and college.school_id != school.pk:
            self.add_error("college", "院系须属于所选学校")
        id_number, year = cleaned.get("id_number"), cleaned.get("graduation_year")
        if school and id_number and year:
            # The unique constraint covers id_hash, which is not a form field, so the model check skips it.
            same = Graduate.objects.filter(school=school, graduation_year=year, id_hash=id_number_hash(id_number))
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("id_number", "该学校该毕业年份已有此身份证号的生源信息")
        return cleaned

    def _post_clean(self):
        if self.cleaned_data.get("id_number"):
            self.instance.set_id_number(self.cleaned_data["id_number"])
        super()._post_clean()


@admin.register(Graduate)
class GraduateAdmin(admin.ModelAdmin):
    form = GraduateAdminForm
    list_display = ("name", "id_masked", "school", "college", "education_level", "major", "graduation_year", "user", "confirmed_at")
    list_filter = ("graduation_year", "education_level", "school")
    search_fields = ("name", "student_no")
    # No search by ID number: the admin searches by GET, and the number must never be in a URL.
    search_help_text = "按姓名、学号搜索"
    list_select_related = ("school", "college", "user")
    readonly_fields = ("id_masked", "created_at", "updated_at")
    raw_id_fields = ("user",)
    change_form_template = "admin/schools/graduate/change_form.html"
    change_list_template = "admin/schools/graduate/change_list.html"

    def get_fields(self, request, obj=None):
        # The masked number beside the field that corrects it; a new entry has none yet.
        identity = ("id_masked", "id_number") if obj is not None else ("id_number",)
        return ("school", "college", "name", *identity, "student_no", "gender", "education_level", "major",
                "major_category", "graduation_year", "mobile", "user", "confirmed_at",
                *(("created_at", "updated_at") if obj is not None else ()))

    @method_decorator(sensitive_post_parameters("id_number"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        may_reveal = request.user.has_perm(services.REVEAL_PERMISSION)
        extra_context = {**(extra_context or {}), "may_reveal_id_number": may_reveal}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        reveal = self.admin_site.admin_view(require_POST(self.reveal_id_number_view))
        statistics = self.admin_site.admin_view(require_GET(reads_from_replica(self.statistics_view)))
        return [
            path("<int:graduate_id>/reveal-id-number/", reveal, name="schools_graduate_reveal_id_number"),
            path("statistics/", statistics, name="schools_graduate_statistics"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_see_statistics": self.has_view_permission(request)}
        return super().changelist_view(request, extra_context)

    def statistics_view(self, request):
        """落实率统计 of every school for a 毕业年份 (this year by default), by school and by province: the reviewers'
        selector over the whole platform. Operators who may read the roster only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PlatformStatisticsForm(request.GET if "year" in request.GET else {"year": timezone.localdate().year})
        data = statistics.platform_statistics(year=form.cleaned_data["year"]) if form.is_valid() else None
        return TemplateResponse(request, "admin/schools/graduate/statistics.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "落实率统计（全平台）", "form": form,
            "data": data, "definition": statistics.DEFINITION, "categories": Category.choices,
        })

    @sensitive_variables("id_number")
    def reveal_id_number_view(self, request, graduate_id: int):
        """查看完整证件号: the number once, on a page of its own (never in a URL, never cached), after the service
        has audited the reveal and counted it against the operator's hourly limit."""
        graduate = get_object_or_404(Graduate.objects.select_related("school"), pk=graduate_id)
        if not self.has_view_permission(request, graduate):
            raise PermissionDenied
        try:
            id_number = services.graduate_reveal_id_number(actor=request.user, graduate=graduate)
        except NotFound:
            raise PermissionDenied from None
        except ValidationError as exc:
            self.message_user(request, exc.messages[0], messages.ERROR)
            return redirect("admin:schools_graduate_change", graduate.pk)
        return TemplateResponse(request, "admin/schools/graduate/reveal_id_number.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "original": graduate,
            "title": f"{graduate.name}的身份证号", "id_number": id_number,
        })


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a correction is the school's to make and to answer (生源信息, 信息更正申请), which tells the graduate
    and is audited; an operator closing it here could not correct the roster it is about."""

    list_display = ("graduate", "status", "created_at", "resolved_by", "resolved_at")
    list_filter = ("status",)
    search_fields = ("graduate__name",)
    list_select_related = ("graduate", "resolved_by")


CLOSING_SUMMARY = (
    "关闭后，该届毕业生不能再收到新的签约邀请、应约或激活账号；尚在等待学生应约的邀请函将失效（说明：毕业年度已关闭），"
    "已超过应约期限的邀请函记为逾期未回应。已签约的协议、审核中的签约和毕业去向不受影响，仍可查看、审核和核验。"
    "学校选“全部学校”时关闭所有学校（包括以后新增的学校）的该届。确认前会列出将受影响的数量。"
)


class YearClosingForm(forms.Form):
    school = forms.ModelChoiceField(
        label="学校", queryset=School.objects.order_by("code"), required=False, empty_label="全部学校",
    )
    year = forms.IntegerField(label="毕业年份", min_value=2000, max_value=2100,
                              error_messages={"required": "请填写毕业年份", "invalid": "请填写正确的毕业年份",
                                              "min_value": "请填写正确的毕业年份", "max_value": "请填写正确的毕业年份"})
    reason = forms.CharField(label="关闭原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写关闭原因", "max_length": "关闭原因不能超过200个字"})


def year_closing_counts(school: School | None, year: int) -> dict[str, int]:
    """What closing `year` (of `school`, or of all) changes, for the confirmation page."""
    now = timezone.now()
    invitations = invitations_of_year(school_id=school.pk if school else None, year=year)
    graduates = Graduate.objects.filter(graduation_year=year, user__isnull=True)
    if school is not None:
        graduates = graduates.filter(school=school)
    return {
        "voided": invitations.filter(deadline__gt=now).count(),
        "expired": invitations.filter(deadline__lte=now).count(),
        "not_activated": graduates.count(),
        "under_review": under_review_of_year(school_id=school.pk if school else None, year=year).count(),
    }


@admin.register(GraduationYearClosure)
class GraduationYearClosureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Closed graduation years: read here, closed only through 关闭毕业年度 (the service checks the rules and audits)."""

    list_display = ("year", "school_label", "closed_at", "closed_by", "voided", "reason")
    list_filter = ("year",)
    search_fields = ("school__name", "school__code")
    list_select_related = ("school", "closed_by")
    change_list_template = "admin/schools/graduationyearclosure/change_list.html"

    @admin.display(description="学校", ordering="school__code")
    def school_label(self, obj):
        return obj.school.name if obj.school_id else "全部学校"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_close": self.has_operate_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        close = self.admin_site.admin_view(self.close_view)
        return [path("close/", close, name="schools_graduationyearclosure_close"), *super().get_urls()]

    def close_view(self, request):
        """关闭毕业年度: the school (or all), the year and a reason; then the counts it will change; then 确认关闭."""
        if not self.has_operate_permission(request):
            raise PermissionDenied
        form = YearClosingForm(request.POST or None)
        counts = None
        if request.method == "POST" and form.is_valid():
            school, year = form.cleaned_data["school"], form.cleaned_data["year"]
            if "confirm" in request.POST:
                try:
                    result = services.graduation_year_close(
                        actor=request.user, school=school, year=year, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    self._report(request, result)
                    return redirect("admin:schools_graduationyearclosure_changelist")
            if form.is_valid():
                counts = year_closing_counts(school, year)
        return TemplateResponse(request, "admin/schools/graduationyearclosure/close.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "关闭毕业年度", "form": form,
            "counts": counts, "summary": CLOSING_SUMMARY,
        })

    def _report(self, request, result) -> None:
        closure = result.closure
        if result.created:
            self.message_user(request, f"已关闭{closure}，{result.voided} 条等待应约的邀请函已失效", messages.SUCCESS)
        else:
            self.message_user(request, f"{closure}此前已关闭，本次又有 {result.voided} 条邀请函失效", messages.SUCCESS)
        if result.left:
            self.message_user(request, f"另有 {result.left} 条邀请函正在被其他操作处理，未能失效，请稍后再次执行关闭",
                              messages.WARNING)
