"""A NUL character anywhere a request carries text (path, query, form, file name, cookie) gets 400 and a Chinese
message before any view runs (signing_platform/nul_bytes.py): PostgreSQL cannot even compare text holding NUL, so
such a value reaching a list filter, an admin changelist or the session store was a 500."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import Contract, TerminationRequest
from employers.models import Unit
from schools.models import Graduate

pytestmark = pytest.mark.django_db
MESSAGE = "提交的内容含有无效字符（空字符），请删除后重试。"


def refused(response):
    return response.status_code == 400 and MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "query", ["name=%00", "major=%00", "name=%E5%BC%A0%00", "level=%00", "idh=" + "a%00" * 21 + "a"]
)
def test_roster_filters_with_a_nul_are_refused(client, cast, query):
    client.force_login(cast.school_reviewer)
    assert refused(client.get(f"{reverse('schools:roster')}?{query}"))


def test_the_posted_roster_filter_with_a_nul_is_refused(client, cast):
    client.force_login(cast.school_reviewer)
    assert refused(client.post(reverse("schools:roster"), {"name": "张\x00三"}))
    assert refused(client.post(reverse("schools:roster"), {"major": "\x00"}, HTTP_HX_REQUEST="true"))


@pytest.mark.parametrize("model_admin", admin.site._registry.values(), ids=lambda model_admin: str(model_admin))
def test_every_admin_list_refuses_a_nul_in_its_filters_and_search(admin_client, model_admin):
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    for query in ("status__exact=%00", "q=%00", "o=%00", "%00=1"):
        assert refused(admin_client.get(f"{url}?{query}")), query


def test_a_nul_in_a_form_field_name_or_value_is_refused_and_changes_nothing(client, cast, signed):
    client.force_login(cast.employer)
    url = reverse("contracts:employer_terminate", args=[signed.pk])
    letter = SimpleUploadedFile("解约函.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert refused(client.post(url, {"reason": "岗位\x00取消", "attachment": letter}))
    assert refused(client.post(url, {"reason": "岗位取消", "x\x00": "1"}))
    assert Contract.objects.get(pk=signed.pk).status == signed.status and not TerminationRequest.objects.exists()


def test_a_nul_in_the_sign_in_form_is_refused(client):
    assert refused(client.post(reverse("accounts:login"), {"username": "admin\x00", "password": "x"}))


def test_a_nul_in_a_cookie_or_the_path_is_refused(client, cast):
    client.force_login(cast.school_reviewer)
    client.cookies["sessionid"] = "abcdefghij\x00klmnopqrstuvwxyz"  # sent quoted, "\000": Django unquotes it
    assert refused(client.get(reverse("schools:roster")))
    client.cookies.pop("sessionid")
    assert refused(client.get("/school/roster/%00/edit/"))


def test_requests_without_a_nul_are_untouched(client, cast):
    client.force_login(cast.school_reviewer)
    response = client.get(reverse("schools:roster"), {"name": "张三", "major": "软件 工程\t"})
    assert response.status_code == 200 and MESSAGE not in response.content.decode()
    assert Unit.objects.exists() and Graduate.objects.exists()
