"""Fixtures of the API tests: token clients per role and a small consistent world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from portfolio import services
from portfolio.models import ApiToken, Fund, Institution, Investor, Startup
from portfolio.models.choices import InstitutionKind, MilestoneKind, TechArea
from tests import factories
from tests.factories import stage

ROLE_NAMES = ("anonymous", "viewers", "incubator-staff", "fund-managers", "superuser")


def make_user(role: str):
    if role == "anonymous":
        return None
    if role == "superuser":
        return factories.UserFactory(username="root", is_superuser=True)
    return factories.UserFactory(username=role.replace("-", "_"), role=role)


def token_client(user) -> Client:
    """A client that authenticates like a script: ``Authorization: Token <key>``."""
    if user is None:
        return Client()
    _token, key = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def client_for(db):
    """``client_for("viewers")`` -> a token client for a user of that role."""

    def make(role: str) -> Client:
        return token_client(make_user(role))

    return make


@dataclass
class World:
    tsinghua: Institution
    cas: Institution
    weici: Startup  # sensing, crossed the valley (first-sales)
    coherent: Startup  # computing, in the valley (pilot)
    kewei: Startup  # communication, concept
    huayi: Startup  # computing, closed
    idg: Investor
    robotics: Investor
    fund: Fund


@pytest.fixture
def world(db) -> World:
    """A small, hand-checkable portfolio (see test_reports for the numbers it yields)."""
    tsinghua = factories.InstitutionFactory(name="清华大学", name_en="Tsinghua University")
    cas = factories.InstitutionFactory(
        name="中国科学院物理研究所",
        name_en="CAS Institute of Physics",
        kind=InstitutionKind.CAS_INSTITUTE,
    )
    weici = factories.StartupFactory(
        name="未磁科技",
        name_en="Weici Technology",
        tech_area=TechArea.SENSING,
        institution=cas,
        founded_on=dt.date(2020, 5, 1),
        admitted_on=dt.date(2021, 1, 10),
        stage=stage("concept"),
        trl=3,
    )
    services.startup_advance(
        startup=weici, to_stage=stage("prototype"), on=dt.date(2021, 6, 1), trl=5
    )
    services.startup_advance(startup=weici, to_stage=stage("pilot"), on=dt.date(2022, 1, 1), trl=6)
    services.startup_advance(
        startup=weici, to_stage=stage("first-sales"), on=dt.date(2023, 1, 1), trl=8
    )
    coherent = factories.StartupFactory(
        name="相干科技",
        name_en="Coherent Tech",
        tech_area=TechArea.COMPUTING,
        institution=tsinghua,
        founded_on=dt.date(2021, 3, 1),
        admitted_on=dt.date(2022, 2, 1),
        stage=stage("prototype"),
        trl=4,
    )
    services.startup_advance(
        startup=coherent, to_stage=stage("pilot"), on=dt.date(2023, 2, 1), trl=6
    )
    kewei = factories.StartupFactory(
        name="科微量子",
        name_en="Kewei Quantum",
        tech_area=TechArea.COMMUNICATION,
        institution=tsinghua,
        founded_on=dt.date(2022, 1, 1),
        admitted_on=dt.date(2022, 3, 1),
        stage=stage("concept"),
        trl=3,
    )
    huayi = factories.StartupFactory(
        name="华翊量子",
        name_en="Huayi Quantum",
        tech_area=TechArea.COMPUTING,
        institution=tsinghua,
        founded_on=dt.date(2021, 1, 1),
        admitted_on=dt.date(2021, 2, 1),
        stage=stage("prototype"),
        trl=4,
        registered_region="上海市",
    )
    services.startup_advance(startup=huayi, to_stage=stage("closed"), on=dt.date(2022, 2, 1), trl=4)

    idg = factories.InvestorFactory(name="IDG资本", name_en="IDG Capital")
    robotics = factories.InvestorFactory(
        name="北京市机器人基金", name_en="Beijing Robotics Fund", kind="government_fund"
    )
    services.round_record(
        startup=weici,
        round_type="a",
        closed_on=dt.date(2022, 3, 1),
        amount=Decimal("100000000"),
        lead_investor=idg,
        participants=[(idg, Decimal("60000000")), (robotics, Decimal("40000000"))],
    )
    services.round_record(
        startup=weici,
        round_type="b",
        closed_on=dt.date(2023, 6, 1),
        amount=Decimal("200000000"),
        lead_investor=robotics,
        participants=[(robotics, None)],
    )
    services.round_record(
        startup=coherent,
        round_type="seed",
        closed_on=dt.date(2022, 9, 1),
        amount_precision="undisclosed",
        announced_as="数千万元",
        lead_investor=idg,
    )
    factories.MilestoneFactory(
        startup=weici,
        kind=MilestoneKind.CERTIFICATION,
        achieved_on=dt.date(2023, 3, 1),
        title="NMPA 注册证",
    )
    factories.MilestoneFactory(startup=coherent, achieved_on=dt.date(2022, 6, 1))
    factories.KpiReportFactory(startup=weici, year=2024, quarter=1)
    factories.KpiReportFactory(startup=weici, year=2024, quarter=2, revenue=Decimal("3000000"))
    factories.KpiReportFactory(startup=coherent, year=2023, quarter=4)

    fund = factories.FundFactory(
        name="北京量子信息产业发展投资基金", name_en="Beijing Quantum Fund"
    )
    c1 = services.commitment_create(
        fund=fund, startup=weici, amount=Decimal("30000000"), approved_on=dt.date(2023, 1, 15)
    )
    services.commitment_create(
        fund=fund, startup=coherent, amount=Decimal("20000000"), approved_on=dt.date(2023, 3, 1)
    )
    services.disbursement_record(
        commitment=c1, amount=Decimal("20000000"), paid_on=dt.date(2023, 6, 1)
    )
    services.valuation_mark(
        fund=fund, startup=weici, as_of=dt.date(2024, 6, 30), fair_value=Decimal("50000000")
    )
    services.distribution_record(
        fund=fund, startup=weici, paid_on=dt.date(2024, 9, 1), amount=Decimal("5000000")
    )
    for obj in (weici, coherent, kewei, huayi):
        obj.refresh_from_db()
    return World(tsinghua, cas, weici, coherent, kewei, huayi, idg, robotics, fund)
