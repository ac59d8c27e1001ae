"""GB 32100-2015 unified social credit codes (SPEC §7), the validator and the form field."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from signing_platform.forms import CreditCodeField
from signing_platform.validators import CREDIT_CODE_ALPHABET, credit_code_check_char, normalize_credit_code

# The standard's own example and codes published in the national enterprise credit registry.
PUBLISHED = ["91350100M000100Y43", "91440300708461136T", "91110108551385082Q"]
# What a user might type instead of a character: every valid one, the letters the code never uses, and junk.
REPLACEMENTS = CREDIT_CODE_ALPHABET + "IOSVZ-* 中"


class CodeForm(forms.Form):
    credit_code = CreditCodeField()


@st.composite
def credit_codes(draw):
    first17 = "".join(draw(st.lists(st.sampled_from(CREDIT_CODE_ALPHABET), min_size=17, max_size=17)))
    return first17 + credit_code_check_char(first17)


def single_changes(code, position, replacement):
    return code[:position] + replacement + code[position + 1 :]


@pytest.mark.parametrize("value", PUBLISHED)
def test_published_examples_pass(value):
    assert normalize_credit_code(value) == value


def test_lower_case_is_accepted_and_stored_upper():
    assert normalize_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@given(credit_codes())
def test_generated_valid_codes_pass(value):
    assert normalize_credit_code(value) == value


@given(credit_codes(), st.integers(0, 17), st.sampled_from(REPLACEMENTS))
def test_every_single_character_change_fails(value, position, replacement):
    if replacement == value[position]:
        replacement = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.index(replacement) + 1) % 31]
    with pytest.raises(ValidationError):
        normalize_credit_code(single_changes(value, position, replacement))


@given(st.sampled_from(PUBLISHED), st.integers(0, 17), st.sampled_from(REPLACEMENTS))
def test_every_single_character_change_of_a_published_code_fails_in_the_form(value, position, replacement):
    if replacement == value[position]:
        replacement = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.index(replacement) + 1) % 31]
    form = CodeForm({"credit_code": single_changes(value, position, replacement)})
    assert not form.is_valid()
    assert "统一社会信用代码" in form.errors["credit_code"][0]


@pytest.mark.parametrize("value", PUBLISHED)
def test_the_form_accepts_published_codes_in_lower_case(value):
    form = CodeForm({"credit_code": value.lower()})
    assert form.is_valid() and form.cleaned_data["credit_code"] == value


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y433", "91350100M000100I43"])
def test_wrong_shapes_fail(value):
    with pytest.raises(ValidationError):
        normalize_credit_code(value)
