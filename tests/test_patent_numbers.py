"""CN patent application numbers (``incubator-ops.md`` §4): format, type digit, check digit."""

import pytest
from django.core.exceptions import ValidationError

from portfolio.models.validators import (
    normalize_patent_application_number,
    patent_application_check_digit,
    validate_patent_application_number,
)


def test_the_docs_example_check_digit():
    assert patent_application_check_digit("201810123456") == "5"


def test_a_remainder_of_ten_is_written_x():
    assert patent_application_check_digit("202020012345") == "X"


@pytest.mark.parametrize(
    "number",
    [
        "201810123456.5",  # invention, with the dot
        "2018101234565",  # without the dot
        "CN201810123456.5",  # with CN
        "CN2018101234565",  # with CN, without the dot
        "cn201810123456.5",  # lower-case prefix
        " 201810123456.5 ",  # pasted with spaces
        "202020012345.X",  # utility model, check digit X
        "202020012345.x",
        "201930001234.1",  # design
        "202180000001.4",  # PCT entry (8)
        "202290000002.9",  # PCT entry (9)
    ],
)
def test_valid_numbers_pass(number):
    validate_patent_application_number(number)


@pytest.mark.parametrize("number", ["201810123456.4", "CN2018101234564", "202020012345.0"])
def test_a_wrong_check_digit_is_refused_with_the_expected_one(number):
    with pytest.raises(ValidationError) as caught:
        validate_patent_application_number(number)
    error = caught.value
    assert error.code == "check"
    assert error.params["found"] == number.strip()[-1]
    assert error.params["expected"] in {"5", "X"}


@pytest.mark.parametrize("digit", ["0", "4", "5", "6", "7"])
def test_an_unknown_type_digit_is_refused(digit):
    first12 = f"2018{digit}0123456"
    number = f"{first12}.{patent_application_check_digit(first12)}"
    with pytest.raises(ValidationError) as caught:
        validate_patent_application_number(number)
    assert caught.value.code == "type"
    assert caught.value.params["found"] == digit


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("20181012345.5", 12),  # one digit short
        ("2018101234567.5", 14),  # one too many
        ("20181012", 8),  # the pre-2003 eight-digit body, no check digit
        ("", 0),
        ("CN", 0),
    ],
)
def test_a_wrong_length_is_refused(number, digits):
    with pytest.raises(ValidationError) as caught:
        validate_patent_application_number(number)
    assert caught.value.code == "format"
    assert caught.value.params["n"] == digits


@pytest.mark.parametrize(
    "number",
    [
        "ZL201810123456.5",  # a patent (grant) number, not an application number
        "US201810123456.5",
        "201810123456..5",
        "2018-10123456.5",
        "201810123456.5CN",
        "２０１８１０１２３４５６.５",  # full-width digits
        "201810123456X5",
    ],
)
def test_other_shapes_are_refused(number):
    with pytest.raises(ValidationError) as caught:
        validate_patent_application_number(number)
    assert caught.value.code == "format"


@pytest.mark.parametrize(
    ("number", "canonical"),
    [
        ("CN2018101234565", "201810123456.5"),
        ("cn202020012345x", "202020012345.X"),
        (" 201810123456.5", "201810123456.5"),
    ],
)
def test_valid_numbers_are_stored_in_one_spelling(number, canonical):
    assert normalize_patent_application_number(number) == canonical
