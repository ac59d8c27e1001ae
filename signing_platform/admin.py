"""What every app's admin shares: read-only model admins whose changes go through operator actions, and the
confirmation page those actions show before they act."""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse


class ReadOnlyAdminMixin:
    """Operators read these records here; nothing is added, edited or deleted through the admin's forms.

    Records whose state the platform changes (with locks, rules and audit events) change only through services;
    an admin that offers operator actions gates them with `permissions=["operate"]`, which asks for the model's
    change permission (a permission the read-only forms no longer use for anything else).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_operate_permission(self, request, obj=None):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A list of related records on their parent's page, never edited there (each has its own page, linked)."""

    extra = 0
    show_change_link = True


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label: str = "原因", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = f"请填写{label}"


def reason_page(modeladmin, request, *, rows, form: ReasonForm, title: str, summary: str, action: str = ""):
    """The page that lists the records an operator is about to act on, says what will happen and asks why."""
    return TemplateResponse(request, "admin/confirm_with_reason.html", {
        **modeladmin.admin_site.each_context(request), "opts": modeladmin.opts, "title": title, "summary": summary,
        "form": form, "rows": rows, "action": action, "action_checkbox_name": ACTION_CHECKBOX_NAME,
    })


def confirm_with_reason(modeladmin, request, queryset, *, title: str, summary: str, apply, label: str = "原因"):
    """An admin action's intermediate page: list the selected rows, ask for a reason, then `apply(rows, reason)`.

    Returns the page, or None once applied (the admin then goes back to the list, showing the action's messages).
    """
    form = ReasonForm(request.POST if "apply" in request.POST else None, label=label)
    if form.is_bound and form.is_valid():
        apply(list(queryset), form.cleaned_data["reason"])
        return None
    return reason_page(modeladmin, request, rows=queryset, form=form, title=title, summary=summary,
                       action=request.POST.get("action", ""))


def refusal(exc: Exception) -> str:
    """What a service's refusal says: a ValidationError's first message, or a domain error's `message`."""
    if isinstance(exc, ValidationError):
        return exc.messages[0]
    return getattr(exc, "message", str(exc))


_BUILTIN_ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission) -> str:
    """A permission as operators read it. Django names its built-in ones in English in the database ("Can add …");
    these read 可添加/可修改/可删除/可查看 with the model's Chinese name, the project's own keep their Chinese names."""
    action, _, model_name = permission.codename.partition("_")
    content_type = permission.content_type
    model = content_type.model_class()
    if action not in _BUILTIN_ACTIONS or model is None or model._meta.model_name != model_name:
        return str(permission)
    app = apps.get_app_config(content_type.app_label).verbose_name
    return f"{app} | {model._meta.verbose_name} | 可{_BUILTIN_ACTIONS[action]}{model._meta.verbose_name}"


class ChinesePermissionsMixin:
    """Permission pickers (a user's, a group's) that list permissions by permission_label."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field
