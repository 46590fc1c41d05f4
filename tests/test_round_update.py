"""services.round_update: a recorded round is corrected under round_record's rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portfolio import services
from tests.support import factories


@pytest.fixture
def recorded(db):
    startup = factories.StartupFactory()
    lead, other = factories.InvestorFactory(), factories.InvestorFactory()
    funding_round = factories.FundingRoundFactory(
        startup=startup,
        round_type="a",
        closed_on=dt.date(2024, 1, 5),
        amount="10000000",
        lead_investor=lead,
        participants=[(other, "4000000")],
    )
    return funding_round, lead, other


def test_update_replaces_figures_and_participants(recorded):
    funding_round, lead, other = recorded
    newcomer = factories.InvestorFactory()
    updated = services.round_update(
        funding_round=funding_round,
        round_type="a_plus",
        closed_on=dt.date(2024, 2, 1),
        amount="20000000",
        lead_investor=newcomer,
        participants=[(newcomer, "15000000")],
    )
    assert (updated.round_type, updated.amount, updated.lead_investor) == (
        "a_plus",
        20000000,
        newcomer,
    )
    assert list(updated.participations.values_list("investor", "amount")) == [
        (newcomer.pk, 15000000)
    ]
    removed = funding_round.participations.model.history.filter(history_type="-")
    assert {row.investor_id for row in removed} == {lead.pk, other.pk}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closed_on": dt.date(2999, 1, 1)}, "closed_on"),
        ({"amount": "1000000"}, "participants"),  # 4,000,000 listed
        ({"amount_precision": "undisclosed"}, "amount"),
    ],
)
def test_refused_update_changes_nothing(recorded, changes, field):
    funding_round, lead, other = recorded
    arguments = {
        "funding_round": funding_round,
        "round_type": "a",
        "closed_on": dt.date(2024, 1, 5),
        "amount": "10000000",
        "lead_investor": lead,
        "participants": [(other, "4000000")],
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        services.round_update(**arguments)
    assert field in refused.value.message_dict
    funding_round.refresh_from_db()
    assert (funding_round.amount, funding_round.closed_on) == (10000000, dt.date(2024, 1, 5))
    assert funding_round.participations.count() == 2
