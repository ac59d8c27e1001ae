import pytest

from schools import selectors
from schools.models import Reviewer
from signing_platform.errors import NotFound

from .factories import GraduateFactory, make_id_number


def test_college_reviewer_sees_only_their_college(cast):
    seen = set(selectors.graduates_for_reviewer(cast.college_reviewer))
    assert seen == {cast.cs_graduate}


def test_school_reviewer_sees_the_whole_school_and_nothing_else(cast):
    assert set(selectors.graduates_for_reviewer(cast.school_reviewer)) == {cast.cs_graduate, cast.math_graduate}


@pytest.mark.parametrize(("reviewer", "graduate"), [("college_reviewer", "math_graduate"), ("school_reviewer", "other_graduate")])
def test_fetching_a_graduate_outside_the_scope_is_404(cast, reviewer, graduate):
    with pytest.raises(NotFound):
        selectors.graduate_for_reviewer(reviewer=getattr(cast, reviewer), graduate_id=getattr(cast, graduate).pk)


def test_exact_match_needs_name_id_number_and_school(cast):
    id_number = cast.cs_graduate.id_number()
    assert selectors.graduate_exact_match(name="张三", id_number=id_number, school=cast.school) == cast.cs_graduate
    assert selectors.graduate_exact_match(name="张三丰", id_number=id_number, school=cast.school) is None
    assert selectors.graduate_exact_match(name="张三", id_number=make_id_number(999), school=cast.school) is None
    assert selectors.graduate_exact_match(name="张三", id_number=id_number, school=cast.other) is None


def test_exact_match_prefers_the_latest_year(cast):
    later = GraduateFactory(college=cast.cs, name="张三", id_number=cast.cs_graduate.id_number(), graduation_year=2027)
    assert selectors.graduate_exact_match(name="张三", id_number=later.id_number(), school=cast.school) == later


def test_a_disabled_reviewer_is_no_reviewer(cast):
    Reviewer.objects.filter(pk=cast.college_reviewer.pk).update(is_active=False)
    assert selectors.reviewer_for_user(cast.college_reviewer.user) is None
    assert selectors.reviewer_for_user(cast.school_reviewer.user) == cast.school_reviewer


def test_roster_filters_by_id_hash(cast):
    from signing_platform.crypto import id_number_hash

    filters = selectors.RosterFilters(id_hash=id_number_hash(cast.math_graduate.id_number()))
    assert list(selectors.roster_for_reviewer(reviewer=cast.school_reviewer, filters=filters)) == [cast.math_graduate]
