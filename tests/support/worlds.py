"""The shared worlds: portfolios the tests build through the factories (so through the
services) and then read.

- ``make_world()``: one row of every model, for the admin, audit and isolation tests.
- ``build_world(n)``: ``n`` startups spread over fields, institutions, cohorts and stages
  (some inside the valley, some across it, some closed), with rounds, milestones, quarterly
  KPIs, and a fund that committed to, paid into and marked part of them; for the dashboards.
- ``hand_checked_world()``: four named startups with hand-checkable numbers, for the API
  and its reports (``tests/api/test_reports.py`` spells out what it yields).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from portfolio import services
from portfolio.api.urls import router
from portfolio.models import (
    CapitalCall,
    Commitment,
    Disbursement,
    Distribution,
    Facility,
    FacilityBooking,
    FinancingIntroduction,
    Fund,
    FundExpense,
    FundingRound,
    IncubationAgreement,
    Institution,
    Investor,
    KpiReport,
    KpiRequest,
    KpiSubmission,
    LimitedPartner,
    LpCommitment,
    LpDistribution,
    Mentor,
    MentoringSession,
    Milestone,
    PolicyApplication,
    SpaceLease,
    Stage,
    Startup,
    TechTransfer,
    Tranche,
    ValuationMark,
)
from portfolio.models.choices import AmountPrecision, InstitutionKind, MilestoneKind, TechArea
from portfolio.services import kpis as _kpis  # noqa: F401  (services.kpis)
from tests.support import factories
from tests.support.evidence import attach_evidence
from tests.support.factories import stage

# --- one row of every model ------------------------------------------------------------------


@dataclass
class EveryModel:
    startup: Startup
    investor: Investor
    round: FundingRound
    fund: Fund
    commitment: Commitment

    def instance(self, model):
        return model.objects.order_by("pk").first()


def make_world() -> EveryModel:
    """One row of every model: a startup with a milestone (with an evidence file), a KPI
    report and an A round led by one investor; a fund that committed 1000万 to it, paid
    500万 into the round, marked it at 800万 and got 100万 back."""
    startup = factories.StartupFactory()
    attach_evidence(factories.MilestoneFactory(startup=startup))
    factories.KpiReportFactory(startup=startup)
    investor = factories.InvestorFactory()
    funding_round = factories.FundingRoundFactory(
        startup=startup,
        round_type="a",
        closed_on=dt.date(2024, 3, 1),
        amount=Decimal("30000000"),
        lead_investor=investor,
        participants=[(investor, Decimal("10000000"))],
    )
    fund = factories.FundFactory()
    commitment = factories.CommitmentFactory(
        fund=fund, startup=startup, amount=Decimal("10000000"), approved_on=dt.date(2024, 2, 1)
    )
    factories.DisbursementFactory(
        commitment=commitment,
        amount=Decimal("5000000"),
        paid_on=dt.date(2024, 3, 1),
        funding_round=funding_round,
    )
    Tranche.objects.create(
        commitment=commitment, amount=Decimal("5000000"), due_by=dt.date(2024, 12, 31)
    )
    factories.ValuationMarkFactory(
        fund=fund, startup=startup, as_of=dt.date(2024, 6, 30), fair_value=Decimal("8000000")
    )
    factories.DistributionFactory(
        fund=fund, startup=startup, paid_on=dt.date(2024, 9, 1), amount=Decimal("1000000")
    )
    add_lps(fund)
    request = KpiRequest.objects.filter(year=2024, quarter=1).first()  # a world made twice
    if request is None:
        services.kpis.kpi_request_open(
            year=2024, quarter=1, due_on=dt.date(2024, 4, 30), startups=[startup.pk]
        )
    else:
        request.startups.add(startup)
    services.kpis.kpi_submission_create(
        startup=startup, year=2024, quarter=1, figures={"headcount": 8}
    )
    factories.FacilityBookingFactory(startup=startup)  # with its facility
    factories.TechTransferFactory(startup=startup)  # with its institution and an IP item
    factories.SpaceLeaseFactory(startup=startup)  # a unit of its own
    factories.MentoringSessionFactory(startup=startup)  # with its mentor
    factories.IncubationAgreementFactory(startup=startup)  # 48 months from 2021-03-01
    factories.IncubatorFiguresFactory()  # the incubator's figures from a day of its own
    factories.PolicyApplicationFactory(startup=startup)  # a submitted 高企 application
    factories.FinancingIntroductionFactory(  # that led to its A round
        startup=startup,
        investor=investor,
        introduced_on=dt.date(2024, 1, 15),
        outcome="invested",
        funding_round=funding_round,
    )
    graduate = factories.StartupFactory()  # a startup of its own: the others stay active
    factories.FundingRoundFactory(startup=graduate, round_type="b", amount=Decimal("8000000"))
    services.startup_graduate(startup=graduate, on=dt.date(2025, 6, 30), basis=["vc_over_5m"])
    return EveryModel(startup, investor, funding_round, fund, commitment)


def add_lps(fund: Fund) -> dict:
    """The fund's investors, through their services: a guidance fund (60 %) and social
    capital (40 %) committed 1亿; one call of 2000万 paid in full, an audit fee, a 让利 rule
    and a distribution of 100万 to the partners."""
    from portfolio.services import lps

    gov = lps.limited_partner_create(name=f"市引导基金{fund.pk}(示例)", kind="government_guidance")
    social = lps.limited_partner_create(name=f"社会资本{fund.pk}(示例)", kind="social_capital")
    for lp, amount in ((gov, 60_000_000), (social, 40_000_000)):
        lps.lp_commitment_create(
            fund=fund, limited_partner=lp, amount=amount, committed_on=dt.date(2024, 1, 2)
        )
    call = lps.capital_call_create(
        fund=fund,
        call_date=dt.date(2024, 1, 10),
        due_date=dt.date(2024, 1, 31),
        amount=20_000_000,
        management_fees=500_000,
    )
    for item in call.items.all():
        lps.capital_call_payment_record(
            capital_call=call,
            limited_partner=item.limited_partner,
            paid_on=dt.date(2024, 1, 20),
            amount=item.amount,
        )
    late = lps.capital_call_create(
        fund=fund, call_date=dt.date(2024, 2, 1), due_date=dt.date(2024, 2, 15), amount=1_000_000
    )  # the guidance fund pays its part; social capital does not, and is recorded in default
    lps.capital_call_payment_record(
        capital_call=late, limited_partner=gov, paid_on=dt.date(2024, 2, 10), amount=600_000
    )
    lps.call_default_record(
        item=late.items.get(limited_partner=social), noticed_on=dt.date(2024, 2, 20)
    )
    lps.fund_expense_record(
        fund=fund, incurred_on=dt.date(2024, 4, 30), amount=100_000, category="audit"
    )
    lps.reallocation_rule_set(fund=fund, ceding=gov, pct=50, beneficiaries=[(social, 1)])
    lps.lp_distribution_record(fund=fund, paid_on=dt.date(2024, 10, 1), amount=1_000_000)
    return {"government": gov, "social": social, "call": call}


# --- a varied portfolio ----------------------------------------------------------------------

# Where startup number i ends up (by i % 7), as the list of stages it moves through.
PATHS = [
    ["lab"],
    ["lab", "concept"],
    ["lab", "concept", "prototype"],
    ["lab", "concept", "prototype", "pilot"],
    ["lab", "concept", "prototype", "pilot", "first-sales"],
    ["lab", "concept", "prototype", "pilot", "first-sales", "scale-up"],
    ["lab", "concept", "prototype", "closed"],
]
STEP_DAYS = [120, 200, 260, 310, 150, 400]
AREAS = [TechArea.COMPUTING, TechArea.COMMUNICATION, TechArea.SENSING]


@dataclass
class Portfolio:
    startups: list[Startup] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    fund: Fund | None = None


def build_world(n: int, *, fund: Fund | None = None, offset: int = 0) -> Portfolio:
    """``n`` varied startups (numbered from ``offset``), and ``fund`` (or a new one) holding
    every third one that is not closed."""
    stages = {s.slug: s for s in Stage.objects.all()}
    world = Portfolio(fund=fund or factories.FundFactory())
    world.institutions = list(Institution.objects.order_by("pk")[:3])
    while len(world.institutions) < 3:
        world.institutions.append(factories.InstitutionFactory())
    investor = factories.InvestorFactory()
    for i in range(offset, offset + n):
        admitted = dt.date(2020 + i % 4, 3 + i % 5, 1)
        startup = factories.StartupFactory(
            tech_area=AREAS[i % 3],
            institution=world.institutions[i % 3],
            admitted_on=admitted,
            founded_on=admitted - dt.timedelta(days=400),
            registered_region="北京市海淀区" if i % 4 else "安徽省合肥市",
        )
        on = admitted
        for step, slug in enumerate(PATHS[i % len(PATHS)][1:]):
            on += dt.timedelta(days=STEP_DAYS[step] + 7 * (i % 3))
            stage = stages[slug]  # a TRL inside the stage's range (startup_advance's rule)
            trl = min(max(2 + 2 * step, stage.trl_min), stage.trl_max)
            services.startup_advance(startup=startup, to_stage=stage, on=on, trl=trl)
        factories.FundingRoundFactory(
            startup=startup,
            round_type="seed",
            closed_on=admitted + dt.timedelta(days=60),
            amount=Decimal("3000000.00") + i * 100000,
            lead_investor=investor,
        )
        if i % 2:
            factories.FundingRoundFactory(
                startup=startup,
                round_type="a",
                closed_on=admitted + dt.timedelta(days=500),
                amount=Decimal("20000000.00"),
                amount_precision=AmountPrecision.APPROXIMATE,
                announced_as="数千万元",
                lead_investor=None,
            )
        if i % 5 == 0:
            factories.FundingRoundFactory(
                startup=startup,
                round_type="angel",
                closed_on=admitted + dt.timedelta(days=20),
                amount=None,
                amount_precision=AmountPrecision.UNDISCLOSED,
                lead_investor=None,
            )
        factories.MilestoneFactory(startup=startup, achieved_on=admitted + dt.timedelta(days=90))
        for quarter in (1, 2, 3, 4):
            factories.KpiReportFactory(
                startup=startup,
                year=2024,
                quarter=quarter,
                revenue=Decimal(100000 * quarter * (1 + i % 3)),
                headcount=10 + quarter,
                patents_filed=quarter % 2,
                patents_granted=1 if quarter == 4 else 0,
                customers=quarter,
            )
        startup.refresh_from_db()
        world.startups.append(startup)
        if i % 3 == 0 and startup.status != "closed":
            commitment = factories.CommitmentFactory(
                fund=world.fund,
                startup=startup,
                amount=Decimal("5000000.00"),
                approved_on=dt.date(2024, 1 + i % 12, 10),
            )
            factories.DisbursementFactory(
                commitment=commitment,
                amount=Decimal("2000000.00"),
                paid_on=dt.date(2024, 1 + i % 12, 20),
            )
            factories.ValuationMarkFactory(
                fund=world.fund,
                startup=startup,
                as_of=dt.date(2025, 6, 30),
                fair_value=Decimal("2500000.00") + i * 10000,
            )
    return world


# --- a small hand-checked portfolio ----------------------------------------------------------


@dataclass
class HandChecked:
    tsinghua: Institution
    cas: Institution
    weici: Startup  # sensing, crossed the valley (first-sales)
    coherent: Startup  # computing, in the valley (pilot)
    kewei: Startup  # communication, concept
    huayi: Startup  # computing, closed
    idg: Investor
    robotics: Investor
    fund: Fund
    kpi_request: object = None  # 2024 Q3, asking 未磁 and 相干 (each has submitted)
    fridge: object = None  # a dilution refrigerator: 未磁's cool-down run in May 2024
    clean_room: object = None  # 相干's two days in May 2024
    mentor: object = None  # 张导师, appointed 2023-01-01: a session with 未磁 and one with 相干


def hand_checked_world() -> HandChecked:
    """A small, hand-checkable portfolio (tests/api/test_reports.py has the numbers)."""
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
    factories.FundingRoundFactory(
        startup=weici,
        round_type="a",
        closed_on=dt.date(2022, 3, 1),
        amount=Decimal("100000000"),
        lead_investor=idg,
        participants=[(idg, Decimal("60000000")), (robotics, Decimal("40000000"))],
    )
    round_b = factories.FundingRoundFactory(
        startup=weici,
        round_type="b",
        closed_on=dt.date(2023, 6, 1),
        amount=Decimal("200000000"),
        lead_investor=robotics,
        participants=[(robotics, None)],
    )
    factories.FundingRoundFactory(
        startup=coherent,
        round_type="seed",
        closed_on=dt.date(2022, 9, 1),
        amount=None,
        amount_precision="undisclosed",
        announced_as="数千万元",
        lead_investor=idg,
    )
    certificate = factories.MilestoneFactory(
        startup=weici,
        kind=MilestoneKind.CERTIFICATION,
        achieved_on=dt.date(2023, 3, 1),
        title="NMPA 注册证",
    )
    attach_evidence(certificate, name="NMPA 注册证.pdf")  # evidence (issue 15): one file each
    attach_evidence(
        factories.MilestoneFactory(startup=coherent, achieved_on=dt.date(2022, 6, 1)),
        name="prototype.pdf",
    )
    factories.KpiReportFactory(startup=weici, year=2024, quarter=1)
    factories.KpiReportFactory(startup=weici, year=2024, quarter=2, revenue=Decimal("3000000"))
    factories.KpiReportFactory(startup=coherent, year=2023, quarter=4)
    # Founders' KPIs (issue 15): a request for 2024 Q3 and one submission from each startup.
    kpi_request = services.kpis.kpi_request_open(
        year=2024, quarter=3, due_on=dt.date(2024, 10, 31), startups=[weici.pk, coherent.pk]
    )
    for startup in (weici, coherent):
        services.kpis.kpi_submission_create(
            startup=startup, year=2024, quarter=3, figures={"revenue": Decimal("1000000")}
        )

    fund = factories.FundFactory(
        name="北京量子信息产业发展投资基金", name_en="Beijing Quantum Fund"
    )
    c1 = factories.CommitmentFactory(
        fund=fund, startup=weici, amount=Decimal("30000000"), approved_on=dt.date(2023, 1, 15)
    )
    factories.CommitmentFactory(
        fund=fund, startup=coherent, amount=Decimal("20000000"), approved_on=dt.date(2023, 3, 1)
    )
    factories.DisbursementFactory(
        commitment=c1,
        amount=Decimal("20000000"),
        paid_on=dt.date(2023, 6, 1),
        funding_round=round_b,
    )
    factories.ValuationMarkFactory(
        fund=fund,
        startup=weici,
        as_of=dt.date(2024, 6, 30),
        fair_value=Decimal("50000000"),
        method="recent_round",
    )
    factories.DistributionFactory(
        fund=fund, startup=weici, paid_on=dt.date(2024, 9, 1), amount=Decimal("5000000")
    )
    add_lps(fund)
    # Shared facilities (issue 16): one booking each of 未磁 and 相干, in May 2024.
    fridge = factories.FacilityFactory(
        name="稀释制冷机（测试）", kind="dilution_refrigerator", booking_unit="cooldown_run"
    )
    clean_room = factories.FacilityFactory(
        name="洁净室（测试）", kind="clean_room", booking_unit="day"
    )
    factories.FacilityBookingFactory(
        facility=fridge,
        startup=weici,
        starts_at=dt.datetime(2024, 5, 6, 9, tzinfo=factories.SHANGHAI),
        ends_at=dt.datetime(2024, 5, 9, 9, tzinfo=factories.SHANGHAI),
        units=Decimal("1"),
        helium_litres=Decimal("40"),
        note="一次降温",
    )
    factories.FacilityBookingFactory(
        facility=clean_room,
        startup=coherent,
        starts_at=dt.datetime(2024, 5, 20, 8, tzinfo=factories.SHANGHAI),
        ends_at=dt.datetime(2024, 5, 22, 8, tzinfo=factories.SHANGHAI),
        units=Decimal("2"),
    )
    # The technology-transfer ledger (issue 16): a licence to 未磁, 作价投资 into 相干.
    factories.TechTransferFactory(
        startup=weici,
        institution=weici.institution,
        title="磁传感技术（测试）",
        mode="licence",
        contract_on=dt.date(2023, 3, 1),
    )
    factories.TechTransferFactory(
        startup=coherent,
        institution=coherent.institution,
        title="相干光源（测试）",
        mode="equity",
        contract_on=dt.date(2023, 9, 1),
        ip_items=[{"kind": "utility_model", "application_number": "CN202020012345X"}],
    )
    # Space and mentors (issue 16): 未磁 leases lab L-201 (100 m²) from 2024-01-01 to
    # 2024-12-31, 相干 office O-301 (40 m²) from 2024-03-01 on, and a 20 m² public service
    # area (O-100, recorded on 相干) from 2024-01-01 on; one mentor, a session with each.
    factories.SpaceLeaseFactory(
        startup=weici,
        unit="L-201",
        kind="lab",
        area_m2=Decimal("100"),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        list_rent=Decimal("12000"),
        actual_rent=Decimal("9000"),
        subsidy=Decimal("3000"),
        subsidy_source="海淀区",
    )
    factories.SpaceLeaseFactory(
        startup=coherent,
        unit="O-301",
        kind="office",
        area_m2=Decimal("40"),
        starts_on=dt.date(2024, 3, 1),
    )
    factories.SpaceLeaseFactory(
        startup=coherent,
        unit="O-100",
        kind="office",
        area_m2=Decimal("20"),
        starts_on=dt.date(2024, 1, 1),
        is_public_service_area=True,
        list_rent=Decimal("0"),
        actual_rent=Decimal("0"),
    )
    mentor = factories.MentorFactory(
        name="张导师", kind="investor", appointed_on=dt.date(2023, 1, 1)
    )
    factories.MentoringSessionFactory(
        mentor=mentor, startup=weici, held_on=dt.date(2024, 5, 10), topic="未磁融资"
    )
    factories.MentoringSessionFactory(
        mentor=mentor, startup=coherent, held_on=dt.date(2024, 6, 10), topic="相干产品"
    )
    # Incubation agreements (issue 16): 未磁 from 2021-01-10 (deadline 2025-01-10, past),
    # 相干 from 2022-02-01 (deadline 2026-02-01); the 2018 rule's 48 months each.
    factories.IncubationAgreementFactory(
        startup=weici, signed_on=dt.date(2021, 1, 5), starts_on=dt.date(2021, 1, 10)
    )
    factories.IncubationAgreementFactory(
        startup=coherent, signed_on=dt.date(2022, 1, 20), starts_on=dt.date(2022, 2, 1)
    )
    # Policy applications and financing introductions (issue 16): 未磁's approved municipal
    # 专精特新 (valid 2023-06-01 to 2026-05-31, 50万 granted, 30万 received), 相干's submitted
    # district grant; 未磁 introduced to the robotics fund at a roadshow on 2023-03-10 (it led
    # the B round of 2023-06-01), 相干 to it one-to-one on 2024-04-02 (pending).
    factories.PolicyApplicationFactory(
        startup=weici,
        programme="specialised_sme",
        level="municipal",
        applied_on=dt.date(2023, 4, 1),
        status="approved",
        certificate_number="ZJTX-2023-0001",
        valid_from=dt.date(2023, 6, 1),
        valid_to=dt.date(2026, 5, 31),
        amount_granted=Decimal("500000"),
        amount_received=Decimal("300000"),
    )
    factories.PolicyApplicationFactory(
        startup=coherent, programme="grant", level="district", applied_on=dt.date(2024, 8, 1)
    )
    factories.FinancingIntroductionFactory(
        startup=weici,
        investor=robotics,
        introduced_on=dt.date(2023, 3, 10),
        channel="roadshow",
        outcome="invested",
        funding_round=round_b,
    )
    factories.FinancingIntroductionFactory(
        startup=coherent,
        investor=robotics,
        introduced_on=dt.date(2024, 4, 2),
        channel="one_to_one",
    )
    for obj in (weici, coherent, kewei, huayi):
        obj.refresh_from_db()
    return HandChecked(
        tsinghua,
        cas,
        weici,
        coherent,
        kewei,
        huayi,
        idg,
        robotics,
        fund,
        kpi_request,
        fridge,
        clean_room,
        mentor,
    )


# --- a world whose names a leak would show, and every API URL over it (isolation, renderer) ---

SECRET_NAMES = [
    "机密量子科技",
    "Hidden Qubit Ltd",
    "机密母基金",
    "Hidden Fund",
    "机密资本",
    "机密研究所",
]


def secret_world():
    """``make_world`` with names a leak would show: the startup, the fund, the investor and
    the institution carry ``SECRET_NAMES``."""
    world = make_world()
    world.startup.name, world.startup.name_en = SECRET_NAMES[0], SECRET_NAMES[1]
    world.startup.save()
    world.fund.name, world.fund.name_en = SECRET_NAMES[2], SECRET_NAMES[3]
    world.fund.save()
    world.investor.name = SECRET_NAMES[4]
    world.investor.save()
    institution = factories.InstitutionFactory(name=SECRET_NAMES[5])
    world.startup.institution = institution
    world.startup.save()
    return world


def api_urls(world) -> list[str]:
    detail_keys = {
        "institution": Institution.objects.first().pk,
        "stage": Stage.objects.first().slug,
        "startup": world.startup.pk,
        "stagetransition": world.startup.transitions.first().pk,
        "milestone": Milestone.objects.first().pk,
        "kpireport": KpiReport.objects.first().pk,
        "investor": world.investor.pk,
        "fundinground": world.round.pk,
        "fund": world.fund.pk,
        "commitment": world.commitment.pk,
        **{
            model._meta.model_name: model.objects.order_by("pk").first().pk
            for model in (
                Disbursement,
                ValuationMark,
                Distribution,
                LimitedPartner,
                LpCommitment,
                CapitalCall,
                FundExpense,
                LpDistribution,
                KpiRequest,
                KpiSubmission,
                Facility,
                FacilityBooking,
                TechTransfer,
                SpaceLease,
                Mentor,
                MentoringSession,
                IncubationAgreement,
                PolicyApplication,
                FinancingIntroduction,
            )
        },
    }
    urls = [
        "/api/v1/reports/pipeline/",
        "/api/v1/reports/pipeline/?tech_area=sensing",
        "/api/v1/reports/pipeline/?population=all&format=csv",
        "/api/v1/reports/valley/",
        "/api/v1/reports/valley/?population=all",
        f"/api/v1/reports/valley/?fund={world.fund.pk}",
        "/api/v1/reports/transfer-funnel/?year=2024",
        "/api/v1/reports/impact/?year=2024",
        "/api/v1/reports/impact/?year=2024&population=all&format=csv",
        "/api/v1/reports/impact/?year=2024&format=xlsx",
    ]
    for prefix, _viewset, basename in router.registry:
        base = f"/api/v1/{prefix}/"
        urls += [
            base,
            f"{base}{detail_keys[basename]}/",
            f"{base}?search=机密",
            f"{base}?format=csv",
            f"{base}?format=xlsx",
            f"{base}?ordering=-id&page_size=500",
        ]
    fund = f"/api/v1/funds/{world.fund.pk}/"
    urls += [
        f"{fund}report/",
        f"{fund}report/?as_of=2024-12-31",
        f"{fund}holdings/",
        f"{fund}holdings/?format=csv",
        f"{fund}holdings/?format=xlsx",
        f"{fund}policy/",
        f"{fund}policy/?format=xlsx",
        f"{fund}investees/",
        f"{fund}investees/?format=csv",
        f"{fund}investees/?format=xlsx",
        f"/api/v1/funding-rounds/?startup={world.startup.pk}",
        f"/api/v1/commitments/?fund={world.fund.pk}",
        "/api/v1/facilities/utilisation/?year=2025",
        "/api/v1/space-leases/occupancy/?on=2025-06-30",
        "/api/v1/mentors/per-10-incubatees/?on=2025-06-30",
        "/api/v1/reports/incubation/?year=2024",
        "/api/v1/reports/incubation/?year=2024&format=csv",
        "/api/v1/reports/incubation/?year=2024&format=xlsx",
        "/api/schema/",
        "/api/schema/?format=json",
    ]
    return urls
