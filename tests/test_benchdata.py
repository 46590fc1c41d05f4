"""The benchmark generator writes consistent rows (checked at a small size)."""

from decimal import Decimal
from itertools import pairwise

import pytest
from django.db.models import Sum

from portfolio.bench.dataset import generate
from portfolio.models import Commitment, FundingRound, Participation, Startup
from portfolio.selectors import fund_report, pipeline_report

pytestmark = pytest.mark.django_db


def test_generated_rows_follow_the_rules():
    sizes = generate(startups=60)
    assert sizes["startups"] == 60
    assert sizes["funding_rounds"] == 600
    for startup in Startup.objects.prefetch_related("transitions"):
        latest = max(startup.transitions.all(), key=lambda t: (t.on, t.id))
        assert latest.to_stage_id == startup.stage_id
        assert latest.on == startup.stage_entered_on
    for funding_round in FundingRound.objects.exclude(amount=None).annotate(
        known=Sum("participations__amount")
    ):
        assert funding_round.known <= funding_round.amount
    assert Participation.objects.count() == sizes["participations"]
    fund_total = Commitment.objects.aggregate(total=Sum("amount"))["total"]
    report = fund_report(Commitment.objects.first().fund)
    assert report.committed == fund_total <= report.size
    assert pipeline_report().total == 60


def test_the_bench_fund_has_an_lp_layer_written_through_the_services():
    from portfolio.bench.harness import raw_lp_report
    from portfolio.models import CapitalCallPayment, LpDistributionAllocation
    from portfolio.selectors.lp_report import lp_report

    sizes = generate(startups=60)
    assert (sizes["lp_calls"], sizes["fund_expenses"], sizes["lp_distributions"]) == (8, 24, 2)
    fund = Commitment.objects.first().fund
    assert CapitalCallPayment.objects.count() == 8 * 4  # every LP pays every call
    assert LpDistributionAllocation.objects.count() == 2 * 5  # 4 LPs and the GP, each time
    report = lp_report(fund)
    assert report.net.figures.paid_in == 8 * 18_750_000
    assert report.net.figures.distributed > 0
    raw = raw_lp_report(fund, report.as_of)
    assert (report.net.figures, report.net.irr) == raw["net"]


def test_the_bench_has_tranche_plans_and_a_founders_layer():
    """Every commitment's tranches add up to it exactly (one planned in 300); the KPI
    requests ask 200 startups each and their submissions keep the review rules."""
    from django.db.models import Count

    from portfolio.bench.harness import biggest_tranche_plan
    from portfolio.models import KpiRequest, KpiSubmission, Tranche

    sizes = generate(startups=250)
    for commitment in Commitment.objects.annotate(planned=Sum("tranches__amount")):
        assert commitment.planned == commitment.amount
    biggest = biggest_tranche_plan()
    assert Tranche.objects.filter(commitment_id=biggest).count() == 300
    assert (
        sizes["tranches"] == Tranche.objects.count() == 300 + 3 * (Commitment.objects.count() - 1)
    )
    asked = KpiRequest.objects.annotate(n=Count("startups")).values_list("n", flat=True)
    assert sizes["kpi_requests"] == 12 and set(asked) == {200}
    submissions = KpiSubmission.objects.all()
    assert sizes["kpi_submissions"] == submissions.count()
    assert set(submissions.values_list("status", flat=True)) == {
        "submitted",
        "approved",
        "returned",
    }
    for row in submissions.select_related("request"):
        assert row.request.startups.filter(pk=row.startup_id).exists()
        assert (row.year, row.quarter) == (row.request.year, row.request.quarter)
        assert (row.reviewed_at is None) == (row.status == "submitted")


def test_the_bench_has_facilities_with_bookings_that_never_overlap():
    from portfolio.models import Facility, FacilityBooking

    sizes = generate(startups=250)
    assert sizes["facilities"] == Facility.objects.count() == 6
    assert sizes["facility_bookings"] == FacilityBooking.objects.count() == 50
    for facility in Facility.objects.all():
        rows = list(facility.bookings.order_by("starts_at"))
        assert all(a.ends_at <= b.starts_at for a, b in zip(rows, rows[1:], strict=False))
        assert all(row.ends_at > row.starts_at for row in rows)


def test_the_bench_has_leases_that_never_overlap_mentors_sessions_and_transfers():
    from portfolio.models import (
        Mentor,
        MentoringSession,
        SpaceLease,
        TechTransfer,
        TechTransferIpItem,
    )

    sizes = generate(startups=240)
    assert sizes["space_leases"] == SpaceLease.objects.count() == 80
    assert sizes["mentors"] == Mentor.objects.count() == 12
    assert sizes["mentoring_sessions"] == MentoringSession.objects.count() == 120
    assert sizes["tech_transfers"] == TechTransfer.objects.count() == 60
    assert sizes["ip_items"] == TechTransferIpItem.objects.count() >= 60
    for unit in SpaceLease.objects.values_list("unit", flat=True).distinct():
        rows = list(SpaceLease.objects.filter(unit=unit).order_by("starts_on"))
        # both days included: the next lease starts after the previous one's last day;
        # only a unit's last lease may run on
        assert all(a.ends_on is not None and a.ends_on < b.starts_on for a, b in pairwise(rows))
    # every row passes the model's own validation (the IP items' application numbers, the
    # rents and equity shares), as if written through the services
    for row in [
        *SpaceLease.objects.all(),
        *MentoringSession.objects.all(),
        *TechTransfer.objects.all(),
        *TechTransferIpItem.objects.all(),
    ]:
        row.full_clean()


def test_the_bench_agreements_follow_the_rule_table():
    """One agreement per startup admitted under a rule (issue 16), its deadline as the
    service computes it: the bench's agreements list (P1, P2) reads these."""
    from portfolio.models import IncubationAgreement
    from portfolio.services.incubation import deadline_for

    sizes = generate(startups=250)
    agreements = list(IncubationAgreement.objects.select_related("startup", "rule"))
    assert sizes["incubation_agreements"] == len(agreements) > 100
    for agreement in agreements[:20]:
        rule, deadline = deadline_for(agreement.startup, agreement.starts_on)
        assert (agreement.rule, agreement.incubation_deadline) == (rule, deadline)


def test_the_bench_applications_and_introductions_pass_the_models_rules():
    """A policy application per three startups and a financing introduction per four (issue
    16), each valid as the services would have written it (the approval's fields, the round
    an introduction led to with its investor in it)."""
    from portfolio.models import FinancingIntroduction, PolicyApplication

    sizes = generate(startups=240)
    assert sizes["policy_applications"] == PolicyApplication.objects.count() == 80
    assert sizes["financing_introductions"] == FinancingIntroduction.objects.count() > 30
    assert FinancingIntroduction.objects.filter(funding_round__isnull=False).exists()
    assert PolicyApplication.objects.filter(status="approved").exists()
    for row in [*PolicyApplication.objects.all(), *FinancingIntroduction.objects.all()]:
        row.full_clean()


@pytest.mark.parametrize("year", [2021, 2024, 2025])
def test_the_impact_reports_raw_sql_gives_its_figures(year):
    """Bar P5's baseline for the impact report: the hand-written SQL gives the selector's
    figures for the incubatees of a year, on the generated data (its certificates, fund
    payments and rounds included), and the thresholds' inputs."""
    from dataclasses import asdict

    from portfolio.bench.harness import raw_impact
    from portfolio.selectors.impact import impact_report
    from portfolio.selectors.operations import incubatees_on

    generate(startups=90)
    report, raw = impact_report(year), raw_impact(year)
    figures = asdict(report)
    assert {key: figures[key] for key in raw if key != "incubator"} == {
        key: value for key, value in raw.items() if key != "incubator"
    }
    assert report.reporting and report.financing  # the comparison is not of zeros
    if year == 2025:  # the fund pays and the certificates run then
        assert report.fund_invested and report.high_tech_enterprises
    incubatees, financed, _reporting, patents, mentors, graduates = raw["incubator"]
    assert incubatees == report.incubatees_at_year_end == incubatees_on(report.end).count()
    actual = {row.rule: row.actual for row in report.thresholds if row.grade == "national"}
    assert actual["incubatees"] == incubatees and actual["graduates_cumulative"] == graduates
    if incubatees:
        assert actual["financed_pct"] == round(Decimal(financed) * 100 / incubatees, 2)
        assert actual["patent_applicants_pct"] == round(Decimal(patents) * 100 / incubatees, 2)
        assert actual["mentors_per_10"] == round(Decimal(mentors) * 10 / incubatees, 2)


def test_the_statistics_returns_raw_baseline_gives_the_selectors_figures():
    """P5's baseline for the statistics return (hand-written SQL) and the selector agree on
    every row's figures and the totals, on the bench data of the bench's year."""
    from decimal import Decimal

    from portfolio.bench.harness import P5_RETURN_YEAR, raw_incubation
    from portfolio.selectors.statistics import FINANCING, FLOWS, PATENTS, STOCKS, torch_return

    generate(startups=60)
    report = torch_return(P5_RETURN_YEAR)
    raw = raw_incubation(P5_RETURN_YEAR)
    assert {row.startup.pk for row in report.rows} == set(raw["rows"])
    for row in report.rows:
        figures = raw["rows"][row.startup.pk]
        for name in (*FLOWS, *STOCKS, *PATENTS):
            assert getattr(row, name) == figures.get(name), (row.startup.pk, name)
        for name in FINANCING:
            assert getattr(row, name) == figures.get(name, 0), (row.startup.pk, name)
        assert row.area_m2 == figures.get("area_m2", Decimal("0.00"))
        assert row.mentored == figures.get("mentored", False)
        assert row.high_tech_enterprise == figures.get("high_tech_enterprise", False)
    for name, value in raw["totals"].items():
        assert getattr(report.incubator, name) == value, name
    # the missing cells, in the return's order
    assert [(cell.startup.pk, cell.column) for cell in report.missing] == raw["missing"]
    assert {column for _, column in raw["missing"]} >= {"area_m2", "revenue", "headcount"}
    # the comparison is not of empty figures
    totals = report.incubator
    assert totals.incubatees > 20 and totals.revenue > 0 and totals.financing > 0
    assert totals.jobs > 0 and totals.incubatee_area_m2 > 0 and totals.mentored > 0
