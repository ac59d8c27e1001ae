"""落实率统计 (the roster of conftest.py): the counts against a hand-counted roster (each category, confirmed vs pending, signing), the reviewer's
scope, the page, its charts and its export (the same numbers), access, and the operators' platform-wide page."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from contracts import services as contract_services
from schools import statistics
from schools.charts import college_charts
from schools.selectors import reviewer_for_user
from schools.statistics import Counts, platform_statistics, school_statistics
from signing_platform.accounts.models import AuditEvent
from tests.factories import EmployerUserFactory, UserFactory
from tests.schools.factories import ActivatedGraduateFactory

pytestmark = pytest.mark.django_db

STATISTICS = reverse("schools:statistics")
PLATFORM = reverse("admin:schools_graduate_statistics")


def reviewer(user):
    return reviewer_for_user(user)


def figures(counts: Counts) -> dict:
    return {
        "total": counts.total, **{key: value for key, value in counts.categories.items() if value},
        "unplaced": counts.unplaced, "pending": counts.pending, "signed": counts.signed, "in_review": counts.in_review,
    }


# ---------------------------------------------------------------------------------------------- the counts


def test_each_category_pending_and_signing_are_counted_by_hand(cast, roster):
    data = school_statistics(reviewer=reviewer(cast.school_reviewer), year=2026)
    math, cs = data.colleges  # in the order of their names
    assert (math.name, cs.name) == ("数学学院", "计算机学院")
    assert figures(cs.counts) == {"total": 6, "employed": 2, "freelance": 1, "study": 1, "unplaced": 2, "pending": 2,
                                  "signed": 1, "in_review": 0}
    assert cs.counts.placed == 4 and cs.counts.rate_label == "66.7%"
    assert figures(math.counts) == {"total": 4, "seeking": 1, "not_employed": 1, "unplaced": 2, "pending": 0,
                                    "signed": 0, "in_review": 1}
    assert math.counts.rate == 0 and math.counts.rate_label == "0.0%"
    assert figures(data.total) == {"total": 10, "employed": 2, "freelance": 1, "study": 1, "seeking": 1,
                                   "not_employed": 1, "unplaced": 4, "pending": 2, "signed": 1, "in_review": 1}
    assert data.total.rate_label == "40.0%"
    # Per code: the confirmed codes only (75 is under review, 12 is a change under review, 11 of 钱七 was returned).
    assert {code: n for code, n in data.total.codes.items() if n} == {"10": 1, "11": 1, "801": 1, "76": 1, "70": 1,
                                                                       "72": 1}


def test_majors_and_levels_within_each_college(cast, roster):
    data = school_statistics(reviewer=reviewer(cast.school_reviewer), year=2026)
    math, cs = data.colleges
    assert [(row.labels["major"], row.labels["level"], row.counts.total) for row in cs.majors] == [
        ("人工智能", "硕士研究生", 1), ("软件工程", "本科", 5)]
    assert [(row.labels["major"], row.labels["level"], row.counts.total, row.counts.rate_label) for row in math.majors] \
        == [("数学", "本科", 3, "0.0%"), ("统计学", "硕士研究生", 1, "0.0%")]
    assert [(row.labels["level"], row.counts.total, row.counts.placed) for row in data.levels] == [
        ("本科", 8, 3), ("硕士研究生", 2, 1)]


def test_a_college_reviewer_counts_their_college_only(cast, roster):
    data = school_statistics(reviewer=reviewer(cast.college_reviewer), year=2026)
    assert [block.name for block in data.colleges] == ["计算机学院"]
    assert data.total.total == 6 and data.total.rate_label == "66.7%"


def test_another_school_and_another_year_are_never_included(cast, roster):
    assert school_statistics(reviewer=reviewer(cast.school_reviewer), year=2025).total.total == 1
    outsider = school_statistics(reviewer=reviewer(cast.other_school_reviewer), year=2026)
    assert outsider.colleges == [] and outsider.total.total == 0


def test_termination_takes_the_graduate_back_to_unplaced(cast, roster):
    from contracts.models import Contract, ContractStatus

    contract = Contract.objects.get(graduate=cast.graduate, status=ContractStatus.SIGNED)
    contract_services.request_termination(actor=cast.employer, contract=contract, reason="岗位调整")
    during = school_statistics(reviewer=reviewer(cast.school_reviewer), year=2026).total
    assert during.signed == 1 and during.categories["employed"] == 2  # in force while the termination is asked for
    contract_services.answer_termination(actor=cast.student, contract=contract, agree=True)
    contract_services.review_termination(actor=cast.school_reviewer, contract=contract, approve=True)
    after = school_statistics(reviewer=reviewer(cast.school_reviewer), year=2026).total
    assert after.signed == 0 and after.categories["employed"] == 1 and after.unplaced == 5
    assert after.rate_label == "30.0%"


def test_no_graduates_no_division_by_zero():
    empty = Counts()
    assert empty.rate is None and empty.rate_percent is None and empty.rate_label == "—"
    charts = college_charts([("空学院", empty)])
    assert charts["rates"].rows[0].width == 0 and charts["rates"].rows[0].value == "—"
    assert charts["mix"].rows[0].segments == []


def test_the_platform_counts_by_school_and_province(cast, roster):
    data = platform_statistics(year=2026)
    by_school = {row.labels["school"]: row.counts for row in data.schools}
    assert by_school["示例理工大学"].total == 10 and by_school["示例理工大学"].rate_label == "40.0%"
    assert by_school["外省大学"].total == 1 and by_school["外省大学"].rate_label == "0.0%"
    by_province = {row.labels["province"]: row.counts.total for row in data.provinces}
    assert by_province == {"北京市": 10, "上海市": 1}
    assert data.total.total == 11 and data.total.placed == 4


# ---------------------------------------------------------------------------------------------- the page


def cells_of(html: str, label: str, table_id: str = "by-college") -> list[str]:
    """The cells of the row headed `label` in the table headed `table_id`."""
    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', table, re.S).group(1)
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_the_page_shows_the_tables_charts_and_definition(client, cast, roster):
    client.force_login(cast.school_reviewer)
    response = client.get(STATISTICS)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="2026" selected>2026届</option>' in html and '<option value="2025">2025届</option>' in html
    #              生源 单位就业 自主创业 自由职业 升学 暂不就业 待就业 未落实 待审核 已签约 签约审核中 落实率
    assert cells_of(html, "计算机学院") == ["6", "2", "0", "1", "1", "0", "0", "2", "2", "1", "0", "66.7%"]
    assert cells_of(html, "数学学院") == ["4", "0", "0", "0", "0", "1", "1", "2", "0", "0", "1", "0.0%"]
    assert cells_of(html, "合计") == ["10", "2", "0", "1", "1", "1", "1", "4", "2", "1", "1", "40.0%"]
    assert cells_of(html, "本科", "by-level")[0] == "8"
    assert "落实率 = (单位就业 + 自主创业 + 自由职业 + 升学) ÷ 生源人数" in html
    # The charts: inline SVG with an accessible name and every figure in words.
    assert 'role="img" aria-labelledby="chart-rates-title" aria-describedby="chart-rates-desc"' in html
    assert '<title id="chart-rates-title">各院系落实率</title>' in html
    assert "各院系落实率：数学学院 0.0%；计算机学院 66.7%。" in html
    assert "计算机学院（6 人）单位就业 33.3%、自由职业 16.7%、升学 16.7%、未落实 33.3%" in html
    assert "<script" not in html.split("</head>")[1] and " style=" not in html


def test_a_year_is_chosen_and_a_bad_one_is_refused_clearly(client, cast, roster):
    client.force_login(cast.school_reviewer)
    html = client.get(STATISTICS, {"year": "2025"}).content.decode()
    assert cells_of(html, "计算机学院") == ["1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "100.0%"]
    for bad in ("2024", "abc", "２０２６", ""):
        response = client.get(STATISTICS, {"year": bad})
        assert response.status_code == 200
        html = response.content.decode()
        assert "请选择有效的毕业年份" in html or "请选择毕业年份" in html
        assert 'id="by-college"' not in html


def test_the_college_reviewer_page_and_an_empty_roster(client, cast, roster):
    client.force_login(cast.college_reviewer)
    html = client.get(STATISTICS).content.decode()
    assert cells_of(html, "计算机学院")[0] == "6" and "数学学院" not in html
    client.force_login(cast.other_school_reviewer)
    html = client.get(STATISTICS).content.decode()
    assert "暂无生源信息" in html and "计算机学院" not in html and 'id="by-college"' not in html


def test_the_menu_links_the_page_for_both_reviewers(client, cast):
    for user in (cast.school_reviewer, cast.college_reviewer):
        client.force_login(user)
        html = client.get(reverse("contracts:review_queue")).content.decode()
        assert f'href="{STATISTICS}">落实率统计</a>' in html


def test_only_reviewers_see_the_page(client, cast, roster):
    response = client.get(STATISTICS)
    assert response.status_code == 302 and "login" in response["Location"]
    for user in (cast.student, cast.employer, EmployerUserFactory(), UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(user)
        assert client.get(STATISTICS).status_code == 404
    client.force_login(cast.school_reviewer)
    assert client.post(STATISTICS, {"year": "2026"}).status_code == 405


def test_the_page_costs_a_few_queries_whatever_the_roster(client, cast, roster, register, confirm,
                                                          django_assert_max_num_queries):
    client.force_login(cast.school_reviewer)
    # On PostgreSQL the aggregate runs in its own transaction with SET LOCAL random_page_cost (a savepoint here, in
    # the test's transaction): three statements more.
    budget = 7 + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_max_num_queries(budget) as first:
        assert client.get(STATISTICS).status_code == 200
    for index in range(6):
        graduate = ActivatedGraduateFactory(college=cast.college, major=f"专业{index}")
        confirm(register("70", student=graduate.user, proof=None))
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(STATISTICS).content.decode()
    assert cells_of(html, "合计")[0] == "16"


# ---------------------------------------------------------------------------------------------- the export


def test_the_export_holds_the_page_numbers(client, cast, roster, xlsx):
    client.force_login(cast.school_reviewer)
    html = client.get(STATISTICS, {"year": "2026"}).content.decode()
    assert 'action="/exports/statistics/"' in html and '<input type="hidden" name="year" value="2026">' in html
    response = client.post(reverse("exports:start", args=["statistics"]), {"year": "2026"})
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "%E8%90%BD%E5%AE%9E%E7%8E%87%E7%BB%9F%E8%AE%A1-2026%E5%B1%8A-" in response["Content-Disposition"]
    book = xlsx(response)
    assert book.header[:16] == ["序号", "院系", "专业", "学历层次", "生源人数", "单位就业", "自主创业", "自由职业", "升学",
                                "暂不就业", "待就业", "未落实", "待审核", "已签约", "签约审核中", "落实率（%）"]
    assert "10 签就业协议形式就业" in book.header and "801 境内升学—研究生" in book.header
    rows = {(row[1], row[2], row[3]): row[4:16] for row in book.body}
    as_text = [[*map(str, rows[key][:-1]), f"{rows[key][-1]:.1f}%"]
               for key in [("计算机学院", "合计", None), ("数学学院", "合计", None), ("全部院系", "合计", "全部")]]
    assert as_text == [cells_of(html, "计算机学院"), cells_of(html, "数学学院"), cells_of(html, "合计")]
    assert rows[("数学学院", "统计学", "硕士研究生")][:1] == [1]
    assert rows[("全部院系", "合计", "本科")][0] == 8
    total = book.body[-1]
    assert total[book.header.index("10 签就业协议形式就业")] == 1 and total[book.header.index("76 自由职业")] == 1
    assert [row[0] for row in book.body] == list(range(1, len(book.body) + 1))
    event = AuditEvent.objects.get(action="export")
    assert event.actor == cast.school_reviewer
    assert event.detail == {"kind": "statistics", "title": "落实率统计-2026届", "filters": {"year": "2026"},
                            "rows": len(book.body), "background": False}


def test_the_college_reviewer_exports_their_college_and_bad_years_are_refused(client, cast, roster, xlsx):
    client.force_login(cast.college_reviewer)
    book = xlsx(client.post(reverse("exports:start", args=["statistics"]), {"year": "2026"}))
    assert {row[1] for row in book.body} == {"计算机学院", "全部院系"}
    assert book.body[-1][4] == 6
    response = client.post(reverse("exports:start", args=["statistics"]), {"year": "20x6"}, follow=True)
    assert "筛选条件有误" in response.content.decode()
    for user in (cast.student, cast.employer):
        client.force_login(user)
        assert client.post(reverse("exports:start", args=["statistics"]), {"year": "2026"}).status_code == 404


# ---------------------------------------------------------------------------------------------- operators


def test_operators_see_every_school_and_province(client, cast, roster, django_assert_max_num_queries):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_assert_max_num_queries(8):
        response = client.get(PLATFORM, {"year": "2026"})
    html = response.content.decode()
    assert response.status_code == 200
    assert cells_of(html, "示例理工大学", "by-school") == [
        "北京市", "10", "2", "0", "1", "1", "1", "1", "4", "2", "1", "1", "40.0%"]
    assert cells_of(html, "上海市", "by-province") == ["1", "0", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0.0%"]
    assert "落实率 = (单位就业 + 自主创业 + 自由职业 + 升学) ÷ 生源人数" in html
    assert "请填写正确的毕业年份" in client.get(PLATFORM, {"year": "abc"}).content.decode()
    assert f'href="{PLATFORM}"' in client.get(reverse("admin:index")).content.decode()


def test_the_platform_page_is_for_operators_only(client, cast, roster):
    response = client.get(PLATFORM)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    for user in (cast.school_reviewer, cast.student, cast.employer):
        client.force_login(user)
        response = client.get(PLATFORM)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(is_staff=True))  # staff without the permission to read the roster
    assert client.get(PLATFORM).status_code == 403


def test_the_schools_query_is_planned_for_index_probes_and_nothing_else_is():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")

    def random_page_cost():
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            return float(cursor.fetchone()[0])

    before = random_page_cost()
    with statistics.plans_that_probe_indexes(connection.alias):
        assert random_page_cost() == statistics.INDEX_PROBING_RANDOM_PAGE_COST
    assert random_page_cost() == before
