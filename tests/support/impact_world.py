"""The impact report's hand-worked world (issue 16): shared by the API's and the page's tests
(``tests/api/test_impact.py`` works every figure out by hand)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portfolio import services
from portfolio.models import IncubatorThreshold, Startup
from portfolio.models.choices import AmountPrecision, RoundType
from tests.support import factories


def kpi(startup, year, quarter, **figures):
    """A KPI report with every figure the report reads given (the rest 0)."""
    values = {
        "revenue": Decimal("0"),
        "taxes_paid": Decimal("0"),
        "headcount": 0,
        "phd_staff": 0,
        "new_graduates_hired": 0,
        "patents_filed": 0,
        "patents_granted": 0,
        "invention_patents_filed": 0,
        "invention_patents_granted": 0,
    }
    values.update(figures)
    return factories.KpiReportFactory(startup=startup, year=year, quarter=quarter, **values)


def approved(startup, programme, valid_from, valid_to):
    return factories.PolicyApplicationFactory(
        startup=startup,
        programme=programme,
        status="approved",
        applied_on=dt.date(2019, 1, 1),
        certificate_number=f"GR{startup.pk}{programme[:3]}",
        valid_from=valid_from,
        valid_to=valid_to,
    )


def impact_world() -> dict:
    """2025, by hand:

    - a: incubatee since 2024-03 (active); b: since 2023 (graduated 2025-11-01); d: since
      2020 (graduated 2024-06-01); e: since 2025-06 (active, no KPI reports); c: admitted
      2026-01-10 (not an incubatee of 2025); t: tracked (never admitted).
    """
    fund = factories.FundFactory()
    a = factories.StartupFactory(name="甲量子", admitted_on=dt.date(2024, 3, 1))
    b = factories.StartupFactory(name="乙量子", admitted_on=dt.date(2023, 1, 1))
    d = factories.StartupFactory(name="丁量子", admitted_on=dt.date(2020, 1, 1))
    e = factories.StartupFactory(name="戊量子", admitted_on=dt.date(2025, 6, 1))
    c = factories.StartupFactory(name="丙量子", admitted_on=dt.date(2026, 1, 10))
    t = factories.StartupFactory(name="追踪量子", admitted_on=None)
    Startup.objects.filter(pk=a.pk).update(moved_into_district_on=dt.date(2025, 5, 1))
    Startup.objects.filter(pk=t.pk).update(moved_into_district_on=dt.date(2025, 2, 1))
    Startup.objects.filter(pk=c.pk).update(moved_into_district_on=dt.date(2024, 12, 31))

    # a's KPI reports: 2024's last sets the invention patents' starting point
    kpi(a, 2024, 4, headcount=9, phd_staff=1, patents_filed=3, invention_patents_filed=2)
    kpi(
        a,
        2025,
        1,
        revenue=Decimal("100000.50"),
        taxes_paid=Decimal("1000.00"),
        new_graduates_hired=2,
        headcount=10,
        phd_staff=2,
        patents_filed=4,
        invention_patents_filed=3,
        patents_granted=1,
        invention_patents_granted=1,
    )
    kpi(
        a,
        2025,
        3,
        revenue=Decimal("200000.00"),
        taxes_paid=Decimal("500.25"),
        new_graduates_hired=1,
        headcount=14,
        phd_staff=3,
        patents_filed=6,
        invention_patents_filed=5,
        patents_granted=1,
        invention_patents_granted=1,
    )
    # b: one 2025 report, none in 2024 (its cumulative counts are all the year's)
    kpi(
        b,
        2025,
        2,
        headcount=3,
        patents_filed=4,
        invention_patents_filed=4,
        patents_granted=2,
        invention_patents_granted=2,
    )
    kpi(c, 2025, 4, revenue=Decimal("777.00"), headcount=5)
    kpi(t, 2025, 4, revenue=Decimal("5000.00"), headcount=50, phd_staff=4)

    round_ = factories.FundingRoundFactory
    round_(startup=a, closed_on=dt.date(2025, 4, 1), amount=Decimal("5000000.00"))
    round_(
        startup=a,
        closed_on=dt.date(2025, 8, 1),
        amount=None,
        amount_precision=AmountPrecision.UNDISCLOSED,
    )
    round_(startup=a, closed_on=dt.date(2024, 6, 1), amount=Decimal("1000000.00"))
    round_(
        startup=b,
        closed_on=dt.date(2025, 6, 1),
        amount=Decimal("20000000.00"),
        amount_precision=AmountPrecision.APPROXIMATE,
    )
    round_(
        startup=b,
        round_type=RoundType.IPO,
        closed_on=dt.date(2025, 12, 1),
        amount=Decimal("50000000.00"),
    )
    round_(startup=d, closed_on=dt.date(2023, 5, 1), amount=Decimal("6000000.00"))
    round_(startup=c, closed_on=dt.date(2025, 9, 1), amount=Decimal("8000000.00"))
    round_(startup=t, closed_on=dt.date(2025, 3, 1), amount=Decimal("3000000.00"))

    commitment = factories.CommitmentFactory(fund=fund, startup=a, approved_on=dt.date(2024, 2, 1))
    factories.DisbursementFactory(
        commitment=commitment, paid_on=dt.date(2024, 12, 1), amount=Decimal("1000000.00")
    )
    factories.DisbursementFactory(
        commitment=commitment, paid_on=dt.date(2025, 4, 10), amount=Decimal("2000000.00")
    )

    approved(a, "high_tech_enterprise", dt.date(2025, 3, 1), dt.date(2028, 2, 28))
    factories.PolicyApplicationFactory(startup=a, programme="specialised_sme")  # submitted
    approved(b, "high_tech_enterprise", dt.date(2022, 1, 1), dt.date(2024, 12, 31))
    approved(b, "specialised_sme", None, None)
    approved(b, "little_giant", dt.date(2025, 7, 1), None)
    approved(t, "high_tech_enterprise", dt.date(2020, 1, 1), None)

    services.startup_graduate(startup=d, on=dt.date(2024, 6, 1), basis=["vc_over_5m"])
    services.startup_graduate(startup=b, on=dt.date(2025, 11, 1), basis=["vc_over_5m"])
    factories.MentorFactory(appointed_on=dt.date(2025, 1, 1))
    factories.MentorFactory(appointed_on=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31))

    # a later national rule for the number of incubatees (in force for 2025, not for 2024)
    IncubatorThreshold.objects.create(
        policy_code="试行2025",
        grade="national",
        key="incubatees",
        effective_from=dt.date(2025, 6, 1),
        required=Decimal("2"),
    )
    IncubatorThreshold.objects.create(
        policy_code="试行2026",
        grade="national",
        key="incubatees",
        effective_from=dt.date(2026, 1, 1),
        required=Decimal("99"),
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "t": t, "fund": fund}
