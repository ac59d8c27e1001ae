"""签约邀请函 of a unit without an active 签约联系人: said before the form is filled, with the way to add one."""

import pytest
from django.urls import reverse

from contracts.models import Contract
from employers.models import Contact

pytestmark = pytest.mark.django_db


def test_the_modal_says_so_first_and_offers_no_form_to_fill(client, cast):
    Contact.objects.filter(unit=cast.unit).update(is_active=False)
    client.force_login(cast.employer)
    response = client.get(reverse("contracts:invite", args=[cast.favorite.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<dialog" in html
    warning = html.index("本单位还没有启用的签约联系人")
    assert reverse("employers:account") in html[warning:warning + 300]
    assert reverse("employers:contact_add") in html
    # No field to fill in vain and no send button.
    assert 'name="post_name"' not in html and "发送邀请函</button>" not in html


def test_a_post_anyway_sends_nothing_and_says_so(client, cast):
    Contact.objects.filter(unit=cast.unit).update(is_active=False)
    client.force_login(cast.employer)
    data = {"job_category": cast.job_category.pk, "post_name": "软件工程师", "valid_days": 7, "contact": cast.contact.pk}
    response = client.post(reverse("contracts:invite", args=[cast.favorite.pk]), data)
    assert response.status_code == 200 and "本单位还没有启用的签约联系人" in response.content.decode()
    assert not Contract.objects.exists()


def test_with_a_contact_the_form_is_there_without_the_warning(client, cast):
    client.force_login(cast.employer)
    html = client.get(reverse("contracts:invite", args=[cast.favorite.pk])).content.decode()
    assert 'name="post_name"' in html and "发送邀请函" in html and "还没有启用的签约联系人" not in html
