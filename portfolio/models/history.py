"""Audit trail: every model keeps a history of its rows (django-simple-history).

Each save and delete, from the admin, the API, the services or the importers, writes a
historical row with who (from the request, through ``HistoryRequestMiddleware``) and when.
Registered here rather than on each class so the domain models stay as they are.
"""

from __future__ import annotations

from simple_history import register

from portfolio.models.fund import Commitment, Disbursement, Distribution, Fund, ValuationMark
from portfolio.models.funding import FundingRound, Investor, Participation
from portfolio.models.pipeline import (
    Institution,
    KpiReport,
    Milestone,
    Stage,
    StageTransition,
    Startup,
)

AUDITED = [
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

for _model in AUDITED:
    register(_model, app="portfolio")
