"""Browser, on a phone 375 px wide: each list keeps a record's name, status and main action on screen without
sideways scrolling, the header keeps 修改密码 and 退出登录 whole, the menu leaves room for the page, dialogs fit and
their ✕ is a real tap target. Screenshots of the main pages land in test-artifacts/mobile/ for a person to look at."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from contracts import services
from schools.services import correction_request_create
from tests.contracts import conftest as contract_fixtures
from tests.contracts.e2e.test_signing_flow import sign_in
from tests.employers.factories import UnitFactory, UnitMemberFactory, seed_code_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The signing tests' cast and helpers, as fixtures of this module too.
cast, invite, second_graduate = contract_fixtures.cast, contract_fixtures.invite, contract_fixtures.second_graduate
sign, sign_until_school = contract_fixtures.sign, contract_fixtures.sign_until_school
many_invitations = contract_fixtures.many_invitations

# What a thumb taps, apart from links inside running text: at least 24 × 24 px (WCAG 2.5.8).
TAP_TARGETS = (
    ".button, .pagination a, .modal-close, .tabs a, .side-menu a, .user-actions a, .user-actions button, "
    ".cell-actions a, .cell-actions button, .cell-select input"
)

WIDTH = 375
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "mobile"


@pytest.fixture(autouse=True)
def _code_lists(transactional_db):
    # Other browser tests flush the database, and with it the regions 身份认证 offers.
    seed_code_lists()


@pytest.fixture
def phone(browser, live_server, settings):
    """A touch screen 375 × 812 CSS pixels that honours the viewport meta tag, as a phone's browser does."""
    settings.DEBUG = True
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": WIDTH, "height": 812},
        device_scale_factor=2, is_mobile=True, has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_fits(page):
    """Nothing is wider than the screen: neither the page nor a list scrolls sideways."""
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= WIDTH, f"{page.url} is {page_width}px wide"
    wide_lists = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth).length"
    )
    assert wide_lists == 0, f"{page.url} has a list that scrolls sideways"
    small = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
               .map(el => [el.textContent.trim() || el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
               .filter(([, box]) => box.width > 0 && (box.width < 24 || box.height < 24))
               .map(([name, box]) => `${name} ${box.width}×${box.height}`)""",
        TAP_TARGETS,
    )
    assert not small, f"{page.url} has tap targets under 24 px: {small}"


def scroll_down_to(locator):
    """Scroll the page vertically only (never sideways, as a list in a scroll box would) to bring the element up."""
    locator.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 60)")


def shoot(page, name, *, full_page=True):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


def record_on_screen(page, *, name, action, status=None):
    """Bring the record named `name` up by scrolling down only; its name, status and `action` link are then wholly on
    the screen, and nothing scrolls sideways. Returns the row."""
    row = page.get_by_role("row", name=re.compile(name))
    scroll_down_to(row)
    expect(row.get_by_role("cell", name=name, exact=True)).to_be_in_viewport(ratio=1)
    if status:
        expect(row.get_by_role("cell", name=status)).to_be_in_viewport(ratio=1)
    expect(row.get_by_role("link", name=action, exact=True)).to_be_in_viewport(ratio=1)
    assert_fits(page)
    return row


def assert_tappable(locator):
    box = locator.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, f"{locator} is {box['width']}×{box['height']}px"


def assert_one_line(locator):
    """The element's text lays out on a single line, about one line of text high."""
    lines, text_height, font_size = locator.evaluate(
        """el => { const r = document.createRange(); r.selectNodeContents(el);
                   const tops = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
                   return [tops.size, r.getBoundingClientRect().height, parseFloat(getComputedStyle(el).fontSize)]; }"""
    )
    assert lines == 1, f"{locator} wraps onto {lines} lines"
    assert text_height < 2 * font_size, f"{locator}'s text is {text_height}px high"


def test_a_graduate_reaches_accept_in_my_invitations(phone, cast, invite):
    invite()
    sign_in(phone, cast.student.mobile)
    phone.goto("/student/invitations/")
    row = record_on_screen(phone, name=cast.unit.name, status=re.compile("剩余"), action="应约")
    shoot(phone, "student-invitations")

    row.get_by_role("link", name="应约", exact=True).click()
    expect(phone.get_by_role("heading", name="应约确认")).to_be_visible()
    expect(phone.get_by_text("应约具有约束力")).to_be_visible()
    assert_fits(phone)
    shoot(phone, "student-accept")


def test_an_employer_opens_the_details_of_an_invitation_in_signing(phone, cast, invite):
    invite()
    sign_in(phone, cast.employer.mobile)
    phone.goto("/employer/signing/?tab=signing")
    row = record_on_screen(phone, name=cast.graduate.name, status="等待学生应约", action="查看详情")
    # The pager's template comment spans lines, so it must be a {% comment %} block, not shown as text.
    expect(phone.get_by_role("navigation", name="分页")).to_contain_text("共 1 条")
    expect(phone.locator("main")).not_to_contain_text("list_url")
    shoot(phone, "employer-signing")

    row.get_by_role("link", name="查看详情").click()
    dialog = phone.get_by_role("dialog", name="签约邀请函")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    close = dialog.get_by_role("button", name="关闭")
    expect(close).to_be_in_viewport(ratio=1)
    assert_tappable(close)
    expect(dialog.get_by_role("button", name="撤回邀请")).to_be_visible()
    shoot(phone, "employer-detail-dialog", full_page=False)
    close.click()
    expect(dialog).to_be_hidden()


def test_a_reviewer_selects_and_opens_a_record_in_the_review_queue(phone, cast, invite):
    services.accept(actor=cast.student, contract=invite())
    sign_in(phone, cast.college_reviewer.username)
    phone.goto("/school/review/")
    row = record_on_screen(phone, name=cast.graduate.name, action="查看详情")
    checkbox = row.get_by_role("checkbox", name=f"选择{cast.graduate.name}")
    expect(checkbox).to_be_in_viewport(ratio=1)
    assert_tappable(checkbox)
    shoot(phone, "reviewer-queue")

    row.get_by_role("link", name="查看详情").click()
    expect(phone.get_by_role("heading", name="签约详情")).to_be_visible()
    expect(phone.get_by_role("button", name="审核通过", exact=True)).to_be_visible()
    assert_fits(phone)
    shoot(phone, "reviewer-detail")


def test_the_cards_are_still_a_table_with_headers_for_screen_readers(phone, cast, invite):
    invite()
    sign_in(phone, cast.employer.mobile)
    phone.goto("/employer/signing/?tab=signing")
    nodes = phone.context.new_cdp_session(phone).send("Accessibility.getFullAXTree")["nodes"]
    named = {(n["role"]["value"], n.get("name", {}).get("value")) for n in nodes if not n.get("ignored")}
    assert ("table", "签约中") in named
    for header in ("学生姓名", "证件号码", "最新状态", "操作"):
        assert ("columnheader", header) in named
    # A cell is named by its value alone: the column name drawn beside it on a phone is not read twice.
    assert ("cell", cast.graduate.name) in named
    assert ("cell", "等待学生应约") in named
    assert any(role == "row" for role, _ in named)


def test_the_header_keeps_its_links_whole_and_the_menu_leaves_room(phone, cast):
    cast.school_reviewer.name = "示例理工大学就业指导中心招生就业处审核员"
    cast.school_reviewer.save(update_fields=["name"])
    sign_in(phone, cast.school_reviewer.username)
    phone.goto("/school/review/")
    for control in (phone.get_by_role("link", name="修改密码"), phone.get_by_role("button", name="退出登录")):
        expect(control).to_be_in_viewport(ratio=1)
        assert_one_line(control)
        assert_tappable(control)
    # Nine menu items in at most two rows above the page's heading.
    menu = phone.get_by_role("navigation", name="主菜单")
    assert menu.bounding_box()["height"] <= 100
    expect(phone.get_by_role("heading", name="待审核", level=1)).to_be_in_viewport(ratio=1)
    assert_fits(phone)
    shoot(phone, "header-long-name", full_page=False)


def test_every_employer_page_fits_a_phone(phone, cast, invite, second_graduate, many_invitations):
    invite()
    many_invitations(20)  # two pages in 签约中, so the pager has a link
    sign_in(phone, cast.employer.mobile)
    for path, name in [
        ("/employer/", "employer-workbench"), ("/employer/archive/", "employer-archive"),
        ("/employer/account/", "employer-account"), ("/accounts/password/", "employer-password"),
        ("/employer/authentication/", "employer-reauthentication"),
    ]:
        phone.goto(path)
        assert_fits(phone)
        shoot(phone, name)

    phone.goto("/employer/signing/")
    tabs = phone.get_by_role("navigation", name="签约记录分类").get_by_role("link")
    hrefs = [tabs.nth(i).get_attribute("href") for i in range(tabs.count())]
    assert len(hrefs) == 8
    for href in hrefs:
        phone.goto(href)
        assert_fits(phone)
        shoot(phone, "employer-list-" + href.rsplit("=", 1)[-1])
    phone.goto("/employer/signing/?tab=signing")
    expect(phone.get_by_role("link", name="下一页")).to_be_visible()

    phone.goto("/employer/signing/?tab=favorites")
    phone.get_by_label("学生姓名").fill(second_graduate.entry.name)
    phone.get_by_role("button", name="搜索").click()
    expect(phone.get_by_text("共 1 条")).to_be_visible()
    phone.get_by_role("row", name=re.compile(second_graduate.entry.name)).get_by_role("link", name="发送邀请函").click()
    invitation = phone.get_by_role("dialog", name="签约邀请函")
    expect(invitation.get_by_label("拟录用岗位名称")).to_be_visible()
    assert invitation.bounding_box()["width"] <= WIDTH
    assert_fits(phone)
    shoot(phone, "employer-invite-dialog", full_page=False)
    invitation.get_by_role("button", name="关闭").click()

    phone.get_by_role("link", name="添加学生").click()
    dialog = phone.get_by_role("dialog", name="添加学生")
    dialog.get_by_label("学生姓名").fill(cast.second_graduate_entry.name)
    dialog.get_by_label("身份证号").fill(cast.second_graduate_entry.id_number())
    dialog.get_by_label("毕业院校").select_option(label=cast.school.name)
    dialog.get_by_role("button", name="搜索").click()
    add = dialog.get_by_role("button", name="加入收藏夹")
    expect(add).to_be_in_viewport(ratio=1)
    assert_fits(phone)
    shoot(phone, "employer-add-student-dialog", full_page=False)


def test_a_new_units_authentication_fits_a_phone(phone):
    member = UnitMemberFactory(unit=UnitFactory(), is_admin=True)
    sign_in(phone, member.user.mobile)
    phone.goto("/employer/authentication/")
    expect(phone.get_by_role("heading", name="身份认证", exact=True)).to_be_visible()
    assert_fits(phone)
    shoot(phone, "employer-authentication")


def test_every_graduate_page_fits_a_phone(phone, cast, invite):
    correction_request_create(graduate=cast.graduate, message="专业名称有误，应为软件工程（嵌入式方向）")
    contract = invite()
    for path, name in [("/accounts/login/", "login"), ("/accounts/register/", "register"),
                       ("/student/activate/", "student-activate")]:
        phone.goto(path)
        assert_fits(phone)
        shoot(phone, name)
    sign_in(phone, cast.student.mobile)
    for path, name in [
        (f"/student/invitations/{contract.pk}/", "student-invitation"), ("/student/", "student-home"),
        ("/student/destination/", "student-destination"), ("/student/profile/", "student-profile"),
    ]:
        phone.goto(path)
        assert_fits(phone)
        shoot(phone, name)


def test_every_school_page_fits_a_phone(phone, cast, invite, sign, second_graduate):
    contract = sign(invite())
    services.request_termination(actor=cast.employer, contract=contract, reason="单位岗位调整，经双方协商解除协议")
    services.answer_termination(actor=cast.student, contract=contract, agree=True)
    waiting = invite(favorite=second_graduate.favorite)
    services.accept(actor=second_graduate.student, contract=waiting)
    services.approve(actor=cast.college_reviewer, contract=waiting)
    correction_request_create(graduate=cast.graduate, message="学号有误，应为 2022000099")
    sign_in(phone, cast.school_reviewer.username)
    for path, name in [
        ("/school/review/", "school-review-queue"), ("/school/review/done/", "school-review-history"),
        ("/school/termination/", "school-termination-queue"), ("/school/termination/done/", "school-termination-history"),
        ("/school/roster/", "school-roster"), (f"/school/roster/{cast.graduate.pk}/edit/", "school-graduate-edit"),
        ("/school/corrections/", "school-corrections"), ("/school/reviewers/", "school-reviewers"),
        ("/school/roster/import/", "school-roster-import"), (f"/school/review/{contract.pk}/", "school-contract-detail"),
    ]:
        phone.goto(path)
        assert_fits(phone)
        shoot(phone, name)
