"""Audit trail: every model keeps a history of its rows (django-simple-history).

Each save and delete, from the admin, the API, the services or the importers, writes a
historical row with who (from the request, through ``HistoryRequestMiddleware``) and when.
Registered here rather than on each class so the domain models stay as they are.
"""

from __future__ import annotations

from simple_history import register

from portfolio import models

AUDITED = [
    models.Institution,
    models.Stage,
    models.Startup,
    models.StageTransition,
    models.Milestone,
    models.MilestoneEvidence,
    models.KpiReport,
    models.KpiRequest,
    models.KpiSubmission,
    models.FounderMembership,
    models.Investor,
    models.FundingRound,
    models.Participation,
    models.Fund,
    models.Commitment,
    models.Tranche,
    models.Disbursement,
    models.ValuationMark,
    models.Distribution,
    models.LimitedPartner,
    models.LpCommitment,
    models.CapitalCall,
    models.CapitalCallItem,
    models.CapitalCallPayment,
    models.CallDefault,
    models.FundExpense,
    models.LpDistribution,
    models.LpDistributionAllocation,
    models.ReallocationRule,
    models.ReallocationBeneficiary,
    models.StartupTechThreshold,
    models.Facility,
    models.FacilityBooking,
    models.TechTransfer,
    models.TechTransferIpItem,
    models.SpaceLease,
    models.Mentor,
    models.MentoringSession,
    models.IncubationRule,
    models.IncubatorThreshold,
    models.IncubatorFigures,
    models.IncubationAgreement,
    models.Graduation,
    models.PolicyApplication,
    models.FinancingIntroduction,
]

for _model in AUDITED:
    register(_model, app="portfolio")
