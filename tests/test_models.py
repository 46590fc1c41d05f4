"""The database itself refuses rows that break an invariant (no Python validation involved).

Every constraint the models declare (``Meta.constraints`` and ``unique=True`` fields) has at
least one write below that breaks it, and each such write must fail with that very
constraint named, not with just any ``IntegrityError``. A constraint added to a model
without a write here fails ``test_every_constraint_has_a_violating_write``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps

from portfolio.models import (
    ApiToken,
    CallDefault,
    CapitalCall,
    CapitalCallItem,
    CapitalCallPayment,
    Commitment,
    Disbursement,
    Distribution,
    Facility,
    FacilityBooking,
    FinancingIntroduction,
    FounderMembership,
    Fund,
    FundExpense,
    FundingRound,
    Graduation,
    IncubationAgreement,
    IncubationRule,
    IncubatorFigures,
    IncubatorThreshold,
    Institution,
    Investor,
    KpiReminder,
    KpiReport,
    KpiRequest,
    KpiSubmission,
    LimitedPartner,
    LpCommitment,
    LpDistribution,
    LpDistributionAllocation,
    Mentor,
    MentoringSession,
    Milestone,
    MilestoneEvidence,
    Participation,
    PolicyApplication,
    RateCounter,
    ReallocationBeneficiary,
    ReallocationRule,
    SpaceLease,
    Stage,
    StageTransition,
    Startup,
    StartupTechThreshold,
    TechTransfer,
    TechTransferIpItem,
    Tranche,
    ValuationMark,
)
from portfolio.models.choices import AmountPrecision, RoundType
from tests.support.constraints import assert_violates, declared
from tests.support.factories import (
    FundFactory,
    InstitutionFactory,
    InvestorFactory,
    StartupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2024, 1, 1)
AT = dt.datetime(2024, 4, 1, 9, tzinfo=dt.UTC)


@dataclass
class Rows:
    """One valid row of each kind, written straight to the database (no service)."""

    startup: Startup
    other: Startup
    investor: Investor
    round: FundingRound
    fund: Fund
    commitment: Commitment
    kpi: KpiReport
    mark: ValuationMark
    token: ApiToken
    lp: LimitedPartner
    lp_commitment: LpCommitment
    call: CapitalCall
    item: CapitalCallItem
    rule: ReallocationRule


@pytest.fixture
def rows(startup) -> Rows:
    investor = InvestorFactory()
    funding_round = FundingRound.objects.create(
        startup=startup, round_type=RoundType.A, closed_on=DAY, amount=D("100")
    )
    Participation.objects.create(funding_round=funding_round, investor=investor)
    fund = FundFactory()
    commitment = Commitment.objects.create(
        fund=fund, startup=startup, amount=D("10"), approved_on=dt.date(2025, 1, 1)
    )
    return Rows(
        startup=startup,
        other=StartupFactory(),
        investor=investor,
        round=funding_round,
        fund=fund,
        commitment=commitment,
        kpi=KpiReport.objects.create(startup=startup, year=2024, quarter=1),
        mark=ValuationMark.objects.create(
            fund=fund, startup=startup, as_of=dt.date(2025, 2, 1), fair_value=D("1")
        ),
        token=ApiToken.issue(UserFactory())[0],
        **lp_rows(fund),
    )


def lp_rows(fund: Fund) -> dict:
    lp = LimitedPartner.objects.create(name="引导基金", kind="government_guidance")
    call = new_call(fund)
    rule = ReallocationRule.objects.create(fund=fund, ceding=lp, pct=D("50"))
    ReallocationBeneficiary.objects.create(rule=rule, limited_partner=lp)
    return {
        "lp": lp,
        "lp_commitment": LpCommitment.objects.create(
            fund=fund, limited_partner=lp, amount=D("100"), committed_on=DAY
        ),
        "call": call,
        "item": CapitalCallItem.objects.create(capital_call=call, limited_partner=lp, amount=1),
        "rule": rule,
    }


def new_allocation(r, *, again: bool = False, **values) -> LpDistributionAllocation:
    """An allocation row of a new distribution (``again``: two rows of the same party)."""
    distribution = LpDistribution.objects.create(fund=r.fund, paid_on=DAY, amount=D("1"))
    values = {
        "limited_partner": None,
        "return_of_capital": D("1"),
        "preferred_return": D("0"),
        "catch_up": D("0"),
        "split": D("0"),
        **values,
    }
    if again:
        LpDistributionAllocation.objects.create(distribution=distribution, **values)
    return LpDistributionAllocation.objects.create(distribution=distribution, **values)


def new_threshold(effective_from: dt.date, **values) -> StartupTechThreshold:
    fields = {"max_headcount": 300, "max_assets": D("1"), "max_revenue": D("1"), "source": "x"}
    return StartupTechThreshold.objects.create(
        effective_from=effective_from, **{**fields, **values}
    )


def new_call(fund: Fund, **values) -> CapitalCall:
    values = {
        "number": CapitalCall.objects.filter(fund=fund).count() + 1,
        "call_date": DAY,
        "due_date": DAY,
        "amount": D("10"),
        "investments": D("10"),
        **values,
    }
    return CapitalCall.objects.create(fund=fund, **values)


def update(obj, **values) -> Callable[[], int]:
    return lambda: type(obj).objects.filter(pk=obj.pk).update(**values)


def new_round(r: Rows, **values) -> FundingRound:
    values = {"round_type": RoundType.A, "closed_on": DAY, "amount": D("5"), **values}
    return FundingRound.objects.create(startup=r.startup, **values)


def new_stage(**values) -> Stage:
    values = {"slug": "x", "name": "x", "name_en": "x", "order": 50, **values}
    return Stage.objects.create(**{"trl_min": 1, "trl_max": 9, **values})


def new_kpi(r: Rows, **values) -> KpiReport:
    return KpiReport.objects.create(startup=r.startup, **{"year": 2024, "quarter": 2, **values})


def new_milestone(r: Rows, **values) -> Milestone:
    values = {"kind": "first_prototype", "achieved_on": DAY, "title": "x", **values}
    return Milestone.objects.create(startup=r.startup, **values)


def new_evidence(r: Rows, **values) -> MilestoneEvidence:
    values = {"file": "x.pdf", "filename": "x.pdf", "size": 1, "sha256": "0" * 64, **values}
    milestone = new_milestone(r)
    return MilestoneEvidence.objects.create(
        milestone=milestone, content_type="application/pdf", **values
    )


def new_kpi_request(**values) -> KpiRequest:
    return KpiRequest.objects.create(**{"year": 2024, "quarter": 1, "due_on": DAY, **values})


def new_facility(**values) -> Facility:
    values = {
        "name": "稀释制冷机",
        "kind": "dilution_refrigerator",
        "booking_unit": "hour",
        **values,
    }
    return Facility.objects.create(**values)


def new_booking(r: Rows, **values) -> FacilityBooking:
    facility = Facility.objects.first() or new_facility()
    values = {"starts_at": AT, "ends_at": AT + dt.timedelta(hours=1), **values}
    return FacilityBooking.objects.create(facility=facility, startup=r.startup, **values)


def new_transfer(r: Rows, **values) -> TechTransfer:
    values = {"title": "量子点", "mode": "licence", "contract_on": DAY, **values}
    return TechTransfer.objects.create(
        startup=r.startup, institution=r.startup.institution, **values
    )


def new_ip_item(r: Rows, **values) -> TechTransferIpItem:
    return TechTransferIpItem.objects.create(transfer=new_transfer(r), **values)


def new_lease(r: Rows, **values) -> SpaceLease:
    values = {
        "unit": "A-1",
        "kind": "office",
        "area_m2": D("10"),
        "starts_on": DAY,
        "list_rent": D("100"),
        "actual_rent": D("100"),
        **values,
    }
    return SpaceLease.objects.create(startup=r.startup, **values)


def new_mentor(**values) -> Mentor:
    defaults = {"name": "导师", "kind": "investor", "appointed_by": "孵化器", "appointed_on": DAY}
    return Mentor.objects.create(**(defaults | values))


def new_session(r: Rows, **values) -> MentoringSession:
    mentor = Mentor.objects.first() or new_mentor()
    values = {"held_on": DAY, "hours": D("1"), "topic": "t", **values}
    return MentoringSession.objects.create(mentor=mentor, startup=r.startup, **values)


def rule() -> IncubationRule:
    return IncubationRule.objects.order_by("effective_from").first()


def new_rule(**values) -> IncubationRule:
    return IncubationRule.objects.create(
        **({"policy_code": "x", "effective_from": dt.date(2030, 1, 1)} | values)
    )


def new_incubator_threshold(**values) -> IncubatorThreshold:
    defaults = {
        "policy_code": "x",
        "grade": "g",
        "effective_from": DAY,
        "key": "incubatees",
        "required": D("1"),
    }
    return IncubatorThreshold.objects.create(**(defaults | values))


def new_incubator_figures(**values) -> IncubatorFigures:
    return IncubatorFigures.objects.create(**({"effective_from": DAY} | values))


def new_agreement(r: Rows, **values) -> IncubationAgreement:
    defaults = {
        "signed_on": DAY,
        "starts_on": DAY,
        "incubation_deadline": DAY + dt.timedelta(days=1),
        "rule": rule(),
    }
    return IncubationAgreement.objects.create(startup=r.startup, **(defaults | values))


def new_graduation(r: Rows, **values) -> Graduation:
    defaults = {"graduated_on": DAY, "rule": rule(), "basis_vc_over_5m": True}
    return Graduation.objects.create(startup=r.startup, **(defaults | values))


def new_application(r: Rows, **values) -> PolicyApplication:
    defaults = {"programme": "tech_sme", "level": "national", "applied_on": DAY}
    return PolicyApplication.objects.create(startup=r.startup, **(defaults | values))


def new_intro(r: Rows, **values) -> FinancingIntroduction:
    defaults = {"investor": r.investor, "introduced_on": DAY, "channel": "roadshow"}
    return FinancingIntroduction.objects.create(startup=r.startup, **(defaults | values))


def new_submission(r: Rows, **values) -> KpiSubmission:
    values = {"year": 2024, "quarter": 1, "submitted_at": AT, **values}
    return KpiSubmission.objects.create(startup=r.startup, **values)


def new_reminder(r: Rows) -> KpiReminder:
    request = KpiRequest.objects.get_or_create(year=2024, quarter=1, due_on=DAY)[0]
    founder = UserFactory(username="reminded")
    return KpiReminder.objects.create(
        request=request, founder=founder, startup=r.startup, kind="overdue"
    )


#: (model, constraint) -> writes that break that constraint, and only that one.
VIOLATIONS: dict[tuple[type, str], list[Callable[[Rows], object]]] = {
    # pipeline
    (Institution, "name"): [lambda r: InstitutionFactory(name=r.startup.institution.name)],
    (Stage, "slug"): [lambda r: new_stage(slug="lab")],
    (Stage, "name"): [lambda r: new_stage(name=Stage.objects.get(slug="lab").name)],
    (Stage, "order"): [lambda r: new_stage(order=Stage.objects.get(slug="lab").order)],
    (Stage, "stage_trl_range_1_9"): [
        lambda r: new_stage(trl_max=10),
        lambda r: new_stage(trl_min=0, trl_max=3),
    ],
    (Stage, "stage_trl_min_lte_max"): [lambda r: new_stage(trl_min=5, trl_max=4)],
    (Stage, "stage_terminal_not_in_valley"): [
        lambda r: new_stage(in_valley=True, outcome="closed")
    ],
    (Startup, "name"): [lambda r: update(r.other, name=r.startup.name)()],
    (Startup, "credit_code"): [lambda r: update(r.other, credit_code=r.startup.credit_code)()],
    (Startup, "startup_trl_1_9"): [
        lambda r: update(r.startup, trl=10)(),
        lambda r: update(r.startup, trl=0)(),
    ],
    (Startup, "startup_credit_code_format"): [
        lambda r: update(r.startup, credit_code="too-short")(),
        lambda r: update(r.startup, credit_code="91110108MA0000001I")(),  # I is not allowed
    ],
    (StageTransition, "transition_moves"): [
        lambda r: StageTransition.objects.create(
            startup=r.startup, from_stage=r.startup.stage, to_stage=r.startup.stage, on=DAY, trl=2
        )
    ],
    (StageTransition, "transition_trl_1_9"): [
        lambda r: StageTransition.objects.create(
            startup=r.startup, to_stage=r.startup.stage, on=DAY, trl=12
        ),
        lambda r: update(r.startup.transitions.get(), trl=0)(),
    ],
    (KpiReport, "kpi_one_per_startup_quarter"): [lambda r: new_kpi(r, quarter=1)],
    (KpiReport, "kpi_quarter_1_4"): [
        lambda r: new_kpi(r, quarter=5),
        lambda r: new_kpi(r, quarter=0),
    ],
    (KpiReport, "kpi_year_range"): [
        lambda r: new_kpi(r, year=1999),
        lambda r: new_kpi(r, year=2101),
    ],
    (KpiReport, "kpi_money_non_negative"): [
        lambda r: new_kpi(r, revenue=D("-1")),
        lambda r: new_kpi(r, rd_spend=D("-0.01")),
        lambda r: new_kpi(r, cash=D("-1")),
        lambda r: new_kpi(r, taxes_paid=D("-0.01")),
    ],
    (KpiReport, "kpi_of_which_within_totals"): [
        lambda r: new_kpi(r, patents_filed=2, invention_patents_filed=3),
        lambda r: new_kpi(r, patents_granted=0, invention_patents_granted=1),
        lambda r: new_kpi(r, headcount=4, phd_staff=5),
    ],
    (KpiReport, "kpi_runway_non_negative"): [lambda r: new_kpi(r, runway_months=D("-1"))],
    (Milestone, "milestone_verified_with_date_and_by"): [
        lambda r: new_milestone(r, verified_on=DAY),
        lambda r: new_milestone(r, verified_by=UserFactory()),
    ],
    # milestone evidence (the service refuses an empty file before the database would)
    (MilestoneEvidence, "milestone_evidence_not_empty"): [lambda r: new_evidence(r, size=0)],
    # founders' KPIs
    (KpiRequest, "kpi_request_one_per_quarter"): [lambda r: [new_kpi_request() for _ in "ab"]],
    (KpiRequest, "kpi_request_quarter_valid"): [
        lambda r: new_kpi_request(quarter=5),
        lambda r: new_kpi_request(year=1999),
    ],
    (KpiSubmission, "kpi_submission_one_open"): [
        lambda r: [new_submission(r) for _ in "ab"],
        lambda r: [new_submission(r, status=s, reviewed_at=AT) for s in ("returned",) * 2],
    ],
    (KpiSubmission, "kpi_submission_quarter_valid"): [
        lambda r: new_submission(r, quarter=0),
        lambda r: new_submission(r, year=2101),
    ],
    (KpiSubmission, "kpi_submission_non_negative"): [
        lambda r: new_submission(r, cash=D("-1")),
        lambda r: new_submission(r, runway_months=D("-0.5")),
        lambda r: new_submission(r, taxes_paid=D("-1")),
    ],
    (KpiSubmission, "kpi_submission_of_which_within_totals"): [
        lambda r: new_submission(r, patents_filed=1, invention_patents_filed=2),
        lambda r: new_submission(r, headcount=0, phd_staff=1),
    ],
    (KpiSubmission, "kpi_submission_status_valid"): [
        lambda r: new_submission(r, status="lost", reviewed_at=AT)
    ],
    (KpiSubmission, "kpi_submission_reviewed_when_decided"): [
        lambda r: new_submission(r, status="approved")
    ],
    (KpiReminder, "kpi_reminder_once"): [lambda r: [new_reminder(r) for _ in "ab"]],
    # shared facilities (issue 16); the overlap rule's exclusion constraint is PostgreSQL's
    # alone, outside Meta (tests/test_facilities.py breaks it)
    (Facility, "name"): [lambda r: [new_facility(), new_facility()]],
    (Facility, "facility_kind_valid"): [lambda r: new_facility(kind="oven")],
    (Facility, "facility_booking_unit_valid"): [lambda r: new_facility(booking_unit="week")],
    (FacilityBooking, "facility_booking_ends_after_start"): [
        lambda r: new_booking(r, ends_at=AT),
        lambda r: new_booking(r, ends_at=AT - dt.timedelta(minutes=1)),
    ],
    (FacilityBooking, "facility_booking_non_negative"): [
        lambda r: new_booking(r, units=D("-1")),
        lambda r: new_booking(r, helium_litres=D("-0.01")),
    ],
    # the technology-transfer ledger (issue 16)
    (TechTransfer, "tech_transfer_mode_valid"): [lambda r: new_transfer(r, mode="gift")],
    (TechTransfer, "tech_transfer_empowerment_valid"): [
        lambda r: new_transfer(r, empowerment="all")
    ],
    (TechTransfer, "tech_transfer_consideration_non_negative"): [
        lambda r: new_transfer(r, consideration=D("-0.01"))
    ],
    (TechTransfer, "tech_transfer_pct_range"): [
        lambda r: new_transfer(r, equity_to_institution_pct=D("-1")),
        lambda r: new_transfer(r, equity_to_researchers_pct=D("100.01")),
    ],
    (TechTransfer, "tech_transfer_pct_sum"): [
        lambda r: new_transfer(
            r, equity_to_institution_pct=D("50.01"), equity_to_researchers_pct=D("50")
        )
    ],
    (TechTransfer, "tech_transfer_co_ownership_range"): [
        lambda r: new_transfer(r, co_ownership_pct=D("100.5"))
    ],
    (TechTransfer, "tech_transfer_use_right_years_positive"): [
        lambda r: new_transfer(r, use_right_years=0)
    ],
    (TechTransferIpItem, "tech_transfer_ip_kind_valid"): [
        lambda r: new_ip_item(r, kind="trademark")
    ],
    # space and mentors (issue 16); the overlap of two leases of a unit is the service's
    # rule (tests/test_space_and_mentors.py), not the database's
    (SpaceLease, "space_lease_kind_valid"): [lambda r: new_lease(r, kind="garage")],
    (SpaceLease, "space_lease_ends_after_start"): [
        lambda r: new_lease(r, ends_on=DAY - dt.timedelta(days=1))
    ],
    (SpaceLease, "space_lease_area_positive"): [
        lambda r: new_lease(r, area_m2=D("0")),
        lambda r: new_lease(r, area_m2=D("-1")),
    ],
    (SpaceLease, "space_lease_money_non_negative"): [
        lambda r: new_lease(r, list_rent=D("-1"), actual_rent=D("-2")),
        lambda r: new_lease(r, subsidy=D("-0.01")),
    ],
    (SpaceLease, "space_lease_actual_within_list"): [
        lambda r: new_lease(r, actual_rent=D("100.01"))
    ],
    (Mentor, "mentor_kind_valid"): [lambda r: new_mentor(kind="guru")],
    (Mentor, "mentor_until_after_appointed"): [
        lambda r: new_mentor(until=DAY - dt.timedelta(days=1))
    ],
    (MentoringSession, "mentoring_session_hours_range"): [
        lambda r: new_session(r, hours=D("0")),
        lambda r: new_session(r, hours=D("24.01")),
    ],
    # incubation: rules, agreements, graduations, applications, introductions (issue 16)
    (IncubationRule, "incubation_rule_one_per_day"): [
        lambda r: new_rule(effective_from=rule().effective_from)
    ],
    (IncubationRule, "incubation_rule_deadlines"): [
        lambda r: new_rule(deadline_months=0),
        lambda r: new_rule(deadline_months=48, extended_deadline_months=47),
    ],
    (IncubationRule, "incubation_rule_graduation_thresholds"): [
        lambda r: new_rule(graduation_vc_over=D("-1")),
        lambda r: new_rule(graduation_revenue_years=0),
    ],
    (IncubatorThreshold, "incubator_threshold_unique"): [
        lambda r: [new_incubator_threshold() for _ in range(2)]
    ],
    (IncubatorThreshold, "incubator_threshold_key_valid"): [
        lambda r: new_incubator_threshold(key="vibes")
    ],
    (IncubatorThreshold, "incubator_threshold_non_negative"): [
        lambda r: new_incubator_threshold(required=D("-1"))
    ],
    (IncubatorFigures, "effective_from"): [lambda r: [new_incubator_figures() for _ in range(2)]],
    (IncubatorFigures, "incubator_figures_area_positive"): [
        lambda r: new_incubator_figures(controlled_area_m2=D("0"))
    ],
    (IncubatorFigures, "incubator_figures_seed_fund_non_negative"): [
        lambda r: new_incubator_figures(seed_fund=D("-1"))
    ],
    (IncubationAgreement, "startup"): [lambda r: [new_agreement(r) for _ in range(2)]],
    (IncubationAgreement, "incubation_agreement_ends_after_start"): [
        lambda r: new_agreement(r, ends_on=DAY - dt.timedelta(days=1))
    ],
    (IncubationAgreement, "incubation_agreement_deadline_after_start"): [
        lambda r: new_agreement(r, incubation_deadline=DAY)
    ],
    (Graduation, "startup"): [lambda r: [new_graduation(r) for _ in range(2)]],
    (Graduation, "graduation_has_basis"): [lambda r: new_graduation(r, basis_vc_over_5m=False)],
    (PolicyApplication, "policy_application_programme_valid"): [
        lambda r: new_application(r, programme="lottery")
    ],
    (PolicyApplication, "policy_application_level_valid"): [
        lambda r: new_application(r, level="galactic")
    ],
    (PolicyApplication, "policy_application_status_valid"): [
        lambda r: new_application(r, status="maybe")
    ],
    (PolicyApplication, "policy_application_valid_to_after_from"): [
        lambda r: new_application(
            r, status="approved", valid_from=DAY, valid_to=DAY - dt.timedelta(days=1)
        )
    ],
    (PolicyApplication, "policy_application_money_non_negative"): [
        lambda r: new_application(
            r, status="approved", amount_granted=D("-1"), amount_received=D("-2")
        )
    ],
    (PolicyApplication, "policy_application_received_within_granted"): [
        lambda r: new_application(
            r, status="approved", amount_granted=D("1"), amount_received=D("2")
        )
    ],
    (PolicyApplication, "policy_application_grant_needs_approval"): [
        lambda r: new_application(r, status="submitted", amount_granted=D("1")),
        lambda r: new_application(r, status="rejected", certificate_number="GR1"),
        lambda r: new_application(r, status="draft", valid_from=DAY),
    ],
    (PolicyApplication, "policy_application_applied_on_once_submitted"): [
        lambda r: new_application(r, status="submitted", applied_on=None)
    ],
    (FinancingIntroduction, "financing_intro_channel_valid"): [
        lambda r: new_intro(r, channel="carrier_pigeon")
    ],
    (FinancingIntroduction, "financing_intro_outcome_valid"): [
        lambda r: new_intro(r, outcome="maybe")
    ],
    (FinancingIntroduction, "financing_intro_round_needs_invested"): [
        lambda r: new_intro(r, outcome="pending", funding_round=r.round)
    ],
    (FinancingIntroduction, "financing_intro_unique"): [lambda r: [new_intro(r) for _ in range(2)]],
    # founders: one startup per founder's account
    (FounderMembership, "user"): [
        lambda r: [
            FounderMembership.objects.create(user=user, startup=startup)
            for user in [UserFactory(username="two_startups")]
            for startup in (r.startup, r.other)
        ]
    ],
    # funding
    (Investor, "name"): [lambda r: InvestorFactory(name=r.investor.name)],
    (FundingRound, "round_amount_positive_unless_undisclosed"): [
        lambda r: new_round(r, amount=D("0")),
        lambda r: new_round(r, amount=D("-5")),
        lambda r: new_round(r, amount=None, amount_precision=AmountPrecision.EXACT),
        lambda r: new_round(r, amount=D("5"), amount_precision=AmountPrecision.UNDISCLOSED),
    ],
    (FundingRound, "round_valuation_non_negative"): [
        lambda r: new_round(r, pre_money_valuation=D("-1"))
    ],
    (FundingRound, "round_currency_cny"): [lambda r: update(r.round, currency="USD")()],
    (Participation, "participation_unique_investor"): [
        lambda r: Participation.objects.create(funding_round=r.round, investor=r.investor)
    ],
    (Participation, "participation_amount_positive"): [
        lambda r: Participation.objects.create(
            funding_round=r.round, investor=InvestorFactory(), amount=D("0")
        )
    ],
    # fund
    (Fund, "name"): [lambda r: FundFactory(name=r.fund.name)],
    (Fund, "fund_size_positive"): [
        lambda r: update(r.fund, size=D("0"))(),
        lambda r: update(r.fund, size=D("-1"))(),
    ],
    (Fund, "fund_limits_are_percentages"): [
        lambda r: update(r.fund, max_single_company_pct=D("101"))(),
        lambda r: update(r.fund, min_target_sector_pct=D("-1"))(),
        lambda r: update(r.fund, min_local_pct=D("100.01"))(),
    ],
    (Commitment, "commitment_amount_positive"): [
        lambda r: Commitment.objects.create(
            fund=r.fund, startup=r.other, amount=D("0"), approved_on=dt.date(2025, 1, 1)
        )
    ],
    (Disbursement, "disbursement_amount_positive"): [
        lambda r: Disbursement.objects.create(
            commitment=r.commitment, amount=D("-1"), paid_on=dt.date(2025, 2, 1)
        ),
        lambda r: Disbursement.objects.create(
            commitment=r.commitment, amount=D("0"), paid_on=dt.date(2025, 2, 1)
        ),
    ],
    (ValuationMark, "valuation_one_per_day"): [
        lambda r: ValuationMark.objects.create(
            fund=r.fund, startup=r.startup, as_of=r.mark.as_of, fair_value=D("2")
        )
    ],
    (ValuationMark, "valuation_non_negative"): [
        lambda r: ValuationMark.objects.create(
            fund=r.fund, startup=r.startup, as_of=dt.date(2025, 3, 1), fair_value=D("-1")
        ),
        lambda r: update(r.mark, fair_value=D("-1"))(),
    ],
    (Distribution, "distribution_amount_positive"): [
        lambda r: Distribution.objects.create(
            fund=r.fund, startup=r.startup, amount=D("0"), paid_on=dt.date(2025, 2, 1)
        ),
        lambda r: Distribution.objects.create(
            fund=r.fund, startup=r.startup, amount=D("0"), paid_on=DAY, kind="dividend"
        ),
        lambda r: Distribution.objects.create(
            fund=r.fund, startup=r.startup, amount=D("-1"), paid_on=DAY, kind="write_off"
        ),
    ],
    (Distribution, "distribution_one_end_per_holding"): [
        lambda r: [
            Distribution.objects.create(
                fund=r.fund, startup=r.startup, amount=D("0"), paid_on=DAY, kind=kind
            )
            for kind in ("write_off", "write_off")
        ],
        lambda r: [
            Distribution.objects.create(
                fund=r.fund, startup=r.startup, amount=D("5"), paid_on=DAY, kind=kind
            )
            for kind in ("exit", "write_off")
        ],
    ],
    (Fund, "fund_lp_terms_in_range"): [
        lambda r: update(r.fund, management_fee_pct=D("-1"))(),
        lambda r: update(r.fund, hurdle_pct=D("101"))(),
        lambda r: update(r.fund, carry_pct=D("100"))(),
        lambda r: update(r.fund, carry_pct=D("20"), catch_up_pct=D("20"))(),
    ],
    # the policy pack
    (Fund, "fund_policy_pack_in_range"): [
        lambda r: update(r.fund, stake_cap_pct=D("101"))(),
        lambda r: update(r.fund, relocation_moved_multiplier=D("-1"))(),
        lambda r: update(r.fund, relocation_investment_multiplier=D("10.01"))(),
    ],
    (Commitment, "commitment_relocation_dated"): [
        lambda r: update(r.commitment, relocation_kind="moved")(),
        lambda r: update(r.commitment, relocated_on=dt.date(2025, 3, 1))(),
    ],
    (Tranche, "tranche_amount_positive"): [
        lambda r: Tranche.objects.create(commitment=r.commitment, amount=D("0"), due_by=DAY)
    ],
    (Disbursement, "disbursement_ownership_pct_range"): [
        lambda r: Disbursement.objects.create(
            commitment=r.commitment, amount=D("1"), paid_on=DAY, ownership_pct=D("0")
        ),
        lambda r: Disbursement.objects.create(
            commitment=r.commitment, amount=D("1"), paid_on=DAY, ownership_pct=D("100.01")
        ),
    ],
    (StartupTechThreshold, "effective_from"): [lambda r: new_threshold(dt.date(2018, 1, 1))],
    (StartupTechThreshold, "threshold_period_ordered"): [
        lambda r: new_threshold(dt.date(2030, 1, 1), effective_to=dt.date(2029, 12, 31))
    ],
    (StartupTechThreshold, "threshold_limits_positive"): [
        lambda r: new_threshold(dt.date(2030, 1, 1), max_headcount=0),
        lambda r: new_threshold(dt.date(2030, 1, 1), max_assets=D("0")),
        lambda r: new_threshold(dt.date(2030, 1, 1), max_age_months=0),
    ],
    # the fund's investors (LPs)
    (LimitedPartner, "name"): [
        lambda r: LimitedPartner.objects.create(name=r.lp.name, kind="social_capital")
    ],
    (LimitedPartner, "credit_code"): [
        lambda r: [
            LimitedPartner.objects.create(name=n, kind="gp", credit_code="91110108MA01A1B2C3")
            for n in ("甲", "乙")
        ]
    ],
    (LimitedPartner, "lp_credit_code_format"): [
        lambda r: LimitedPartner.objects.create(name="丙", kind="gp", credit_code="short")
    ],
    (LpCommitment, "lp_commitment_amount_positive"): [
        lambda r: LpCommitment.objects.create(
            fund=FundFactory(), limited_partner=r.lp, amount=D("0"), committed_on=DAY
        )
    ],
    (LpCommitment, "lp_commitment_one_per_fund"): [
        lambda r: LpCommitment.objects.create(
            fund=r.fund, limited_partner=r.lp, amount=D("1"), committed_on=DAY
        )
    ],
    (CapitalCall, "capital_call_amount_positive"): [
        lambda r: new_call(r.fund, amount=D("0"), investments=D("0"))
    ],
    (CapitalCall, "capital_call_purposes_non_negative"): [
        lambda r: new_call(r.fund, investments=D("11"), expenses=D("-1"))
    ],
    (CapitalCall, "capital_call_purposes_add_up"): [
        lambda r: new_call(r.fund, investments=D("9")),
        lambda r: update(r.call, management_fees=D("1"))(),
    ],
    (CapitalCall, "capital_call_due_after_call"): [
        lambda r: new_call(r.fund, due_date=DAY - dt.timedelta(days=1))
    ],
    (CapitalCall, "capital_call_number_per_fund"): [
        lambda r: new_call(r.fund, number=r.call.number)
    ],
    (CapitalCallItem, "call_item_amount_non_negative"): [
        lambda r: update(r.item, amount=D("-1"))()
    ],
    (CapitalCallItem, "call_item_one_per_lp"): [
        lambda r: CapitalCallItem.objects.create(
            capital_call=r.call, limited_partner=r.lp, amount=D("1")
        )
    ],
    (CapitalCallPayment, "call_payment_amount_positive"): [
        lambda r: CapitalCallPayment.objects.create(item=r.item, paid_on=DAY, amount=D("0"))
    ],
    (CallDefault, "item"): [
        lambda r: [
            CallDefault.objects.create(item=r.item, noticed_on=DAY, outstanding=D("1"))
            for _ in range(2)
        ]
    ],
    (CallDefault, "call_default_outstanding_positive"): [
        lambda r: CallDefault.objects.create(item=r.item, noticed_on=DAY, outstanding=D("0"))
    ],
    (FundExpense, "fund_expense_amount_positive"): [
        lambda r: FundExpense.objects.create(
            fund=r.fund, incurred_on=DAY, amount=D("-1"), category="audit"
        )
    ],
    (LpDistribution, "lp_distribution_amount_positive"): [
        lambda r: LpDistribution.objects.create(fund=r.fund, paid_on=DAY, amount=D("0"))
    ],
    (LpDistributionAllocation, "lp_allocation_tiers_non_negative"): [
        lambda r: new_allocation(r, split=D("-1")),
        lambda r: new_allocation(r, return_of_capital=D("-0.01")),
    ],
    (LpDistributionAllocation, "lp_allocation_once_per_partner"): [
        lambda r: new_allocation(r, limited_partner=r.lp, again=True)
    ],
    (LpDistributionAllocation, "lp_allocation_one_gp_row"): [
        lambda r: new_allocation(r, limited_partner=None, again=True)
    ],
    (ReallocationRule, "fund"): [
        lambda r: ReallocationRule.objects.create(fund=r.fund, ceding=r.lp, pct=D("1"))
    ],
    (ReallocationRule, "reallocation_pct_range"): [lambda r: update(r.rule, pct=D("0"))()],
    (ReallocationBeneficiary, "reallocation_weight_positive"): [
        lambda r: ReallocationBeneficiary.objects.filter(rule=r.rule).update(weight=D("0"))
    ],
    (ReallocationBeneficiary, "reallocation_beneficiary_once"): [
        lambda r: ReallocationBeneficiary.objects.create(rule=r.rule, limited_partner=r.lp)
    ],
    # tokens
    (ApiToken, "digest"): [
        lambda r: ApiToken.objects.create(user=r.token.user, prefix="x", digest=r.token.digest)
    ],
    (ApiToken, "api_token_scope_known"): [lambda r: update(r.token, scope="admin")()],
    (RateCounter, "rate_counter_count_positive"): [
        lambda r: RateCounter.objects.create(
            key="throttle_x_1", count=0, expires=r.token.created_at
        ),
    ],
}

CASES = [
    pytest.param(model, name, write, id=f"{model.__name__}.{name}-{n}")
    for (model, name), writes in VIOLATIONS.items()
    for n, write in enumerate(writes)
]


@pytest.mark.parametrize(("model", "constraint", "write"), CASES)
def test_database_refuses_by_name(rows, model, constraint, write):
    with assert_violates(model, constraint):
        write(rows)


def test_every_constraint_has_a_violating_write():
    models = apps.get_app_config("portfolio").get_models()
    everything = {(model, name) for model in models for name in declared(model)}
    assert everything - set(VIOLATIONS) == set(), "constraints without a write breaking them"
    assert set(VIOLATIONS) - everything == set(), "writes for constraints no model declares"


def test_assert_violates_tells_constraints_apart(rows):
    """Breaking one constraint does not pass for another one of the same table."""
    wrong_check = assert_violates(Startup, "startup_credit_code_format")
    with pytest.raises(AssertionError, match="reported 'startup_trl_1_9'"), wrong_check:
        update(rows.startup, trl=10)()
    wrong_unique = assert_violates(Startup, "credit_code")
    with pytest.raises(AssertionError, match="reported 'name'"), wrong_unique:
        update(rows.other, name=rows.startup.name)()


def test_a_write_off_may_bring_nothing_and_proceeds_may_follow_an_end(rows):
    """Only an exit or a write-off ends a holding, once; a write-off may be 0; dividends and
    other proceeds are not limited."""
    for kind, amount in (("write_off", "0"), ("dividend", "5"), ("other", "1"), ("dividend", "2")):
        Distribution.objects.create(
            fund=rows.fund, startup=rows.startup, amount=D(amount), paid_on=DAY, kind=kind
        )
    Distribution.objects.create(
        fund=rows.fund, startup=rows.other, amount=D("7"), paid_on=DAY, kind="exit"
    )
    assert Distribution.objects.count() == 5


def test_an_undisclosed_round_may_have_no_amount(startup):
    FundingRound.objects.create(
        startup=startup,
        round_type=RoundType.A,
        closed_on=DAY,
        amount=None,
        amount_precision=AmountPrecision.UNDISCLOSED,
    )
    assert FundingRound.objects.get().amount is None


def test_money_and_history_are_protected(startup):
    from django.db.models import ProtectedError

    fund = FundFactory()
    Commitment.objects.create(
        fund=fund, startup=startup, amount=Decimal("10"), approved_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(ProtectedError):
        startup.delete()
    with pytest.raises(ProtectedError):
        fund.delete()
    with pytest.raises(ProtectedError):
        Stage.objects.get(slug="lab").delete()
