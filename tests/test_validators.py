import pytest
from django.core.exceptions import ValidationError

from portfolio.models import Startup
from portfolio.models.validators import (
    credit_code_check_character,
    make_credit_code,
    validate_credit_code,
)
from tests.support.factories import StartupFactory, credit_code

# Published codes of well-known companies (their check characters are known to be right).
VALID = ["914403001922038216", "91110108MA01G0FB09"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_credit_code(code)


def test_check_character_of_a_known_code():
    # Huawei Technologies Co., Ltd.: 91440300192203821 + check character 6.
    assert credit_code_check_character("91440300192203821") == "6"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("914403001922038217", "expected 6, found 7"),  # wrong check character
        ("91440300192203821", "has 18 characters; this one has 17"),
        ("9144030019220382166", "this one has 19"),
        ("91440300192203821I", "Character 18 (I)"),  # I is not in the alphabet
        ("914403001922o38216", "Character 13 (o)"),  # lower case
    ],
)
def test_invalid_codes_say_why(code, fragment):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert fragment in excinfo.value.messages[0]


def test_a_single_typo_is_always_caught():
    code = credit_code(12345)
    validate_credit_code(code)
    for position in range(17):
        for replacement in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if replacement == code[position]:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_credit_code(typo)


def test_made_codes_are_valid_and_distinct():
    # The demo and the tests use the default prefix, the benchmark its own.
    codes = [
        make_credit_code(n, prefix=p) for p in ("91110108MA", "92110000BM") for n in (0, 7, 9999999)
    ]
    for code in codes:
        validate_credit_code(code)
    assert len(set(codes)) == len(codes)
    assert make_credit_code(7) == "91110108MA0000007" + credit_code_check_character(
        "91110108MA0000007"
    )


@pytest.mark.django_db
def test_model_validation_names_the_field():
    startup = StartupFactory()
    startup.credit_code = "914403001922038217"
    with pytest.raises(ValidationError) as excinfo:
        startup.full_clean()
    assert "credit_code" in excinfo.value.message_dict
    assert Startup.objects.filter(credit_code="914403001922038217").count() == 0
