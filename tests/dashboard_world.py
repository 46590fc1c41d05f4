"""A small, varied portfolio for the dashboard tests, built through the services.

``build_world(n)`` creates ``n`` startups spread over fields, institutions, cohorts and
stages (some inside the valley, some across it, some closed), with rounds, milestones,
quarterly KPIs, and a fund that committed to, paid into and marked part of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from portfolio import services
from portfolio.models import Fund, Institution, Stage, Startup
from portfolio.models.choices import AmountPrecision, TechArea
from tests import factories

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
class World:
    startups: list[Startup] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    fund: Fund | None = None


def build_world(n: int, *, fund: Fund | None = None, offset: int = 0) -> World:
    stages = {s.slug: s for s in Stage.objects.all()}
    world = World(fund=fund or factories.FundFactory())
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
            services.startup_advance(
                startup=startup, to_stage=stages[slug], on=on, trl=min(2 + 2 * step, 9)
            )
        services.round_record(
            startup=startup,
            round_type="seed",
            closed_on=admitted + dt.timedelta(days=60),
            amount=Decimal("3000000.00") + i * 100000,
            lead_investor=investor,
        )
        if i % 2:
            services.round_record(
                startup=startup,
                round_type="a",
                closed_on=admitted + dt.timedelta(days=500),
                amount=Decimal("20000000.00"),
                amount_precision=AmountPrecision.APPROXIMATE,
                announced_as="数千万元",
            )
        if i % 5 == 0:
            services.round_record(
                startup=startup,
                round_type="angel",
                closed_on=admitted + dt.timedelta(days=20),
                amount_precision=AmountPrecision.UNDISCLOSED,
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
            commitment = services.commitment_create(
                fund=world.fund,
                startup=startup,
                amount=Decimal("5000000.00"),
                approved_on=dt.date(2024, 1 + i % 12, 10),
            )
            services.disbursement_record(
                commitment=commitment,
                amount=Decimal("2000000.00"),
                paid_on=dt.date(2024, 1 + i % 12, 20),
            )
            services.valuation_mark(
                fund=world.fund,
                startup=startup,
                as_of=dt.date(2025, 6, 30),
                fair_value=Decimal("2500000.00") + i * 10000,
            )
    return world
