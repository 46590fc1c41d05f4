import datetime as dt
from decimal import Decimal

import pytest

from portfolio import formatting, metrics
from portfolio.metrics import CashFlow

D = Decimal


def test_ratios_are_rounded_and_undefined_without_paid_in():
    assert metrics.ratio(D("2"), D("3")) == D("0.6667")
    assert metrics.ratio(D("1"), D("0")) is None
    figures = metrics.FundFigures(
        size=D("200"),
        committed=D("120"),
        disbursed=D("100"),
        realized=D("50"),
        unrealized=D("150"),
    )
    assert figures.available == D("80")
    assert figures.undisbursed == D("20")
    assert figures.moic == D("2.0000")
    assert figures.tvpi == D("2.0000")
    assert figures.dpi == D("0.5000")
    assert figures.rvpi == D("1.5000")
    empty = metrics.FundFigures(D("200"), D("0"), D("0"), D("0"), D("0"))
    assert (empty.moic, empty.tvpi, empty.dpi, empty.rvpi) == (None, None, None, None)


def test_moic_of_a_holding():
    assert metrics.moic(invested=D("8000000"), realized=D("0"), unrealized=D("10000000")) == D(
        "1.2500"
    )


def test_irr_matches_the_spreadsheet_example():
    # The XIRR example of Microsoft Excel's documentation: =XIRR(...) = 0.373362535 (37.34%).
    flows = [
        CashFlow(dt.date(2008, 1, 1), D("-10000")),
        CashFlow(dt.date(2008, 3, 1), D("2750")),
        CashFlow(dt.date(2008, 10, 30), D("4250")),
        CashFlow(dt.date(2009, 2, 15), D("3250")),
        CashFlow(dt.date(2009, 4, 1), D("2750")),
    ]
    assert metrics.irr(flows) == D("0.3734")


def test_irr_of_a_doubling_in_one_year():
    flows = [CashFlow(dt.date(2021, 1, 1), D("-100")), CashFlow(dt.date(2022, 1, 1), D("200"))]
    assert metrics.irr(flows) == D("1.0000")


@pytest.mark.parametrize(
    "flows",
    [
        [],
        [CashFlow(dt.date(2021, 1, 1), D("-100"))],
        [CashFlow(dt.date(2021, 1, 1), D("100"))],
        [CashFlow(dt.date(2021, 1, 1), D("0")), CashFlow(dt.date(2022, 1, 1), D("0"))],
    ],
)
def test_irr_is_none_when_undefined(flows):
    assert metrics.irr(flows) is None


def test_fund_cash_flows_stop_at_the_date_and_add_the_residual():
    flows = metrics.fund_cash_flows(
        disbursements=[(dt.date(2025, 1, 1), D("100")), (dt.date(2026, 1, 1), D("50"))],
        distributions=[(dt.date(2025, 6, 1), D("30"))],
        residual=D("120"),
        as_of=dt.date(2025, 12, 31),
    )
    assert flows == [
        CashFlow(dt.date(2025, 1, 1), D("-100")),
        CashFlow(dt.date(2025, 6, 1), D("30")),
        CashFlow(dt.date(2025, 12, 31), D("120")),
    ]


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (D("200000000"), "zh-hans", "2.00 亿元"),
        (D("310000000"), "zh-hans", "3.10 亿元"),
        (D("30000000"), "zh-hans", "3,000 万元"),
        (D("12345"), "zh-hans", "1.23 万元"),
        (D("999.5"), "zh-hans", "999.50 元"),
        (D("200000000"), "en", "CNY 200.0M"),
        (D("35000000"), "en", "CNY 35.0M"),
        (D("5000"), "en", "CNY 5,000"),
        (None, "zh-hans", "—"),
    ],
)
def test_format_money(amount, language, expected):
    assert formatting.format_money(amount, language) == expected


def test_exact_formats():
    assert formatting.format_yuan(D("300000000")) == "300,000,000.00 元"
    assert formatting.format_wan(D("30000000")) == "3,000 万元"
    assert formatting.format_yi(D("200000000")) == "2.00 亿元"
    assert formatting.format_cny_millions(D("200000000")) == "CNY 200.0M"
