from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from signing_platform.crypto import id_number_hash
from signing_platform.forms import IdNumberField

from .models import College, CorrectionRequest, Graduate, Reviewer, School


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
    id_number = IdNumberField(help_text="保存时加密存储；列表中只显示脱敏号码")

    class Meta:
        model = Graduate
        exclude = ("id_hash", "id_encrypted", "id_masked")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["id_number"].initial = self.instance.id_number()

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


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ("graduate", "status", "created_at", "resolved_by", "resolved_at")
    list_filter = ("status",)
    search_fields = ("graduate__name",)
    list_select_related = ("graduate", "resolved_by")
    raw_id_fields = ("graduate", "resolved_by")
