"""The home page and footer say who runs the service and where help is; the 操作指南 pages are public."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

GUIDES = {"employer": "单位用户操作指南", "student": "毕业生操作指南", "school": "学校用户操作指南"}


@pytest.fixture
def deployment(settings):
    settings.SITE_ORGANIZER = "某省高校毕业生就业指导中心"
    settings.SITE_HOTLINE = "010-12345678"
    settings.SITE_ICP_NUMBER = "京ICP备00000000号-1"
    return settings


def test_home_page_shows_organizer_hotline_and_guides(client, deployment):
    html = client.get(reverse("home")).content.decode()
    for text in ("主办单位", "某省高校毕业生就业指导中心", "服务热线", "010-12345678", "操作指南"):
        assert text in html, text
    for audience, title in GUIDES.items():
        assert f'href="{reverse("guide", args=[audience])}">{title}</a>' in html


def test_every_page_footer_carries_the_icp_number_linked_to_the_registry(client, deployment):
    html = client.get(reverse("accounts:login")).content.decode()
    footer = html[html.index('<footer class="site-footer">'):]
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer">京ICP备00000000号-1</a>' in footer
    assert "主办单位：某省高校毕业生就业指导中心" in footer and "服务热线：010-12345678" in footer


def test_unset_values_are_left_out_in_production_and_shown_as_slots_in_development(client, settings):
    settings.SITE_ORGANIZER = settings.SITE_HOTLINE = settings.SITE_ICP_NUMBER = ""
    settings.DEBUG = False
    html = client.get(reverse("home")).content.decode()
    assert "未配置" not in html and "主办单位" not in html and "beian.miit.gov.cn" not in html
    settings.DEBUG = True
    html = client.get(reverse("home")).content.decode()
    assert "SITE_ICP_NUMBER" in html and "SITE_ORGANIZER" in html and "SITE_HOTLINE" in html


@pytest.mark.parametrize(("audience", "title"), GUIDES.items())
def test_each_guide_is_a_public_page_in_chinese(client, audience, title):
    response = client.get(reverse("guide", args=[audience]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    others = [other for other in GUIDES.values() if other != title]
    assert all(other in html for other in others)


def test_the_employer_guide_follows_the_seed(client):
    html = client.get(reverse("guide", args=["employer"])).content.decode()
    for label in ("免费获取", "立即开通", "下一步：身份认证", "添加学生", "加入收藏夹后信息不可变更", "发送邀请函", "再次发起签约"):
        assert label in html, label


def test_an_unknown_guide_is_404(client):
    assert client.get("/guide/admin/").status_code == 404


def test_guides_answer_only_get(client):
    assert client.post(reverse("guide", args=["student"])).status_code == 405
