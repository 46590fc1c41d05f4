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
