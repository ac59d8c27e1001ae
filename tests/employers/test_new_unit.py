"""A unit's first days: where a pending unit lands, what its 工作台 says is missing, and the 身份认证 city list."""

import re

import pytest
from django.urls import reverse

from employers.models import AuthStatus, RequestStatus, Unit
from tests.employers.factories import (
    ArchiveInfoFactory,
    AuthenticationRequestFactory,
    ContactFactory,
    UnitMemberFactory,
)
from tests.factories import PASSWORD, EmployerUserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("employers:home")


def rejected_request(reason="营业执照已过期"):
    request = AuthenticationRequestFactory(status=RequestStatus.REJECTED, reason=reason, reviewed_at="2026-01-01T00:00Z")
    Unit.objects.filter(pk=request.unit_id).update(auth_status=AuthStatus.REJECTED)
    return request


def sign_in_by_form(client, user):
    return client.post(reverse("accounts:login"), {"login": user.mobile, "password": PASSWORD}, follow=True)


class TestPendingUnitLandsOnTheWorkbench:
    def test_sign_in_lands_on_the_workbench_with_the_status_and_what_happens_next(self, client):
        request = AuthenticationRequestFactory()
        response = sign_in_by_form(client, request.submitted_by)
        assert response.redirect_chain[-1][0] == HOME
        page = response.text
        assert "<h1>工作台</h1>" in page and "单位用户联合认证" not in page
        assert "待审核" in page and "身份认证审核中，审核通过后即可添加学生、发送邀请函" in page
        assert reverse("employers:authentication") in page
        # Nothing of signing is offered yet.
        assert reverse("contracts:add_student") not in page

    def test_a_rejected_unit_lands_on_the_workbench_with_the_reason(self, client):
        request = rejected_request()
        page = sign_in_by_form(client, request.submitted_by).text
        assert "<h1>工作台</h1>" in page and "未通过" in page and "营业执照已过期" in page and "修改并重新提交" in page

    def test_a_unit_that_never_submitted_is_still_led_to_the_system_choice(self, client, signed_in):
        member = UnitMemberFactory(unit__auth_status=AuthStatus.UNAUTHENTICATED, is_admin=True)
        response = signed_in(member.user).get(HOME)
        assert response.status_code == 302 and response["Location"] == reverse("employers:system_choice")

    def test_a_sub_account_of_a_pending_unit_lands_there_too(self, signed_in):
        request = AuthenticationRequestFactory()
        colleague = UnitMemberFactory(unit=request.unit).user
        page = signed_in(colleague).get(HOME).text
        assert "身份认证审核中" in page


class TestClosedPagesSayTheStatus:
    @pytest.mark.parametrize("url_name", ["contracts:add_student", "contracts:employer_list"])
    def test_pending(self, signed_in, url_name):
        request = AuthenticationRequestFactory()
        response = signed_in(request.submitted_by).get(reverse(url_name))
        assert response.status_code == 200
        assert "待审核" in response.text and "审核通过后即可添加学生、发送签约邀请函" in response.text

    @pytest.mark.parametrize("url_name", ["contracts:add_student", "contracts:employer_list"])
    def test_rejected_with_the_reason(self, signed_in, url_name):
        request = rejected_request("名称与执照不符")
        response = signed_in(request.submitted_by).get(reverse(url_name))
        assert response.status_code == 200
        assert "未通过" in response.text and "名称与执照不符" in response.text and "修改并重新提交" in response.text


class TestWorkbenchSaysWhatIsMissing:
    def test_an_authenticated_unit_without_contact_or_archive_is_told_with_links(self, signed_in):
        member = UnitMemberFactory(is_admin=True)
        page = signed_in(member.user).get(HOME).text
        assert "待完善的信息" in page
        assert "还没有启用的<strong>签约联系人</strong>" in page and reverse("employers:contact_add") in page
        assert "还没有填写<strong>档案信息</strong>" in page and reverse("employers:archive") in page
        assert "签约概况" in page

    def test_a_disabled_contact_does_not_count(self, signed_in):
        member = UnitMemberFactory(is_admin=True)
        ContactFactory(unit=member.unit, is_active=False)
        ArchiveInfoFactory(unit=member.unit)
        page = signed_in(member.user).get(HOME).text
        assert "签约联系人</strong>" in page and "档案信息</strong>" not in page

    def test_a_unit_with_both_is_not_nagged(self, signed_in, employer):
        ArchiveInfoFactory(unit=employer.unit_member.unit)
        assert "待完善的信息" not in signed_in(employer).get(HOME).text

    def test_a_pending_unit_may_prepare_while_it_waits(self, signed_in):
        request = AuthenticationRequestFactory()
        page = signed_in(request.submitted_by).get(HOME).text
        assert "待完善的信息" in page and reverse("employers:contact_add") in page


class TestCityListBeforeAProvince:
    url = reverse("employers:authentication")

    @staticmethod
    def city_options(html: str) -> list[str]:
        select = re.search(r'<select name="city"[^>]*>(.*?)</select>', html, re.S).group(1)
        return re.findall(r"<option[^>]*>([^<]*)</option>", select)

    def test_the_form_offers_no_city_until_a_province_is_chosen(self, signed_in):
        html = signed_in(EmployerUserFactory()).get(self.url).text
        assert self.city_options(html) == ["请先选择省份"]

    def test_the_htmx_fragment_without_a_province_is_the_empty_list(self, signed_in):
        response = signed_in(EmployerUserFactory()).get(reverse("employers:cities"), {"province": ""}, HTTP_HX_REQUEST="true")
        assert self.city_options(response.text) == ["请先选择省份"]

    def test_a_submission_without_a_province_keeps_the_list_empty(self, signed_in, unit_form_data):
        data = {**unit_form_data, "province": "", "city": ""}
        html = signed_in(EmployerUserFactory()).post(self.url, data).text
        assert self.city_options(html) == ["请先选择省份"] and "请选择所在省份" in html

    def test_without_javascript_the_refresh_button_fills_the_cities(self, signed_in, unit_form_data):
        data = {**unit_form_data, "city": "", "refresh_cities": "1"}
        options = self.city_options(signed_in(EmployerUserFactory()).post(self.url, data).text)
        assert options[0] == "请选择城市" and "深圳市" in options and "广东省" not in options and "北京市" not in options
