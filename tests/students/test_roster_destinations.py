"""生源信息 shows each graduate's 毕业去向 and its state, filterable by both, at a fixed cost per page."""

import pytest
from django.urls import reverse

from students import services
from tests.schools.factories import ActivatedGraduateFactory

pytestmark = pytest.mark.django_db

ROSTER = reverse("schools:roster")


def row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</td>")
    return html[start:html.index("</tr>", start)]


def test_the_roster_shows_each_destination_and_its_state(client, cast, register, confirm, second_graduate):
    confirm(register("801"))
    returned = register("11", student=second_graduate.student)
    services.return_for_correction(actor=cast.college_reviewer, record=returned, reason="合同未盖章")
    client.force_login(cast.school_reviewer)
    html = client.get(ROSTER).content.decode()
    assert "801 境内升学—研究生" in row_of(html, cast.graduate.name) and "已落实" in row_of(html, cast.graduate.name)
    returned_row = row_of(html, second_graduate.entry.name)
    assert "退回修改" in returned_row and "签劳动合同形式就业" not in returned_row  # nothing in force yet
    other = row_of(html, "王五")
    assert "未落实" in other


def test_filter_by_state_and_category(client, cast, register, confirm, second_graduate):
    confirm(register("801"))
    register("75", student=second_graduate.student)
    client.force_login(cast.school_reviewer)
    html = client.get(ROSTER + "?state=confirmed").content.decode()
    assert "共 1 条" in html and cast.graduate.name in html
    html = client.get(ROSTER + "?state=pending_college").content.decode()
    assert "共 1 条" in html and second_graduate.entry.name in html
    html = client.get(ROSTER + "?state=unregistered").content.decode()
    assert "共 1 条" in html and "王五" in html
    html = client.get(ROSTER + "?category=study").content.decode()
    assert "共 1 条" in html and cast.graduate.name in html
    assert "共 0 条" in client.get(ROSTER + "?category=entrepreneur").content.decode()  # 75 is not confirmed yet
    assert "共 3 条" in client.get(ROSTER + "?state=bogus&category=x").content.decode()
    response = client.post(ROSTER, {"destination_state": "confirmed", "category": "study"})
    assert response.status_code == 302 and "state=confirmed" in response["Location"]


def test_the_roster_costs_the_same_at_1_and_50_rows(client, cast, register, confirm, django_assert_max_num_queries):
    confirm(register("801"))
    client.force_login(cast.school_reviewer)
    with django_assert_max_num_queries(8) as first:
        assert client.get(ROSTER).status_code == 200
    for _ in range(47):
        graduate = ActivatedGraduateFactory(college=cast.college)
        confirm(register("70", proof=None, student=graduate.user))
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(ROSTER).content.decode()
    assert "共 50 条" in html and "70 待就业" in html
