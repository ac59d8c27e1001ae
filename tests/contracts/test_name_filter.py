"""学生姓名 filters a unit's lists from the first character: whole names and surnames, in every tab."""

import pytest
from django.urls import reverse

from contracts import selectors
from contracts.rules import EmployerTab
from contracts.selectors import ListFilters

pytestmark = pytest.mark.django_db
LIST = reverse("contracts:employer_list")


@pytest.mark.parametrize("candidates", [2000, 1])
def test_a_name_or_surname_finds_the_unit_rows_that_start_with_it(cast, invite, many_invitations, monkeypatch,
                                                                   candidates):
    monkeypatch.setattr(selectors, "NAME_CANDIDATES", candidates)  # 1: the path for a common surname
    invite()
    many_invitations(3)
    names = set(selectors.contracts_for_employer(
        unit=cast.unit, tab=EmployerTab.SIGNING, filters=ListFilters(name="张三")).values_list("student_name", flat=True))
    assert names == {"张三"}
    surname = selectors.contracts_for_employer(unit=cast.unit, tab=EmployerTab.SIGNING, filters=ListFilters(name="学生"))
    assert surname.count() == 3
    assert not selectors.contracts_for_employer(
        unit=cast.unit, tab=EmployerTab.SIGNING, filters=ListFilters(name="三")).exists()
    favorites = selectors.favorites_for_employer(unit=cast.unit, filters=ListFilters(name="学生批量1"))
    assert [favorite.graduate.name for favorite in favorites] == ["学生批量1"]


def test_the_name_filter_page_shows_only_matching_rows(client, cast, invite, many_invitations):
    invite()
    many_invitations(2)
    client.force_login(cast.employer)
    html = client.get(LIST + "?tab=signing&name=张三").content.decode()
    assert "共 1 条" in html and "张三" in html and "学生批量0" not in html
