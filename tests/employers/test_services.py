import pytest
from django.core.exceptions import ValidationError

from employers import services
from employers.models import (
    AuthenticationRequest,
    AuthStatus,
    Contact,
    Region,
    RequestStatus,
    Unit,
    UnitMember,
)
from signing_platform.accounts.models import AuditEvent, Role, User
from signing_platform.sms.models import SmsMessage
from signing_platform.uploads import PNG
from signing_platform.validators import normalize_credit_code
from tests.employers.factories import (
    AuthenticationRequestFactory,
    ContactFactory,
    EmployerFactory,
    UnitMemberFactory,
    credit_code,
    licence_file,
    unit_data,
)
from tests.factories import EmployerUserFactory, ReviewerUserFactory

pytestmark = pytest.mark.django_db


def submit(user, **changes):
    return services.authentication_submit(user=user, data=unit_data(**changes), licence=licence_file(), licence_kind=PNG)


def audit_actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("operator", password="x")


class TestSubmit:
    def test_a_new_code_creates_a_pending_unit_with_the_user_as_admin(self):
        user = EmployerUserFactory()
        request = submit(user)
        unit = request.unit
        assert unit.credit_code == "91440300708461136T" and unit.auth_status == AuthStatus.PENDING
        assert UnitMember.objects.get(user=user).is_admin
        assert request.status == RequestStatus.PENDING and request.licence.name.endswith(".png")
        assert audit_actions() == ["unit.create", "unit.authentication_submit"]

    def test_a_second_user_with_an_existing_code_is_refused_and_told_to_ask_for_a_sub_account(self):
        submit(EmployerUserFactory())
        with pytest.raises(ValidationError) as exc:
            submit(EmployerUserFactory())
        assert "子账号" in exc.value.message_dict["credit_code"][0]
        assert Unit.objects.count() == 1 and AuthenticationRequest.objects.count() == 1

    def test_a_city_of_another_province_is_refused(self):
        with pytest.raises(ValidationError):
            submit(EmployerUserFactory(), city=Region.objects.get(code="110100"))
        assert not Unit.objects.exists()

    def test_a_second_submission_while_one_is_pending_is_refused(self):
        request = submit(EmployerUserFactory())
        with pytest.raises(ValidationError, match="审核中"):
            submit(request.submitted_by)

    def test_a_sub_account_cannot_submit_for_the_unit(self):
        sub = UnitMemberFactory(is_admin=False).user
        with pytest.raises(ValidationError, match="单位管理员"):
            submit(sub)

    def test_reauthentication_keeps_the_approved_data_in_force_until_approved(self, admin_user):
        member = EmployerFactory()
        unit = member.unit
        old_name = unit.name
        request = submit(member.user, name="新名称有限公司", credit_code=unit.credit_code)
        unit.refresh_from_db()
        assert unit.name == old_name and unit.auth_status == AuthStatus.AUTHENTICATED
        services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        unit.refresh_from_db()
        assert unit.name == "新名称有限公司" and unit.auth_status == AuthStatus.AUTHENTICATED

    def test_a_rejected_reauthentication_leaves_the_unit_authenticated(self, admin_user):
        member = EmployerFactory()
        request = submit(member.user, name="新名称有限公司", credit_code=member.unit.credit_code)
        services.authentication_reject(request_id=request.pk, reviewer=admin_user, reason="执照模糊")
        member.unit.refresh_from_db()
        assert member.unit.auth_status == AuthStatus.AUTHENTICATED and member.unit.name != "新名称有限公司"

    def test_after_a_rejection_the_admin_corrects_and_resubmits(self, admin_user):
        request = submit(EmployerUserFactory())
        services.authentication_reject(request_id=request.pk, reviewer=admin_user, reason="名称与执照不符")
        assert Unit.objects.get().auth_status == AuthStatus.REJECTED
        submit(request.submitted_by, name="深圳新创科技股份有限公司")
        unit = Unit.objects.get()
        assert unit.auth_status == AuthStatus.PENDING and unit.name == "深圳新创科技股份有限公司"


class TestReview:
    def test_approve_copies_the_data_records_the_decision_and_sends_one_sms_on_commit(
        self, admin_user, django_capture_on_commit_callbacks
    ):
        request = AuthenticationRequestFactory(name="审核后的名称")
        with django_capture_on_commit_callbacks() as callbacks:
            services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        request.refresh_from_db()
        unit = request.unit
        unit.refresh_from_db()
        assert request.status == RequestStatus.APPROVED and request.reviewed_by == admin_user and request.reviewed_at
        assert unit.auth_status == AuthStatus.AUTHENTICATED and unit.name == "审核后的名称" and unit.city.code == "440300"
        assert unit.authenticated_at is not None
        assert AuditEvent.objects.filter(action="unit.authentication_approve", actor=admin_user).count() == 1
        sms = SmsMessage.objects.get(kind=SmsMessage.Kind.NOTICE)
        assert sms.mobile == request.submitted_by.mobile and "审核通过" in sms.body
        assert len(callbacks) == 1

    def test_reject_needs_a_reason_and_records_it(self, admin_user):
        request = AuthenticationRequestFactory()
        with pytest.raises(ValidationError):
            services.authentication_reject(request_id=request.pk, reviewer=admin_user, reason="  ")
        services.authentication_reject(request_id=request.pk, reviewer=admin_user, reason="营业执照不清晰")
        request.refresh_from_db()
        assert request.status == RequestStatus.REJECTED and request.reason == "营业执照不清晰"
        assert "营业执照不清晰" in SmsMessage.objects.get().body
        assert AuditEvent.objects.get(action="unit.authentication_reject").detail["reason"] == "营业执照不清晰"

    def test_a_decided_request_cannot_be_decided_again(self, admin_user):
        request = AuthenticationRequestFactory()
        services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        with pytest.raises(ValidationError, match="已审核"):
            services.authentication_reject(request_id=request.pk, reviewer=admin_user, reason="晚了")
        with pytest.raises(ValidationError, match="已审核"):
            services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        assert SmsMessage.objects.count() == 1


class TestFirstContact:
    """The 联系人 + 联系电话 given at 身份认证 become the unit's first 签约联系人 when it is approved."""

    def test_a_mobile_contact_becomes_an_active_contact_audited_by_the_reviewer(self, admin_user):
        request = AuthenticationRequestFactory(contact_name="赵经理", contact_phone="13612345678")
        services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        contact = Contact.objects.get(unit=request.unit)
        assert (contact.name, contact.mobile, contact.is_active) == ("赵经理", "13612345678", True)
        event = AuditEvent.objects.get(action="unit.contact_add")
        assert event.actor == admin_user and event.target_id == str(contact.pk) and event.detail["source"] == "authentication"

    def test_a_landline_makes_no_contact(self, admin_user):
        request = AuthenticationRequestFactory(contact_phone="0755-86001234")
        services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        assert not Contact.objects.exists() and not AuditEvent.objects.filter(action="unit.contact_add").exists()

    def test_an_active_contact_with_that_mobile_is_not_duplicated(self, admin_user):
        member = EmployerFactory()
        ContactFactory(unit=member.unit, name="原联系人", mobile="13612345678")
        request = submit(member.user, credit_code=member.unit.credit_code, contact_phone="136 1234 5678")
        services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        assert list(Contact.objects.values_list("name", "mobile")) == [("原联系人", "13612345678")]

    def test_a_disabled_contact_with_that_mobile_does_not_stop_a_new_active_one(self, admin_user):
        request = AuthenticationRequestFactory(contact_name="赵经理", contact_phone="13612345678")
        ContactFactory(unit=request.unit, mobile="13612345678", is_active=False)
        services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        assert Contact.objects.filter(unit=request.unit, mobile="13612345678", is_active=True).count() == 1

    def test_a_refused_approval_makes_no_contact(self, admin_user):
        request = AuthenticationRequestFactory(contact_phone="13612345678")
        services.authentication_reject(request_id=request.pk, reviewer=admin_user, reason="执照模糊")
        with pytest.raises(ValidationError):
            services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        assert not Contact.objects.exists()

    def test_the_contact_is_part_of_the_approvals_transaction(self, admin_user, monkeypatch):
        request = AuthenticationRequestFactory(contact_phone="13612345678")
        original = services.audit.record

        def fail_on_contact(**kwargs):
            if kwargs["action"] == "unit.contact_add":
                raise RuntimeError("audit store down")
            return original(**kwargs)

        monkeypatch.setattr(services.audit, "record", fail_on_contact)
        with pytest.raises(RuntimeError):
            services.authentication_approve(request_id=request.pk, reviewer=admin_user)
        request.refresh_from_db()
        assert request.status == RequestStatus.PENDING and not Contact.objects.exists()
        assert Unit.objects.get(pk=request.unit_id).auth_status == AuthStatus.PENDING


class TestArchive:
    def test_each_change_is_a_new_history_row(self):
        member = EmployerFactory()
        fields = dict(has_archive_authority=True, receiver_name="人事部", address="地址", postcode="100080",
                      contact_name="王", contact_phone="010-62512345")
        services.archive_info_update(unit=member.unit, actor=member.user, **fields)
        services.archive_info_update(unit=member.unit, actor=member.user, **{**fields, "postcode": "518000"})
        assert list(member.unit.archive_history.values_list("postcode", flat=True)) == ["518000", "100080"]

    def test_a_bad_postcode_writes_nothing(self):
        member = EmployerFactory()
        with pytest.raises(ValidationError):
            services.archive_info_update(
                unit=member.unit, actor=member.user, has_archive_authority=False, receiver_name="人事部", address="地址",
                postcode="10008", contact_name="王", contact_phone="010-62512345",
            )
        assert not member.unit.archive_history.exists() and not AuditEvent.objects.exists()

    def test_an_outsider_cannot_write_another_units_archive(self):
        member, outsider = EmployerFactory(), EmployerFactory()
        with pytest.raises(ValidationError):
            services.archive_info_update(
                unit=member.unit, actor=outsider.user, has_archive_authority=False, receiver_name="x", address="x",
                postcode="100080", contact_name="x", contact_phone="010-62512345",
            )


class TestContacts:
    def test_the_last_active_contact_cannot_be_disabled(self):
        member = EmployerFactory()
        first, second = ContactFactory(unit=member.unit), ContactFactory(unit=member.unit)
        services.contact_set_active(unit=member.unit, actor=member.user, contact=first, active=False)
        with pytest.raises(ValidationError, match="至少"):
            services.contact_set_active(unit=member.unit, actor=member.user, contact=second, active=False)
        assert list(Contact.objects.filter(is_active=True)) == [second]
        assert audit_actions() == ["unit.contact_disable"]

    def test_another_units_contact_cannot_be_changed(self):
        member, outsider = EmployerFactory(), EmployerFactory()
        contact = ContactFactory(unit=outsider.unit)
        with pytest.raises(ValidationError):
            services.contact_save(unit=member.unit, actor=member.user, contact=contact, name="x", mobile="13600000000")
        contact.refresh_from_db()
        assert contact.name != "x"


class TestSubAccounts:
    def test_a_new_mobile_becomes_a_sub_account_waiting_for_its_password(self):
        member = EmployerFactory()
        sub = services.sub_account_add(unit=member.unit, actor=member.user, mobile="13711112222", name="小王")
        assert not sub.is_admin and sub.user.role == Role.EMPLOYER and not sub.user.has_usable_password()
        assert "/employer/sub-account/password/" in SmsMessage.objects.get(mobile="13711112222").body

    def test_only_the_admin_adds_sub_accounts(self):
        sub = UnitMemberFactory(is_admin=False)
        with pytest.raises(ValidationError, match="单位管理员"):
            services.sub_account_add(unit=sub.unit, actor=sub.user, mobile="13711112222", name="小王")

    def test_a_member_of_another_unit_or_another_role_cannot_be_added(self):
        member, outsider = EmployerFactory(), EmployerFactory()
        reviewer = ReviewerUserFactory(mobile="13722223333")
        for mobile in (outsider.user.mobile, reviewer.mobile):
            with pytest.raises(ValidationError):
                services.sub_account_add(unit=member.unit, actor=member.user, mobile=mobile, name="x")
        assert member.unit.members.count() == 1

    def test_disabling_a_sub_account_stops_its_sign_in(self):
        member = EmployerFactory()
        sub = UnitMemberFactory(unit=member.unit)
        services.sub_account_set_active(unit=member.unit, actor=member.user, member=sub, active=False)
        sub.refresh_from_db()
        sub.user.refresh_from_db()
        assert not sub.is_active and not sub.user.is_active
        with pytest.raises(ValidationError):
            services.sub_account_set_active(unit=member.unit, actor=member.user, member=member, active=False)

    def test_setting_the_password_needs_the_code(self):
        member = EmployerFactory()
        services.sub_account_add(unit=member.unit, actor=member.user, mobile="13711112222", name="小王")
        with pytest.raises(ValidationError):
            services.sub_account_set_password(mobile="13711112222", code="000000", password="Another#2026")
        assert not User.objects.get(mobile="13711112222").has_usable_password()


def test_credit_codes_of_the_factory_are_valid():
    assert normalize_credit_code(credit_code(5)) == credit_code(5)
