from portfolio.models.evidence import MilestoneEvidence
from portfolio.models.facilities import Facility, FacilityBooking
from portfolio.models.founders import FounderMembership
from portfolio.models.fund import (
    Commitment,
    Disbursement,
    Distribution,
    Fund,
    Tranche,
    ValuationMark,
)
from portfolio.models.funding import FundingRound, Investor, Participation
from portfolio.models.incubation import (
    FinancingIntroduction,
    Graduation,
    IncubationAgreement,
    IncubationRule,
    IncubatorFigures,
    IncubatorThreshold,
    PolicyApplication,
)
from portfolio.models.kpis import KpiReminder, KpiRequest, KpiSubmission
from portfolio.models.lps import (
    CallDefault,
    CapitalCall,
    CapitalCallItem,
    CapitalCallPayment,
    FundExpense,
    LimitedPartner,
    LpCommitment,
    LpDistribution,
    LpDistributionAllocation,
    ReallocationBeneficiary,
    ReallocationRule,
)
from portfolio.models.operations import Mentor, MentoringSession, SpaceLease
from portfolio.models.pipeline import (
    Institution,
    KpiReport,
    Milestone,
    Stage,
    StageTransition,
    Startup,
)
from portfolio.models.policy import StartupTechThreshold
from portfolio.models.tokens import ApiToken, BrowserSession, RateCounter, TokenScope
from portfolio.models.transfers import TechTransfer, TechTransferIpItem

__all__ = [
    "FinancingIntroduction",
    "Graduation",
    "IncubationAgreement",
    "IncubationRule",
    "IncubatorFigures",
    "IncubatorThreshold",
    "PolicyApplication",
    "KpiReminder",
    "Facility",
    "FacilityBooking",
    "Mentor",
    "MentoringSession",
    "SpaceLease",
    "KpiRequest",
    "KpiSubmission",
    "ApiToken",
    "BrowserSession",
    "RateCounter",
    "CapitalCall",
    "CapitalCallItem",
    "CallDefault",
    "CapitalCallPayment",
    "FundExpense",
    "LimitedPartner",
    "LpCommitment",
    "LpDistribution",
    "LpDistributionAllocation",
    "ReallocationBeneficiary",
    "ReallocationRule",
    "Commitment",
    "Disbursement",
    "Tranche",
    "Distribution",
    "FounderMembership",
    "Fund",
    "FundingRound",
    "Institution",
    "Investor",
    "KpiReport",
    "Milestone",
    "MilestoneEvidence",
    "Participation",
    "Stage",
    "StageTransition",
    "StartupTechThreshold",
    "TechTransfer",
    "TechTransferIpItem",
    "TokenScope",
    "Startup",
    "ValuationMark",
]

# Registers a history (audit trail) for every model above; must come after them.
from portfolio.models import history as _history  # noqa: E402, F401
