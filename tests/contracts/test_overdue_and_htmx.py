"""An invitation past its deadline before the expiry job has run (the deadline is authoritative), and how htmx
POSTs answer: the list refreshes in place, no full reload."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Contract, ContractEvent, ContractStatus, Favorite

pytestmark = pytest.mark.django_db
S = ContractStatus
LIST = reverse("contracts:employer_list")


@pytest.fixture
def overdue(invite):
    """An invitation whose deadline passed a minute ago; the expiry job has not run, so the row still says INVITED."""
    contract = invite()
    Contract.objects.filter(pk=contract.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    return Contract.objects.get(pk=contract.pk)


def test_the_favorites_tab_offers_and_performs_removal_of_a_student_whose_invitation_lapsed(client, cast, overdue):
    assert overdue.status == S.INVITED
    client.force_login(cast.employer)
    html = client.get(LIST + "?tab=favorites").content.decode()
    remove_url = reverse("contracts:favorite_remove", args=[cast.favorite.pk])
    assert remove_url in html and "移出收藏夹" in html
    response = client.post(remove_url)
    assert response.status_code == 302
    assert not Favorite.objects.filter(pk=cast.favorite.pk).exists()
    assert "已将张三移出收藏夹" in client.get(LIST + "?tab=favorites").content.decode()


def test_the_failed_tab_offers_a_working_reinvitation_of_a_lapsed_invitation(client, cast, overdue):
    client.force_login(cast.employer)
    html = client.get(LIST + "?tab=failed").content.decode()
    reinvite_url = reverse("contracts:reinvite", args=[overdue.pk])
    assert "学生逾期未回应" in html and reinvite_url in html
    form = client.get(reinvite_url)
    assert form.status_code == 200 and overdue.post_name in form.content.decode()
    response = client.post(
        reverse("contracts:invite", args=[cast.favorite.pk]),
        {"from": overdue.pk, "job_category": cast.job_category.pk, "post_name": "再次邀请岗位", "valid_days": 7,
         "contact": cast.contact.pk},
    )
    assert response.status_code == 302
    assert Contract.objects.get(pk=overdue.pk).status == S.EXPIRED
    fresh = Contract.objects.get(status=S.INVITED, graduate=cast.graduate, unit=cast.unit)
    assert fresh.previous_id == overdue.pk and fresh.post_name == "再次邀请岗位"


def test_no_reinvitation_is_offered_once_the_student_left_the_favorites(client, cast, overdue):
    services.favorite_remove(actor=cast.employer, favorite=cast.favorite)
    client.force_login(cast.employer)
    html = client.get(LIST + "?tab=failed").content.decode()
    assert reverse("contracts:reinvite", args=[overdue.pk]) not in html
    assert client.get(reverse("contracts:reinvite", args=[overdue.pk])).status_code == 404


def test_a_lapsed_invitation_cannot_be_withdrawn_and_is_not_offered(client, cast, overdue):
    client.force_login(cast.employer)
    detail = client.get(reverse("contracts:employer_detail", args=[overdue.pk])).content.decode()
    assert "撤回邀请" not in detail and "学生逾期未回应" in detail
    client.post(reverse("contracts:withdraw", args=[overdue.pk]))
    assert Contract.objects.get(pk=overdue.pk).status == S.INVITED
    assert not ContractEvent.objects.filter(contract=overdue, action="withdraw").exists()


def test_an_htmx_withdrawal_refreshes_the_list_in_place(client, cast, invite):
    contract = invite()
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:withdraw", args=[contract.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "HX-Redirect" not in response and response["HX-Reswap"] == "none"
    assert json.loads(response["HX-Trigger"]) == {"listChanged": True, "closeModal": True}
    html = response.content.decode()
    assert 'id="messages"' in html and 'hx-swap-oob="true"' in html and "邀请函已撤回" in html
    assert "HX-Request" in response["Vary"]
    assert Contract.objects.get(pk=contract.pk).status == S.WITHDRAWN


def test_adding_a_favorite_from_the_lists_page_loads_the_favorites_tab_in_place(client, cast, second_graduate):
    services.favorite_remove(actor=cast.employer, favorite=second_graduate.favorite)
    entry = second_graduate.entry
    client.force_login(cast.employer)
    data = {"name": entry.name, "id_number": entry.id_number(), "school": entry.school_id, "add": "1"}
    response = client.post(reverse("contracts:add_student"), data, HTTP_HX_REQUEST="true",
                           HTTP_HX_CURRENT_URL="http://testserver" + LIST + "?tab=signing")
    assert response.status_code == 204
    location = json.loads(response["HX-Location"])
    assert location == {"path": LIST + "?tab=favorites", "target": "#signing-lists", "swap": "outerHTML"}
    assert Favorite.objects.filter(unit=cast.unit, graduate=entry).exists()
    # From another page (工作台's 添加学生 opens the page itself) it is a plain navigation.
    services.favorite_remove(actor=cast.employer, favorite=Favorite.objects.get(unit=cast.unit, graduate=entry))
    response = client.post(reverse("contracts:add_student"), data, HTTP_HX_REQUEST="true",
                           HTTP_HX_CURRENT_URL="http://testserver" + reverse("contracts:add_student"))
    assert response["HX-Redirect"] == LIST + "?tab=favorites"


def test_list_pages_vary_on_htmx(client, cast, invite):
    invite()
    client.force_login(cast.employer)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(LIST + "?tab=signing", **headers)
        assert "HX-Request" in response["Vary"]


def test_a_fragment_carries_the_pending_messages_out_of_band(client, cast, invite):
    contract = invite()
    client.force_login(cast.employer)
    client.post(reverse("contracts:withdraw", args=[contract.pk]))
    html = client.get(LIST + "?tab=void", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="true"' in html and "邀请函已撤回" in html
