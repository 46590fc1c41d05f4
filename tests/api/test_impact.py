"""The impact report for district officials (issue 16, ``incubator-ops.md`` §6 and §1.3): a
small world whose figures are worked out by hand below, whose they are (incubatees, tracked,
all), the thresholds (met, not yet, no data; the rule in force on 31 December), the year's
checks, the export, who may read it, and constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from portfolio.models import IncubatorThreshold, Startup
from portfolio.selectors.impact import POPULATION_SQL
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user
from tests.support.founders import make_founder
from tests.support.impact_world import approved, impact_world, kpi

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/impact/"


@pytest.fixture
def world():
    return impact_world()


def get(params, role="viewers"):
    response = token_client(make_user(role)).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def thresholds(body) -> dict[tuple[str, str], dict]:
    return {(row["grade"], row["rule"]): row for row in body["thresholds"]}


def test_the_incubatees_figures_are_the_hand_worked_ones(world):
    body = get({"year": 2025})
    figures = {key: value for key, value in body.items() if key != "thresholds"}
    assert figures == {
        "year": 2025,
        "population": "incubator",
        "currency": "CNY",
        "startups": 4,  # a, b, d, e (c was admitted in 2026, t never)
        "reporting": 2,  # a and b have 2025 reports
        "jobs": 17,  # a's last 2025 report (Q3: 14) + b's (Q2: 3)
        "new_graduates_hired": 3,  # a: 2 + 1
        "phds": 3,  # a's Q3
        "revenue": "300000.50",  # a: 100000.50 + 200000.00; c's 777 is not an incubatee's
        "taxes": "1500.25",
        "invention_patents_filed": 7,  # a: 5 - 2 (2024's last); b: 4 - 0 (no 2024 report)
        "invention_patents_granted": 3,  # a: 1 - 0; b: 2
        "financing": "75000000.00",  # a 5M + b 20M (approximate) + b's IPO 50M
        "financing_approximate": "20000000.00",
        "undisclosed_rounds": 1,  # a's August round
        "financed_startups": 2,
        "fund_invested": "2000000.00",  # 2024's payment is out of the year
        "fund_share_of_financing": "0.0267",  # 2M / 75M
        "leverage": "37.5000",  # 75M / 2M
        "high_tech_enterprises": 1,  # a; b's certificate ended 2024-12-31
        "high_tech_enterprises_new": 1,  # a's is valid from 2025-03-01
        "specialised_smes": 1,  # b (专精特新 and 小巨人: one startup); a's is only submitted
        "graduations": 1,  # b in 2025 (d in 2024)
        "listings": 1,  # b's IPO round
        "moved_into_district": 1,  # a (t is tracked, c moved in 2024)
        "incubatees_at_year_end": 2,  # a and e: b and d have graduated
    }


def test_each_threshold_says_met_not_yet_or_no_data(world):
    rows = thresholds(get({"year": 2025}))
    figure = {key: (row["actual"], row["required"], row["status"]) for key, row in rows.items()}
    # the 2025 rule (2 incubatees) replaces 2018's 50; 2026's 99 is not in force yet
    assert figure["national", "incubatees"] == ("2.00", "2.00", "met")
    assert rows["national", "incubatees"]["policy_code"] == "试行2025"
    assert figure["specialised", "incubatees"] == ("2.00", "30.00", "not_yet")
    assert figure["national", "graduates_cumulative"] == ("2.00", "20.00", "not_yet")  # b, d
    assert figure["national", "financed_pct"] == ("50.00", "10.00", "met")  # a of a, e
    assert figure["national", "patent_applicants_pct"] == ("50.00", "50.00", "met")  # a
    assert figure["national", "mentors_per_10"] == ("5.00", "1.00", "met")  # 1 x 10 / 2
    for key in (
        "operating_years",
        "space_m2",
        "incubatee_use_pct",
        "seed_fund_yuan",
        "incubatees_per_1000_m2",
    ):
        assert figure["national", key] == (None, rows["national", key]["required"], "no_data")
    assert rows["national", "space_m2"]["missing"] == "controlled_area"
    assert rows["national", "operating_years"]["missing"] == "opening_day"
    assert rows["national", "incubatees"]["missing"] == ""
    # the national grade first, each in the rule table's order of figures
    assert [row["grade"] for row in get({"year": 2025})["thresholds"]][:1] == ["national"]
    assert len(rows) == 19  # the 2018 rows: 10 national, 9 specialised


def test_an_earlier_year_uses_the_rule_and_the_figures_of_then(world):
    body = get({"year": 2024})
    rows = thresholds(body)
    assert rows["national", "incubatees"]["required"] == "50.00"  # 2018's rule
    # incubatees in incubation on 2024-12-31: a (b has graduated since: status has no
    # history, docs/operations.md); d graduated in 2024
    assert rows["national", "incubatees"]["actual"] == "1.00"
    assert rows["national", "graduates_cumulative"]["actual"] == "1.00"  # d
    # one mentor in office on 2024-12-31 (until that day; the other came in 2025): 1 x 10 / 1
    assert rows["national", "mentors_per_10"]["actual"] == "10.00"
    assert (body["startups"], body["jobs"], body["revenue"]) == (3, 9, "0.00")  # a, b, d
    assert (body["financing"], body["fund_invested"], body["graduations"]) == (
        "1000000.00",
        "1000000.00",
        1,
    )
    assert (body["fund_share_of_financing"], body["leverage"]) == ("1.0000", "1.0000")
    assert body["high_tech_enterprises"] == 1  # b's certificate, valid until 2024-12-31
    assert body["invention_patents_filed"] == 2  # a's 2024 Q4 (nothing in 2023)


def test_tracked_and_all_are_other_populations_with_the_same_thresholds(world):
    incubator = get({"year": 2025})
    tracked = get({"year": 2025, "population": "tracked"})
    assert tracked["population"] == "tracked"
    assert (tracked["startups"], tracked["jobs"], tracked["phds"]) == (1, 50, 4)
    assert (tracked["revenue"], tracked["financing"]) == ("5000.00", "3000000.00")
    assert (tracked["fund_invested"], tracked["fund_share_of_financing"]) == ("0.00", "0.0000")
    assert tracked["leverage"] is None  # the funds paid nothing to tracked firms
    assert (tracked["high_tech_enterprises"], tracked["moved_into_district"]) == (1, 1)
    assert tracked["graduations"] == 0
    assert tracked["thresholds"] == incubator["thresholds"]
    everyone = get({"year": 2025, "population": "all"})
    assert everyone["startups"] == 6
    assert everyone["revenue"] == "305777.50"  # 300000.50 + c's 777 + t's 5000
    assert everyone["financing"] == "86000000.00"  # 75M + c's 8M + t's 3M
    assert everyone["moved_into_district"] == 2


def test_no_data_when_there_are_no_incubatees_or_no_kpi_reports(db):
    rows = thresholds(get({"year": 2025}))
    for key in ("mentors_per_10", "financed_pct", "patent_applicants_pct"):
        assert (rows["national", key]["status"], rows["national", key]["actual"]) == (
            "no_data",
            None,
        )
    assert rows["national", "financed_pct"]["missing"] == "no_incubatees"
    assert rows["national", "incubatees"]["status"] == "not_yet"  # 0 is a figure
    factories.StartupFactory(admitted_on=dt.date(2025, 2, 1))
    rows = thresholds(get({"year": 2025}))
    assert rows["national", "patent_applicants_pct"]["missing"] == "no_kpi_reports"
    assert rows["national", "financed_pct"]["actual"] == "0.00"
    body = get({"year": 2025})
    assert (body["fund_share_of_financing"], body["leverage"]) == (None, None)


def test_no_thresholds_before_any_rule_is_in_force(world):
    # active, in incubation in 2017
    factories.StartupFactory(founded_on=dt.date(2015, 9, 1), admitted_on=dt.date(2016, 5, 1))
    body = get({"year": 2017})
    assert body["thresholds"] == []  # the 2018 measures are in force from 2018-12-14
    assert (body["incubatees_at_year_end"], body["startups"]) == (1, 1)


def test_the_year_and_population_are_checked(db):
    client = token_client(make_user("viewers"))
    for bad in ({}, {"year": "x"}, {"year": 1999}, {"year": 2101}, {"year": "2025.5"}):
        response = client.get(URL, bad)
        assert response.status_code == 400, bad
        assert set(response.json()) == {"year"}
    response = client.get(URL, {"year": 2025, "population": "everyone"})
    assert response.status_code == 400
    assert set(response.json()) == {"population"}
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_the_export_has_a_line_per_figure_and_per_threshold(world):
    response = token_client(make_user("fund-managers")).get(URL, {"year": 2025, "format": "csv"})
    assert response.status_code == 200
    assert 'filename="impact-2025-incubator-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *body = rows
    assert header == ["section", "name", "grade", "policy_code", "value", "required", "status"]
    lines = {(row[0], row[2], row[1]): row for row in body}
    assert lines["figure", "", "revenue"][4] == "300000.50"
    assert lines["figure", "", "jobs"][4] == "17"
    assert lines["threshold", "national", "incubatees"][4:] == ["2.00", "2.00", "met"]
    assert lines["threshold", "national", "space_m2"][4:] == ["", "10000.00", "no_data"]
    assert len(body) == 23 + 19  # 23 figures, 19 thresholds in force
    xlsx = token_client(make_user("viewers")).get(URL, {"year": 2025, "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_founders_and_anonymous_do_not_read_it(world):
    assert token_client(make_founder(world["a"])).get(URL, {"year": 2025}).status_code == 403
    assert Client().get(URL, {"year": 2025}).status_code == 401


def test_the_reports_queries_do_not_grow(world, django_assert_max_num_queries):
    client = token_client(make_user("viewers"))
    client.get("/api/v1/")
    with django_assert_max_num_queries(30) as few:
        client.get(URL, {"year": 2025})
    for n in range(6):
        startup = factories.StartupFactory(admitted_on=dt.date(2024, 1, 1))
        kpi(startup, 2025, 1 + n % 4, headcount=3, patents_filed=1)
        factories.FundingRoundFactory(startup=startup, closed_on=dt.date(2025, 2, 1))
        approved(startup, "high_tech_enterprise", dt.date(2025, 1, 1), None)
        factories.MentorFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"year": 2025})
    assert response.json()["startups"] == 10


def test_a_formula_in_a_rule_rows_text_is_never_run_by_a_spreadsheet(db):
    """R10: a threshold row's policy code is text staff type in the admin; the export writes
    it as text (a leading ' in CSV, a string cell in XLSX), and numbers stay numbers."""
    import openpyxl

    formula = '=HYPERLINK("http://x","y")'
    IncubatorThreshold.objects.create(
        policy_code=formula,
        grade="national",
        key="graduates_cumulative",
        effective_from=dt.date(2024, 1, 1),
        required=Decimal("1"),
    )
    client = token_client(make_user("viewers"))
    response = client.get(URL, {"year": 2025, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    line = next(row for row in csv.reader(io.StringIO(text)) if formula in "".join(row))
    assert line[3] == "'" + formula and line[5] == "1.00"
    response = client.get(URL, {"year": 2025, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    cells = [row for row in sheet.iter_rows(values_only=True) if formula in map(str, row)]
    assert len(cells) == 1 and cells[0][5] == 1  # the requirement: a number
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_the_incubators_own_figures_measure_the_space_fund_and_age_thresholds(world):
    """With the incubator's figures stated (opening day, space controlled, seed fund), the
    thresholds that were no data are measured, by hand: opened 2022-10-26, so 3 whole years
    on 2025-12-31; 1,000 m² controlled; a's 300 m² office and b's 100 m² public service area
    running on 31 December (e's lease ended in November; d has graduated, its office is not
    an incubatee's): 40.00 %; 2 incubatees per 1,000 m²; a 5,000,000 yuan seed fund."""
    from portfolio import services

    services.incubator_figures_save(
        effective_from=dt.date(2025, 1, 1),
        opened_on=dt.date(2022, 10, 26),
        controlled_area_m2=Decimal("1000"),
        seed_fund=Decimal("5000000"),
    )
    factories.SpaceLeaseFactory(startup=world["a"], area_m2=Decimal("300.00"))
    factories.SpaceLeaseFactory(
        startup=world["e"],
        area_m2=Decimal("80.00"),
        starts_on=dt.date(2025, 6, 1),
        ends_on=dt.date(2025, 11, 30),
    )
    factories.SpaceLeaseFactory(
        startup=world["b"], area_m2=Decimal("100.00"), is_public_service_area=True
    )
    factories.SpaceLeaseFactory(startup=world["d"], area_m2=Decimal("200.00"))
    rows = thresholds(get({"year": 2025}))
    figure = {key: (row["actual"], row["status"]) for key, row in rows.items()}
    assert figure["national", "operating_years"] == ("3.00", "met")  # ≥ 3
    assert figure["national", "space_m2"] == ("1000.00", "not_yet")  # ≥ 10,000
    assert figure["national", "incubatee_use_pct"] == ("40.00", "not_yet")  # ≥ 75
    assert figure["national", "seed_fund_yuan"] == ("5000000.00", "met")  # ≥ 5,000,000
    assert figure["national", "incubatees_per_1000_m2"] == ("2.00", "not_yet")  # ≥ 3
    assert figure["specialised", "incubatees_per_1000_m2"] == ("2.00", "met")  # ≥ 2
    assert {row["missing"] for row in rows.values()} == {""}
    # before the figures were stated (2024): no data again, naming what is missing
    earlier = thresholds(get({"year": 2024}))
    assert earlier["national", "space_m2"]["missing"] == "controlled_area"
    assert earlier["national", "operating_years"]["status"] == "no_data"


@pytest.mark.parametrize("population", ["incubator", "tracked", "all"])
def test_the_reports_sql_population_is_the_pipelines(world, population):
    """``POPULATION_SQL`` (the report's hand-written statements) picks the startups the ORM's
    ``in_population`` picks, the incubator's admitted on or before 31 December of the year:
    a startup admitted after the year is left out of the incubator's figures."""
    factories.StartupFactory(admitted_on=dt.date(2025, 3, 1))  # after the year
    factories.StartupFactory(admitted_on=None)  # tracked
    year = 2024
    expected = Startup.objects.in_population(population)
    if population == "incubator":
        expected = expected.filter(admitted_on__lte=dt.date(year, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM portfolio_startup s WHERE {POPULATION_SQL[population]}",
            {"end": connection.ops.adapt_datefield_value(dt.date(year, 12, 31))},
        )
        found = {pk for (pk,) in cursor.fetchall()}
    assert found == set(expected.values_list("pk", flat=True))
    assert found, population
