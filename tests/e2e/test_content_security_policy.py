"""In a browser, under the Content-Security-Policy: htmx swaps work and nothing is refused, on our pages and in admin."""

import re

import pytest
from playwright.sync_api import expect

from signing_platform.accounts.models import Role
from tests.factories import PASSWORD, ReviewerUserFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's policy: this records every violation the page reports.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile);
});
"""


@pytest.fixture
def watched(page):
    """The page, with CSP violations and console errors collected; the test fails on any of them."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)
    yield page
    violations = page.evaluate("window.cspViolations || []")
    assert not violations, violations
    assert not [text for text in errors if "Content Security Policy" in text], errors


def test_the_code_button_swaps_in_place_under_the_policy(watched):
    response = watched.goto("/accounts/register/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # htmx runs, and did not add its indicator style inline (it is in app.css).
    expect(watched.locator("meta[name=htmx-config]")).to_have_count(1)
    watched.wait_for_function("window.htmx !== undefined")
    assert watched.evaluate("document.querySelectorAll('style').length") == 0

    watched.evaluate("window.notReloaded = true")
    watched.get_by_label("手机号").fill("13800138000")
    watched.get_by_role("button", name="免费获取").click()
    expect(watched.get_by_role("button", name=re.compile(r"\d+秒后重新获取"))).to_be_disabled()
    expect(watched.get_by_text("验证码已发送，5分钟内有效")).to_be_visible()
    # The fragment was swapped in by htmx: the page itself was not reloaded, and app.js counts down.
    assert watched.evaluate("window.notReloaded === true")
    expect(watched.get_by_role("button", name=re.compile(r"(5[0-8])秒后重新获取"))).to_be_visible(timeout=5_000)


def test_admin_works_under_the_policy(watched):
    UserFactory(role=Role.ADMIN, mobile=None, username="ops", is_staff=True, is_superuser=True)
    ReviewerUserFactory(username="reviewer_one", name="审核员甲")
    response = watched.goto("/admin/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    watched.locator("#id_username").fill("ops")
    watched.locator("#id_password").fill(PASSWORD)
    watched.locator("input[type=submit]").click()
    expect(watched.get_by_role("heading", name="平台管理")).to_be_visible()

    # The heaviest admin scripts: jQuery, select2 autocomplete (an XHR to the admin) and the related-object links.
    watched.goto("/admin/schools/reviewer/add/")
    watched.locator(".select2-selection").first.click()
    watched.locator(".select2-search__field").fill("reviewer")
    expect(watched.locator(".select2-results__option", has_text="审核员甲")).to_be_visible()

    watched.goto("/admin/accounts/user/")
    watched.locator("#action-toggle").check()
    expect(watched.locator(".action-counter")).to_contain_text("2")
