"""GB 11643-1999 citizen ID numbers (SPEC §7)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from signing_platform.validators import id_number_check_char, mask_id_number, normalize_id_number

PUBLISHED = ["11010519491231002X", "440524188001010014", "11010119900307803X"]
CHARS = "0123456789X"


@st.composite
def id_numbers(draw):
    region = draw(st.integers(110000, 659999))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date.today()))
    sequence = draw(st.integers(0, 999))
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17)


@pytest.mark.parametrize("value", PUBLISHED)
def test_published_examples_pass(value):
    assert normalize_id_number(value) == value


def test_lower_case_x_and_spaces_are_accepted_and_stored_upper():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


@given(id_numbers())
def test_generated_valid_numbers_pass(value):
    assert normalize_id_number(value) == value


@given(id_numbers(), st.integers(0, 17), st.sampled_from(CHARS))
def test_every_single_character_change_fails(value, position, replacement):
    changed = value[:position] + replacement + value[position + 1 :]
    if changed == value or (position < 17 and replacement == "X"):
        # X is only ever a check character; a non-digit in the first 17 fails on format, tested below.
        changed = value[:position] + ("1" if value[position] != "1" else "2") + value[position + 1 :]
    with pytest.raises(ValidationError):
        normalize_id_number(changed)


@given(id_numbers(), st.integers(0, 16))
def test_a_letter_in_the_first_17_fails(value, position):
    with pytest.raises(ValidationError):
        normalize_id_number(value[:position] + "X" + value[position + 1 :])


@pytest.mark.parametrize("birth", ["19490231", "20230229", "19491301", "19490000", "17991231", "29990101"])
def test_impossible_or_future_birth_dates_fail(birth):
    first17 = f"110105{birth}002"
    with pytest.raises(ValidationError, match="出生日期"):
        normalize_id_number(first17 + id_number_check_char(first17))


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002XX", "11010519491231002Y", "11010519491231002?"])
def test_wrong_shapes_fail(value):
    with pytest.raises(ValidationError):
        normalize_id_number(value)


def test_digits_of_other_scripts_fail_even_with_a_matching_check_character():
    bengali = "".join(chr(0x09E6 + int(c)) for c in "11010519491231002") + "X"
    with pytest.raises(ValidationError):
        normalize_id_number(bengali)


def test_full_width_digits_are_the_same_number():
    assert normalize_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


def test_mask_shows_first_six_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
