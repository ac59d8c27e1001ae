"""Content-Security-Policy on every page, admin included, and templates that need no exception to it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from signing_platform.accounts.models import Role
from tests.factories import UserFactory

EXPECTED = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def assert_strict(response):
    found = policy(response)
    assert found == EXPECTED
    # Nothing anywhere allows inline code, eval or another origin.
    assert not re.search(r"unsafe-|https?:|\*|data:", response["Content-Security-Policy"])


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "accounts:login", "accounts:register", "students:activate"])
def test_pages_send_the_policy(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_htmx_fragments_and_errors_send_it_too(client):
    fragment = client.post(reverse("accounts:register"), {"mobile": "1", "send_code": "1"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert_strict(fragment)
    assert_strict(client.get("/no-such-page/"))


@pytest.mark.django_db
def test_admin_pages_send_the_same_policy(client):
    assert_strict(client.get(reverse("admin:login")))
    client.force_login(UserFactory(role=Role.ADMIN, mobile=None, username="ops", is_staff=True, is_superuser=True))
    for url in [reverse("admin:index"), reverse("admin:schools_graduate_changelist"), reverse("admin:schools_graduate_add")]:
        response = client.get(url)
        assert response.status_code == 200
        assert_strict(response)


@pytest.mark.django_db
def test_django_debug_error_pages_keep_their_inline_styles(client, settings):
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    assert_strict(client.get(reverse("accounts:login")))


# --- the templates: nothing the policy would block -----------------------------------------------------------------

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
FORBIDDEN = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "on*= event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on": re.compile(r"\s(data-)?hx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20 and any(path.name == "base.html" for path in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_no_template_has_inline_code_or_style(path):
    text = path.read_text()
    found = [f"{what}: {match.group()!r}" for what, pattern in FORBIDDEN.items() for match in pattern.finditer(text)]
    assert not found


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>", "<SCRIPT type='module'>x()</SCRIPT>", '<p style="color:red">', "<style>p{}</style>",
        '<button onclick="x()">', "<a\n  onmouseover='x()'>", '<div hx-on:click="x()">', '<div hx-on::after-request="x">',
        '<a href="javascript:x()">',
    ],
)
def test_the_scan_finds_each_kind_of_inline_code(snippet):
    assert any(pattern.search(snippet) for pattern in FORBIDDEN.values())


def test_the_scan_allows_script_files_and_htmx_attributes():
    allowed = '<script src="/static/js/app.js" defer></script><body hx-headers=\'{"X-CSRFToken": "t"}\'>'
    assert not any(pattern.search(allowed) for pattern in FORBIDDEN.values())
