"""查看完整证件号 for reviewers: the full 身份证号 is masked until asked for; each reveal is audited (who, when, which
graduate), limited per reviewer, and only for graduates in the reviewer's college or school."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schools import services
from signing_platform.accounts.models import AuditEvent
from signing_platform.errors import NotFound
from tests.factories import EmployerUserFactory, StudentUserFactory

pytestmark = pytest.mark.django_db


def reveals():
    return AuditEvent.objects.filter(action="graduate.reveal_id_number")


def test_a_reveal_returns_the_number_and_records_who_and_which(cast):
    number = services.graduate_reveal_id_number(actor=cast.college_reviewer.user, graduate=cast.cs_graduate)
    assert number == cast.cs_graduate.id_number()
    event = reveals().get()
    assert event.actor == cast.college_reviewer.user and event.created_at is not None
    assert (event.target_type, event.target_id) == ("schools.graduate", str(cast.cs_graduate.pk))


@pytest.mark.parametrize("who", ["math_reviewer", "other_reviewer"])
def test_only_graduates_in_the_reviewers_scope(cast, who):
    with pytest.raises(NotFound):
        services.graduate_reveal_id_number(actor=getattr(cast, who).user, graduate=cast.cs_graduate)
    assert not reveals().exists()


def test_nobody_else_may_reveal(cast):
    cast.college_reviewer.is_active = False
    cast.college_reviewer.save(update_fields=["is_active"])
    for actor in (EmployerUserFactory(), StudentUserFactory(), cast.college_reviewer.user):
        with pytest.raises(NotFound):
            services.graduate_reveal_id_number(actor=actor, graduate=cast.cs_graduate)
    assert not reveals().exists()


def test_twenty_reveals_an_hour_per_reviewer(cast):
    reviewer = cast.school_reviewer.user
    for _ in range(services.ID_REVEALS_PER_HOUR):
        services.graduate_reveal_id_number(actor=reviewer, graduate=cast.cs_graduate)
    with pytest.raises(ValidationError) as exc:
        services.graduate_reveal_id_number(actor=reviewer, graduate=cast.math_graduate)
    assert "查看完整证件号过于频繁（每小时最多20次）" in exc.value.messages[0]
    assert reveals().count() == 20 and not reveals().filter(target_id=str(cast.math_graduate.pk)).exists()
    # The limit is the reviewer's own: a colleague still may.
    services.graduate_reveal_id_number(actor=cast.college_reviewer.user, graduate=cast.cs_graduate)


def test_the_edit_page_shows_the_number_masked_with_a_reveal_button(client, cast):
    client.force_login(cast.college_reviewer.user)
    page = client.get(reverse("schools:graduate_edit", args=[cast.cs_graduate.pk])).text
    reveal = reverse("schools:graduate_id_number", args=[cast.cs_graduate.pk])
    assert cast.cs_graduate.id_masked in page and cast.cs_graduate.id_number() not in page
    assert f'action="{reveal}"' in page and "查看完整证件号" in page
    assert 'name="id_number"' in page and "新身份证号" in page and "留空则不修改" in page


def test_reveal_on_the_edit_page_with_and_without_javascript(client, cast):
    client.force_login(cast.college_reviewer.user)
    reveal = reverse("schools:graduate_id_number", args=[cast.cs_graduate.pk])
    assert client.get(reveal).status_code == 405
    page = client.post(reveal)
    assert page.status_code == 200 and "编辑生源信息" in page.text and cast.cs_graduate.id_number() in page.text
    assert "no-store" in page["Cache-Control"]
    # The edit form itself still does not hold the number.
    assert f'value="{cast.cs_graduate.id_number()}"' not in page.text
    cell = client.post(reveal, headers={"HX-Request": "true"})
    assert cell.text.strip().startswith(f'<span id="id-number-{cast.cs_graduate.pk}"') and "编辑生源信息" not in cell.text
    assert cast.cs_graduate.id_number() in cell.text and "no-store" in cell["Cache-Control"]
    assert reveals().count() == 2


def test_past_the_limit_the_page_says_so_in_chinese(client, cast):
    client.force_login(cast.college_reviewer.user)
    reveal = reverse("schools:graduate_id_number", args=[cast.cs_graduate.pk])
    for _ in range(services.ID_REVEALS_PER_HOUR):
        client.post(reveal, headers={"HX-Request": "true"})
    refused = client.post(reveal, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "查看完整证件号过于频繁" in refused.text
    assert cast.cs_graduate.id_number() not in refused.text and cast.cs_graduate.id_masked in refused.text
    page = client.post(reveal)
    assert "查看完整证件号过于频繁" in page.text and cast.cs_graduate.id_number() not in page.text
    assert reveals().count() == services.ID_REVEALS_PER_HOUR


def test_outsiders_get_404_and_nothing_is_recorded(client, cast):
    reveal = reverse("schools:graduate_id_number", args=[cast.cs_graduate.pk])
    for user in (cast.math_reviewer.user, cast.other_reviewer.user, EmployerUserFactory(), StudentUserFactory()):
        client.force_login(user)
        assert client.post(reveal).status_code == 404
    client.logout()
    assert client.post(reveal).status_code == 302
    assert not reveals().exists()
