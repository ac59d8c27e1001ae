import pytest
from django.urls import reverse

from contracts import services
from contracts.models import Contract, ContractEvent, ContractStatus, Favorite
from signing_platform.crypto import id_number_hash

pytestmark = pytest.mark.django_db
S = ContractStatus
LIST = reverse("contracts:employer_list")


def test_tabs_show_the_seed_labels_and_explanations(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    html = client.get(LIST + "?tab=signing").content.decode()
    for label in ["学生收藏夹", "签约中", "已签约", "签约失败", "解约中", "已解约", "解约失败", "失效", "年份", "最新状态",
                  "学生姓名", "证件号码", "序号", "学历层次", "专业", "最新操作时间", "操作", "查看详情", "共 1 条", "第 1 / 1 页"]:
        assert label in html, label
    assert "本页包括您已经发出邀请正在等待对方应约" in html
    assert "等待学生应约" in html and cast.graduate.id_masked in html


def test_the_id_number_never_appears_in_clear(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    html = client.get(LIST + "?tab=signing").content.decode()
    assert cast.graduate.id_number() not in html


def test_htmx_tab_request_returns_only_the_lists_fragment(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    response = client.get(LIST + "?tab=signing", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="signing-lists"' in html and "<html" not in html


def test_filter_by_id_number_posts_and_redirects_to_a_url_with_only_its_hash(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    id_number = cast.graduate.id_number()
    response = client.post(LIST + "?tab=signing", {"id_number": id_number, "name": "", "year": ""})
    assert response.status_code == 302
    assert id_number not in response["Location"] and id_number_hash(id_number) in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "共 1 条" in page
    other = client.post(LIST + "?tab=signing", {"id_number": "11010519491231002X"}, HTTP_HX_REQUEST="true")
    assert "共 0 条" in other.content.decode() and "11010519491231002X" not in other["HX-Push-Url"]


def test_bad_filter_input_is_explained_not_a_500(client, cast):
    client.force_login(cast.employer)
    response = client.post(LIST + "?tab=signing", {"id_number": "123", "year": "abc", "status": "nonsense"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证号应为18位" in html


def test_status_filter_offers_only_the_tabs_states(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    html = client.get(LIST + "?tab=signing&status=invited").content.decode()
    assert "共 1 条" in html
    html = client.get(LIST + "?tab=signing&status=accepted").content.decode()
    assert "共 0 条" in html


def test_list_pages_run_a_fixed_number_of_queries(client, cast, invite, django_assert_max_num_queries, many_invitations):
    client.force_login(cast.employer)
    invite()
    with django_assert_max_num_queries(10):
        client.get(LIST + "?tab=signing")
    many_invitations(49)
    with django_assert_max_num_queries(10):
        response = client.get(LIST + "?tab=signing")
    assert "共 50 条" in response.content.decode()
    with django_assert_max_num_queries(10):
        client.get(LIST + "?tab=favorites")


def test_gate_until_the_unit_is_authenticated(client, cast, unauthenticate):
    unauthenticate(cast.unit)
    client.force_login(cast.employer)
    for url in (LIST, reverse("contracts:add_student"), reverse("contracts:invite", args=[cast.favorite.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "身份认证" in response.content.decode()
        assert cast.graduate.name not in response.content.decode()


def test_add_student_by_exact_match_then_into_favorites(client, cast):
    client.force_login(cast.employer)
    entry = cast.second_graduate_entry
    data = {"name": entry.name, "id_number": entry.id_number(), "school": entry.school_id}
    html = client.post(reverse("contracts:add_student"), data).content.decode()
    assert "加入收藏夹后信息不可变更" in html and entry.id_masked in html and "加入收藏夹" in html
    response = client.post(reverse("contracts:add_student"), {**data, "add": "1"})
    assert response.status_code == 302
    assert Favorite.objects.filter(unit=cast.unit, graduate=entry).exists()


@pytest.mark.parametrize("wrong", ["name", "id_number", "school"])
def test_add_student_never_says_which_field_was_wrong(client, cast, wrong, other_school):
    client.force_login(cast.employer)
    entry = cast.second_graduate_entry
    data = {"name": entry.name, "id_number": entry.id_number(), "school": entry.school_id}
    data[wrong] = {"name": "不存在", "id_number": "11010519491231002X", "school": other_school.pk}[wrong]
    html = client.post(reverse("contracts:add_student"), data).content.decode()
    assert "未找到符合条件的学生，请核对姓名、身份证号与毕业院校" in html
    assert not Favorite.objects.filter(graduate=entry).exists()


def test_send_invitation_from_a_favorite(client, cast):
    client.force_login(cast.employer)
    url = reverse("contracts:invite", args=[cast.favorite.pk])
    html = client.get(url).content.decode()
    for label in ["签约邀请函", "邀请方", "受邀方", "岗位信息", "拟录用职位类别", "拟录用岗位名称", "应约有效期", "签约联系人", "发送邀请函", "取消"]:
        assert label in html, label
    data = {"job_category": cast.job_category.pk, "post_name": "软件工程师", "valid_days": 7, "contact": cast.contact.pk}
    response = client.post(url, data, follow=True)
    assert "邀请函发出后，请在“签约中”状态查看记录" in response.content.decode()
    contract = Contract.objects.get()
    assert contract.status == S.INVITED and contract.post_name == "软件工程师"


@pytest.mark.parametrize(
    ("change", "message"),
    [({"valid_days": 31}, "应约有效期应为1至30天"), ({"post_name": ""}, "请填写拟录用岗位名称"), ({"job_category": ""}, "请选择拟录用职位类别")],
)
def test_bad_invitation_input_rerenders_and_sends_nothing(client, cast, change, message):
    client.force_login(cast.employer)
    data = {"job_category": cast.job_category.pk, "post_name": "软件工程师", "valid_days": 7, "contact": cast.contact.pk, **change}
    response = client.post(reverse("contracts:invite", args=[cast.favorite.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Contract.objects.exists()


def test_reinvite_is_prefilled_from_the_old_record_which_stays(client, cast, invite):
    old = invite(post_name="数据分析师")
    services.refuse(actor=cast.student, contract=old)
    client.force_login(cast.employer)
    html = client.get(reverse("contracts:reinvite", args=[old.pk])).content.decode()
    assert 'value="数据分析师"' in html
    data = {"job_category": cast.job_category.pk, "post_name": "数据分析师", "valid_days": 5, "contact": cast.contact.pk, "from": old.pk}
    client.post(reverse("contracts:invite", args=[cast.favorite.pk]), data)
    new = Contract.objects.exclude(pk=old.pk).get()
    assert new.previous_id == old.pk and new.status == S.INVITED
    old.refresh_from_db()
    assert old.status == S.REFUSED


def test_detail_shows_progress_parties_post_and_history(client, cast, invite):
    contract = invite()
    client.force_login(cast.employer)
    html = client.get(reverse("contracts:employer_detail", args=[contract.pk])).content.decode()
    for label in ["单位已发起邀请", "等待学生应约", "学校(学院)审核", "签约完成", "邀请方", "受邀方", "岗位信息", "撤回邀请"]:
        assert label in html, label


def test_withdraw_through_the_page_writes_an_event(client, cast, invite):
    contract = invite()
    client.force_login(cast.employer)
    assert client.get(reverse("contracts:withdraw", args=[contract.pk])).status_code == 405
    client.post(reverse("contracts:withdraw", args=[contract.pk]))
    contract.refresh_from_db()
    assert contract.status == S.WITHDRAWN
    assert ContractEvent.objects.filter(contract=contract, action="withdraw", actor=cast.employer).exists()


def test_a_refused_withdraw_says_why(client, cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:withdraw", args=[contract.pk]), follow=True)
    assert "不能撤回" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.ACCEPTED


def test_other_tenants_get_404_for_every_url(client, cast, invite):
    contract = invite()
    urls_get = [
        reverse("contracts:employer_detail", args=[contract.pk]),
        reverse("contracts:invite", args=[cast.favorite.pk]),
        reverse("contracts:reinvite", args=[contract.pk]),
        reverse("contracts:agreement_pdf", args=[contract.pk]),
    ]
    urls_post = [
        reverse("contracts:withdraw", args=[contract.pk]),
        reverse("contracts:favorite_remove", args=[cast.favorite.pk]),
    ]
    for outsider in (cast.other_employer, cast.other_student, cast.other_school_reviewer):
        client.force_login(outsider)
        for url in urls_get:
            assert client.get(url).status_code == 404, (outsider, url)
            assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, (outsider, url)
        for url in urls_post:
            assert client.post(url).status_code == 404, (outsider, url)
    contract.refresh_from_db()
    assert contract.status == S.INVITED and Favorite.objects.filter(pk=cast.favorite.pk).exists()
    for role_user in (cast.student, cast.school_reviewer):
        client.force_login(role_user)
        assert client.get(LIST).status_code == 404


def test_workbench_shows_counts_expiring_invitations_and_latest_events(
    client, cast, invite, many_invitations, django_assert_max_num_queries
):
    contract = invite(valid_days=1)
    services.refuse(actor=cast.student, contract=invite(unit_user=cast.other_employer))
    client.force_login(cast.employer)
    html = client.get(reverse("employers:home")).content.decode()
    assert "已认证" in html and "签约概况" in html
    assert "即将到期的邀请函" in html and reverse("contracts:employer_detail", args=[contract.pk]) in html
    assert "单位已发起邀请" in html and "添加学生" in html
    many_invitations(30)
    with django_assert_max_num_queries(12):
        client.get(reverse("employers:home"))


def test_a_posted_id_number_is_kept_out_of_error_reports(client, cast):
    client.force_login(cast.employer)
    response = client.post(LIST + "?tab=signing", {"id_number": cast.graduate.id_number()})
    assert "id_number" in response.wsgi_request.sensitive_post_parameters
    response = client.post(reverse("contracts:add_student"), {"name": "x", "id_number": cast.graduate.id_number()})
    assert "id_number" in response.wsgi_request.sensitive_post_parameters
