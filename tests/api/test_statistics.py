"""The annual statistics return (火炬统计, issue 16; ``incubator-ops.md`` §2): a small world
for 2025 whose every figure is worked out by hand below from the rows it is made of (money
in 千元 = yuan / 1000 rounded half up), the missing-data list, the CSV and XLSX exports, the
year's validation, who may read it and constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portfolio import services
from portfolio.formatting import thousand_yuan
from portfolio.models import Startup
from portfolio.models.choices import AmountPrecision
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user, stage
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/incubation/"
ZERO = Decimal("0")


def kpi(startup, year, quarter, **figures):
    """A quarterly report; every figure not given is 0."""
    defaults = {"revenue": ZERO, "rd_spend": ZERO, "headcount": 0}
    return factories.KpiReportFactory(
        startup=startup, year=year, quarter=quarter, **{**defaults, **figures}
    )


def approved(startup, programme, number, valid_from, valid_to=None):
    return factories.PolicyApplicationFactory(
        startup=startup,
        programme=programme,
        status="approved",
        applied_on=valid_from - dt.timedelta(days=60),
        certificate_number=number,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def graduate(startup, on):
    # the basis must hold on the day: an A round above 5 million before it
    factories.FundingRoundFactory(
        startup=startup, closed_on=on - dt.timedelta(days=200), amount=Decimal("6000000")
    )
    return services.startup_graduate(startup=startup, on=on, basis=["vc_over_5m"])


@pytest.fixture
def world():
    """Three incubatees in 2025 (甲, 乙, 丙) and four startups that are not (丁 graduated in
    2024, 戊 admitted in 2026, 己 closed in 2024, 庚 tracked, never admitted)."""
    a = factories.StartupFactory(
        name="甲量子", admitted_on=dt.date(2024, 3, 1), founded_on=dt.date(2023, 6, 1)
    )
    b = factories.StartupFactory(
        name="乙量子",
        admitted_on=dt.date(2025, 7, 1),
        founded_on=dt.date(2025, 5, 1),  # founded in Q2 2025: Q2-Q4 are due
        credit_code=None,
        is_tech_sme=True,
        tech_sme_number="2025110108A0001",
    )
    c = factories.StartupFactory(
        name="丙量子",
        admitted_on=dt.date(2022, 1, 10),
        founded_on=dt.date(2021, 3, 1),
        is_tech_sme=False,
        eligibility_note="Admitted as an exception (illustrative).",
    )
    d = factories.StartupFactory(name="丁量子", admitted_on=dt.date(2023, 1, 1))
    e = factories.StartupFactory(name="戊量子", admitted_on=dt.date(2026, 1, 5))
    f = factories.StartupFactory(name="己量子", admitted_on=dt.date(2023, 5, 1))
    g = factories.StartupFactory(name="庚量子", admitted_on=None)
    graduate(c, dt.date(2025, 6, 30))  # in the return, graduated in the year
    graduate(d, dt.date(2024, 12, 31))  # gone before 2025
    services.startup_advance(startup=f, to_stage=stage("closed"), on=dt.date(2024, 5, 1), trl=2)

    # 甲: every quarter of 2025, and 2024's Q4 (the patents' baseline)
    kpi(a, 2024, 4, patents_filed=3, patents_granted=1, invention_patents_filed=2)
    a_quarters = {
        # quarter: revenue, rd_spend, taxes_paid, headcount, phd, new graduates, patents
        # (cumulative: filed, granted, invention filed, invention granted)
        1: ("1234.50", "1000.00", "0.00", 10, 2, 1, (4, 1, 2, 0)),
        2: ("250000.00", "500.00", "499.99", 11, 2, 0, (5, 1, 3, 0)),
        3: ("100265.49", "500.00", "0.00", 12, 3, 2, (6, 2, 3, 1)),
        4: ("500.00", "500.00", "0.00", 14, 3, 0, (7, 2, 4, 1)),
    }
    for quarter, (revenue, rd, taxes, heads, phd, hired, patents) in a_quarters.items():
        kpi(
            a,
            2025,
            quarter,
            revenue=Decimal(revenue),
            rd_spend=Decimal(rd),
            taxes_paid=Decimal(taxes),
            headcount=heads,
            phd_staff=phd,
            new_graduates_hired=hired,
            patents_filed=patents[0],
            patents_granted=patents[1],
            invention_patents_filed=patents[2],
            invention_patents_granted=patents[3],
        )
    kpi(a, 2026, 1, revenue=Decimal("9999999"), headcount=99)  # after the year
    # 乙: Q2 and Q3 only (Q4 is missing)
    kpi(b, 2025, 2, headcount=3)
    kpi(
        b,
        2025,
        3,
        revenue=Decimal("1500.00"),
        taxes_paid=Decimal("0.01"),
        headcount=4,
        phd_staff=1,
        new_graduates_hired=1,
        patents_filed=1,
        invention_patents_filed=1,
    )
    # 丙: nothing for 2025 or 2024; the tracked 庚 and the 2024 graduate 丁 report 2025 too
    kpi(g, 2025, 1, revenue=Decimal("777000"), headcount=50)
    kpi(d, 2025, 1, revenue=Decimal("888000"), headcount=40)

    # rounds: 甲's A and its debt in 2025 (and one in 2024), 乙's undisclosed seed
    factories.FundingRoundFactory(startup=a, closed_on=dt.date(2025, 4, 1), amount=Decimal("5e6"))
    factories.FundingRoundFactory(
        startup=a, round_type="debt", closed_on=dt.date(2025, 9, 1), amount=Decimal("1000499.50")
    )
    factories.FundingRoundFactory(startup=a, closed_on=dt.date(2024, 8, 1), amount=Decimal("1e6"))
    factories.FundingRoundFactory(
        startup=b,
        round_type="seed",
        closed_on=dt.date(2025, 10, 1),
        amount=None,
        amount_precision=AmountPrecision.UNDISCLOSED,
    )
    factories.FundingRoundFactory(startup=g, closed_on=dt.date(2025, 4, 1), amount=Decimal("7e6"))

    # certifications: 甲 高企 (valid over 2025) and 科技型中小企业 (its own answer is empty);
    # 乙 创新型 from September; 丙 专精特新 that ended in 2024 and a 小巨人 still submitted
    approved(
        a, "high_tech_enterprise", "GR202311000123", dt.date(2023, 12, 1), dt.date(2026, 11, 30)
    )
    approved(a, "tech_sme", "2025110108A0777", dt.date(2025, 4, 1), dt.date(2025, 12, 31))
    # an earlier 高企 certificate also valid into 2025: the row names the latest one
    approved(a, "high_tech_enterprise", "GR202011000456", dt.date(2022, 3, 1), dt.date(2025, 2, 28))
    approved(b, "innovative_sme", "CX2025-9", dt.date(2025, 9, 1))
    approved(c, "specialised_sme", "ZJTX-1", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    factories.PolicyApplicationFactory(startup=c, programme="little_giant", status="submitted")

    # space: 甲 80 m² office on 31 December (its lab ended in June); 丙 60 m² up to the day it
    # graduated; a public service area of 30 m² (recorded on 甲's lease list); 乙 none
    factories.SpaceLeaseFactory(
        startup=a, unit="A-101", area_m2=Decimal("80.00"), starts_on=dt.date(2024, 3, 1)
    )
    factories.SpaceLeaseFactory(
        startup=a,
        unit="B-201",
        kind="lab",
        area_m2=Decimal("20.00"),
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 6, 30),
    )
    factories.SpaceLeaseFactory(
        startup=c,
        unit="A-102",
        area_m2=Decimal("60.00"),
        starts_on=dt.date(2022, 1, 10),
        ends_on=dt.date(2025, 6, 30),
    )
    factories.SpaceLeaseFactory(
        startup=a,
        unit="公共区",
        area_m2=Decimal("30.00"),
        starts_on=dt.date(2025, 1, 1),
        is_public_service_area=True,
    )

    # mentors on 31 December: one full-time, one part-time (a third left in June)
    mentor = factories.MentorFactory(is_full_time=True, appointed_on=dt.date(2025, 1, 1))
    factories.MentorFactory(appointed_on=dt.date(2025, 3, 1))
    factories.MentorFactory(appointed_on=dt.date(2024, 1, 1), until=dt.date(2025, 6, 30))
    factories.MentoringSessionFactory(mentor=mentor, startup=a, held_on=dt.date(2025, 5, 10))
    factories.MentoringSessionFactory(mentor=mentor, startup=c, held_on=dt.date(2024, 5, 10))
    # the incubator's own figures: 5,000 m² from 2024 (no fund stated), 6,000 m² and a fund
    # of 4,999,500.00 yuan from 2025-07-01 (in force on 31 December 2025)
    factories.IncubatorFiguresFactory(
        effective_from=dt.date(2024, 1, 1), controlled_area_m2=Decimal("5000"), seed_fund=None
    )
    factories.IncubatorFiguresFactory(
        effective_from=dt.date(2025, 7, 1),
        controlled_area_m2=Decimal("6000"),
        seed_fund=Decimal("4999500.00"),
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}


def brief(startup) -> dict:
    return {"id": startup.pk, "name": startup.name}


def test_half_up_rounding_of_thousand_yuan():
    assert thousand_yuan(Decimal("2500.00")) == 3  # 2.5 -> 3 (banker's rounding would give 2)
    assert thousand_yuan(Decimal("1499.99")) == 1
    assert thousand_yuan(Decimal("499.99")) == 0
    assert thousand_yuan(Decimal("500.00")) == 1
    assert thousand_yuan(None) is None


def test_the_return_gives_the_hand_worked_figures(world):
    a, b, c = world["a"], world["b"], world["c"]
    response = token_client(make_user("viewers")).get(URL, {"year": 2025})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["year"], body["unit"]) == (2025, "千元")
    # 丁 graduated in 2024, 戊 came in 2026, 己 closed in 2024, 庚 was never admitted
    assert [row["startup"] for row in body["rows"]] == [brief(c), brief(b), brief(a)]
    rows = {row["startup"]["id"]: row for row in body["rows"]}
    assert rows[a.pk] == {
        "startup": brief(a),
        "credit_code": a.credit_code,
        "founded_on": "2023-06-01",
        "admitted_on": "2024-03-01",
        "tech_area": "computing",
        "is_illustrative": False,
        "graduated": False,
        "graduated_on": None,
        "mentored": True,  # the session of 2025-05-10
        "high_tech_enterprise": True,
        "high_tech_certificate": "GR202311000123",
        "tech_sme": True,  # the approved registration (its own answer is empty)
        "tech_sme_number": "2025110108A0777",
        "innovative_sme": False,
        "specialised_sme": False,
        "little_giant": False,
        "area_m2": "80.00",  # the office; the lab ended on 2025-06-30, the public area apart
        "quarters_reported": [1, 2, 3, 4],
        # 1,234.50 + 250,000.00 + 100,265.49 + 500.00 = 351,999.99 yuan; / 1000 = 351.99999
        "revenue": 352,
        # 1,000 + 500 + 500 + 500 = 2,500.00 yuan; 2.5 rounds half up to 3
        "rd_spend": 3,
        # 0 + 499.99 + 0 + 0 = 499.99 yuan; 0.49999 -> 0
        "taxes_paid": 0,
        "new_graduates_hired": 3,  # 1 + 0 + 2 + 0
        "headcount": 14,  # Q4's
        "phd_staff": 3,  # Q4's
        "patents_filed": 4,  # 7 at 2025 Q4 - 3 at 2024 Q4
        "patents_granted": 1,  # 2 - 1
        "invention_patents_filed": 2,  # 4 - 2
        "invention_patents_granted": 1,  # 1 - 0
        # 5,000,000.00 + 1,000,499.50 = 6,000,499.50 yuan; 6000.4995 -> 6000 (2024's is out)
        "financing": 6000,
        "vc_financing": 5000,  # the A round: 5,000,000.00 / 1000
        "debt_financing": 1000,  # 1,000,499.50 / 1000 = 1000.4995 -> 1000
    }
    assert rows[b.pk] | {"startup": None} == {
        "startup": None,
        "credit_code": None,
        "founded_on": "2025-05-01",
        "admitted_on": "2025-07-01",
        "tech_area": "computing",
        "is_illustrative": False,
        "graduated": False,
        "graduated_on": None,
        "mentored": False,
        "high_tech_enterprise": False,
        "high_tech_certificate": "",
        "tech_sme": True,  # its own answer
        "tech_sme_number": "2025110108A0001",
        "innovative_sme": True,  # valid from 2025-09-01
        "specialised_sme": False,
        "little_giant": False,
        "area_m2": "0.00",
        "quarters_reported": [2, 3],
        "revenue": 2,  # 0 + 1,500.00 = 1,500.00 yuan; 1.5 -> 2 (Q4 missing: see below)
        "rd_spend": 0,
        "taxes_paid": 0,  # 0.01 yuan
        "new_graduates_hired": 1,
        "headcount": 4,  # Q3's, the last reported
        "phd_staff": 1,
        "patents_filed": 1,  # founded in 2025: 1 at Q3 - 0
        "patents_granted": 0,
        "invention_patents_filed": 1,
        "invention_patents_granted": 0,
        "financing": 0,  # its seed round is undisclosed
        "vc_financing": 0,
        "debt_financing": 0,
    }
    row_c = rows[c.pk]
    assert (row_c["graduated"], row_c["graduated_on"]) == (True, "2025-06-30")
    assert row_c["area_m2"] == "60.00"  # the lease running on the day it graduated
    assert (row_c["tech_sme"], row_c["specialised_sme"], row_c["little_giant"]) == (
        False,
        False,  # valid in 2024 only
        False,  # not approved
    )
    assert row_c["mentored"] is False  # its session was in 2024
    assert row_c["quarters_reported"] == []
    for name in ("revenue", "rd_spend", "taxes_paid", "headcount", "patents_filed"):
        assert row_c[name] is None, name
    assert (row_c["financing"], row_c["vc_financing"]) == (0, 0)  # its A round was in 2024


def test_the_incubator_totals_sum_the_underlying_rows(world):
    body = token_client(make_user("incubator-staff")).get(URL, {"year": 2025}).json()
    assert body["incubator"] == {
        "incubatees": 3,  # 甲, 乙, 丙
        "new_incubatees": 1,  # 乙, admitted 2025-07-01
        "graduated_in_year": 1,  # 丙
        "graduates_to_date": 2,  # 丙 (2025-06-30) and 丁 (2024-12-31)
        "with_patent_applications": 2,  # 甲 (7 filed by Q4), 乙 (1 by Q3); 丙 reported none
        "mentored": 1,
        "high_tech_enterprises": 1,
        "tech_smes": 2,  # 甲 (approved), 乙 (its own answer); 丙 is not
        "innovative_smes": 1,
        "specialised_smes": 0,
        "little_giants": 0,
        "financed": 2,  # 甲 and 乙 (an undisclosed round is a round)
        # 351,999.99 + 1,500.00 = 353,499.99 yuan; 353.49999 -> 353 (the rows' 352 + 2 = 354:
        # a total is taken from the yuan, never from the rounded rows)
        "revenue": 353,
        "rd_spend": 3,  # 2,500.00 + 0
        # 499.99 + 0.01 = 500.00 yuan; 0.5 -> 1 (each row alone rounds to 0)
        "taxes_paid": 1,
        "financing": 6000,  # 6,000,499.50 + nothing disclosed of 乙's
        "vc_financing": 5000,
        "debt_financing": 1000,
        "jobs": 18,  # 14 + 4 (丙 reported none)
        "phd_staff": 4,  # 3 + 1
        "new_graduates_hired": 4,  # 3 + 1
        "patents_filed": 5,  # 4 + 1
        "patents_granted": 1,
        "invention_patents_filed": 3,  # 2 + 1
        "invention_patents_granted": 1,
        "incubatee_area_m2": "140.00",  # 80 + 60
        "public_service_area_m2": "30.00",
        "incubatee_use_m2": "170.00",
        "mentors": 2,  # in office on 31 December
        "full_time_mentors": 1,
        "controlled_area_m2": "6000.00",  # the row from 2025-07-01
        "seed_fund": 5000,  # 4,999.5 千元, half up
    }


FLOWS = ["revenue", "rd_spend", "taxes_paid", "new_graduates_hired"]
STOCKS = ["headcount", "phd_staff"]
PATENTS = [
    "patents_filed",
    "patents_granted",
    "invention_patents_filed",
    "invention_patents_granted",
]


def test_the_missing_list_names_each_incubatee_and_column(world):
    b, c = world["b"], world["c"]
    body = token_client(make_user("viewers")).get(URL, {"year": 2025}).json()
    expected = [
        # 丙: no 2025 report (and none of 2024 for the patents' baseline)
        *[(c, column) for column in FLOWS + STOCKS + PATENTS],
        # 乙: no credit code, no lease, no Q4 report, an undisclosed seed round
        (b, "credit_code"),
        (b, "area_m2"),
        *[(b, column) for column in FLOWS + STOCKS + PATENTS],
        (b, "financing"),
        (b, "vc_financing"),
        # 甲: nothing missing
    ]
    assert body["missing"] == [
        {"startup": brief(startup), "column": column} for startup, column in expected
    ]


def test_an_unknown_tech_sme_answer_and_a_graduation_without_a_day_are_missing(world):
    a = world["a"]
    Startup.objects.filter(pk=world["e"].pk).update(admitted_on=dt.date(2025, 2, 1))
    Startup.objects.filter(pk=world["e"].pk).update(status="graduated", is_tech_sme=None)
    body = token_client(make_user("viewers")).get(URL, {"year": 2025}).json()
    row = next(r for r in body["rows"] if r["startup"]["id"] == world["e"].pk)
    assert (row["graduated"], row["graduated_on"], row["tech_sme"]) == (True, None, None)
    columns = [m["column"] for m in body["missing"] if m["startup"]["id"] == world["e"].pk]
    assert columns[:3] == ["graduated_on", "tech_sme", "area_m2"]
    assert not [m for m in body["missing"] if m["startup"]["id"] == a.pk]


def test_an_earlier_year(world):
    body = token_client(make_user("viewers")).get(URL, {"year": 2024}).json()
    # 丁 graduated on 2024-12-31 and 己 closed on 2024-05-01: both in 2024's return
    names = [row["startup"]["name"] for row in body["rows"]]
    assert names == ["丁量子", "丙量子", "己量子", "甲量子"]
    rows = {row["startup"]["name"]: row for row in body["rows"]}
    assert rows["甲量子"]["quarters_reported"] == [4]
    assert rows["甲量子"]["financing"] == 1000  # 1,000,000.00 yuan in 2024
    assert body["incubator"]["graduates_to_date"] == 1
    assert body["incubator"]["public_service_area_m2"] == "0.00"
    assert body["incubator"]["controlled_area_m2"] == "5000.00"  # the row from 2024-01-01
    assert body["incubator"]["seed_fund"] is None  # not stated then
    assert token_client(make_user("viewers")).get(URL, {"year": 2020}).json()["rows"] == []


def test_the_year_is_required_and_checked(db):
    client = token_client(make_user("viewers"))
    for bad in ({}, {"year": "x"}, {"year": 1999}, {"year": 2101}, {"year": "2025.5"}):
        for fmt in ({}, {"format": "csv"}, {"format": "xlsx"}):
            response = client.get(URL, {**bad, **fmt})
            assert response.status_code == 400, (bad, fmt)
            assert set(response.json()) == {"year"}


def test_the_csv_has_one_row_per_incubatee(world):
    a = world["a"]
    response = token_client(make_user("fund-managers")).get(URL, {"year": 2025, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="incubation-return-2025-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *body = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["startup_id", "startup_name", "credit_code"]
    assert [row[header.index("startup_name")] for row in body] == ["丙量子", "乙量子", "甲量子"]
    row = dict(zip(header, body[2], strict=True))
    assert row["startup_id"] == str(a.pk)
    assert (row["revenue"], row["rd_spend"], row["financing"]) == ("352", "3", "6000")
    assert (row["high_tech_enterprise"], row["graduated_on"], row["area_m2"]) == (
        "true",
        "",
        "80.00",
    )
    assert row["quarters_reported"] == "[1, 2, 3, 4]"


def test_the_workbook_has_the_three_sheets(world):
    a, b = world["a"], world["b"]
    response = token_client(make_user("viewers")).get(URL, {"year": 2025, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.worksheets) == 3
    incubatees, incubator, missing = (list(s.values) for s in book.worksheets)
    header = incubatees[0]
    assert [r[header.index("startup_name")] for r in incubatees[1:]] == [
        "丙量子",
        "乙量子",
        "甲量子",
    ]
    row = dict(zip(header, incubatees[3], strict=True))
    assert (row["startup_id"], row["revenue"], row["taxes_paid"]) == (a.pk, 352, 0)
    assert row["area_m2"] == 80 and row["mentored"] is True
    figures = dict(incubator[1:])
    assert incubator[0] == ("figure", "value")
    assert (figures["incubatees"], figures["revenue"], figures["taxes_paid"]) == (3, 353, 1)
    assert figures["incubatee_use_m2"] == 170
    assert missing[0] == ("startup_id", "startup_name", "column")
    assert len(missing) == 1 + 10 + 14
    assert missing[11:14] == [
        (b.pk, "乙量子", "credit_code"),
        (b.pk, "乙量子", "area_m2"),
        (b.pk, "乙量子", "revenue"),
    ]


def test_hostile_text_is_not_a_formula_in_the_exports(world):
    Startup.objects.filter(pk=world["b"].pk).update(name="=HYPERLINK(1)")
    client = token_client(make_user("viewers"))
    text = b"".join(client.get(URL, {"year": 2025, "format": "csv"}).streaming_content)
    assert "'=HYPERLINK(1)" in text.decode("utf-8-sig")
    response = client.get(URL, {"year": 2025, "format": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
    named = [c for c in cells if c.value == "=HYPERLINK(1)"]
    # its row and its 14 missing cells, each a string, never a formula
    assert len(named) == 15 and all(c.data_type == "s" for c in named)


def test_founders_and_anonymous_do_not_read_it(world):
    assert token_client(make_founder(world["a"])).get(URL, {"year": 2025}).status_code == 403
    from django.test import Client

    assert Client().get(URL, {"year": 2025}).status_code == 401


def add_incubatees(n: int, offset: int) -> None:
    """``n`` incubatees with everything the return reads: reports of both years, rounds,
    certificates, a lease and a mentoring session each."""
    mentor = factories.MentorFactory()
    for i in range(n):
        startup = factories.StartupFactory(admitted_on=dt.date(2024, 6, 1), is_tech_sme=True)
        kpi(startup, 2024, 4, patents_filed=1)
        for quarter in (1, 2, 3, 4):
            kpi(startup, 2025, quarter, revenue=Decimal("1000"), patents_filed=2)
        factories.FundingRoundFactory(startup=startup, closed_on=dt.date(2025, 2, 1))
        approved(startup, "high_tech_enterprise", f"GR{offset + i}", dt.date(2025, 1, 1))
        factories.SpaceLeaseFactory(startup=startup, starts_on=dt.date(2024, 6, 1))
        factories.MentoringSessionFactory(
            mentor=mentor, startup=startup, held_on=dt.date(2025, 3, 1)
        )


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_the_returns_queries_do_not_grow(db, django_assert_max_num_queries, fmt):
    client = token_client(make_user("viewers"))
    client.get("/api/v1/")
    add_incubatees(3, 0)
    with django_assert_max_num_queries(20) as few:
        response = client.get(URL, {"year": 2025, "format": fmt})
        if fmt == "xlsx":
            b"".join(response.streaming_content)
    add_incubatees(6, 100)  # 3N
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"year": 2025, "format": fmt})
        if fmt == "xlsx":
            b"".join(response.streaming_content)
    if fmt == "json":
        body = response.json()
        assert body["incubator"]["incubatees"] == 9
        assert body["incubator"]["revenue"] == 36  # 9 x 4 x 1,000 yuan
        assert body["incubator"]["patents_filed"] == 9  # 9 x (2 - 1)
        assert body["missing"] == []


def test_the_schema_documents_the_year_and_its_400(db):
    from django.test import Client

    client = Client()
    client.force_login(make_user("viewers"))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    (year,) = [p for p in operation["parameters"] if p["name"] == "year"]
    assert year["required"] is True
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (2000, 2100)
    assert set(operation["responses"]) >= {"200", "400", "401", "403"}
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert set(component["properties"]) == {"year", "unit", "incubator", "rows", "missing"}
