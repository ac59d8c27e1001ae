"""Closing a graduation year (届): its open invitations are voided with their events and counters, nothing new starts
for it (invitations, acceptances, activations), and everything signed stays readable."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Contract, ContractEvent, ContractStatus
from schools.models import Graduate, GraduationYearClosure
from schools.rules import year_closed, year_closed_q
from schools.services import graduation_year_close
from signing_platform.accounts.models import AuditEvent, Role, User
from signing_platform.errors import NotFound
from students.models import Destination
from tests.factories import PASSWORD, UserFactory
from tests.schools.factories import ActivatedGraduateFactory, CollegeFactory, GraduateFactory

pytestmark = pytest.mark.django_db
S = ContractStatus
YEAR = 2026


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operator", password=PASSWORD)


@pytest.fixture
def close(operator):
    def run(*, school=None, year=YEAR, reason="2026届就业工作结束"):
        return graduation_year_close(actor=operator, school=school, year=year, reason=reason)

    return run


def test_the_open_invitations_of_the_year_are_voided_with_their_events(cast, invite, close, operator, other_school):
    contract = invite()
    other_year = ActivatedGraduateFactory(college=cast.college, name="往届生", graduation_year=YEAR + 1)
    other_school_graduate = ActivatedGraduateFactory(college=CollegeFactory(school=other_school), name="外校生")
    untouched = [
        invite(favorite=services.favorite_add(actor=cast.employer, graduate=graduate)[0])
        for graduate in (other_year, other_school_graduate)
    ]
    result = close(school=cast.school)
    assert (result.created, result.voided, result.left) == (True, 1, 0)
    contract.refresh_from_db()
    assert contract.status == S.VOIDED and contract.closed_at is not None
    assert contract.shown_status == "已失效"
    event = ContractEvent.objects.filter(contract=contract).last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        ContractEvent.Action.VOID, S.INVITED, S.VOIDED, operator, "毕业年度已关闭"
    )
    assert [Contract.objects.get(pk=c.pk).status for c in untouched] == [S.INVITED, S.INVITED]
    closure = GraduationYearClosure.objects.get()
    assert (closure.school, closure.year, closure.closed_by, closure.reason, closure.voided) == (
        cast.school, YEAR, operator, "2026届就业工作结束", 1
    )
    audit = AuditEvent.objects.get(action="graduation_year.close")
    assert audit.actor == operator and audit.detail == {"year": YEAR, "reason": "2026届就业工作结束", "school": "10001"}


def test_the_tab_counters_follow_the_voided_invitations(client, cast, invite, many_invitations, close):
    invite()
    many_invitations(3)
    close()
    client.force_login(cast.employer)
    html = client.get(reverse("contracts:employer_list") + "?tab=void").content.decode()
    assert "签约中<span class=\"count\">（0）" in html and "失效<span class=\"count\">（4）" in html
    # (the autouse fixture of this directory also checks every counter against the rows)


def test_invitations_already_past_their_deadline_expire_instead(cast, invite, close):
    contract = invite()
    Contract.objects.filter(pk=contract.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert close().voided == 0
    contract.refresh_from_db()
    assert contract.status == S.EXPIRED
    assert ContractEvent.objects.filter(contract=contract).last().action == ContractEvent.Action.EXPIRE


def test_agreements_under_review_and_signed_stay_and_can_still_be_reviewed(client, cast, invite, sign,
                                                                         sign_until_school, second_graduate, close):
    signed = sign(invite())
    waiting = sign_until_school(invite(favorite=second_graduate.favorite), student=second_graduate.student)
    close()
    services.approve(actor=cast.school_reviewer, contract=waiting)
    assert Contract.objects.get(pk=waiting.pk).status == S.SIGNED
    client.force_login(cast.employer)
    pdf = client.get(reverse("contracts:agreement_pdf", args=[signed.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(reverse("contracts:employer_detail", args=[signed.pk])).status_code == 200
    client.force_login(cast.student)
    assert client.get(reverse("contracts:agreement_pdf", args=[signed.pk])).status_code == 200
    assert "签就业协议形式就业" in client.get(reverse("destinations:student")).content.decode()
    # The public checks still confirm the agreement and the destination it set.
    client.logout()
    agreement = client.get(reverse("destinations:verify_agreement"),
                           {"no": signed.agreement_no, "code": signed.verification_code}).content.decode()
    assert "签约完成" in agreement and cast.unit.name in agreement
    record = Destination.objects.get(graduate=cast.graduate).record
    destination = client.post(reverse("destinations:verify_destination"),
                              {"name": cast.graduate.name, "number": record.verification_no}).content.decode()
    assert "有效" in destination and cast.school.name in destination


def test_a_new_invitation_for_a_closed_year_is_refused_and_nothing_written(cast, invite, close):
    close(school=cast.school)
    events = ContractEvent.objects.count()
    with pytest.raises(services.ContractError) as refused:
        invite()
    assert refused.value.message == "2026届毕业年度已关闭，不能再发起签约邀请"
    assert not Contract.objects.exists() and ContractEvent.objects.count() == events


def test_the_invitation_page_says_why(client, cast, close):
    close()
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:invite", args=[cast.favorite.pk]), {
        "job_category": cast.job_category.pk, "post_name": "工程师", "valid_days": 7, "contact": cast.contact.pk,
    })
    assert response.status_code == 200 and "2026届毕业年度已关闭，不能再发起签约邀请" in response.content.decode()
    assert not Contract.objects.exists()


def test_a_year_closed_for_all_schools_is_closed_for_each(cast, invite, close, other_school):
    contract = invite()
    assert close(school=None).voided == 1
    assert Contract.objects.get(pk=contract.pk).status == S.VOIDED
    for school in (cast.school, other_school):
        assert year_closed(school_id=school.pk, year=YEAR) and not year_closed(school_id=school.pk, year=YEAR + 1)
    with pytest.raises(ValidationError) as refused:
        close(school=cast.school)
    assert "已对全部学校关闭" in refused.value.messages[0]


def test_the_query_matches_the_predicate(cast, close, other_school):
    GraduateFactory(college=CollegeFactory(school=other_school), graduation_year=YEAR)
    GraduateFactory(college=cast.college, graduation_year=YEAR + 1)
    close(school=cast.school)
    for graduate in Graduate.objects.annotate(closed=year_closed_q()):
        assert graduate.closed == year_closed(school_id=graduate.school_id, year=graduate.graduation_year)
    assert Graduate.objects.filter(year_closed_q()).count() == Graduate.objects.filter(
        school=cast.school, graduation_year=YEAR
    ).count() > 0


def test_accepting_an_invitation_of_a_closed_year_is_refused(cast, invite, operator):
    contract = invite()
    # The closure is recorded before its invitations are voided: an answer in between is refused.
    GraduationYearClosure.objects.create(school=cast.school, year=YEAR, reason="x", closed_by=operator)
    with pytest.raises(services.ContractError) as refused:
        services.accept(actor=cast.student, contract=contract)
    assert refused.value.message == "2026届毕业年度已关闭，不能再应约"
    assert Contract.objects.get(pk=contract.pk).status == S.INVITED


def test_closing_again_voids_only_what_is_left(cast, invite, close, operator):
    contract = invite()
    # Recorded but its clean-up interrupted (or an invitation a transition held at the time): closing again finishes it.
    GraduationYearClosure.objects.create(school=None, year=YEAR, reason="2026届就业工作结束", closed_by=operator)
    again = close(reason="再次关闭")
    assert (again.created, again.voided, again.closure.voided) == (False, 1, 1)
    assert Contract.objects.get(pk=contract.pk).status == S.VOIDED
    assert not AuditEvent.objects.filter(action="graduation_year.close").exists()  # nothing new was closed
    assert GraduationYearClosure.objects.get().reason == "2026届就业工作结束"
    assert close().voided == 0


def test_only_an_operator_with_the_permission_may_close(cast, close):
    for actor in (cast.school_reviewer, _staff()):
        with pytest.raises(NotFound):
            graduation_year_close(actor=actor, school=None, year=YEAR, reason="x")
    assert not GraduationYearClosure.objects.exists()
    graduation_year_close(actor=_staff("change_graduationyearclosure"), school=None, year=YEAR, reason="x")
    assert GraduationYearClosure.objects.exists()


@pytest.mark.parametrize("reason, year, message", [(" ", YEAR, "请填写关闭原因"), ("x" * 201, YEAR, "关闭原因不能超过200个字"),
                                                    ("x", 1999, "请填写正确的毕业年份")])
def test_bad_input_is_refused(cast, operator, reason, year, message):
    with pytest.raises(ValidationError) as refused:
        graduation_year_close(actor=operator, school=None, year=year, reason=reason)
    assert message in refused.value.messages[0]
    assert not GraduationYearClosure.objects.exists()


def _staff(*codenames):
    user = UserFactory(role=Role.ADMIN, mobile=None, username=f"staff-{'-'.join(codenames) or 'none'}", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------------------------------------- pages of closed years


def test_the_year_filter_and_the_schools_pages_keep_working_for_a_closed_year(client, cast, invite, sign,
                                                                            second_graduate, close):
    signed = sign(invite())
    voided = invite(favorite=second_graduate.favorite)
    close()
    client.force_login(cast.employer)
    html = client.get(reverse("contracts:employer_list") + f"?tab=void&year={YEAR}").content.decode()
    assert second_graduate.entry.name in html and "已失效" in html and "共 1 条" in html
    html = client.get(reverse("contracts:employer_list") + f"?tab=signed&year={YEAR}").content.decode()
    assert cast.graduate.name in html
    client.force_login(cast.school_reviewer)
    assert cast.graduate.name in client.get(reverse("contracts:review_history") + f"?year={YEAR}").content.decode()
    roster = client.get(reverse("schools:roster") + f"?year={YEAR}").content.decode()
    assert cast.graduate.name in roster and second_graduate.entry.name in roster
    assert client.get(reverse("contracts:review_detail", args=[signed.pk])).status_code == 200
    assert client.get(reverse("contracts:review_detail", args=[voided.pk])).status_code == 200


# ---------------------------------------------------------------------------------------------- the admin page


def test_the_admin_shows_the_counts_then_closes_on_confirmation(client, cast, invite, sign_until_school,
                                                               second_graduate, operator):
    invite()
    sign_until_school(invite(favorite=second_graduate.favorite), student=second_graduate.student)
    GraduateFactory(college=cast.college, name="未激活")
    client.force_login(operator)
    changelist = client.get(reverse("admin:schools_graduationyearclosure_changelist")).content.decode()
    url = reverse("admin:schools_graduationyearclosure_close")
    assert f'href="{url}"' in changelist and "关闭毕业年度" in changelist
    form = {"school": cast.school.pk, "year": YEAR, "reason": "本届工作结束"}
    preview = client.post(url, form).content.decode()
    assert "等待应约的邀请函将失效：1 条" in preview
    assert "尚未激活账号、将不能再激活的毕业生：1 人" in preview
    assert "审核中的签约（不受影响，仍可审核）：1 条" in preview
    assert 'name="confirm"' in preview and not GraduationYearClosure.objects.exists()
    response = client.post(url, {**form, "confirm": "确认关闭"}, follow=True)
    assert "已关闭2026届（示例理工大学），1 条等待应约的邀请函已失效" in response.content.decode()
    assert GraduationYearClosure.objects.get().voided == 1
    assert not Contract.objects.filter(status=S.INVITED).exists()


def test_the_admin_form_explains_bad_input(client, operator):
    client.force_login(operator)
    html = client.post(reverse("admin:schools_graduationyearclosure_close"), {"year": "20x6", "reason": ""}).content.decode()
    assert "请填写正确的毕业年份" in html and "请填写关闭原因" in html
    assert not GraduationYearClosure.objects.exists()


def test_closures_are_read_only_in_admin_and_closing_needs_the_permission(client, cast):
    viewer = _staff("view_graduationyearclosure")
    client.force_login(viewer)
    changelist = client.get(reverse("admin:schools_graduationyearclosure_changelist"))
    assert changelist.status_code == 200 and "关闭毕业年度" not in changelist.content.decode()
    url = reverse("admin:schools_graduationyearclosure_close")
    assert client.get(url).status_code == 403
    assert client.post(url, {"year": YEAR, "reason": "x", "confirm": "1"}).status_code == 403
    assert client.get(reverse("admin:schools_graduationyearclosure_add")).status_code == 403
    assert not GraduationYearClosure.objects.exists()


def test_activation_for_a_closed_year_is_refused_with_a_clear_message(client, ask_code, outbox_code, close):
    from tests.schools.factories import make_id_number

    graduate = GraduateFactory(name="陈晨", id_number=make_id_number(321))
    close(school=graduate.school)
    url, mobile, password = reverse("students:activate"), "13700138000", "Biye#2026ok"
    ask_code(url, mobile)
    response = client.post(url, {
        "name": "陈晨", "id_number": make_id_number(321), "school": graduate.school_id, "mobile": mobile,
        "code": outbox_code(mobile), "password1": password, "password2": password,
    })
    assert response.status_code == 200
    assert "2026届毕业年度已关闭，不能再激活账号，如有疑问请联系学校就业部门" in response.content.decode()
    graduate.refresh_from_db()
    assert graduate.user is None and not User.objects.filter(mobile=mobile).exists()
