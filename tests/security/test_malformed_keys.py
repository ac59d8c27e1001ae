"""Record ids a client sends outside a form field (批量通过's checkboxes, 再次发起签约's `from`, the province of the
city list, a roster file's 毕业年份) that are digits to str.isdigit() but not to int() or to the database — ², ١٢,
thirty nines — are ignored or refused like any other bad id, never a 500. Found by the form fuzz."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import Contract, ContractStatus
from schools.models import Graduate
from signing_platform.validators import record_key
from tests.schools.factories import make_id_number

from . import access

ODD_DIGITS = ["²", "١٢", "9" * 30, "-1", " 1"]


@pytest.mark.parametrize("value", ODD_DIGITS + ["", "x", None])
def test_an_odd_key_is_none(value):
    assert record_key(value) is None


def test_a_key_is_its_ascii_digits():
    assert record_key("42") == 42 and record_key(7) == 7


@pytest.mark.parametrize("value", ODD_DIGITS)
def test_batch_approval_ignores_an_odd_id(world, clients, value):
    contract_pk = access.at_college(world).kwargs["pk"]
    response = clients["college_reviewer"].post(reverse("contracts:review_batch_approve"), {"contract": [value]})
    assert response.status_code == 302
    assert Contract.objects.get(pk=contract_pk).status == ContractStatus.ACCEPTED


@pytest.mark.parametrize("value", ODD_DIGITS)
def test_destination_batch_approval_ignores_an_odd_id(world, clients, value):
    access.destination(world)
    response = clients["college_reviewer"].post(reverse("destinations:review_batch_approve"), {"record": [value]})
    assert response.status_code == 302


@pytest.mark.parametrize("value", ODD_DIGITS)
def test_reinvite_from_an_odd_record_is_not_found(world, clients, value):
    url = reverse("contracts:invite", args=[world.favorite.pk])
    data = {"job_category": world.job_category.pk, "post_name": "工程师", "valid_days": "7", "contact": world.contact.pk,
            "from": value}
    assert clients["employer"].post(url, data).status_code == 404
    assert not Contract.objects.exists()


@pytest.mark.parametrize("value", ODD_DIGITS)
def test_the_city_list_of_an_odd_province_is_empty(world, clients, value):
    response = clients["employer"].get(reverse("employers:cities"), {"province": value})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["²⁰²⁶", "9" * 30])
def test_a_roster_row_with_an_odd_year_is_reported(world, clients, year):
    line = f"赵六,{make_id_number(501)},20220501,男,本科,软件工程,计算机类,计算机学院,{year},13900000501"
    header = "姓名,身份证号,学号,性别,学历层次,专业,专业类,院系,毕业年份,手机号"
    upload = SimpleUploadedFile("roster.csv", f"{header}\r\n{line}".encode(), content_type="text/csv")
    response = clients["school_reviewer"].post(reverse("schools:roster_import"), {"file": upload})
    assert response.status_code == 200
    assert "毕业年份应为4位年份" in response.content.decode()
    assert not Graduate.objects.filter(name="赵六").exists()
