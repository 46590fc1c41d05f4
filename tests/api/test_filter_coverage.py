"""Every field of every model the API lists has a filter, or is deliberately unfiltered.

A field counts as filtered when a filter of its viewset's FilterSet works on it (its
``field_name``, or the field a method filter is declared to cover in ``METHOD_FILTERS``),
or when the viewset's ``?search=`` looks in it. Every other concrete field must be listed in
``DELIBERATELY_UNFILTERED`` with the reason. Adding a field to an exposed model without
deciding fails ``test_every_field_is_filtered_or_deliberately_unfiltered``; a listed field
that is gone or has since been given a filter fails ``test_the_lists_hold_no_stale_entries``.
(The primary key is the detail URL, not a filter, for every model.)
"""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from portfolio.api.urls import router
from portfolio.models import (
    CapitalCall,
    Commitment,
    Disbursement,
    Distribution,
    Facility,
    FacilityBooking,
    FinancingIntroduction,
    Fund,
    FundExpense,
    FundingRound,
    IncubationAgreement,
    Institution,
    Investor,
    KpiReport,
    KpiRequest,
    KpiSubmission,
    LimitedPartner,
    LpCommitment,
    LpDistribution,
    Mentor,
    MentoringSession,
    Milestone,
    PolicyApplication,
    SpaceLease,
    Stage,
    StageTransition,
    Startup,
    TechTransfer,
    ValuationMark,
)

#: A method filter's name -> the model field it filters (None: no field of this model, e.g.
#: a filter across a reverse relation). Method filters cannot say which field they read.
METHOD_FILTERS: dict[type[models.Model], dict[str, str | None]] = {
    Startup: {
        "crossed_valley": "crossed_valley_on",  # crossed_valley_on IS [NOT] NULL
        "fund": None,  # startups the fund has a live commitment to (Commitment.startup)
        "population": "admitted_on",  # incubatees have an admission date, tracked ones none
    },
    FundingRound: {"investor": "lead_investor"},  # the lead, or a participant
    PolicyApplication: {"valid_on": "valid_from"},  # approved and valid_from <= day <= valid_to
}

STAGES = "nine fixed stages: the list is the whole table, read at once"
TEXT = "free text shown on the page, not a criterion"
MONEY_FIGURE = "a money figure: sorted by (?ordering=) and summed in the reports, not a criterion"
STATISTICS_FIGURES = (
    "phd_staff",
    "new_graduates_hired",
    "invention_patents_filed",
    "invention_patents_granted",
)
ELIGIBILITY = "an admission-eligibility input, shown as the detail's eligibility"
AUDIT = "bookkeeping of who/when wrote the row, read in the admin's history"

#: model -> field -> why the list has no filter for it.
DELIBERATELY_UNFILTERED: dict[type[models.Model], dict[str, str]] = {
    Institution: {},
    Stage: {
        "order": STAGES,
        "trl_min": STAGES,
        "trl_max": STAGES,
        "in_valley": STAGES + " (startups filter on it: ?in_valley=)",
        "outcome": STAGES,
        "description": STAGES,
    },
    Startup: {
        "stage_entered_on": "time in the current stage is a report figure; sortable (?ordering=)",
        "trl": "the stage filter selects by maturity; TRL is sortable (?ordering=)",
        "registered_region": "locality is the fund report's compliance figure, not a list filter",
        "location": TEXT,
        "moved_into_district_on": "counted by the impact report (firms that moved into Haidian)",
        "is_tech_sme": ELIGIBILITY,
        "tech_sme_number": TEXT,
        "registered_in_incubator": ELIGIBILITY,
        "premises_in_incubator": ELIGIBILITY,
        "eligibility_note": TEXT,
        "headcount": "a KPI figure; the KPI reports carry it per quarter",
        "description": TEXT,
        "website": TEXT,
        "is_illustrative": "marks demo data; a real deployment has none",
        "created_at": AUDIT,
        "updated_at": AUDIT,
    },
    StageTransition: {
        "from_stage": "the previous transition's to_stage; filter on to_stage",
        "trl": "the TRL at the move, read with the transition; sortable (?ordering=)",
        "recorded_by": AUDIT,
        "recorded_at": AUDIT,
    },
    Milestone: {
        "description": TEXT,
        "is_illustrative": "marks demo data; a real deployment has none",
        "verified_on": "shown on the row; the tranches' status reads it (issue 15)",
        "verified_by": "audit detail of the verification, not a criterion",
    },
    KpiRequest: {
        "due_on": "one request per quarter: year and quarter find it",
        "opened_by": "who opened it is on the row; not a criterion",
        "opened_at": "who opened it is on the row; not a criterion",
    },
    KpiSubmission: {
        "revenue": MONEY_FIGURE,
        "rd_spend": MONEY_FIGURE,
        "cash": MONEY_FIGURE,
        "headcount": "a figure of the submission, not a criterion",
        "patents_filed": "a figure of the submission, not a criterion",
        "patents_granted": "a figure of the submission, not a criterion",
        "customers": "a figure of the submission, not a criterion",
        "runway_months": "a figure of the submission, not a criterion",
        "taxes_paid": MONEY_FIGURE,
        **dict.fromkeys(STATISTICS_FIGURES, "a figure of the submission, not a criterion"),
        "review_comment": "free text of the review",
        "submitted_by": "on the row; founders see their own startup's rows only",
        "submitted_at": "ordering=submitted_at sorts by it",
        "reviewed_by": "on the row",
        "reviewed_at": "on the row",
        "report": "the official report written on approval (kpi-reports lists them)",
    },
    KpiReport: {
        "revenue": MONEY_FIGURE,
        "rd_spend": MONEY_FIGURE,
        "cash": MONEY_FIGURE,
        "headcount": "a figure of the report, not a criterion",
        "patents_filed": "a figure of the report, not a criterion",
        "patents_granted": "a figure of the report, not a criterion",
        "customers": "a figure of the report, not a criterion",
        "runway_months": "a figure of the report, not a criterion",
        "taxes_paid": MONEY_FIGURE,
        **dict.fromkeys(STATISTICS_FIGURES, "a figure of the report, not a criterion"),
        "is_illustrative": "marks demo data; a real deployment has none",
        "source": TEXT,
    },
    Investor: {},
    FundingRound: {
        "amount_precision": "how exact the amount is; amount_min/amount_max filter the amount",
        "pre_money_valuation": MONEY_FIGURE,
        "currency": "always CNY (a constraint holds it)",
        "note": TEXT,
        "is_illustrative": "marks demo data; a real deployment has none",
    },
    Fund: {
        "is_illustrative": "a handful of funds: the list is read whole",
        "illustrative_note": TEXT,
        "size": "a handful of funds: the list is read whole",
        "vintage_year": "a handful of funds: the list is read whole",
        "investment_period_end": "a handful of funds: the list is read whole",
        "max_single_company_pct": "a compliance limit, checked by the fund report",
        "min_target_sector_pct": "a compliance limit, checked by the fund report",
        "target_tech_areas": "a compliance rule, checked by the fund report",
        "min_local_pct": "a compliance limit, checked by the fund report",
        "local_region": "a compliance rule, checked by the fund report",
        **dict.fromkeys(
            (
                "management_fee_pct",
                "fee_basis",
                "hurdle_pct",
                "hurdle_kind",
                "catch_up_pct",
                "carry_pct",
                "waterfall",
            ),
            "an LP term, read by the LP report; a handful of funds: the list is read whole",
        ),
        **dict.fromkeys(
            (
                "local_basis",
                "local_denominator_kind",
                "stake_cap_pct",
                "relocation_moved_multiplier",
                "relocation_subsidiary_multiplier",
                "relocation_investment_multiplier",
            ),
            "a policy-pack setting, read by the policy pack; a handful of funds: read whole",
        ),
    },
    Commitment: {
        "amount": MONEY_FIGURE,
        "approved_on": "the fund report dates commitments; sortable (?ordering=)",
        "created_by": AUDIT,
        "created_at": AUDIT,
        "registered_region": "kept for the fund report's local share (返投), not a criterion",
        "relocation_kind": "read by the policy pack's 返投 credit, not a criterion",
        "relocated_on": "read by the policy pack's 返投 credit, not a criterion",
        "is_illustrative": "marks demo data; a real deployment has none",
    },
    # the fund's money rows toward companies: filtered by fund, startup and date
    Disbursement: {
        "amount": MONEY_FIGURE,
        "ownership_pct": "a stake read by the policy pack's caps, not a criterion",
        "tranche": "shown on the row; a commitment's tranches list what each paid",
    },
    ValuationMark: {"fair_value": MONEY_FIGURE},
    Distribution: {"amount": MONEY_FIGURE},
    # the fund's investors (LPs): a handful of rows per fund, read whole by the LP pages
    LimitedPartner: {
        "is_illustrative": "a label shown on every row, not a criterion",
        "note": TEXT,
    },
    LpCommitment: {
        "amount": MONEY_FIGURE,
        "committed_on": "a handful per fund: sortable (?ordering=)",
        "pays_fees": "a term of the line, read by the fee schedule",
    },
    CapitalCall: {
        "number": "given by the server per fund; sortable (?ordering=)",
        "due_date": "shown with each call; a late payer is a report figure",
        "amount": MONEY_FIGURE,
        "investments": MONEY_FIGURE,
        "management_fees": MONEY_FIGURE,
        "expenses": MONEY_FIGURE,
    },
    FundExpense: {
        "incurred_on": "a handful per fund: sortable (?ordering=)",
        "amount": MONEY_FIGURE,
        "category": "a handful per fund, read whole",
    },
    LpDistribution: {
        "paid_on": "a handful per fund: sortable (?ordering=)",
        "amount": MONEY_FIGURE,
    },
    # shared facilities (issue 16): a handful of facilities, read whole
    Facility: {
        "required_training": TEXT,
        "is_illustrative": "a label shown on every row, not a criterion",
    },
    FacilityBooking: {
        "ends_at": "the date filters read the start (starts_after/before); sortable",
        "units": "a figure billed, summed by the utilisation report; sortable",
        "helium_litres": "a figure used, summed by the utilisation report; sortable",
        "created_by": AUDIT,
        "created_at": AUDIT,
    },
    # the technology-transfer ledger (issue 16): a few rows per institution a year
    TechTransfer: {
        "consideration": "a figure of the contract; sortable",
        "equity_to_institution_pct": "a figure of the contract, read whole",
        "equity_to_researchers_pct": "a figure of the contract, read whole",
        "empowerment": "a few rows per institution, read whole",
        "co_ownership_pct": "a figure of the empowerment, read whole",
        "use_right_years": "a figure of the empowerment, read whole",
        "is_illustrative": "a label shown on every row, not a criterion",
    },
    # space and mentors (issue 16)
    SpaceLease: {
        "area_m2": "a figure summed by the occupancy; sortable",
        "ends_on": "the date filters read the start (starts_after/before); sortable",
        "list_rent": MONEY_FIGURE,
        "actual_rent": MONEY_FIGURE,
        "subsidy": MONEY_FIGURE,
        "created_by": AUDIT,
        "created_at": AUDIT,
    },
    Mentor: {
        "until": "the date filters read the appointment (appointed_after/before)",
        "is_illustrative": "a label shown on every row, not a criterion",
    },
    MentoringSession: {
        "hours": "a figure; sortable",
        "follow_ups": TEXT,
        "created_by": AUDIT,
        "created_at": AUDIT,
    },
    # incubation agreements (issue 16)
    IncubationAgreement: {
        "signed_on": "the date filters read the start and the deadline; sortable",
        "ends_on": "the date filters read the start and the deadline",
        "rule": "one or two rules in force over the years; shown on every row",
        "created_by": AUDIT,
        "created_at": AUDIT,
    },
    # policy applications and financing introductions (issue 16)
    PolicyApplication: {
        "valid_to": "read by ?valid_on= with valid_from; sortable",
        "amount_granted": MONEY_FIGURE,
        "amount_received": MONEY_FIGURE,
        "helped_by": "the staff member who helped, shown on every row",
        "is_illustrative": "a label shown on every row, not a criterion",
        "note": TEXT,
        "created_by": AUDIT,
        "created_at": AUDIT,
    },
    FinancingIntroduction: {
        "funding_round": "the round it led to, shown on every row (?outcome=invested)",
        "is_illustrative": "a label shown on every row, not a criterion",
        "created_by": AUDIT,
        "created_at": AUDIT,
    },
}

VIEWSETS = [viewset for _prefix, viewset, _basename in router.registry]


def model_of(viewset) -> type[models.Model]:
    return viewset.queryset.model


def own_field(model: type[models.Model], path: str) -> str | None:
    """The field of ``model`` a lookup path starts from (``institution_id`` -> institution,
    ``startup__tech_area`` -> startup), or None when it names no field of the model."""
    first = path.split("__", 1)[0]
    for field in model._meta.concrete_fields:
        if first in (field.name, field.attname):
            return field.name
    try:
        return model._meta.get_field(first).name if first else None
    except FieldDoesNotExist:
        return None


def filtered_fields(viewset) -> dict[str, str]:
    """field name -> how the list filters it (``?<filter>=`` or ``?search=``)."""
    model = model_of(viewset)
    methods = METHOD_FILTERS.get(model, {})
    found: dict[str, str] = {}
    for name, flt in viewset.filterset_class.base_filters.items():
        field = methods.get(name) if flt.method else own_field(model, flt.field_name)
        if field:
            found.setdefault(field, f"?{name}=")
    for path in getattr(viewset, "search_fields", None) or ():
        field = own_field(model, path.lstrip("^=@$"))
        if field:
            found.setdefault(field, "?search=")
    return found


def test_every_exposed_model_has_a_filterset_and_an_entry():
    exposed = {model_of(viewset) for viewset in VIEWSETS}
    assert all(viewset.filterset_class is not None for viewset in VIEWSETS)
    assert exposed == set(DELIBERATELY_UNFILTERED)


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.__name__)
def test_method_filters_say_which_field_they_filter(viewset):
    model = model_of(viewset)
    methods = {name for name, flt in viewset.filterset_class.base_filters.items() if flt.method}
    assert methods == set(METHOD_FILTERS.get(model, {})), (
        "name the field each method filter reads in METHOD_FILTERS"
    )


def undecided(viewset, fields: set[str]) -> set[str]:
    """The ``fields`` of the viewset's model with neither a filter nor a listed reason."""
    listed = DELIBERATELY_UNFILTERED.get(model_of(viewset), {})
    return fields - set(filtered_fields(viewset)) - set(listed)


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.__name__)
def test_every_field_is_filtered_or_deliberately_unfiltered(viewset):
    model = model_of(viewset)
    fields = {field.name for field in model._meta.concrete_fields if not field.primary_key}
    missing = undecided(viewset, fields)
    assert not missing, (
        f"{model.__name__}: give {sorted(missing)} a filter in "
        f"{viewset.filterset_class.__name__}, or list them in DELIBERATELY_UNFILTERED "
        "with the reason"
    )


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.__name__)
def test_the_lists_hold_no_stale_entries(viewset):
    model = model_of(viewset)
    fields = {field.name for field in model._meta.concrete_fields}
    listed = DELIBERATELY_UNFILTERED[model]
    assert set(listed) <= fields, f"{model.__name__} has no field {set(listed) - fields}"
    both = set(listed) & set(filtered_fields(viewset))
    assert not both, f"{model.__name__}: {sorted(both)} are filtered now; unlist them"
    assert all(reason.strip() for reason in listed.values())
    assert set(METHOD_FILTERS.get(model, {}).values()) - {None} <= fields


def test_the_check_notices_an_undecided_field():
    """A field added to a model without a filter or a reason is reported; filtered, searched
    and listed fields are not."""
    from portfolio.api.views import FundingRoundViewSet, StartupViewSet

    assert undecided(StartupViewSet, {"nickname", "tech_area", "founders", "website"}) == {
        "nickname"
    }
    # a foreign key filtered by id, a field through a method filter, a money range
    assert undecided(FundingRoundViewSet, {"startup", "lead_investor", "amount"}) == set()
