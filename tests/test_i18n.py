"""Chinese is the default language; English is available; rule messages are translated."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portfolio import services
from portfolio.models.choices import TechArea
from portfolio.models.validators import validate_credit_code
from tests.support.factories import FundFactory, StartupFactory

pytestmark = pytest.mark.django_db


def test_choices_and_names_in_both_languages():
    with translation.override("zh-hans"):
        assert str(TechArea.SENSING.label) == "量子精密测量/传感"
    with translation.override("en"):
        assert str(TechArea.SENSING.label) == "Quantum sensing & metrology"


def test_rule_messages_in_chinese():
    fund = FundFactory(size=Decimal("1000000"), max_single_company_pct=Decimal("100"))
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as excinfo:
            services.commitment_create(
                fund=fund,
                startup=StartupFactory(),
                amount=Decimal("2000000"),
                approved_on=dt.date(2025, 1, 1),
            )
        assert "当前仅剩 1,000,000.00 元 可用" in excinfo.value.message_dict["amount"][0]
        with pytest.raises(ValidationError) as excinfo:
            validate_credit_code("914403001922038217")
        assert "校验位错误" in excinfo.value.messages[0]


def test_display_name_follows_the_language():
    startup = StartupFactory(name="未磁科技", name_en="Weici Technology")
    with translation.override("en"):
        assert str(startup) == "Weici Technology"
    with translation.override("zh-hans"):
        assert str(startup) == "未磁科技"
