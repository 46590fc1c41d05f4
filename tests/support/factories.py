"""factory_boy factories with consistent related objects.

Rows with a rule behind them are created through their service (``_create`` calls it), so a
factory can never build what the rules refuse: startups (``startup_create``, which also
writes the first stage transition), funding rounds with their participants
(``round_record``), commitments (``commitment_create``), disbursements
(``disbursement_record``), valuation marks (``valuation_mark``) and distributions
(``distribution_record``). Reference rows that no rule guards (institutions, investors,
funds, milestones, KPI reports, users) are plain model factories.

The defaults fit together: a commitment's default amount fits a default fund, a
disbursement's fits its commitment, and every default date lies in the past.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from portfolio import services
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    Facility,
    FacilityBooking,
    FinancingIntroduction,
    Fund,
    FundingRound,
    IncubationAgreement,
    IncubatorFigures,
    Institution,
    Investor,
    KpiReport,
    Mentor,
    MentoringSession,
    Milestone,
    PolicyApplication,
    SpaceLease,
    Stage,
    Startup,
    TechTransfer,
    ValuationMark,
)
from portfolio.models.choices import (
    DistributionKind,
    InstitutionKind,
    InvestorKind,
    RoundType,
    TechArea,
)
from portfolio.models.validators import make_credit_code as credit_code
from portfolio.selectors.incubation import add_months

#: The roles a persona can have: a group of users, or ``superuser``; ``anonymous`` is no user.
SHANGHAI = ZoneInfo("Asia/Shanghai")

ROLE_NAMES = ("anonymous", "viewers", "incubator-staff", "fund-managers", "superuser")


def stage(slug: str) -> Stage:
    """A stage installed by the data migrations."""
    return Stage.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    """A staff account; ``role="<group>"`` puts it in that role's group."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-1")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def make_user(role: str):
    """The persona of ``role`` (one of ``ROLE_NAMES``); ``"anonymous"`` gives None."""
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(username="root", is_superuser=True)
    return UserFactory(username=role.replace("-", "_"), role=role)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"研究机构{n}")
    name_en = factory.Sequence(lambda n: f"Institute {n}")
    kind = InstitutionKind.UNIVERSITY
    city = "北京"


class InvestorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investor

    name = factory.Sequence(lambda n: f"投资机构{n}")
    name_en = factory.Sequence(lambda n: f"Investor {n}")
    kind = InvestorKind.VC


class FundFactory(factory.django.DjangoModelFactory):
    """A 2亿 fund investing until 2029, at most 20% in one company."""

    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"量子产业基金{n}")
    name_en = factory.Sequence(lambda n: f"Quantum Fund {n}")
    size = Decimal("200000000.00")
    vintage_year = 2024
    manager = "基金管理人"
    investment_period_end = dt.date(2029, 12, 31)
    max_single_company_pct = Decimal("20.00")
    min_target_sector_pct = Decimal("60.00")
    min_local_pct = Decimal("50.00")
    local_region = "北京市"


class StartupFactory(factory.django.DjangoModelFactory):
    """A startup with its first transition, created through ``startup_create``."""

    class Meta:
        model = Startup

    name = factory.Sequence(lambda n: f"量子初创{n}")
    name_en = factory.Sequence(lambda n: f"Quantum Startup {n}")
    credit_code = factory.Sequence(credit_code)
    tech_area = TechArea.COMPUTING
    institution = factory.SubFactory(InstitutionFactory)
    admitted_on = dt.date(2021, 3, 1)
    # 2020-01-01, or a year before a later admission (the 2018 measures admit at most 24
    # months old: ``services.incubation.admission_check``)
    founded_on = factory.LazyAttribute(
        lambda o: (
            max(dt.date(2020, 1, 1), add_months(o.admitted_on, -12))
            if isinstance(o.admitted_on, dt.date)
            else dt.date(2020, 1, 1)
        )
    )
    registered_region = "北京市海淀区"
    stage = factory.LazyFunction(lambda: stage("lab"))
    trl = 2

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.startup_create(**kwargs)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    startup = factory.SubFactory(StartupFactory)
    kind = "first_prototype"
    achieved_on = dt.date(2022, 6, 1)
    title = "第一台样机"


class KpiReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiReport

    startup = factory.SubFactory(StartupFactory)
    year = 2024
    quarter = factory.Sequence(lambda n: n % 4 + 1)
    revenue = Decimal("1000000.00")
    rd_spend = Decimal("500000.00")
    headcount = 20


class FundingRoundFactory(factory.django.DjangoModelFactory):
    """A round with its participants, recorded through ``round_record``.

    ``participants`` is a list of ``(investor, amount or None)``; by default none.
    """

    class Meta:
        model = FundingRound

    startup = factory.SubFactory(StartupFactory)
    round_type = RoundType.A
    closed_on = dt.date(2024, 3, 1)
    amount = Decimal("30000000.00")
    lead_investor = factory.SubFactory(InvestorFactory)
    participants = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.round_record(**kwargs)


class CommitmentFactory(factory.django.DjangoModelFactory):
    """1000万 of a fund committed to a startup, through ``commitment_create``."""

    class Meta:
        model = Commitment

    fund = factory.SubFactory(FundFactory)
    startup = factory.SubFactory(StartupFactory)
    amount = Decimal("10000000.00")
    approved_on = dt.date(2024, 2, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.commitment_create(**kwargs)


class DisbursementFactory(factory.django.DjangoModelFactory):
    """500万 paid against a commitment, through ``disbursement_record``."""

    class Meta:
        model = Disbursement

    commitment = factory.SubFactory(CommitmentFactory)
    amount = Decimal("5000000.00")
    paid_on = dt.date(2024, 3, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.disbursement_record(**kwargs)


class ValuationMarkFactory(factory.django.DjangoModelFactory):
    """A mark of a holding, through ``valuation_mark``.

    The service marks only holdings; when the fund holds nothing of the startup, a default
    commitment (through its service) makes it one first.
    """

    class Meta:
        model = ValuationMark

    fund = factory.SubFactory(FundFactory)
    startup = factory.SubFactory(StartupFactory)
    as_of = dt.date(2024, 6, 30)
    fair_value = Decimal("8000000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        fund, startup = kwargs["fund"], kwargs["startup"]
        if not Commitment.objects.filter(fund=fund, startup=startup).exists():
            CommitmentFactory(
                fund=fund, startup=startup, approved_on=min(kwargs["as_of"], dt.date(2024, 2, 1))
            )
        return services.valuation_mark(**kwargs)


class DistributionFactory(factory.django.DjangoModelFactory):
    """Cash back from a holding, through ``distribution_record``: a dividend by default, which
    leaves the holding open (``kind="exit"`` or ``"write_off"`` ends it).

    The service wants cash paid in first; when the fund paid nothing into the startup by
    ``paid_on``, a default commitment and a disbursement on that day (through their
    services) come first.
    """

    class Meta:
        model = Distribution

    fund = factory.SubFactory(FundFactory)
    startup = factory.SubFactory(StartupFactory)
    paid_on = dt.date(2024, 9, 1)
    amount = Decimal("1000000.00")
    kind = DistributionKind.DIVIDEND

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        fund, startup, paid_on = kwargs["fund"], kwargs["startup"], kwargs["paid_on"]
        paid_in = Disbursement.objects.filter(
            commitment__fund=fund, commitment__startup=startup, paid_on__lte=paid_on
        )
        if not paid_in.exists():
            commitment = CommitmentFactory(fund=fund, startup=startup, approved_on=paid_on)
            DisbursementFactory(commitment=commitment, paid_on=paid_on)
        return services.distribution_record(**kwargs)


class FacilityFactory(factory.django.DjangoModelFactory):
    """A shared facility (no rule beyond the model's: a plain model factory)."""

    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"稀释制冷机{n}")
    kind = "dilution_refrigerator"
    owner = "孵化器"
    booking_unit = "cooldown_run"


class FacilityBookingFactory(factory.django.DjangoModelFactory):
    """A booking, made through ``facility_booking_create`` (so never an overlapping one);
    by default a day in March 2025, one after the other."""

    class Meta:
        model = FacilityBooking

    facility = factory.SubFactory(FacilityFactory)
    startup = factory.SubFactory(StartupFactory)
    starts_at = factory.Sequence(
        lambda n: dt.datetime(2025, 3, 1, 9, tzinfo=SHANGHAI) + dt.timedelta(days=n)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=8))
    units = Decimal("1.00")
    helium_litres = Decimal("0.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.facility_booking_create(**kwargs)


class TechTransferFactory(factory.django.DjangoModelFactory):
    """A technology transfer with one invention patent, made through
    ``tech_transfer_create`` (so its application numbers are checked)."""

    class Meta:
        model = TechTransfer

    startup = factory.SubFactory(StartupFactory)
    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"超导量子比特读出技术{n}")
    mode = "licence"
    # Within 2024 whatever the count: a worker that makes a thousand transfers must not
    # reach a date in the future (refused), as it did on 2026-12-06.
    contract_on = factory.Sequence(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n % 366))
    consideration = Decimal("500000.00")
    equity_to_institution_pct = Decimal("10.00")
    equity_to_researchers_pct = Decimal("20.00")
    ip_items = factory.LazyFunction(
        lambda: [{"kind": "invention", "application_number": "201810123456.5"}]
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.tech_transfer_create(**kwargs)


class SpaceLeaseFactory(factory.django.DjangoModelFactory):
    """A lease, made through ``space_lease_create`` (so never an overlapping one); by default
    a unit of its own (A-<n>), 50 m² of office from 2025-03-01 on."""

    class Meta:
        model = SpaceLease

    startup = factory.SubFactory(StartupFactory)
    unit = factory.Sequence(lambda n: f"A-{n}")
    kind = "office"
    area_m2 = Decimal("50.00")
    starts_on = dt.date(2025, 3, 1)
    ends_on = None
    list_rent = Decimal("6000.00")
    actual_rent = Decimal("4500.00")
    subsidy = Decimal("0.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.space_lease_create(**kwargs)


class MentorFactory(factory.django.DjangoModelFactory):
    """A mentor, made through ``mentor_create``."""

    class Meta:
        model = Mentor

    name = factory.Sequence(lambda n: f"导师{n}")
    kind = "entrepreneur"
    appointed_by = "孵化器"
    appointed_on = dt.date(2025, 1, 1)
    until = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.mentor_create(**kwargs)


class MentoringSessionFactory(factory.django.DjangoModelFactory):
    """A session, made through ``mentoring_session_create``."""

    class Meta:
        model = MentoringSession

    mentor = factory.SubFactory(MentorFactory)
    startup = factory.SubFactory(StartupFactory)
    held_on = factory.Sequence(lambda n: dt.date(2025, 3, 1) + dt.timedelta(days=n % 300))
    hours = Decimal("2.00")
    topic = "融资路演准备"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.mentoring_session_create(**kwargs)


class IncubatorFiguresFactory(factory.django.DjangoModelFactory):
    """The incubator's figures from a day (one a day, the days in sequence from 2020-01-01,
    wrapping after 1,500 so never in the future), saved through ``incubator_figures_save``."""

    class Meta:
        model = IncubatorFigures

    effective_from = factory.Sequence(lambda n: dt.date(2020, 1, 1) + dt.timedelta(days=n % 1500))
    opened_on = dt.date(2019, 6, 1)
    controlled_area_m2 = Decimal("12000.00")
    seed_fund = Decimal("6000000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.incubator_figures_save(**kwargs)


class IncubationAgreementFactory(factory.django.DjangoModelFactory):
    """An incubation agreement, made through ``incubation_agreement_create`` (so its deadline
    comes from the rule table)."""

    class Meta:
        model = IncubationAgreement

    startup = factory.SubFactory(StartupFactory)
    signed_on = dt.date(2021, 2, 20)
    starts_on = dt.date(2021, 3, 1)
    ends_on = None
    note = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.incubation_agreement_create(**kwargs)


class PolicyApplicationFactory(factory.django.DjangoModelFactory):
    """A policy application, made through ``policy_application_create`` (a submitted
    高新技术企业 application by default)."""

    class Meta:
        model = PolicyApplication

    startup = factory.SubFactory(StartupFactory)
    programme = "high_tech_enterprise"
    level = "national"
    applied_on = dt.date(2024, 5, 20)
    status = "submitted"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.policy_application_create(**kwargs)


class FinancingIntroductionFactory(factory.django.DjangoModelFactory):
    """A financing introduction, made through ``financing_introduction_create`` (pending)."""

    class Meta:
        model = FinancingIntroduction

    startup = factory.SubFactory(StartupFactory)
    investor = factory.SubFactory(InvestorFactory)
    introduced_on = factory.Sequence(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n % 600))
    channel = "roadshow"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.financing_introduction_create(**kwargs)
