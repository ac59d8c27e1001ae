"""Error pages with DEBUG off: in Chinese, in the site's look, with a way back; 500 and 400 need no request or DB."""

import pytest
from django.test import Client
from django.urls import reverse
from django.views import defaults

from tests.factories import EmployerUserFactory


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def assert_site_page(html: str, heading: str):
    assert '<html lang="zh-CN">' in html and f"<h1>{heading}</h1>" in html
    assert "css/app.css" in html and "全国高校毕业生网上签约与毕业去向登记平台" in html
    assert "返回" in html and 'href="/"' in html


@pytest.mark.django_db
def test_404_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_site_page(html, "页面不存在")
    assert "Not Found" not in html and reverse("accounts:login") in html


@pytest.mark.django_db
def test_404_for_a_signed_in_user_keeps_their_menu(client):
    user = EmployerUserFactory()
    client.force_login(user)
    html = client.get("/employer/no-such-page/").content.decode()
    assert "页面不存在" in html and "返回我的首页" in html and reverse("employers:home") in html and "主菜单" in html


# No django_db mark: pytest-django fails these tests if rendering touches the database.
def test_500_renders_without_a_request_context_or_the_database(rf):
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert_site_page(response.content.decode(), "系统繁忙，请稍后再试")


@pytest.mark.django_db
def test_a_view_that_fails_answers_the_chinese_500(client, monkeypatch):
    from signing_platform.accounts import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render", broken)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    assert response.status_code == 500 and "系统繁忙，请稍后再试" in response.content.decode()


@pytest.mark.django_db
def test_400_for_a_host_we_do_not_serve(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_site_page(response.content.decode(), "请求无效")


def test_400_renders_without_the_database(rf):
    bad = defaults.bad_request(rf.get("/"), Exception())
    assert bad.status_code == 400 and "请求无效" in bad.content.decode()


@pytest.mark.django_db
def test_403_in_the_site_layout(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, Exception())
    assert response.status_code == 403
    assert_site_page(response.content.decode(), "无权访问")


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_says_to_refresh(settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"login": "13800000000", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_site_page(html, "页面已过期，请刷新后重试")
    assert "CSRF" not in html
