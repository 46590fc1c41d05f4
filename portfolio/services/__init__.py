"""Every write with a rule behind it. One function per write, each atomic.

Services take keyword-only arguments, return the instance they wrote, and raise
``django.core.exceptions.ValidationError`` keyed by field on refusal; a refusal writes
nothing. The admin, the API and management commands all call these functions, as
``services.<entity>_<action>``; each lives in the module of its sub-domain (``pipeline``,
``funding``, ``fund``; ``common`` holds the shared checks, ``importing`` the file importer).
"""

from portfolio.services.common import to_yuan
from portfolio.services.evidence import evidence_add, evidence_check
from portfolio.services.facilities import facility_booking_create, facility_booking_update
from portfolio.services.fund import (
    commitment_cancel,
    commitment_cancel_many,
    commitment_create,
    disbursement_record,
    distribution_record,
    fund_committed,
    fund_create,
    fund_update,
    milestone_verify,
    milestone_verify_many,
    tranche_create,
    valuation_mark,
)
from portfolio.services.funding import ParticipantInput, round_record, round_update
from portfolio.services.incubation import (
    financing_introduction_create,
    financing_introduction_update,
    incubation_agreement_create,
    incubation_agreement_update,
    incubation_rule_save,
    incubator_figures_save,
    incubator_threshold_save,
    policy_application_create,
    policy_application_update,
    startup_graduate,
)
from portfolio.services.operations import (
    mentor_create,
    mentor_update,
    mentoring_session_create,
    mentoring_session_update,
    space_lease_create,
    space_lease_update,
)
from portfolio.services.pipeline import (
    startup_advance,
    startup_advance_many,
    startup_create,
    startup_update,
)
from portfolio.services.policy import commitment_relocate, startup_tech_threshold_save
from portfolio.services.tokens import token_issue, token_revoke, tokens_revoke_for_user
from portfolio.services.transfers import tech_transfer_create, tech_transfer_update

__all__ = [
    "incubation_agreement_create",
    "incubation_agreement_update",
    "incubation_rule_save",
    "incubator_figures_save",
    "incubator_threshold_save",
    "startup_graduate",
    "financing_introduction_create",
    "financing_introduction_update",
    "policy_application_create",
    "policy_application_update",
    "tech_transfer_create",
    "tech_transfer_update",
    "facility_booking_create",
    "facility_booking_update",
    "mentor_create",
    "mentor_update",
    "mentoring_session_create",
    "mentoring_session_update",
    "space_lease_create",
    "space_lease_update",
    "ParticipantInput",
    "commitment_cancel",
    "commitment_cancel_many",
    "commitment_create",
    "commitment_relocate",
    "disbursement_record",
    "evidence_add",
    "evidence_check",
    "milestone_verify",
    "milestone_verify_many",
    "tranche_create",
    "distribution_record",
    "fund_committed",
    "fund_create",
    "fund_update",
    "round_record",
    "round_update",
    "startup_advance",
    "startup_advance_many",
    "startup_create",
    "startup_tech_threshold_save",
    "startup_update",
    "to_yuan",
    "token_issue",
    "token_revoke",
    "tokens_revoke_for_user",
    "valuation_mark",
]
