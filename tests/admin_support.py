"""Helpers for the admin tests: one row of every model, written through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from portfolio import services
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    Fund,
    FundingRound,
    Institution,
    Investor,
    KpiReport,
    Milestone,
    Participation,
    Stage,
    StageTransition,
    Startup,
    ValuationMark,
)
from tests import factories

MODELS = [
    Institution,
    Stage,
    Startup,
    StageTransition,
    Milestone,
    KpiReport,
    Investor,
    FundingRound,
    Participation,
    Fund,
    Commitment,
    Disbursement,
    ValuationMark,
    Distribution,
]
INCUBATOR_WRITES = {"institution", "startup", "milestone", "kpireport", "investor", "fundinground"}
FUND_WRITES = {"commitment", "disbursement", "valuationmark", "distribution"}
NEVER_ADDED = {"stagetransition", "participation"}  # written by advancing / with their round
MONEY = {
    "fundinground",
    "participation",
    "commitment",
    "disbursement",
    "valuationmark",
    "distribution",
}


def admin_url(model, view: str, *args) -> str:
    from django.urls import reverse

    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@dataclass
class World:
    startup: Startup
    investor: Investor
    round: FundingRound
    fund: Fund
    commitment: Commitment

    def instance(self, model):
        return model.objects.order_by("pk").first()


def make_world() -> World:
    startup = factories.StartupFactory()
    factories.MilestoneFactory(startup=startup)
    factories.KpiReportFactory(startup=startup)
    investor = factories.InvestorFactory()
    funding_round = services.round_record(
        startup=startup,
        round_type="a",
        closed_on=dt.date(2024, 3, 1),
        amount=Decimal("30000000"),
        lead_investor=investor,
        participants=[(investor, Decimal("10000000"))],
    )
    fund = factories.FundFactory()
    commitment = services.commitment_create(
        fund=fund, startup=startup, amount=Decimal("10000000"), approved_on=dt.date(2024, 2, 1)
    )
    services.disbursement_record(
        commitment=commitment,
        amount=Decimal("5000000"),
        paid_on=dt.date(2024, 3, 1),
        funding_round=funding_round,
    )
    services.valuation_mark(
        fund=fund, startup=startup, as_of=dt.date(2024, 6, 30), fair_value=Decimal("8000000")
    )
    services.distribution_record(
        fund=fund, startup=startup, paid_on=dt.date(2024, 9, 1), amount=Decimal("1000000")
    )
    return World(startup, investor, funding_round, fund, commitment)


def form_data(html: str, form_id: str) -> dict[str, str]:
    """The values a browser would submit from the form ``form_id`` of an admin page."""
    from html.parser import HTMLParser

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside = False
            self.data: dict[str, str] = {}
            self.select: str | None = None
            self.textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.inside = attrs.get("id") == form_id
            if not self.inside:
                return
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
                if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                    return
                self.data[name] = attrs.get("value") or (
                    "on" if attrs.get("type") == "checkbox" else ""
                )
            elif tag == "select" and name:
                self.select = name
                self.data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in attrs:
                self.data[self.select] = attrs.get("value", "")
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = ""

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.data[self.textarea] += data.lstrip("\n")

    collector = Collector()
    collector.feed(html)
    collector.data.pop("csrfmiddlewaretoken", None)
    return collector.data
