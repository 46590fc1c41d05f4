"""The benchmark generator writes consistent rows (checked at a small size)."""

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
