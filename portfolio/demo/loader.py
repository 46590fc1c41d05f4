"""Demo data: the real facts of the source article (facts) plus clearly labelled illustrative
rows. Everything is written through the services, so the demo obeys the same rules as users
do. The load is deterministic (a seeded random generator) and idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from portfolio import selectors, services
from portfolio.demo.evidence_pdf import illustrative_pdf
from portfolio.demo.facts import (
    ARTICLE_DATE,
    FACTS,
    FUND_NAME,
    ILLUSTRATIVE,
    INSTITUTIONS,
    INVESTORS,
    REAL_STARTUPS,
    SOURCE,
    WEICI,
    M,
    Plan,
    fact,
)
from portfolio.models import (
    Facility,
    Fund,
    Institution,
    Investor,
    KpiReport,
    KpiRequest,
    Milestone,
    Stage,
    Startup,
    Tranche,
)
from portfolio.models.choices import (
    AmountPrecision,
    DistributionKind,
    MilestoneKind,
    RoundType,
    StartupStatus,
    TechArea,
)
from portfolio.models.facilities import BookingUnit, FacilityKind
from portfolio.models.kpis import SUBMITTED_FIGURES
from portfolio.models.validators import make_credit_code
from portfolio.services import ParticipantInput

LAST_DAY = dt.date(2026, 9, 30)  # the demo's history ends with the third quarter of 2026
EXIT_DAY = dt.date(2026, 8, 15)  # illustrative startups that exit do so on this day

DEMO_PASSWORD = "quantum-demo-2024"  # public (README): only ever used with DEBUG on


class DemoLogin(NamedTuple):
    username: str
    description: str
    password: str | None  # None: the account existed already and was left as it was


DEMO_USERS = [
    # username, role (group) or None for the superuser, description
    ("admin", None, "superuser"),
    ("staff", "incubator-staff", "incubator staff"),
    ("manager", "fund-managers", "fund manager"),
    ("viewer", "viewers", "viewer (district official)"),
]
#: founders' logins (role ``founders``), each linked to an illustrative startup the fund holds
DEMO_FOUNDERS = [
    # username, startup, title
    ("founder1", "稀释制冷科技（示例）", "创始人兼CEO（示例）"),
    ("founder2", "拓扑比特科技（示例）", "联合创始人兼CTO（示例）"),
    ("founder3", "量子磁测科技（示例）", "创始人（示例）"),
]
#: the demo's KPI round (issue 15): the last quarter of the demo's history, asked of the
#: founders' startups; founder1's submission approved, founder2's awaiting review,
#: founder3's startup silent and overdue. The figures submitted are the illustrative
#: quarter's own (nothing new is invented).
KPI_ROUND = (2026, 3, dt.date(2026, 10, 31))


ILLUSTRATIVE_NAMES = [
    ("量晶芯", "Liangjing Chip", TechArea.COMPUTING),
    ("冷原子钟", "Cold Atom Clock", TechArea.SENSING),
    ("光子链", "Photon Link", TechArea.COMMUNICATION),
    ("离子阱智算", "Ion Trap Compute", TechArea.COMPUTING),
    ("金刚石色心", "Diamond NV Sensing", TechArea.SENSING),
    ("量子密钥云", "QKD Cloud", TechArea.COMMUNICATION),
    ("超导微波", "Superconducting Microwave", TechArea.COMPUTING),
    ("单光子探测", "Single Photon Detect", TechArea.COMMUNICATION),
    ("原子重力仪", "Atom Gravimeter", TechArea.SENSING),
    ("量子退火", "Quantum Annealing", TechArea.COMPUTING),
    ("芯片级原子钟", "Chip-scale Atomic Clock", TechArea.SENSING),
    ("量子随机数", "Quantum RNG", TechArea.COMMUNICATION),
    ("拓扑比特", "Topological Qubit", TechArea.COMPUTING),
    ("量子磁测", "Quantum Magnetometry", TechArea.SENSING),
    ("星地量子链", "Satellite Quantum Link", TechArea.COMMUNICATION),
    ("中性原子阵列", "Neutral Atom Array", TechArea.COMPUTING),
    ("量子雷达", "Quantum Radar", TechArea.SENSING),
    ("后量子密码", "Post-Quantum Crypto", TechArea.COMMUNICATION),
    ("稀释制冷", "Dilution Cryogenics", TechArea.COMPUTING),
    ("量子成像", "Quantum Imaging", TechArea.SENSING),
    ("量子网络交换", "Quantum Network Switch", TechArea.COMMUNICATION),
    ("量子软件栈", "Quantum Software Stack", TechArea.COMPUTING),
    ("光钟计量", "Optical Clock Metrology", TechArea.SENSING),
    ("量子中继", "Quantum Repeater", TechArea.COMMUNICATION),
    ("硅基自旋", "Silicon Spin Qubit", TechArea.COMPUTING),
    ("原子陀螺", "Atom Gyroscope", TechArea.SENSING),
    ("纠缠光源", "Entangled Photon Source", TechArea.COMMUNICATION),
    ("量子测控", "Quantum Control Electronics", TechArea.COMPUTING),
    ("量子生物传感", "Quantum Bio-sensing", TechArea.SENSING),
    ("量子安全网关", "Quantum Secure Gateway", TechArea.COMMUNICATION),
    ("光量子计算", "Photonic Quantum Compute", TechArea.COMPUTING),
    ("微波量子传感", "Microwave Quantum Sensing", TechArea.SENSING),
    ("量子存储", "Quantum Memory", TechArea.COMMUNICATION),
    ("量子纠错", "Quantum Error Correction", TechArea.COMPUTING),
]

PIPELINE = ["lab", "concept", "prototype", "pilot", "first-sales", "scale-up"]
TRL_AT = {"lab": 2, "concept": 3, "prototype": 5, "pilot": 6, "first-sales": 7, "scale-up": 9}
ROUND_AT = {
    "lab": (RoundType.GRANT, Decimal("1.5"), Decimal("3")),
    "concept": (RoundType.ANGEL, Decimal("3"), Decimal("8")),
    "prototype": (RoundType.PRE_A, Decimal("10"), Decimal("30")),
    "pilot": (RoundType.A, Decimal("30"), Decimal("80")),
    "first-sales": (RoundType.B, Decimal("80"), Decimal("150")),
    "scale-up": (RoundType.C, Decimal("150"), Decimal("300")),
}
# Final positions of the illustrative startups, so every stage and outcome is present.
FINAL = (
    ["lab"] * 5
    + ["concept"] * 6
    + ["prototype"] * 7
    + ["pilot"] * 6
    + ["first-sales"] * 4
    + ["scale-up"] * 2
    + ["exited"] * 2
    + ["closed"] * 2
)


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _back_to_back(
    rng: random.Random,
    first: dt.datetime,
    last: dt.datetime,
    length: tuple[int, int],
    pause: tuple[int, int],
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """One facility's bookings, one after another from ``first`` until the next would end
    after ``last``: each ``length`` days long (low, high) and ``pause`` days after the one
    before. A generator, so the caller's draws for a booking come between its length's and
    the pause's (the demo's random sequence)."""
    at = first
    while (ends := at + _days(rng, *length)) <= last:
        yield at, ends
        at = ends + _days(rng, *pause)


def _demo_user(username: str, description: str, password: Callable[[], str], **flags):
    """The demo login ``username`` and, when it is new, its user: a user that exists is left
    as it is (its login shows no password); else one is created with ``password()``, an
    address at demo.invalid and ``flags``."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return DemoLogin(username, description, None), None
    secret = password()
    user = User(username=username, email=f"{username}@demo.invalid", **flags)
    user.set_password(secret)
    user.save()
    return DemoLogin(username, description, secret), user


def illustrative_plans(rng: random.Random, institutions: list[str]) -> list[Plan]:
    plans = []
    for index, ((short, short_en, area), final) in enumerate(
        zip(ILLUSTRATIVE_NAMES, FINAL, strict=True)
    ):
        admitted = dt.date(2021 + index % 6, 1 + (index * 5) % 12, 1 + (index * 7) % 27)
        admitted = min(admitted, dt.date(2026, 6, 1))
        start = "lab" if final in ("lab", "closed") or index % 3 else "concept"
        if final == "closed":
            last_pipeline = "prototype"
        elif final == "exited":
            last_pipeline = "first-sales" if index % 2 else "pilot"
        else:
            last_pipeline = final
        stages = PIPELINE[PIPELINE.index(start) : PIPELINE.index(last_pipeline) + 1]
        if not stages:
            stages = [last_pipeline]
        # Squeeze the history between admission and the end of the demo period.
        end = EXIT_DAY - dt.timedelta(days=45) if final == "exited" else LAST_DAY
        span = (end - admitted).days
        step = max(60, span // (len(stages) + (1 if final in ("exited", "closed") else 0) + 1))
        path, on = [], admitted
        for slug in stages:
            path.append((slug, on, TRL_AT[slug]))
            on = min(on + dt.timedelta(days=step) + _days(rng, -20, 20), end)
        if final == "exited":
            path.append((final, EXIT_DAY, 0))  # the exit stage's lowest TRL, or higher
        elif final == "closed":
            path.append((final, max(on, path[-1][1] + dt.timedelta(days=30)), path[-1][2]))
        plans.append(
            Plan(
                name=f"{short}科技（示例）",
                name_en=f"{short_en} (illustrative)",
                tech_area=area,
                institution=institutions[index % len(institutions)],
                region="北京市海淀区" if index % 4 else "北京市朝阳区",
                founded_on=admitted - _days(rng, 90, 700),
                admitted_on=admitted,
                path=path,
                description=f"{ILLUSTRATIVE}: 一家{short}方向的科研成果转化企业。",
                founders="（示例）",
            )
        )
    return plans


class DemoLoader:
    def __init__(self, out=None) -> None:
        self.rng = random.Random(20241120)
        self.out = out
        self.stages = {stage.slug: stage for stage in Stage.objects.all()}
        self.investors: dict[str, Investor] = {}
        self.institutions: dict[str, Institution] = {}

    def log(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message)

    # --- reference rows ---------------------------------------------------------------------

    def reference_rows(self) -> None:
        for name, name_en, short, kind, city in INSTITUTIONS:
            self.institutions[name], _ = Institution.objects.get_or_create(
                name=name,
                defaults={"name_en": name_en, "short_name": short, "kind": kind, "city": city},
            )
        for name, name_en, kind in INVESTORS:
            self.investors[name], _ = Investor.objects.get_or_create(
                name=name, defaults={"name_en": name_en, "kind": kind}
            )

    # --- startups ---------------------------------------------------------------------------

    def trl(self, slug: str, trl: int, previous: int = 0) -> int:
        """``trl``, or for 0 (not given by a source) the stage's lowest TRL, not below the
        TRL the startup already had."""
        stage = self.stages[slug]
        if trl:
            return trl
        return min(max(previous, stage.trl_min), stage.trl_max)

    def startup(self, plan: Plan, number: int) -> Startup:
        first_slug, first_on, first_trl = plan.path[0]
        trl = self.trl(first_slug, first_trl)
        startup = services.startup_create(
            name=plan.name,
            name_en=plan.name_en,
            # a real company's credit code is not in the source: left empty
            credit_code=make_credit_code(number) if plan.illustrative else None,
            tech_area=plan.tech_area,
            institution=self.institutions.get(plan.institution) if plan.institution else None,
            founders=plan.founders,
            founded_on=plan.founded_on,
            admitted_on=plan.admitted_on,
            registered_region=plan.region,
            location=plan.location or (plan.region if plan.illustrative else ""),
            description=plan.description,
            is_illustrative=plan.illustrative,
            stage=self.stages[first_slug],
            trl=trl,
            entered_on=first_on,
        )
        for slug, on, step_trl in plan.path[1:]:
            trl = self.trl(slug, step_trl, trl)
            services.startup_advance(
                startup=startup,
                to_stage=self.stages[slug],
                on=on,
                trl=trl,
                note=ILLUSTRATIVE if plan.illustrative else plan.note,
            )
        startup.refresh_from_db()
        if plan.illustrative:  # a real company's headcount is not in the source
            if startup.status == StartupStatus.ACTIVE and plan.path[-1][0] == "scale-up":
                startup.headcount = self.rng.randint(80, 300)
            else:
                startup.headcount = self.rng.randint(5, 80)
            startup.save(update_fields=["headcount"])
        return startup

    def illustrative_rounds(self, startup: Startup, plan: Plan) -> None:
        # invented rounds name invented investors only: a real investor's participation
        # in a company that does not exist would be an invented fact about it
        pool = [i for n, i in self.investors.items() if "示例" in n]
        for slug, on, _trl in plan.path:
            if slug not in ROUND_AT or self.rng.random() < 0.25:
                continue
            round_type, low, high = ROUND_AT[slug]
            amount = (Decimal(self.rng.uniform(float(low), float(high))) * M).quantize(M)
            closed_on = min(on + _days(self.rng, 10, 90), LAST_DAY)
            investors = self.rng.sample(pool, k=self.rng.randint(1, 3))
            shares = [Decimal(self.rng.randint(15, 30)) / 100 for _ in investors]
            precision = (
                AmountPrecision.APPROXIMATE if self.rng.random() < 0.2 else AmountPrecision.EXACT
            )
            services.round_record(
                startup=startup,
                round_type=round_type,
                closed_on=closed_on,
                amount=amount,
                amount_precision=precision,
                announced_as="数千万元" if precision == AmountPrecision.APPROXIMATE else "",
                pre_money_valuation=amount * self.rng.randint(3, 8),
                lead_investor=investors[0],
                participants=[
                    ParticipantInput(inv, (amount * share).quantize(Decimal("0.01")))
                    for inv, share in zip(investors, shares, strict=True)
                ],
                note=ILLUSTRATIVE,
                is_illustrative=True,
            )

    def weici_rounds(self, startup: Startup) -> None:
        """未磁科技: 5 rounds totalling over 300 million yuan, investors include the Beijing
        Robotics Fund and IDG Capital (source). The source dates no round, splits no amount
        and pairs no investor with a round: the rounds' dates and equal split are
        illustrative (flagged), and the named investors are listed on the last one only, on
        the article's date (by which they had invested), the pairing flagged illustrative
        too; no investor is dated into an earlier round (the Robotics Fund was registered
        in 2024)."""
        investors = [self.investors[name] for name in fact(WEICI, "investors")]
        count = fact(WEICI, "rounds")
        per_round = (fact(WEICI, "raised_over") / count).quantize(M)
        dates = [
            dt.date(2021, 6, 30),
            dt.date(2022, 6, 30),
            dt.date(2023, 6, 30),
            dt.date(2024, 6, 30),
            ARTICLE_DATE,
        ]
        kinds = [RoundType.ANGEL, RoundType.PRE_A, RoundType.A, RoundType.A_PLUS, RoundType.B]
        for number, (round_type, closed_on) in enumerate(zip(kinds, dates, strict=True), 1):
            last = number == count
            services.round_record(
                startup=startup,
                round_type=round_type,
                closed_on=closed_on,
                amount=per_round,
                amount_precision=AmountPrecision.APPROXIMATE,
                announced_as="5轮合计超过3亿元",
                participants=[ParticipantInput(inv, None) for inv in investors] if last else [],
                note=f"{SOURCE}: 成立四年来完成5轮超过3亿元融资, 获得了北京市机器人基金、"
                "IDG资本等多家机构投资。轮次、日期与金额均分为示例"
                + ("; 投资方来自来源, 列在此轮为示例 (pairing illustrative)。" if last else "。"),
                is_illustrative=True,
            )

    def origin_valuation(self, startup: Startup) -> None:
        services.round_record(
            startup=startup,
            round_type=RoundType.B,
            closed_on=dt.date(2021, 12, 31),
            amount=None,
            amount_precision=AmountPrecision.UNDISCLOSED,
            pre_money_valuation=fact("本源量子", "valuation"),
            note=f"{SOURCE}: 本源量子的估值在2021年就有六七十亿元 "
            "(valuation 6-7 billion yuan in 2021; the round, its type and date are illustrative).",
            is_illustrative=True,
        )

    def milestones(self, startup: Startup, plan: Plan) -> None:
        for slug, on, _trl in plan.path:
            kind = {
                "prototype": MilestoneKind.FIRST_PROTOTYPE,
                "pilot": MilestoneKind.PATENT_GRANTED,
                "first-sales": MilestoneKind.FIRST_CUSTOMER,
                "scale-up": MilestoneKind.PARTNERSHIP,
            }.get(slug)
            if kind is None:
                continue
            Milestone.objects.create(
                startup=startup,
                kind=kind,
                achieved_on=min(on + _days(self.rng, 0, 60), LAST_DAY),
                title=str(MilestoneKind(kind).label),
                description=ILLUSTRATIVE,
                is_illustrative=True,
            )

    def weici_milestones(self, startup: Startup) -> None:
        """The article's facts about 未磁's products. The export is dated by the article
        (11月8日); the hospitals' installations are known on the article's date only, so
        that date stands in for when they happened and those rows are flagged."""
        titles = [f.value for f in FACTS if (f.company, f.field) == (WEICI, "milestone")]
        export, hearts, brains = titles
        facts = [
            (MilestoneKind.FIRST_EXPORT, dt.date(2024, 11, 8), export, False),
            (MilestoneKind.FIRST_CUSTOMER, ARTICLE_DATE, hearts, True),
            (MilestoneKind.FIRST_CUSTOMER, ARTICLE_DATE, brains, True),
        ]
        for kind, on, title, illustrative in facts:
            Milestone.objects.create(
                startup=startup,
                kind=kind,
                achieved_on=on,
                title=title,
                description=SOURCE
                + ("; 日期为来源报道日, 实际日期未给出 (date stands in)" if illustrative else ""),
                is_illustrative=illustrative,
            )

    def kpis(self, startup: Startup, plan: Plan) -> None:
        """Invented quarterly figures, for an illustrative startup only (flagged)."""
        assert plan.illustrative, "invented KPIs on a real company"
        start = plan.admitted_on or dt.date(2024, 1, 1)
        year, quarter = start.year, (start.month - 1) // 3 + 1
        stage_on = [(on, slug) for slug, on, _ in plan.path]
        headcount, filed, granted, cash = self.rng.randint(4, 12), 0, 0, Decimal("3000000")
        reports = []
        while (year, quarter) <= (2026, 3):
            quarter_end = dt.date(year, quarter * 3, 1)
            slug = [s for on, s in stage_on if on <= quarter_end][-1:] or [plan.path[0][0]]
            slug = slug[0]
            if slug == "closed":
                break
            level = PIPELINE.index(slug) if slug in PIPELINE else 5
            revenue = Decimal(0)
            if level >= 4:
                revenue = (Decimal(self.rng.uniform(2, 12)) * M * (level - 3)).quantize(M)
            hired = self.rng.randint(0, 2 + level)
            headcount += hired
            filed += self.rng.randint(0, 3)
            granted = min(filed, granted + self.rng.randint(0, 2))
            rd = (Decimal(self.rng.uniform(0.5, 2.5)) * M * (level + 1)).quantize(M)
            cash = max(
                Decimal("500000"), cash + revenue - rd + Decimal(self.rng.randint(0, 20)) * M
            )
            reports.append(
                KpiReport(
                    startup=startup,
                    year=year,
                    quarter=quarter,
                    revenue=revenue,
                    rd_spend=rd,
                    headcount=headcount,
                    patents_filed=filed,
                    patents_granted=granted,
                    customers=max(0, (level - 3) * self.rng.randint(1, 8)),
                    # the statistics return's figures, derived (no further draws, so the
                    # figures above stay as they were): a quarter of the staff hold a PhD,
                    # half the newcomers come straight from university, two thirds of the
                    # filings and half the grants are inventions, taxes at 6% of revenue
                    phd_staff=headcount // 4,
                    new_graduates_hired=hired // 2,
                    invention_patents_filed=filed * 2 // 3,
                    invention_patents_granted=granted // 2,
                    taxes_paid=(revenue * Decimal("0.06")).quantize(Decimal("0.01")),
                    cash=cash.quantize(Decimal("0.01")),
                    runway_months=min(
                        Decimal("99.9"), (cash / max(rd, M) * 3).quantize(Decimal("0.1"))
                    ),
                    is_illustrative=True,
                    source=ILLUSTRATIVE,
                )
            )
            quarter += 1
            if quarter == 5:
                year, quarter = year + 1, 1
        # In bulk, but with their history records like every other write (audit trail).
        bulk_create_with_history(reports, KpiReport)

    # --- the fund ---------------------------------------------------------------------------

    def fund(self, startups: list[Startup]) -> Fund:
        fund = Fund.objects.create(
            name=FUND_NAME,
            name_en="Beijing Quantum Information Industry Development Investment Fund",
            size=Decimal("200000000.00"),
            vintage_year=2025,
            manager="中关村科学城基金管理人（示例）",
            investment_period_end=dt.date(2029, 12, 31),
            max_single_company_pct=Decimal("20.00"),
            min_target_sector_pct=Decimal("80.00"),
            target_tech_areas=[area.value for area in TechArea],
            min_local_pct=Decimal("50.00"),
            local_region="北京市",
            is_illustrative=True,
            illustrative_note=(
                "名称与规模(2亿元)来自来源; 成立年份、管理人、投资期与20%/80%/50%限额、"
                "30%持股上限及返投设置为示例。 "
                "The name and size (200 million yuan) are from the source; the vintage, manager, "
                "investment period and the 20/80/50% limits are illustrative, and so is every "
                "investment, the 30% stake cap and the 返投 settings (basis, denominator, "
                "relocation credits)."
            ),
        )
        fund_investor = self.investors[FUND_NAME]
        # Invests in illustrative startups only: the fund was being set up in November 2024.
        candidates = [
            s
            for s in startups
            if s.is_illustrative and s.stage.slug in ("prototype", "pilot", "first-sales", "exited")
        ]
        # The exited ones first, so the fund has its one exit among its holdings.
        candidates.sort(key=lambda s: s.stage.slug != "exited")
        for index, startup in enumerate(candidates[:14]):
            amount = Decimal(self.rng.choice([5, 8, 10, 12, 15, 20])) * M
            approved = max(dt.date(2025, 2, 1), startup.admitted_on) + _days(self.rng, 0, 200)
            approved = min(approved, dt.date(2026, 3, 31))
            exit_on = startup.stage_entered_on if startup.stage.slug == "exited" else None
            if exit_on:
                approved = max(dt.date(2025, 2, 1), startup.admitted_on)
            commitment = services.commitment_create(
                fund=fund,
                startup=startup,
                amount=amount,
                approved_on=approved,
                note=ILLUSTRATIVE,
                is_illustrative=True,
            )
            first = (amount * Decimal("0.6")).quantize(M)
            paid_on = approved + dt.timedelta(days=30)
            funding_round = services.round_record(
                startup=startup,
                round_type=RoundType.A if index % 2 else RoundType.PRE_A,
                closed_on=paid_on,
                amount=amount * 3,
                pre_money_valuation=amount * 12,
                lead_investor=fund_investor,
                participants=[ParticipantInput(fund_investor, amount)],
                note=ILLUSTRATIVE,
                is_illustrative=True,
            )
            services.disbursement_record(
                commitment=commitment, amount=first, paid_on=paid_on, funding_round=funding_round
            )
            second_on = min(paid_on + dt.timedelta(days=180), LAST_DAY)
            if index % 3 != 2 and (exit_on is None or second_on < exit_on):
                # the round's second tranche: its stake follows from the round's post-money
                services.disbursement_record(
                    commitment=commitment,
                    amount=amount - first,
                    paid_on=second_on,
                    funding_round=funding_round,
                )
            for as_of, low, high in [
                (dt.date(2025, 12, 31), 0.8, 1.6),
                (dt.date(2026, 6, 30), 0.5, 2.5),
            ]:
                if as_of < paid_on:
                    continue
                services.valuation_mark(
                    fund=fund,
                    startup=startup,
                    as_of=as_of,
                    fair_value=(
                        sum(d.amount for d in commitment.disbursements.filter(paid_on__lte=as_of))
                        * Decimal(self.rng.uniform(low, high))
                    ).quantize(M),
                    note=ILLUSTRATIVE,
                )
        # Every exited holding ends: the first acquired in 2026 with 2.4x cash back (an
        # exit), any other sold for nothing (a write-off of 0); either way its fair value is
        # 0 from that day and nothing is held after.
        exited = [s for s in candidates[:14] if s.stage.slug == "exited"]
        for number, startup in enumerate(exited):
            paid = sum(d.amount for c in startup.commitments.all() for d in c.disbursements.all())
            services.distribution_record(
                fund=fund,
                startup=startup,
                paid_on=min(startup.stage_entered_on + dt.timedelta(days=20), LAST_DAY),
                **(
                    {
                        "amount": (paid * Decimal("2.4")).quantize(Decimal("0.01")),
                        "kind": DistributionKind.EXIT,
                        "note": f"{ILLUSTRATIVE}: 被并购退出 (acquisition)",
                    }
                    if number == 0
                    else {
                        "amount": Decimal("0"),
                        "kind": DistributionKind.WRITE_OFF,
                        "note": f"{ILLUSTRATIVE}: 退出无回收, 核销 (exited with no proceeds)",
                    }
                ),
            )
        return fund

    # --- the fund's investors (LPs), all illustrative ----------------------------------------

    def lps(self, fund: Fund) -> None:
        """Three invented LPs (the source names none) commit the fund's 2亿; capital is called
        ahead of each payment into a company, a formation cost and audits are booked, and the
        exit's proceeds are distributed to the partners through the waterfall. The fees,
        NAV and capital accounts then follow from the fund's terms (nothing typed in)."""
        from portfolio.models import Disbursement, Distribution
        from portfolio.services import lps

        partners = [
            ("北京市政府投资引导基金（示例）", "Beijing guidance fund (illustrative)",
             "government_guidance", 60 * M),
            ("海淀区国有资本平台（示例）", "Haidian state platform (illustrative)",
             "state_platform", 40 * M),
            ("社会资本合伙人（示例）", "Social capital partner (illustrative)",
             "social_capital", 100 * M),
        ]  # fmt: skip
        for name, name_en, kind, amount in partners:
            lp = lps.limited_partner_create(
                name=name, name_en=name_en, kind=kind, is_illustrative=True, note=ILLUSTRATIVE
            )
            lps.lp_commitment_create(
                fund=fund, limited_partner=lp, amount=amount, committed_on=dt.date(2025, 1, 15)
            )
        for on, amount, category in (
            (dt.date(2025, 3, 1), Decimal("500000"), "formation"),
            (dt.date(2026, 4, 30), Decimal("100000"), "audit"),
        ):
            lps.fund_expense_record(
                fund=fund, incurred_on=on, amount=amount, category=category, note=ILLUSTRATIVE
            )
        # Call ahead of the payments into companies: whenever the money called so far would
        # not cover what is paid out by then (plus a reserve for fees and costs), call the
        # next 10 % of the commitments (or more) twenty days before, paid ten days later.
        called, out = Decimal(0), Decimal(1_000_000)
        reserve = 6 * M
        for paid_on, amount in (
            Disbursement.objects.filter(commitment__fund=fund)
            .order_by("paid_on")
            .values_list("paid_on", "amount")
        ):
            out += amount
            if called - out >= reserve:
                continue
            need = out + reserve - called
            step = max(
                20 * M, (need / (10 * M)).to_integral_value(rounding="ROUND_CEILING") * 10 * M
            )
            call_date = max(dt.date(2025, 1, 20), paid_on - dt.timedelta(days=20))
            call = lps.capital_call_create(
                fund=fund,
                call_date=call_date,
                due_date=call_date + dt.timedelta(days=10),
                amount=step,
                management_fees=Decimal(2 * M) if called == 0 else Decimal(0),
                note=ILLUSTRATIVE,
            )
            for item in call.items.all():
                lps.capital_call_payment_record(
                    capital_call=call,
                    limited_partner=item.limited_partner,
                    paid_on=call_date + dt.timedelta(days=10),
                    amount=item.amount,
                )
            called += step
        # The exit's proceeds go out to the partners three weeks after they came in.
        proceeds = Distribution.objects.filter(fund=fund, amount__gt=0)  # not the write-offs
        for on, amount in proceeds.values_list("paid_on", "amount"):
            lps.lp_distribution_record(
                fund=fund,
                paid_on=min(on + dt.timedelta(days=21), LAST_DAY),
                amount=(amount * Decimal("0.9")).quantize(M),
                note=ILLUSTRATIVE,
            )

    # --- users ------------------------------------------------------------------------------

    @staticmethod
    def users(password: Callable[[], str] = lambda: DEMO_PASSWORD) -> list[DemoLogin]:
        """Create the demo users that do not exist yet, each with ``password()``. An existing
        user is never changed: not its password, flags or groups (a re-run must not undo
        what an administrator did to the account)."""
        logins = []
        for username, role, description in DEMO_USERS:
            login, user = _demo_user(
                username, description, password, is_staff=True, is_superuser=role is None
            )
            if user is not None and role:
                user.groups.set([Group.objects.get(name=role)])
            logins.append(login)
        founders = DemoLoader.founders(password)
        DemoLoader.tranches()
        DemoLoader.kpi_round()
        return logins + founders

    @staticmethod
    def kpi_round() -> None:
        """Illustrative only: a KPI request for ``KPI_ROUND``'s quarter asking the demo
        founders' startups -- one approved, one submitted (awaiting review), one overdue
        (nothing submitted). Each submission repeats the startup's illustrative report of
        the quarter; the approved one's report stays flagged illustrative. Skipped when the
        request exists, the quarter has not ended, or a founder or the staff user is missing
        (the demo was changed by hand)."""
        from portfolio.services import kpis
        from portfolio.services.common import today

        year, quarter, due_on = KPI_ROUND
        User = get_user_model()
        staff = User.objects.filter(username="staff").first()
        founders = [
            User.objects.filter(username=username, founder_membership__isnull=False).first()
            for username, _startup, _title in DEMO_FOUNDERS
        ]
        if staff is None or None in founders:
            return
        if KpiRequest.objects.filter(year=year, quarter=quarter).exists():
            return
        if kpis.quarter_end(year, quarter) >= today():
            return
        approved, submitted, silent = (f.founder_membership.startup for f in founders)
        kpis.kpi_request_open(
            year=year,
            quarter=quarter,
            due_on=due_on,
            startups=[approved, submitted, silent],
            by=staff,
        )
        made = {}
        for founder, startup in zip(founders[:2], (approved, submitted), strict=True):
            report = KpiReport.objects.get(startup=startup, year=year, quarter=quarter)
            figures = {name: getattr(report, name) for name in SUBMITTED_FIGURES}
            made[startup.pk] = kpis.kpi_submission_create(
                startup=startup, year=year, quarter=quarter, figures=figures, by=founder
            )
        kpis.kpi_submission_review(
            submission=made[approved.pk], decision=kpis.APPROVE, comment="（示例）", by=staff
        )
        report = KpiReport.objects.get(startup=approved, year=year, quarter=quarter)
        report.is_illustrative = True  # an illustrative startup's figures, approved or not
        report.save(update_fields=["is_illustrative"])

    @staticmethod
    def tranches() -> None:
        """Illustrative only: a follow-on commitment to the first founder's startup, planned
        in three tranches -- one paid, one ready (its milestone verified by the demo staff
        user), one blocked (its milestone not verified). Skipped when already there, or
        when the startup or the staff user is missing (the demo was changed by hand)."""
        User = get_user_model()
        staff = User.objects.filter(username="staff").first()
        startup = Startup.objects.filter(name=DEMO_FOUNDERS[0][1]).first()
        fund = Fund.objects.filter(name=FUND_NAME).first()
        if staff is None or startup is None or fund is None:
            return
        if Tranche.objects.filter(commitment__startup=startup).exists():
            return
        approved = LAST_DAY - dt.timedelta(days=90)
        commitment = services.commitment_create(
            fund=fund,
            startup=startup,
            amount=3 * M,
            approved_on=approved,
            note=f"{ILLUSTRATIVE}: 跟投，分三期按里程碑拨付 (follow-on in three tranches)",
            is_illustrative=True,
        )
        shown = Milestone.objects.create(
            startup=startup,
            kind=MilestoneKind.FIRST_PROTOTYPE,
            achieved_on=approved + dt.timedelta(days=30),
            title="10 mK 稀释制冷机样机连续运行 30 天（示例）",
            is_illustrative=True,
        )
        waiting = Milestone.objects.create(
            startup=startup,
            kind=MilestoneKind.FIRST_CUSTOMER,
            achieved_on=LAST_DAY,
            title="首台整机交付客户验收（示例）",
            is_illustrative=True,
        )
        # Verifying needs evidence: an illustrative PDF made in code, labelled as invented.
        services.evidence_add(
            milestone=shown,
            uploaded_file=ContentFile(
                illustrative_pdf("Dilution refrigerator prototype, 30 days at 10 mK"),
                name="示例-样机运行记录-illustrative.pdf",
            ),
            by=staff,
        )
        services.milestone_verify(milestone=shown, by=staff, on=approved + dt.timedelta(days=40))
        paid = services.tranche_create(
            commitment=commitment, amount=M, due_by=approved + dt.timedelta(days=30), by=staff
        )
        services.disbursement_record(
            commitment=commitment,
            tranche=paid,
            amount=M,
            paid_on=approved + dt.timedelta(days=20),
            ownership_pct=Decimal("1.5000"),  # invented: the stake the first tranche bought
            note=ILLUSTRATIVE,
        )
        for milestone, days in ((shown, 365), (waiting, 540)):  # the tranches milestones release
            services.tranche_create(
                commitment=commitment,
                amount=M,
                milestone=milestone,
                due_by=LAST_DAY + dt.timedelta(days=days),
                note=ILLUSTRATIVE,
            )

    @staticmethod
    def founders(password: Callable[[], str]) -> list[DemoLogin]:
        """The demo founders that do not exist yet: not staff, in the role ``founders``,
        linked to their startup by ``founder_add`` (an existing user is left as it is)."""
        from portfolio.services.founders import founder_add

        logins = []
        for username, startup_name, title in DEMO_FOUNDERS:
            description = f"founder of {startup_name}"
            startup = Startup.objects.filter(name=startup_name).first()
            if startup is None:
                continue  # the demo data was changed by hand: no startup to link
            login, user = _demo_user(username, description, password, is_staff=False)
            if user is not None:
                founder_add(user=user, startup=startup, title=title)
            logins.append(login)
        return logins

    # --- all --------------------------------------------------------------------------------

    @transaction.atomic
    def load(self) -> bool:
        """Load everything; False (and nothing written) when the demo is already there."""
        if Fund.objects.filter(name=FUND_NAME).exists():
            return False
        self.reference_rows()
        plans = list(REAL_STARTUPS) + illustrative_plans(
            self.rng, [name for name, *_ in INSTITUTIONS if name != "中国科学技术大学"]
        )
        startups = []
        for number, plan in enumerate(plans, start=1):
            startup = self.startup(plan, number)
            startups.append(startup)
            if plan.illustrative:
                self.illustrative_rounds(startup, plan)
                self.milestones(startup, plan)
                self.kpis(startup, plan)
            elif plan.name == WEICI:
                self.weici_rounds(startup)
                self.weici_milestones(startup)
            elif plan.name == "本源量子":
                self.origin_valuation(startup)
        for startup in startups:
            startup.refresh_from_db()
        self.lps(self.fund(startups))
        self.facilities(startups)
        self.transfers(startups)
        self.incubation(startups)
        self.incubator_services(startups)
        return True

    # --- incubation agreements, eligibility and a graduation (issue 16), all illustrative -----

    def incubation(self, startups: list[Startup]) -> None:
        """An illustrative agreement for every illustrative incubatee (signed a week before
        admission, starting on it: the deadline comes from the rule table), the eligibility
        answers of every other one (registered and housed in the incubator, a 科技型中小企业),
        and one graduation, of the first active incubatee whose recorded (illustrative) data
        meets a test, on the bases it meets. The real companies get none: no source says they
        signed an agreement or graduated."""
        incubatees = [s for s in startups if s.is_illustrative and s.admitted_on]
        for number, startup in enumerate(incubatees):
            services.incubation_agreement_create(
                startup=startup,
                signed_on=startup.admitted_on - dt.timedelta(days=7),
                starts_on=startup.admitted_on,
                note=ILLUSTRATIVE,
            )
            if number % 2 == 0:
                services.startup_update(
                    startup=startup,
                    registered_in_incubator=True,
                    premises_in_incubator=True,
                    is_tech_sme=True,
                )
        on = min(LAST_DAY, services.common.today())
        due = selectors.incubation.meeting_a_graduation_test(on)
        if due:
            services.startup_graduate(
                startup=due[0].startup,
                on=on,
                basis=list(due[0].bases),
                note=f"{ILLUSTRATIVE}: 依据示例融资与KPI数据 (the illustrative rounds and KPIs)",
            )

    # --- what the incubator does for its incubatees (issue 16), all illustrative --------------

    def incubator_services(self, startups: list[Startup]) -> None:
        """Illustrative space leases (an office, a lab, a clean room and a public service
        area), three mentors and a session each month or two, policy applications (an
        approved 科技型中小企业 registration and 高新技术企业 certificate, a submitted 专精特新
        application, a rejected district grant, a draft) and financing introductions (one
        that led to a recorded round, one pending, one declined), a move into Haidian and the
        incubator's own figures (opening day, controlled space, seed fund): all invented, for
        illustrative incubatees, flagged or labelled; no real company gets any."""
        from portfolio.models import FundingRound

        incubatees = [s for s in startups if s.is_illustrative and s.admitted_on]
        if len(incubatees) < 3:
            return
        staff = get_user_model().objects.filter(username="staff").first()
        first, second, third = incubatees[:3]
        for startup, unit, kind, area, rent in (
            (first, "A座-301（示例）", "office", "120", "14400"),
            (second, "B座-105（示例）", "lab", "260", "36400"),
            (third, "C座-洁净间1（示例）", "clean_room", "80", "24000"),
        ):
            services.space_lease_create(
                startup=startup,
                unit=unit,
                kind=kind,
                area_m2=Decimal(area),
                starts_on=max(startup.admitted_on, dt.date(2025, 1, 1)),
                list_rent=Decimal(rent),
                actual_rent=Decimal(rent) * Decimal("0.7"),
                subsidy=Decimal(rent) * Decimal("0.3"),
                subsidy_source="海淀区孵化器房租补贴（示例）",
                note=ILLUSTRATIVE,
                by=staff,
            )
        services.space_lease_create(
            startup=first,
            unit="A座-公共会议室（示例）",
            kind="office",
            area_m2=Decimal("60"),
            starts_on=dt.date(2025, 1, 1),
            is_public_service_area=True,
            note=ILLUSTRATIVE,
            by=staff,
        )
        mentors = [
            services.mentor_create(
                name=name,
                kind=kind,
                appointed_by=body,
                appointed_on=dt.date(2024, 9, 1),
                is_full_time=full_time,
                is_illustrative=True,
                by=staff,
            )
            for name, kind, body, full_time in (
                ("示例导师甲", "investor", "中关村创业导师协会（示例）", False),
                ("示例导师乙", "technical", "孵化器（示例）", True),
                ("示例导师丙", "entrepreneur", "海淀区科委（示例）", False),
            )
        ]
        topics = ["融资路演辅导（示例）", "稀释制冷机测控方案评审（示例）", "股权结构梳理（示例）"]
        held = dt.date(2025, 2, 10)
        number = 0
        while held <= LAST_DAY:
            services.mentoring_session_create(
                mentor=mentors[number % 3],
                startup=incubatees[number % len(incubatees)],
                held_on=held,
                hours=Decimal("2"),
                topic=topics[number % 3],
                follow_ups=ILLUSTRATIVE,
                by=staff,
            )
            number += 1
            held += dt.timedelta(days=45)
        applications = [
            (first, "tech_sme", "national", "approved", dt.date(2025, 3, 1), 1),
            (second, "high_tech_enterprise", "national", "approved", dt.date(2025, 6, 1), 3),
            (first, "specialised_sme", "municipal", "submitted", dt.date(2026, 5, 15), 0),
            (third, "grant", "district", "rejected", dt.date(2025, 10, 8), 0),
            (third, "innovative_sme", "municipal", "draft", None, 0),
        ]
        grants = {"high_tech_enterprise": Decimal("200000")}  # an invented district award
        for startup, programme, level, status, applied, years in applications:
            approved = status == "approved"
            granted = grants.get(programme, Decimal("0")) if approved else Decimal("0")
            services.policy_application_create(
                startup=startup,
                programme=programme,
                level=level,
                applied_on=applied,
                status=status,
                certificate_number=f"示例-{startup.pk}-{programme}" if approved else "",
                valid_from=applied + dt.timedelta(days=120) if approved else None,
                valid_to=(
                    applied + dt.timedelta(days=120 + 365 * years) if approved and years else None
                ),
                amount_granted=granted,
                amount_received=granted,
                helped_by=staff,
                is_illustrative=True,
                note=ILLUSTRATIVE,
                by=staff,
            )
        led = (
            FundingRound.objects.filter(
                startup__in=incubatees, is_illustrative=True, lead_investor__isnull=False
            )
            .order_by("closed_on", "pk")
            .first()
        )
        if led is not None:
            services.financing_introduction_create(
                startup=led.startup,
                investor=led.lead_investor,
                introduced_on=led.closed_on - dt.timedelta(days=45),
                channel="roadshow",
                outcome="invested",
                funding_round=led,
                is_illustrative=True,
                note=ILLUSTRATIVE,
                by=staff,
            )
        investors = list(Investor.objects.order_by("pk")[:2])
        for startup, investor, outcome, on in zip(
            (second, third),
            investors,
            ("pending", "declined"),
            (dt.date(2026, 8, 20), dt.date(2026, 4, 9)),
            strict=False,
        ):
            services.financing_introduction_create(
                startup=startup,
                investor=investor,
                introduced_on=on,
                channel="one_to_one" if outcome == "pending" else "event",
                outcome=outcome,
                is_illustrative=True,
                note=ILLUSTRATIVE,
                by=staff,
            )
        # One illustrative incubatee moved its registered address into Haidian (迁入) when it
        # took its lab; the incubator's own figures are invented too, and say so.
        services.startup_update(
            startup=second,
            registered_region="北京市海淀区",
            moved_into_district_on=max(second.admitted_on, dt.date(2025, 3, 1)),
            by=staff,
        )
        services.incubator_figures_save(
            effective_from=dt.date(2025, 1, 1),
            opened_on=dt.date(2024, 6, 1),
            controlled_area_m2=Decimal("3000"),
            seed_fund=Decimal("5000000"),
            source=ILLUSTRATIVE,
            by=staff,
        )

    # --- the technology-transfer ledger (issue 16), all illustrative ---------------------------

    def transfers(self, startups: list[Startup]) -> None:
        """Two illustrative transfers, one from a BAQIS team and one from a Tsinghua team, to
        illustrative startups (of that institution where there is one). The contracts, their
        figures and the IP items are invented and flagged; no application number is given
        (a made-up one could be a real patent's)."""
        illustrative = [s for s in startups if s.is_illustrative]
        if not illustrative:
            return
        records = [
            (
                "北京量子信息科学研究院",
                "超导量子比特测控技术（示例）",
                "licence",
                dt.date(2025, 4, 1),
            ),
            ("清华大学", "离子阱囚禁与操控技术（示例）", "equity", dt.date(2025, 9, 1)),
        ]
        for number, (name, title, mode, on) in enumerate(records):
            institution = Institution.objects.get(name=name)
            own = [s for s in illustrative if s.institution_id == institution.pk]
            startup = (own or illustrative)[number % len(own or illustrative)]
            services.tech_transfer_create(
                startup=startup,
                institution=institution,
                team="示例团队（illustrative）",
                title=title,
                mode=mode,
                contract_on=on,
                consideration=Decimal("800000") if mode == "licence" else Decimal("0"),
                equity_to_institution_pct=Decimal("0") if mode == "licence" else Decimal("3"),
                equity_to_researchers_pct=Decimal("0") if mode == "licence" else Decimal("7"),
                ip_items=[{"kind": "invention", "title": f"{title}相关发明专利"}],
                note=ILLUSTRATIVE,
                is_illustrative=True,
            )

    # --- shared facilities (issue 16), all illustrative -------------------------------------

    def facilities(self, startups: list[Startup]) -> None:
        """An illustrative dilution refrigerator and clean room with a year of bookings
        (October 2025 to September 2026) by illustrative active startups: cool-down runs of
        4-10 days with their liquid helium, clean-room days. Through the service, so no two
        bookings of one facility overlap."""
        users = [s for s in startups if s.is_illustrative and s.status == StartupStatus.ACTIVE]
        if not users:
            return
        fridge, clean_room = (
            Facility.objects.create(
                name=name,
                kind=kind,
                owner="孵化器（示例）",
                booking_unit=unit,
                required_training=training,
                is_illustrative=True,
            )
            for name, kind, unit, training in (
                (
                    "稀释制冷机（示例）",
                    FacilityKind.DILUTION_REFRIGERATOR,
                    BookingUnit.COOLDOWN_RUN,
                    "低温与液氦安全培训（示例）",
                ),
                (
                    "洁净室（示例）",
                    FacilityKind.CLEAN_ROOM,
                    BookingUnit.DAY,
                    "洁净室准入培训（示例）",
                ),
            )
        )
        zone = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no daylight saving
        first = dt.datetime(2025, 10, 1, 9, tzinfo=zone)
        last = dt.datetime(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day, 18, tzinfo=zone)
        for facility, length, pause in (
            (fridge, (4, 10), (1, 4)),  # cool-down runs, with a few days' service between
            (clean_room, (1, 3), (0, 4)),  # clean-room days
        ):
            by_run = facility.booking_unit == BookingUnit.COOLDOWN_RUN
            for starts, ends in _back_to_back(self.rng, first, last, length, pause):
                services.facility_booking_create(
                    facility=facility,
                    startup=self.rng.choice(users),
                    starts_at=starts,
                    ends_at=ends,
                    units=1 if by_run else (ends - starts).days,  # one run, or the days
                    helium_litres=Decimal(self.rng.randint(30, 60)) if by_run else 0,
                    note=ILLUSTRATIVE,
                )
