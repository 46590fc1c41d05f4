"""Validators for identifiers used in China.

The unified social credit code (统一社会信用代码, GB 32100-2015) has 18 characters from a
31-character alphabet (digits and upper-case letters without I, O, Z, S, V). The last one is
a check character computed from the first 17 with the weights 3^i mod 31.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MSG_CREDIT_CODE_LENGTH = _("A unified social credit code has 18 characters; this one has %(n)d.")
MSG_CREDIT_CODE_CHARACTER = _(
    "Character %(pos)d (%(char)s) is not allowed in a unified social credit code "
    "(digits and capital letters except I, O, Z, S, V)."
)
MSG_CREDIT_CODE_CHECK = _(
    "The check character of this unified social credit code is wrong: "
    "expected %(expected)s, found %(found)s. Please check for a typing error."
)


def credit_code_check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def make_credit_code(n: int, *, prefix: str = "91110108MA") -> str:
    """A valid credit code, unique for each ``n`` under one 10-character ``prefix``: the
    one generator of the demo data, the benchmark data and the tests."""
    first17 = f"{prefix}{n:07d}"
    return first17 + credit_code_check_character(first17)


def validate_credit_code(value: str) -> None:
    """Raise ValidationError unless ``value`` is a valid GB 32100-2015 credit code."""
    if len(value) != 18:
        raise ValidationError(MSG_CREDIT_CODE_LENGTH, code="length", params={"n": len(value)})
    for pos, char in enumerate(value, start=1):
        if char not in CREDIT_CODE_ALPHABET:
            raise ValidationError(
                MSG_CREDIT_CODE_CHARACTER, code="character", params={"pos": pos, "char": char}
            )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            MSG_CREDIT_CODE_CHECK,
            code="check",
            params={"expected": expected, "found": value[17]},
        )
