"""What each 导出Excel holds: the list's columns, its rows with the page's filters, masked ID numbers, formulas as text.
Each export is also one Export row and one audit event (who, which list, which filters, how many rows)."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Contract
from exports.models import Export
from signing_platform.accounts.models import AuditEvent
from signing_platform.crypto import id_number_hash
from tests.schools.factories import ActivatedGraduateFactory, GraduateFactory

pytestmark = pytest.mark.django_db

EMPLOYER_HEADER = ["序号", "学生姓名", "证件号码", "毕业院校", "学历层次", "专业", "最新状态", "最新操作时间", "拟录用岗位名称",
                   "签约联系人"]


def export(client, kind, **query):
    return client.post(reverse("exports:start", args=[kind]), query)


def test_the_employer_signing_tab_exports_its_rows_with_post_and_contact(client, cast, invite, xlsx):
    contract = invite(post_name="后端开发工程师")
    client.force_login(cast.employer)
    response = export(client, "employer_list", tab="signing")
    book = xlsx(response)
    assert book.title == "签约解约-签约中"
    assert book.header == EMPLOYER_HEADER
    local = timezone.localtime(contract.last_event_at).strftime("%Y-%m-%d %H:%M")
    assert book.body == [[1, "张三", cast.graduate.id_masked, "示例理工大学", "本科", "软件工程", "等待学生应约", local,
                          "后端开发工程师", "越综合企业联系人"]]
    assert cast.graduate.id_number() not in book.text


def test_the_file_is_named_in_chinese_with_the_date(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    response = export(client, "employer_list", tab="signing")
    day = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"export-{day}.xlsx\"; filename*=UTF-8''{quote(f'签约解约-签约中-{day}.xlsx')}"
    )
    assert response["Cache-Control"] == "private, no-store"


def test_every_export_is_recorded_and_audited(client, cast, invite, xlsx):
    invite()
    client.force_login(cast.employer)
    xlsx(export(client, "employer_list", tab="signing", name="张"))
    recorded = Export.objects.get()
    assert (recorded.user, recorded.kind, recorded.title, recorded.filters, recorded.row_count, recorded.background,
            recorded.status) == (cast.employer, "employer_list", "签约解约-签约中", {"tab": "signing", "name": "张"}, 1,
                                 False, "done")
    event = AuditEvent.objects.get(action="export")
    assert event.actor == cast.employer and event.target_id == str(recorded.pk)
    assert event.detail == {"kind": "employer_list", "title": "签约解约-签约中", "filters": {"tab": "signing", "name": "张"},
                            "rows": 1, "background": False}


def test_the_tab_and_its_filters_choose_the_rows(client, cast, invite, second_graduate, xlsx):
    invite()
    other = invite(favorite=second_graduate.favorite)
    services.withdraw(actor=cast.employer, contract=other)
    client.force_login(cast.employer)
    assert [row[1] for row in xlsx(export(client, "employer_list", tab="signing")).body] == ["张三"]
    assert [row[1] for row in xlsx(export(client, "employer_list", tab="void")).body] == ["李四"]
    assert xlsx(export(client, "employer_list", tab="void")).body[0][6] == "单位已撤回"
    assert xlsx(export(client, "employer_list", tab="signing", name="李")).body == []
    idh = id_number_hash(second_graduate.entry.id_number())
    assert [row[1] for row in xlsx(export(client, "employer_list", tab="void", idh=idh)).body] == ["李四"]
    assert xlsx(export(client, "employer_list", tab="void", status="voided")).body == []
    assert xlsx(export(client, "employer_list", tab="signing", year=str(timezone.localdate().year - 1))).body == []
    # The other unit's records are never in this unit's file.
    client.force_login(cast.other_employer)
    assert xlsx(export(client, "employer_list", tab="signing")).body == []


def test_rows_come_in_the_order_of_the_list_numbered_from_one(client, cast, invite, many_invitations, xlsx):
    many_invitations(3)
    client.force_login(cast.employer)
    body = xlsx(export(client, "employer_list", tab="signing")).body
    newest_first = list(Contract.objects.order_by("-last_event_at", "-pk").values_list("student_name", flat=True))
    assert [row[0] for row in body] == [1, 2, 3] and [row[1] for row in body] == newest_first


def test_the_favorites_tab_exports_what_it_shows(client, cast, xlsx):
    client.force_login(cast.employer)
    book = xlsx(export(client, "employer_list", tab="favorites"))
    assert book.title == "签约解约-学生收藏夹"
    assert book.header == ["序号", "学生姓名", "证件号码", "毕业院校", "学历层次", "专业", "加入时间"]
    assert book.body[0][:6] == [1, "张三", cast.graduate.id_masked, "示例理工大学", "本科", "软件工程"]


def test_the_terminating_tab_says_whose_answer_is_awaited(client, cast, invite, sign, xlsx):
    contract = sign(invite())
    services.request_termination(actor=cast.student, contract=contract, reason="考研")
    client.force_login(cast.employer)
    assert xlsx(export(client, "employer_list", tab="terminating")).body[0][6] == "解约中（待您确认）"


def test_text_that_would_run_as_a_formula_is_written_as_text(client, cast, invite, xlsx):
    invite(post_name="=HYPERLINK(\"http://evil\")")
    client.force_login(cast.employer)
    book = xlsx(export(client, "employer_list", tab="signing"))
    cell = book.cells[1][8]
    assert cell.value == "'=HYPERLINK(\"http://evil\")" and cell.data_type == "s"
    assert "<f>" not in book.text


@pytest.fixture
def accepted(cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    return contract


def test_the_review_queue_exports_the_reviewers_own_queue(client, cast, accepted, xlsx):
    client.force_login(cast.college_reviewer)
    book = xlsx(export(client, "review_queue"))
    assert book.title == "待审核"
    assert book.header == ["序号", "学生姓名", "证件号码", "院系", "专业", "学历层次", "邀请方", "拟录用岗位名称", "应约时间"]
    assert book.body[0][:8] == [1, "张三", cast.graduate.id_masked, "计算机学院", "软件工程", "本科", "越综合企业", "软件工程师"]
    assert cast.graduate.id_number() not in book.text
    # Another college's reviewer, and the school before the college has approved, have nothing to export.
    client.force_login(cast.other_college_reviewer)
    assert xlsx(export(client, "review_queue")).body == []
    client.force_login(cast.school_reviewer)
    assert xlsx(export(client, "review_queue")).body == []


def test_the_review_history_exports_the_decisions_with_the_filters(client, cast, accepted, xlsx):
    services.approve(actor=cast.college_reviewer, contract=accepted)
    client.force_login(cast.college_reviewer)
    book = xlsx(export(client, "review_history"))
    assert book.header == ["序号", "审核时间", "学生姓名", "证件号码", "院系", "邀请方", "审核结果", "审核人", "最新状态"]
    assert book.body[0][2:] == ["张三", cast.graduate.id_masked, "计算机学院", "越综合企业", "学院审核通过",
                                cast.college_reviewer.display_name, "学院审核通过（待学校审核）"]
    assert xlsx(export(client, "review_history", name="李")).body == []


def test_the_termination_queue_and_history_export_the_schools_requests(client, cast, invite, sign, xlsx):
    contract = sign(invite())
    services.request_termination(actor=cast.student, contract=contract, reason="考研")
    services.answer_termination(actor=cast.employer, contract=contract, agree=True)
    client.force_login(cast.school_reviewer)
    book = xlsx(export(client, "termination_queue"))
    assert book.header == ["序号", "学生姓名", "证件号码", "院系", "用人单位", "申请方", "解约原因", "对方同意时间"]
    assert book.body[0][1:7] == ["张三", cast.graduate.id_masked, "计算机学院", "越综合企业", "学生", "考研"]
    services.review_termination(actor=cast.school_reviewer, contract=contract, approve=False, note="材料不全")
    book = xlsx(export(client, "termination_history"))
    assert book.header == ["序号", "审核时间", "学生姓名", "证件号码", "院系", "用人单位", "解约原因", "审核结果", "审核人"]
    assert book.body[0][2:] == ["张三", cast.graduate.id_masked, "计算机学院", "越综合企业", "考研", "学校审核不通过：材料不全",
                                cast.school_reviewer.display_name]
    assert xlsx(export(client, "termination_queue")).body == []


def test_the_roster_exports_the_reviewers_scope_with_the_filters(client, cast, xlsx):
    math = cast.other_college_reviewer.reviewer.college
    GraduateFactory(college=math, name="赵六", student_no="2022000099", major="数学")
    formula = GraduateFactory(college=cast.college, name="@SUM(1,2)", student_no="-1")
    client.force_login(cast.school_reviewer)
    book = xlsx(export(client, "roster"))
    assert book.title == "生源信息"
    assert book.header == ["序号", "姓名", "证件号码", "学号", "院系", "专业", "学历层次", "毕业年份", "账号", "毕业去向"]
    assert len(book.body) == 5  # 张三, 李四, 王五 of the cast, 赵六, and the formula-looking name
    assert ["'@SUM(1,2)", formula.id_masked, "'-1", "计算机学院", "软件工程", "本科", 2026, "未开通", "未落实"] in [
        row[1:] for row in book.body
    ]
    assert "已确认" in {row[8] for row in book.body}
    for graduate in (cast.graduate, formula):
        assert graduate.id_number() not in book.text
    assert [row[1] for row in xlsx(export(client, "roster", college=str(math.pk))).body] == ["赵六"]
    idh = id_number_hash(cast.graduate.id_number())
    assert [row[1] for row in xlsx(export(client, "roster", idh=idh)).body] == ["张三"]
    client.force_login(cast.other_college_reviewer)
    assert [row[1] for row in xlsx(export(client, "roster")).body] == ["赵六"]
    client.force_login(cast.other_school_reviewer)
    assert xlsx(export(client, "roster")).body == []


def test_bad_filters_are_refused_with_a_message_and_nothing_exported(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    response = export(client, "employer_list", tab="signing", year="1999")
    assert response.status_code == 302 and response["Location"] == reverse("contracts:employer_list")
    assert "筛选条件有误，请修正后再导出" in client.get(response["Location"]).content.decode()
    assert not Export.objects.exists() and not AuditEvent.objects.filter(action="export").exists()


def test_the_filters_the_export_keeps_never_hold_an_id_number_in_clear(client, cast, invite, xlsx):
    invite()
    client.force_login(cast.employer)
    id_number = cast.graduate.id_number()
    assert len(xlsx(export(client, "employer_list", tab="signing", id_number=id_number)).body) == 1
    assert Export.objects.get().filters == {"tab": "signing", "idh": id_number_hash(id_number)}
    assert id_number not in str(AuditEvent.objects.get(action="export").detail)


def test_only_those_who_see_a_list_may_export_it(client, cast, accepted, unauthenticate):
    assert export(client, "review_queue").status_code == 302  # to the sign-in page
    client.force_login(cast.employer)
    assert export(client, "review_queue").status_code == 404
    assert export(client, "roster").status_code == 404
    assert export(client, "no_such_list").status_code == 404
    client.force_login(cast.college_reviewer)
    assert export(client, "employer_list").status_code == 404
    assert export(client, "termination_queue").status_code == 404  # 解约审核 is the school's
    client.force_login(cast.student)
    assert export(client, "employer_list").status_code == 404
    unauthenticate(cast.unit)
    client.force_login(cast.employer)
    assert export(client, "employer_list").status_code == 404
    assert not Export.objects.exists()


def test_the_button_posts_its_list_query(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    html = client.get(reverse("contracts:employer_list") + "?tab=void&name=%E5%BC%A0&page=1").content.decode()
    assert f'action="{reverse("exports:start", args=["employer_list"])}"' in html
    assert '<input type="hidden" name="tab" value="void">' in html
    assert '<input type="hidden" name="name" value="张">' in html and '<input type="hidden" name="page"' not in html
    assert ">导出Excel</button>" in html


@pytest.mark.parametrize("url_name, user", [
    ("contracts:review_queue", "college_reviewer"), ("contracts:review_history", "school_reviewer"),
    ("contracts:termination_queue", "school_reviewer"), ("contracts:termination_history", "school_reviewer"),
    ("schools:roster", "school_reviewer"),
])
def test_every_reviewer_list_has_the_button(client, cast, url_name, user):
    client.force_login(getattr(cast, user))
    html = client.get(reverse(url_name)).content.decode()
    assert ">导出Excel</button>" in html


def test_the_start_url_takes_only_posts(client, cast):
    client.force_login(cast.employer)
    assert client.get(reverse("exports:start", args=["employer_list"])).status_code == 405


def test_exports_are_rate_limited_per_user(client, cast, settings, monkeypatch):
    from exports import views

    monkeypatch.setattr(views, "EXPORTS_PER_HOUR", "2/h")
    client.force_login(cast.employer)
    assert export(client, "employer_list").status_code == 200
    assert export(client, "employer_list").status_code == 200
    response = export(client, "employer_list")
    assert response.status_code == 302 and Export.objects.count() == 2
    assert "导出过于频繁，请稍后再试" in client.get(response["Location"]).content.decode()


def test_a_graduate_added_later_is_in_the_next_export_only(client, cast, xlsx):
    client.force_login(cast.school_reviewer)
    before = len(xlsx(export(client, "roster")).body)
    ActivatedGraduateFactory(college=cast.college, name="新同学")
    assert len(xlsx(export(client, "roster")).body) == before + 1


def test_the_roster_exports_each_graduates_destination_with_its_filters(client, cast, invite, sign, xlsx):
    sign(invite())
    client.force_login(cast.school_reviewer)
    book = xlsx(export(client, "roster"))
    destinations = {row[1]: row[9] for row in book.body}
    assert destinations["张三"] == "10 签就业协议形式就业（已落实）" and destinations["李四"] == "未落实"
    page = client.get(reverse("schools:roster")).content.decode()
    assert "10 签就业协议形式就业" in page and "已落实" in page
    assert [row[1] for row in xlsx(export(client, "roster", state="confirmed")).body] == ["张三"]
    assert Export.objects.first().filters == {"state": "confirmed"}  # the newest
