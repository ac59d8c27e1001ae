"""What holds for every page of Django admin: Chinese labels, read-only admins made one way, lists whose cost does not
grow with their rows."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts import services
from contracts.models import JobCategory
from signing_platform.accounts.models import User
from signing_platform.admin import ReadOnlyAdminMixin
from tests.contracts.conftest import make_unit
from tests.factories import PASSWORD
from tests.schools.factories import ActivatedGraduateFactory

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Django's own models, labelled by Django's translations.
DJANGO_APPS = {"auth"}


def project_admins():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if model._meta.app_label not in DJANGO_APPS]


def label(name, model_admin, form):
    """The label a page shows: a form field's own label, else the model field's or the column's."""
    if name in form.fields and form.fields[name].label:
        return form.fields[name].label
    return label_for_field(name, model_admin.model, model_admin, form=form)


def labels(model_admin, request):
    """(name, label) of every list column and form field of a model admin and of its inlines."""
    form = model_admin.get_form(request)()
    for name in model_admin.get_list_display(request):
        if name not in ("__str__", "action_checkbox"):
            yield name, label(name, model_admin, form)
    for each in [model_admin, *[inline(model_admin.model, admin.site) for inline in model_admin.inlines]]:
        each_form = form if each is model_admin else each.get_formset(request).form()
        for name in [*each.get_fields(request), *each.get_readonly_fields(request)]:
            yield name, label(name, each, each_form)


def test_every_label_in_admin_is_chinese():
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("operator", password=PASSWORD)
    english = []
    for model, model_admin in project_admins():
        if not CHINESE.search(str(model._meta.verbose_name)):
            english.append(model._meta.label)
        english += [f"{model._meta.label}.{name}: {label}" for name, label in labels(model_admin, request)
                    if not CHINESE.search(str(label))]
    assert english == [], english


def test_read_only_admins_share_one_mixin():
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("operator", password=PASSWORD)
    for _model, model_admin in project_admins():
        read_only = not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                         or model_admin.has_delete_permission(request))
        assert read_only == isinstance(model_admin, ReadOnlyAdminMixin), type(model_admin).__name__
        if read_only:
            # ... and nothing defines its own permissions instead.
            for name in ("has_add_permission", "has_change_permission", "has_delete_permission"):
                assert getattr(type(model_admin), name) is getattr(ReadOnlyAdminMixin, name), type(model_admin).__name__


def test_permissions_are_listed_in_chinese(client):
    operator = User.objects.create_superuser("operator", password=PASSWORD)
    client.force_login(operator)
    for url in (reverse("admin:accounts_user_change", args=[operator.pk]), reverse("admin:auth_group_add")):
        page = client.get(url).text
        assert "Can add" not in page and "Can view" not in page
        assert "学校 | 生源信息 | 可查看生源信息" in page and "学校 | 生源信息 | 可查看完整身份证号" in page


def add_invitations(start, n):
    """`n` more units, each inviting its own graduate: rows in every list below."""
    job = JobCategory.objects.first()
    for i in range(start, start + n):
        _unit, employer, contact = make_unit(100 + i, name=f"单位{i}")
        favorite, _ = services.favorite_add(actor=employer, graduate=ActivatedGraduateFactory())
        services.invite(actor=employer, favorite=favorite, job_category=job, post_name="岗位", valid_days=7,
                        contact=contact)


@pytest.mark.parametrize("model", ["contracts.contractevent", "contracts.contract", "employers.unitmember",
                                   "employers.contact", "schools.graduate", "accounts.user"])
def test_list_pages_cost_the_same_whatever_the_number_of_rows(client, model):
    client.force_login(User.objects.create_superuser("operator", password=PASSWORD))
    url = reverse(f"admin:{model.replace('.', '_')}_changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_invitations(0, 2)
    few = queries()
    add_invitations(2, 6)
    assert queries() == few
