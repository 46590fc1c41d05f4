"""Validators for identifiers used in China: the credit code and patent application numbers.

The unified social credit code (统一社会信用代码, GB 32100-2015) has 18 characters from a
31-character alphabet (digits and upper-case letters without I, O, Z, S, V). The last one is
a check character computed from the first 17 with the weights 3^i mod 31.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: the alphabet above as the databases pattern (``rules.credit_code_format``)
CREDIT_CODE_REGEX = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
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


# Chinese patent application numbers (专利申请号, ``incubator-ops.md`` §4): 12 digits -- the
# year (4), the type (1 invention, 2 utility model, 3 design, 8 and 9 PCT entries into
# China) and a serial (7) -- and a check digit, usually written after a dot: the 12 digits
# times the weights 2-9, 2-5, summed, modulo 11; a remainder of 10 is written ``X``.
# Example: ``201810123456`` -> ``201810123456.5``. The number may carry a ``CN`` prefix.
PATENT_APPLICATION_RE = re.compile(r"^(CN)?\d{4}[12389]\d{7}\.?[\dX]$", re.ASCII)
PATENT_APPLICATION_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
PATENT_APPLICATION_TYPES = "12389"

MSG_PATENT_APPLICATION_FORMAT = _(
    "A Chinese patent application number has 12 digits and a check digit (0-9 or X), "
    "optionally after CN and with a dot before the check digit, e.g. 201810123456.5; "
    "this one has %(n)d digits."
)
MSG_PATENT_APPLICATION_TYPE = _(
    "The fifth digit of a Chinese patent application number is its type: 1 invention, "
    "2 utility model, 3 design, 8 or 9 PCT; %(found)s is none of these."
)
MSG_PATENT_APPLICATION_CHECK = _(
    "The check digit of this patent application number is wrong: expected %(expected)s, "
    "found %(found)s. Please check for a typing error."
)


def patent_application_check_digit(first12: str) -> str:
    """Return the check digit (``0``-``9`` or ``X``) for a 12-digit application number."""
    total = sum(
        int(digit) * weight
        for digit, weight in zip(first12, PATENT_APPLICATION_WEIGHTS, strict=True)
    )
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalize_patent_application_number(value: str) -> str:
    """The canonical spelling ``YYYYTNNNNNNN.C`` of a valid number (no ``CN``, with the
    dot, an upper-case ``X``); a value that is not valid comes back stripped only."""
    text = (value or "").strip().upper()
    if not PATENT_APPLICATION_RE.match(text):
        return text
    digits = text.removeprefix("CN").replace(".", "")
    return f"{digits[:12]}.{digits[12]}"


def validate_patent_application_number(value: str) -> None:
    """Raise ValidationError unless ``value`` is a well-formed CN patent application number
    with the right check digit (``CN`` prefix and the dot optional, ``x`` read as ``X``)."""
    text = (value or "").strip().upper()
    if not PATENT_APPLICATION_RE.match(text):
        body = text.removeprefix("CN").replace(".", "")
        digits_only = body[:12].isascii() and body[:12].isdigit()
        if len(body) == 13 and digits_only and body[12] in "0123456789X":
            if body[4] not in PATENT_APPLICATION_TYPES:
                raise ValidationError(
                    MSG_PATENT_APPLICATION_TYPE, code="type", params={"found": body[4]}
                )
        raise ValidationError(
            MSG_PATENT_APPLICATION_FORMAT,
            code="format",
            params={"n": sum(char in "0123456789" for char in body)},
        )
    digits = text.removeprefix("CN").replace(".", "")
    expected = patent_application_check_digit(digits[:12])
    if digits[12] != expected:
        raise ValidationError(
            MSG_PATENT_APPLICATION_CHECK,
            code="check",
            params={"expected": expected, "found": digits[12]},
        )
