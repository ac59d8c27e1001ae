"""The employer pages: 工作台, 身份认证, 档案信息管理, 账号管理 and its forms; and who may see them."""

import pytest
from django.urls import reverse

from employers.access import authenticated_unit_required
from employers.models import (
    ArchiveInfo,
    AuthenticationRequest,
    AuthStatus,
    Contact,
    Region,
    RequestStatus,
    Unit,
    UnitMember,
)
from signing_platform.accounts.models import AuditEvent, User
from signing_platform.sms.models import SmsMessage
from tests.employers.factories import (
    ArchiveInfoFactory,
    AuthenticationRequestFactory,
    ContactFactory,
    UnitMemberFactory,
    licence_file,
)
from tests.factories import PASSWORD, EmployerUserFactory

pytestmark = pytest.mark.django_db


def unit_of(user):
    return UnitMember.objects.get(user=user).unit


class TestHome:
    def test_an_authenticated_unit_gets_its_workbench(self, signed_in, employer):
        response = signed_in(employer).get(reverse("employers:home"))
        assert response.status_code == 200
        assert unit_of(employer).name in response.text and "已认证" in response.text

    def test_without_an_authenticated_unit_the_system_choice_comes_first(self, signed_in):
        response = signed_in(EmployerUserFactory()).get(reverse("employers:home"))
        assert response["Location"] == reverse("employers:system_choice")

    def test_menu_has_archive_and_account(self, signed_in, employer):
        response = signed_in(employer).get(reverse("employers:home"))
        for url_name in ("employers:archive", "employers:account"):
            assert f'href="{reverse(url_name)}"' in response.text


class TestAuthentication:
    url = reverse("employers:authentication")

    def test_a_new_employer_submits_with_a_licence(self, signed_in, unit_form_data):
        user = EmployerUserFactory()
        client = signed_in(user)
        assert "统一社会信用代码" in client.get(self.url).text
        response = client.post(self.url, {**unit_form_data, "licence": licence_file()})
        assert response.status_code == 302
        request = AuthenticationRequest.objects.get()
        assert request.submitted_by == user and request.credit_code == "91440300708461136T"
        assert unit_of(user).auth_status == AuthStatus.PENDING
        assert AuditEvent.objects.filter(action="unit.authentication_submit").exists()
        page = client.get(self.url).text
        assert "待审核" in page and "提交认证" not in page

    def test_an_existing_code_is_refused_with_the_sub_account_hint(self, signed_in, unit_form_data, employer):
        unit_form_data["credit_code"] = unit_of(employer).credit_code
        response = signed_in(EmployerUserFactory()).post(self.url, {**unit_form_data, "licence": licence_file()})
        assert response.status_code == 200 and "子账号" in response.text
        assert not AuthenticationRequest.objects.exists()

    def test_a_renamed_non_image_is_refused_next_to_the_field(self, signed_in, unit_form_data):
        fake = licence_file("licence.png", b"MZ\x90\x00 executable", "image/png")
        response = signed_in(EmployerUserFactory()).post(self.url, {**unit_form_data, "licence": fake})
        assert response.status_code == 200 and "文件格式不支持" in response.text
        assert not Unit.objects.exists()

    def test_an_oversize_licence_is_refused(self, signed_in, unit_form_data, settings):
        settings.UPLOAD_MAX_BYTES = 50
        response = signed_in(EmployerUserFactory()).post(self.url, {**unit_form_data, "licence": licence_file()})
        assert response.status_code == 200 and "文件不能超过" in response.text
        assert not Unit.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [("credit_code", "91440300708461136A", "校验位"), ("contact_phone", "12345", "固定电话"),
         ("city", "", "请选择所在城市"), ("name", "", "请输入单位名称")],
    )
    def test_bad_input_gets_a_message_and_changes_nothing(self, signed_in, unit_form_data, field, value, message):
        response = signed_in(EmployerUserFactory()).post(
            self.url, {**unit_form_data, field: value, "licence": licence_file()}
        )
        assert response.status_code == 200 and message in response.text
        assert not Unit.objects.exists()

    def test_a_city_of_another_province_is_not_a_choice(self, signed_in, unit_form_data):
        unit_form_data["city"] = Region.objects.get(code="110100").pk
        response = signed_in(EmployerUserFactory()).post(self.url, {**unit_form_data, "licence": licence_file()})
        assert "请先选择省份，再选择该省的城市" in response.text and not Unit.objects.exists()

    def test_without_javascript_the_province_button_shows_its_cities(self, signed_in, unit_form_data):
        response = signed_in(EmployerUserFactory()).post(
            self.url, {**unit_form_data, "city": "", "refresh_cities": "1"}
        )
        assert response.status_code == 200 and "深圳市" in response.text and "广州市" in response.text
        assert "石家庄市" not in response.text and "field-errors" not in response.text

    def test_the_city_fragment_lists_the_cities_of_the_province(self, signed_in, unit_form_data):
        response = signed_in(EmployerUserFactory()).get(
            reverse("employers:cities"), {"province": unit_form_data["province"]}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and 'id="city-field"' in response.text
        assert "深圳市" in response.text and "<html" not in response.text

    def test_the_rejection_reason_is_shown_and_the_form_is_back(self, signed_in):
        request = AuthenticationRequestFactory(status=RequestStatus.REJECTED, reason="执照模糊请重传", reviewed_at="2026-01-01T00:00Z")
        Unit.objects.filter(pk=request.unit_id).update(auth_status=AuthStatus.REJECTED)
        page = signed_in(request.submitted_by).get(self.url).text
        assert "执照模糊请重传" in page and "提交认证" in page

    def test_a_sub_account_sees_the_status_but_cannot_submit(self, signed_in, sub_account, unit_form_data):
        client = signed_in(sub_account)
        assert "提交认证" not in client.get(self.url).text
        response = client.post(self.url, {**unit_form_data, "licence": licence_file()})
        assert response.status_code == 302 and not AuthenticationRequest.objects.exists()

    def test_wrong_method(self, signed_in, employer):
        assert signed_in(employer).put(self.url).status_code == 405


class TestLicence:
    def test_the_units_users_and_staff_see_it_others_get_404(self, client, signed_in, other_employer, student):
        request = AuthenticationRequestFactory()
        url = reverse("employers:licence", args=[request.pk])
        response = signed_in(request.submitted_by).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        colleague = UnitMemberFactory(unit=request.unit).user
        assert signed_in(colleague).get(url).status_code == 200
        for outsider in (other_employer, student):
            assert signed_in(outsider).get(url).status_code == 404
        client.logout()
        operator = User.objects.create_superuser("operator", password=PASSWORD)
        assert signed_in(operator).get(url).status_code == 200

    def test_wrong_method(self, signed_in):
        request = AuthenticationRequestFactory()
        assert signed_in(request.submitted_by).post(reverse("employers:licence", args=[request.pk])).status_code == 405

    def test_anonymous_is_sent_to_sign_in(self, client):
        request = AuthenticationRequestFactory()
        response = client.get(reverse("employers:licence", args=[request.pk]))
        assert response.status_code == 302 and "/login" in response["Location"]


class TestArchive:
    url = reverse("employers:archive")
    data = {"has_archive_authority": "1", "receiver_name": "人力资源部", "address": "北京市海淀区", "postcode": "100080",
            "contact_name": "王老师", "contact_phone": "13912345678"}

    def test_saving_adds_a_history_row(self, signed_in, employer):
        client = signed_in(employer)
        ArchiveInfoFactory(unit=unit_of(employer), postcode="518000")
        assert client.post(self.url, self.data).status_code == 302
        assert list(ArchiveInfo.objects.filter(unit=unit_of(employer)).values_list("postcode", flat=True)) == ["100080", "518000"]
        assert AuditEvent.objects.filter(action="unit.archive_update").count() == 1
        page = client.get(self.url).text
        assert "修改记录" in page and "518000" in page

    @pytest.mark.parametrize(("field", "value", "message"), [
        ("postcode", "10008", "邮政编码应为6位数字"), ("contact_phone", "62512345", "固定电话"),
        ("has_archive_authority", "", "请选择是否具有人事档案管理权限"),
    ])
    def test_bad_input_is_refused(self, signed_in, employer, field, value, message):
        response = signed_in(employer).post(self.url, {**self.data, field: value})
        assert response.status_code == 200 and message in response.text
        assert not ArchiveInfo.objects.exists()

    def test_without_a_unit_the_gate_is_shown(self, signed_in):
        response = signed_in(EmployerUserFactory()).get(self.url)
        assert response.status_code == 200 and "前往身份认证" in response.text

    def test_only_the_own_units_history_is_shown(self, signed_in, employer, other_employer):
        ArchiveInfoFactory(unit=unit_of(other_employer), receiver_name="别家单位档案室")
        assert "别家单位档案室" not in signed_in(employer).get(self.url).text

    def test_query_count(self, signed_in, employer, django_assert_max_num_queries):
        client = signed_in(employer)
        for _ in range(12):
            ArchiveInfoFactory(unit=unit_of(employer))
        with django_assert_max_num_queries(12):
            client.get(self.url)


class TestAccount:
    url = reverse("employers:account")

    def test_shows_unit_contacts_members_and_links(self, signed_in, employer, sub_account, django_assert_max_num_queries):
        client = signed_in(employer)
        with django_assert_max_num_queries(12):
            page = client.get(self.url).text
        unit = unit_of(employer)
        assert unit.credit_code in page and "重新认证" in page and sub_account.mobile in page
        assert reverse("accounts:password_change") in page and reverse("employers:mobile_change") in page
        assert unit.contacts.get().name in page

    def test_the_header_and_the_sub_account_list_show_names_or_the_masked_mobile(self, signed_in, employer):
        nameless = UnitMemberFactory(unit=unit_of(employer), user__name="").user
        page = signed_in(employer).get(self.url).text
        header = page[page.index('class="user-box"'):page.index("</header>")]
        assert employer.name in header
        members = page[page.index('id="members-title"'):]
        masked = nameless.mobile[:3] + "****" + nameless.mobile[-4:]
        assert f">{employer.name}</td>" in members and f">{masked}</td>" in members
        header = signed_in(nameless).get(self.url).text
        assert f"单位用户：{masked}" in header

    def test_a_sub_account_does_not_manage_sub_accounts(self, signed_in, sub_account, employer):
        client = signed_in(sub_account)
        page = client.get(self.url).text
        assert "添加子账号" not in page and employer.mobile not in page
        assert client.get(reverse("employers:sub_account_add")).status_code == 404

    def test_add_edit_and_disable_contacts(self, signed_in, employer):
        client = signed_in(employer)
        response = client.post(reverse("employers:contact_add"), {"name": "钱经理", "mobile": "13688889999", "email": ""})
        assert response.status_code == 302
        contact = Contact.objects.get(name="钱经理")
        client.post(reverse("employers:contact_edit", args=[contact.pk]), {"name": "钱总", "mobile": "13688889999", "email": "q@example.com"})
        contact.refresh_from_db()
        assert contact.name == "钱总" and contact.email == "q@example.com"
        assert client.post(reverse("employers:contact_toggle", args=[contact.pk])).status_code == 302
        contact.refresh_from_db()
        assert not contact.is_active
        assert set(AuditEvent.objects.values_list("action", flat=True)) == {
            "unit.contact_add", "unit.contact_edit", "unit.contact_disable"
        }

    def test_the_last_active_contact_cannot_be_disabled(self, signed_in, employer):
        contact = unit_of(employer).contacts.get()
        response = signed_in(employer).post(reverse("employers:contact_toggle", args=[contact.pk]), follow=True)
        assert "至少需要保留一位启用的签约联系人" in response.text
        contact.refresh_from_db()
        assert contact.is_active

    def test_a_bad_contact_mobile_is_refused(self, signed_in, employer):
        response = signed_in(employer).post(reverse("employers:contact_add"), {"name": "钱", "mobile": "12345"})
        assert response.status_code == 200 and "field-errors" in response.text
        assert Contact.objects.count() == 1

    def test_toggle_needs_post(self, signed_in, employer):
        contact = unit_of(employer).contacts.get()
        assert signed_in(employer).get(reverse("employers:contact_toggle", args=[contact.pk])).status_code == 405

    def test_add_a_sub_account_who_sets_a_password(self, client, signed_in, employer, ask_code, outbox_code):
        response = signed_in(employer).post(reverse("employers:sub_account_add"), {"name": "小王", "mobile": "13711112222"})
        assert response.status_code == 302
        assert "子账号设置密码" in SmsMessage.objects.get(mobile="13711112222").body
        client.logout()
        url = reverse("employers:sub_account_password")
        ask_code(url, "13711112222")
        response = client.post(url, {"mobile": "13711112222", "code": outbox_code("13711112222"),
                                     "password1": "Xiaowang#2026", "password2": "Xiaowang#2026"})
        assert response["Location"] == reverse("employers:home")
        assert client.login(username="13711112222", password="Xiaowang#2026")
        assert unit_of(User.objects.get(mobile="13711112222")) == unit_of(employer)

    def test_no_code_is_sent_for_a_mobile_without_a_pending_sub_account(self, ask_code, employer):
        ask_code(reverse("employers:sub_account_password"), employer.mobile)
        assert SmsMessage.objects.get(mobile=employer.mobile).status == SmsMessage.Status.SUPPRESSED

    def test_disable_a_sub_account(self, signed_in, employer, sub_account):
        member = sub_account.unit_member
        signed_in(employer).post(reverse("employers:sub_account_toggle", args=[member.pk]))
        member.refresh_from_db()
        assert not member.is_active

    def test_change_mobile_with_a_code_to_the_new_number(self, signed_in, employer, ask_code, outbox_code, client):
        old = employer.mobile
        signed_in(employer)
        url = reverse("employers:mobile_change")
        ask_code(url, "13755556666")
        response = client.post(url, {"password": PASSWORD, "mobile": "13755556666", "code": "000000"})
        assert response.status_code == 200 and "验证码错误" in response.text
        response = client.post(url, {"password": PASSWORD, "mobile": "13755556666", "code": outbox_code("13755556666")})
        assert response.status_code == 302
        employer.refresh_from_db()
        assert employer.mobile == "13755556666"
        assert "已更换为137****6666" in SmsMessage.objects.get(mobile=old).body

    def test_change_mobile_to_a_used_number_is_refused(self, signed_in, employer, other_employer, ask_code):
        signed_in(employer)
        response = ask_code(reverse("employers:mobile_change"), other_employer.mobile)
        assert "该手机号已被其他账号使用" in response.text
        assert not SmsMessage.objects.exists()


class TestOutsiders:
    """Employer of unit A never reads or changes anything of unit B; students and reviewers get 404."""

    def b_objects(self, other_employer):
        unit = unit_of(other_employer)
        return {
            "contact": ContactFactory(unit=unit, name="乙单位联系人"),
            "member": UnitMemberFactory(unit=unit),
            "request": AuthenticationRequestFactory(unit=unit, submitted_by=other_employer),
        }

    def test_employer_of_unit_a_gets_404_for_unit_b(self, signed_in, employer, other_employer):
        objects = self.b_objects(other_employer)
        client = signed_in(employer)
        posts = [
            reverse("employers:contact_edit", args=[objects["contact"].pk]),
            reverse("employers:contact_toggle", args=[objects["contact"].pk]),
            reverse("employers:sub_account_toggle", args=[objects["member"].pk]),
        ]
        gets = [posts[0], reverse("employers:licence", args=[objects["request"].pk])]
        for url in gets:
            assert client.get(url).status_code == 404, url
        for url in posts:
            assert client.post(url, {"name": "x", "mobile": "13600000000"}).status_code == 404, url
        objects["contact"].refresh_from_db()
        objects["member"].refresh_from_db()
        assert objects["contact"].name == "乙单位联系人" and objects["contact"].is_active and objects["member"].is_active
        for url in (reverse("employers:account"), reverse("employers:archive"), reverse("employers:home")):
            assert "乙单位联系人" not in client.get(url).text

    @pytest.mark.parametrize("who", ["student", "reviewer"])
    def test_students_and_reviewers_get_404(self, request, signed_in, other_employer, who):
        objects = self.b_objects(other_employer)
        client = signed_in(request.getfixturevalue(who))
        urls = [
            reverse(name) for name in (
                "employers:home", "employers:system_choice", "employers:authentication", "employers:cities",
                "employers:archive", "employers:account", "employers:contact_add", "employers:sub_account_add",
                "employers:mobile_change",
            )
        ] + [
            reverse("employers:contact_edit", args=[objects["contact"].pk]),
            reverse("employers:licence", args=[objects["request"].pk]),
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("employers:contact_toggle", args=[objects["contact"].pk])).status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client):
        for name in ("employers:home", "employers:authentication", "employers:archive", "employers:account"):
            response = client.get(reverse(name))
            assert response.status_code == 302 and "/login" in response["Location"]


class TestGate:
    def test_a_rejected_unit_sees_the_reason_on_a_gated_page(self, rf):
        request = AuthenticationRequestFactory(status=RequestStatus.REJECTED, reason="执照已过期", reviewed_at="2026-01-01T00:00Z")
        Unit.objects.filter(pk=request.unit_id).update(auth_status=AuthStatus.REJECTED)
        http_request = rf.get("/gated/")
        http_request.user = type(request.submitted_by).objects.get(pk=request.submitted_by_id)  # as a new request loads it
        response = authenticated_unit_required(lambda r: None)(http_request)
        page = response.content.decode()
        assert response.status_code == 200 and "执照已过期" in page and "未通过" in page and "修改并重新提交" in page

    def test_without_a_unit_the_gate_tells_about_sub_accounts(self, signed_in):
        response = signed_in(EmployerUserFactory()).get(reverse("employers:account"))
        assert response.status_code == 200 and "子账号" in response.text


@pytest.mark.parametrize(("method", "url_name", "args"), [
    ("put", "employers:archive", []), ("post", "employers:account", []), ("post", "employers:cities", []),
    ("put", "employers:contact_add", []), ("put", "employers:sub_account_add", []), ("put", "employers:mobile_change", []),
    ("put", "employers:sub_account_password", []),
])
def test_wrong_method(signed_in, employer, method, url_name, args):
    assert getattr(signed_in(employer), method)(reverse(url_name, args=args)).status_code == 405


def test_sub_account_toggle_needs_post(signed_in, employer, sub_account):
    url = reverse("employers:sub_account_toggle", args=[sub_account.unit_member.pk])
    assert signed_in(employer).get(url).status_code == 405


def test_reauthentication_from_the_account_page_keeps_the_unit_authenticated(signed_in, employer, unit_form_data):
    unit = unit_of(employer)
    client = signed_in(employer)
    response = client.post(reverse("employers:authentication"),
                           {**unit_form_data, "credit_code": unit.credit_code, "name": "改名后的公司", "licence": licence_file()})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.is_authenticated and unit.name != "改名后的公司"
    assert "重新认证审核中" in client.get(reverse("employers:account")).text
    assert "重新认证正在审核中" in client.get(reverse("employers:authentication")).text


def test_change_mobile_needs_the_current_password(signed_in, employer, ask_code, outbox_code, client):
    signed_in(employer)
    url = reverse("employers:mobile_change")
    ask_code(url, "13755556667")
    response = client.post(url, {"password": "wrong", "mobile": "13755556667", "code": outbox_code("13755556667")})
    assert response.status_code == 200 and "当前密码不正确" in response.text
    employer.refresh_from_db()
    assert employer.mobile != "13755556667"


def test_codes_and_passwords_are_kept_out_of_error_reports(signed_in, employer, client):
    signed_in(employer)
    response = client.post(reverse("employers:mobile_change"), {"password": "x", "mobile": "13755556668", "code": "1"})
    assert {"password", "code"} <= set(response.wsgi_request.sensitive_post_parameters)
    client.logout()
    response = client.post(reverse("employers:sub_account_password"), {"mobile": "13755556668", "code": "1"})
    assert {"code", "password1", "password2"} <= set(response.wsgi_request.sensitive_post_parameters)
