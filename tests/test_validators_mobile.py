import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from signing_platform.validators import mask_mobile, normalize_mobile


@pytest.mark.parametrize(
    "raw",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "+8613800138000", "008613800138000", "8613800138000"],
)
def test_written_forms_of_one_number_normalise_to_the_same(raw):
    assert normalize_mobile(raw) == "13800138000"


@pytest.mark.parametrize(
    "raw", ["", "1380013800", "138001380000", "12800138000", "23800138000", "1380013800a", "+85213800138000", "abc"]
)
def test_invalid_numbers_are_refused_in_chinese(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_mobile(raw)
    assert exc.value.messages == ["请输入正确的11位手机号码"]


@given(second=st.sampled_from("3456789"), rest=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_mainland_pattern_is_accepted(second, rest):
    assert normalize_mobile(f"1{second}{rest}") == f"1{second}{rest}"


def test_mask_shows_first_three_and_last_four():
    assert mask_mobile("13800138000") == "138****8000"
