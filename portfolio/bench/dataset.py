"""Benchmark dataset at incubator-network scale, written with bulk inserts.

``generate(startups=10_000)`` makes, per startup, ~4 stage transitions, 10 funding rounds
(2.5 participations each) and 4 quarterly KPI reports, plus one 200M fund with ~1,000
commitments, each with a disbursement, a valuation mark and three planned tranches (one
commitment in 300, to show the tranche list does not grow its queries with its rows). The
founders' layer (``founder_layer``): 12 quarterly KPI requests, each asking 200 startups, and
a submission from most of them (submitted, approved or returned). The facilities' layer
(``facility_layer``): six shared facilities and one booking per five startups. The operations'
layer (``operations_layer``): one space lease per three startups (units leased one after
another, never overlapping), a mentor per twenty startups and a mentoring session per two;
the transfers' layer (``transfer_layer``): a technology transfer per four startups with one
to three IP items each (patents with valid CN application numbers); the services' layer
(``service_layer``): a policy application per three startups and a financing introduction
per four. Rows are built
consistent with the rules (current stage = latest transition, participants within the round,
commitments within the fund) and checked by the database's constraints; the services are
bypassed only because row-by-row writes would take hours at this size. The fund's LP layer
(``lp_layer``: 4 LPs, 8 calls with their payments, 24 expenses, 2 distributions through the
waterfall of the cash not invested) is small and written through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from portfolio.models import (
    Commitment,
    Disbursement,
    Fund,
    FundingRound,
    Institution,
    Investor,
    KpiReport,
    KpiRequest,
    KpiSubmission,
    Participation,
    Stage,
    StageTransition,
    Startup,
    Tranche,
    ValuationMark,
)
from portfolio.models.choices import (
    AmountPrecision,
    CommitmentStatus,
    InstitutionKind,
    InvestorKind,
    LpKind,
    RoundType,
    StartupStatus,
    TechArea,
)
from portfolio.models.validators import make_credit_code

BATCH = 5000
#: every round type but an IPO, in the enum's order (the generator draws from it)
ROUND_TYPES = [kind for kind in RoundType if kind != RoundType.IPO]


def quarter_figures(rng: random.Random) -> dict:
    """A quarter's revenue, R&D spend and headcount, drawn alike for the KPI reports and the
    founders' submissions (in this order: the draws that follow depend on it)."""
    return {
        "revenue": Decimal(rng.randint(0, 5_000_000)),
        "rd_spend": Decimal(rng.randint(100_000, 3_000_000)),
        "headcount": rng.randint(3, 300),
    }


def quarter_cash(rng: random.Random) -> Decimal:
    """A quarter's closing cash, for the KPI reports and the founders' submissions alike."""
    return Decimal(rng.randint(500_000, 50_000_000))


@transaction.atomic
def generate(*, startups: int = 10_000, seed: int = 6) -> dict[str, int]:
    rng = random.Random(seed)
    stages = list(Stage.objects.order_by("order"))
    pipeline = [s for s in stages if not s.outcome]
    terminal = {s.outcome: s for s in stages if s.outcome}
    last_valley = max(s.order for s in pipeline if s.in_valley)

    institutions = Institution.objects.bulk_create(
        Institution(
            name=f"基准机构{i}",
            name_en=f"Bench institute {i}",
            kind=rng.choice(InstitutionKind.values),
            city="北京",
        )
        for i in range(20)
    )
    investors = Investor.objects.bulk_create(
        Investor(
            name=f"基准投资方{i}",
            name_en=f"Bench investor {i}",
            kind=rng.choice(InvestorKind.values),
        )
        for i in range(500)
    )

    plans = []
    startup_rows = []
    for n in range(startups):
        depth = rng.choices(range(len(pipeline)), weights=[8, 14, 20, 22, 20, 16])[0]
        path = pipeline[: depth + 1]
        outcome = rng.random()
        if outcome < 0.05:
            path = [*path, terminal["closed"]]
        elif outcome < 0.08 and depth >= 3:
            path = [*path, terminal["exited"]]
        admitted = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3900))
        dates, on = [], admitted
        for _ in path:
            dates.append(on)
            on = min(on + dt.timedelta(days=rng.randint(60, 500)), dt.date(2026, 9, 30))
        current = path[-1]
        crossed = next(
            (
                d
                for s, d in zip(path, dates, strict=True)
                if not s.outcome and s.order > last_valley
            ),
            None,
        )
        status = {"exited": StartupStatus.EXITED, "closed": StartupStatus.CLOSED}.get(
            current.outcome, StartupStatus.ACTIVE
        )
        trl = min(9, max(1, current.trl_max))
        startup_rows.append(
            Startup(
                name=f"基准量子企业{n:05d}",
                name_en=f"Bench Quantum {n:05d}",
                credit_code=make_credit_code(n, prefix="92110000BM"),
                tech_area=TechArea.values[n % 3],
                institution=institutions[n % len(institutions)],
                founded_on=admitted - dt.timedelta(days=rng.randint(30, 900)),
                admitted_on=admitted,
                stage=current,
                stage_entered_on=dates[-1],
                crossed_valley_on=crossed,
                trl=trl,
                status=status,
                registered_region="北京市海淀区" if n % 4 else "安徽省合肥市",
                headcount=rng.randint(3, 300),
            )
        )
        plans.append((path, dates))
    created = Startup.objects.bulk_create(startup_rows, batch_size=BATCH)

    transitions = []
    for startup, (path, dates) in zip(created, plans, strict=True):
        previous = None
        for stage, on in zip(path, dates, strict=True):
            transitions.append(
                StageTransition(
                    startup=startup,
                    from_stage=previous,
                    to_stage=stage,
                    on=on,
                    trl=min(9, max(1, stage.trl_max)),
                )
            )
            previous = stage
    StageTransition.objects.bulk_create(transitions, batch_size=BATCH)

    rounds = []
    for startup in created:
        for _ in range(10):
            undisclosed = rng.random() < 0.05
            rounds.append(
                FundingRound(
                    startup=startup,
                    round_type=rng.choice(ROUND_TYPES),
                    closed_on=startup.admitted_on + dt.timedelta(days=rng.randint(0, 2500)),
                    amount=None if undisclosed else Decimal(rng.randint(1, 500)) * 100000,
                    amount_precision=AmountPrecision.UNDISCLOSED
                    if undisclosed
                    else AmountPrecision.EXACT,
                    lead_investor=rng.choice(investors),
                )
            )
    for funding_round in rounds:
        funding_round.closed_on = min(funding_round.closed_on, dt.date(2026, 9, 30))
    rounds = FundingRound.objects.bulk_create(rounds, batch_size=BATCH)

    participations = []
    for funding_round in rounds:
        count = rng.choice((2, 2, 3, 3))
        chosen = rng.sample(investors, k=count)
        if funding_round.lead_investor not in chosen:
            chosen[0] = funding_round.lead_investor
        for investor in chosen:
            amount = None
            if funding_round.amount is not None:
                amount = (funding_round.amount / (count + 1)).quantize(Decimal("0.01"))
            participations.append(
                Participation(funding_round=funding_round, investor=investor, amount=amount)
            )
    Participation.objects.bulk_create(participations, batch_size=BATCH)

    kpis = []
    for startup in created:
        year = max(2016, startup.admitted_on.year)
        for quarter in range(1, 5):
            kpis.append(
                KpiReport(
                    startup=startup,
                    year=min(year, 2026),
                    quarter=quarter,
                    **quarter_figures(rng),
                    patents_filed=rng.randint(0, 20),
                    patents_granted=rng.randint(0, 10),
                    customers=rng.randint(0, 50),
                    cash=quarter_cash(rng),
                )
            )
    KpiReport.objects.bulk_create(kpis, batch_size=BATCH)

    fund = Fund.objects.create(
        name=f"基准量子基金{seed}",
        name_en="Bench quantum fund",
        size=Decimal("200000000"),
        vintage_year=2024,
        investment_period_end=dt.date(2029, 12, 31),
        max_single_company_pct=Decimal("20"),
        local_region="北京市",
    )
    held = rng.sample(created, k=min(1000, len(created)))
    commitments = Commitment.objects.bulk_create(
        Commitment(
            fund=fund,
            startup=startup,
            amount=Decimal(rng.randint(50, 190)) * 1000,
            approved_on=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 400)),
            status=CommitmentStatus.APPROVED,
            registered_region=startup.registered_region,  # as commitment_create keeps it
        )
        for startup in held
    )
    Disbursement.objects.bulk_create(
        Disbursement(commitment=c, amount=c.amount, paid_on=c.approved_on + dt.timedelta(days=30))
        for c in commitments
    )
    ValuationMark.objects.bulk_create(
        ValuationMark(
            fund=fund,
            startup=c.startup,
            as_of=dt.date(2026, 6, 30),
            fair_value=(c.amount * Decimal(rng.uniform(0.2, 3))).quantize(Decimal("1")),
        )
        for c in commitments
    )
    tranches = plan_tranches(commitments)
    facility_rows = facility_layer(rng, created)
    agreement_rows = agreement_layer(created)
    founder_rows = founder_layer(rng, created)
    lp_rows = lp_layer(fund)
    # last, so the layers before them draw the same numbers as before they were added
    operations_rows = operations_layer(rng, created)
    transfer_rows = transfer_layer(rng, created, institutions)
    service_rows = service_layer(rng, created, rounds)
    return {
        "startups": len(created),
        "stage_transitions": len(transitions),
        "funding_rounds": len(rounds),
        "participations": len(participations),
        "kpi_reports": len(kpis),
        "commitments": len(commitments),
        "tranches": tranches,
        **facility_rows,
        **operations_rows,
        **transfer_rows,
        **service_rows,
        **agreement_rows,
        **founder_rows,
        **lp_rows,
    }


def plan_tranches(commitments: list[Commitment]) -> int:
    """Three tranches per commitment (40 %, 30 %, the rest; due 3, 9 and 15 months after the
    approval), except the first commitment, planned in 300 equal tranches: the biggest
    tranche list the benchmark reads. Every plan adds up to the commitment exactly, as
    ``tranche_create`` keeps it."""
    rows = []
    for index, commitment in enumerate(commitments):
        amount = commitment.amount
        if index == 0:
            share = (amount / 300).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
            parts = [share] * 299 + [amount - share * 299]
        else:
            first = (amount * Decimal("0.4")).quantize(Decimal("0.01"))
            second = (amount * Decimal("0.3")).quantize(Decimal("0.01"))
            parts = [first, second, amount - first - second]
        for n, part in enumerate(parts):
            rows.append(
                Tranche(
                    commitment=commitment,
                    amount=part,
                    due_by=commitment.approved_on + dt.timedelta(days=90 + 180 * min(n, 2)),
                )
            )
    Tranche.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def agreement_layer(startups: list[Startup]) -> dict[str, int]:
    """An incubation agreement for every startup admitted while a rule is in force (from
    2018-12-14), starting on its admission, its deadline from that rule as
    ``incubation_agreement_create`` computes it (the rule table read once)."""
    from portfolio.models import IncubationAgreement, IncubationRule
    from portfolio.selectors.incubation import deadline_under

    rules = list(IncubationRule.objects.order_by("-effective_from"))
    rows = []
    for startup in startups:
        rule = next((r for r in rules if r.effective_from <= startup.admitted_on), None)
        if rule is None:
            continue
        rows.append(
            IncubationAgreement(
                startup=startup,
                signed_on=startup.admitted_on,
                starts_on=startup.admitted_on,
                rule=rule,
                incubation_deadline=deadline_under(rule, startup, startup.admitted_on),
            )
        )
    IncubationAgreement.objects.bulk_create(rows, batch_size=BATCH)
    return {"incubation_agreements": len(rows)}


def facility_layer(rng: random.Random, startups: list[Startup]) -> dict[str, int]:
    """Six shared facilities (one of each kind) and one booking per five startups, laid end
    to end on each facility from 2024 with gaps of up to two days (so none overlap, as
    ``facility_booking_create`` and PostgreSQL's exclusion constraint keep them)."""
    from django.utils import timezone

    from portfolio.models import Facility, FacilityBooking
    from portfolio.models.facilities import BookingUnit, FacilityKind

    units = {
        FacilityKind.DILUTION_REFRIGERATOR: BookingUnit.COOLDOWN_RUN,
        FacilityKind.CLEAN_ROOM: BookingUnit.DAY,
    }
    facilities = Facility.objects.bulk_create(
        Facility(
            name=f"{label}（基准）",
            kind=kind,
            owner="孵化器",
            booking_unit=units.get(kind, BookingUnit.HOUR),
        )
        for kind, label in FacilityKind.choices
    )
    start = timezone.make_aware(dt.datetime(2024, 1, 1, 9))
    next_free = dict.fromkeys((f.pk for f in facilities), start)
    bookings = []
    for startup in rng.sample(startups, k=max(1, len(startups) // 5)):
        facility = rng.choice(facilities)
        starts = next_free[facility.pk] + dt.timedelta(hours=rng.randint(0, 48))
        ends = starts + dt.timedelta(hours=rng.randint(2, 120))
        next_free[facility.pk] = ends
        bookings.append(
            FacilityBooking(
                facility=facility,
                startup=startup,
                starts_at=starts,
                ends_at=ends,
                units=Decimal(rng.randint(1, 5)),
                helium_litres=Decimal(rng.randint(0, 60)),
                note="基准数据",
            )
        )
    FacilityBooking.objects.bulk_create(bookings, batch_size=BATCH)
    return {"facilities": len(facilities), "facility_bookings": len(bookings)}


def operations_layer(rng: random.Random, startups: list[Startup]) -> dict[str, int]:
    """Space leases, mentors and mentoring sessions (issue 16). One lease per three startups
    on one unit in ten of those, each unit's leases one after another from 2020 (a lease
    starts one to 60 days after the previous one's last day, so none overlap, as
    ``space_lease_create`` and PostgreSQL's exclusion constraint keep them; a unit's last
    lease runs on in one case in four); a mentor per twenty startups; a session per two."""
    from portfolio.models import Mentor, MentoringSession, SpaceLease
    from portfolio.models.operations import MentorKind, SpaceKind

    leased = rng.sample(startups, k=max(1, len(startups) // 3))
    units = [f"基准{n // 20 + 1}号楼-{n % 20 + 101}" for n in range(max(1, len(leased) // 10))]
    last_day = dict.fromkeys(units, dt.date(2019, 12, 31))
    last_lease: dict[str, SpaceLease] = {}
    leases = []
    for startup in leased:
        unit = rng.choice(units)
        starts = last_day[unit] + dt.timedelta(days=rng.randint(1, 60))
        ends = starts + dt.timedelta(days=rng.randint(90, 720))
        last_day[unit] = ends
        area = Decimal(rng.randint(20, 400))
        list_rent = area * rng.randint(80, 160)
        lease = SpaceLease(
            startup=startup,
            unit=unit,
            kind=rng.choice(SpaceKind.values),
            area_m2=area,
            is_public_service_area=rng.random() < 0.05,
            starts_on=starts,
            ends_on=ends,
            list_rent=list_rent,
            actual_rent=(list_rent * Decimal(rng.choice(["1", "0.8", "0.5"]))).quantize(
                Decimal("0.01")
            ),
            subsidy=Decimal(rng.choice([0, 0, 500, 2000])),
            note="基准数据",
        )
        last_lease[unit] = lease
        leases.append(lease)
    for lease in last_lease.values():
        if rng.random() < 0.25:
            lease.ends_on = None
    SpaceLease.objects.bulk_create(leases, batch_size=BATCH)

    mentors = Mentor.objects.bulk_create(
        Mentor(
            name=f"基准导师{n}",
            kind=rng.choice(MentorKind.values),
            appointed_by=rng.choice(["海淀区科委", "中关村创业导师协会", "孵化器"]),
            appointed_on=dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 2500)),
            is_full_time=rng.random() < 0.2,
        )
        for n in range(max(1, len(startups) // 20))
    )
    sessions = [
        MentoringSession(
            mentor=rng.choice(mentors),
            startup=startup,
            held_on=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1000)),
            hours=Decimal(rng.choice(["1", "1.5", "2", "3", "4"])),
            topic="融资路演辅导",
        )
        for startup in rng.sample(startups, k=max(1, len(startups) // 2))
    ]
    MentoringSession.objects.bulk_create(sessions, batch_size=BATCH)
    return {
        "space_leases": len(leases),
        "mentors": len(mentors),
        "mentoring_sessions": len(sessions),
    }


def service_layer(
    rng: random.Random, startups: list[Startup], rounds: list[FundingRound]
) -> dict[str, int]:
    """Policy applications and financing introductions (issue 16). An application per three
    startups: approved ones with a certificate valid three years and a grant partly received,
    submitted and rejected ones with the day applied, drafts without; an introduction per
    four, to the lead investor of one of the startup's rounds 30 days before it closed (one in
    three led to it: outcome invested, the round named), the rest pending, declined or at a
    term sheet."""
    from portfolio.models import FinancingIntroduction, PolicyApplication
    from portfolio.models.incubation import IntroChannel, PolicyLevel, Programme

    applications = []
    for startup in rng.sample(startups, k=max(1, len(startups) // 3)):
        status = rng.choice(["approved", "approved", "submitted", "rejected", "draft"])
        applied = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
        granted = Decimal(rng.choice([0, 100_000, 300_000, 500_000]))
        approved = status == "approved"
        applications.append(
            PolicyApplication(
                startup=startup,
                programme=rng.choice(Programme.values),
                level=rng.choice(PolicyLevel.values),
                applied_on=None if status == "draft" else applied,
                status=status,
                certificate_number=f"基准-{startup.pk}" if approved else "",
                valid_from=applied + dt.timedelta(days=120) if approved else None,
                valid_to=applied + dt.timedelta(days=120 + 3 * 365) if approved else None,
                amount_granted=granted if approved else Decimal("0"),
                amount_received=(granted / 2).quantize(Decimal("0.01")) if approved else 0,
                note="基准数据",
            )
        )
    PolicyApplication.objects.bulk_create(applications, batch_size=BATCH)

    by_startup: dict[int, list[FundingRound]] = {}
    for funding_round in rounds:
        if funding_round.lead_investor_id is not None:
            by_startup.setdefault(funding_round.startup_id, []).append(funding_round)
    introductions = []
    for startup in rng.sample(startups, k=max(1, len(startups) // 4)):
        if startup.pk not in by_startup:
            continue
        funding_round = rng.choice(by_startup[startup.pk])
        invested = rng.random() < 1 / 3
        introductions.append(
            FinancingIntroduction(
                startup=startup,
                investor_id=funding_round.lead_investor_id,
                introduced_on=funding_round.closed_on - dt.timedelta(days=30),
                channel=rng.choice(IntroChannel.values),
                outcome="invested"
                if invested
                else rng.choice(["pending", "declined", "term_sheet"]),
                funding_round=funding_round if invested else None,
                note="基准数据",
            )
        )
    FinancingIntroduction.objects.bulk_create(introductions, batch_size=BATCH)
    return {
        "policy_applications": len(applications),
        "financing_introductions": len(introductions),
    }


def transfer_layer(
    rng: random.Random, startups: list[Startup], institutions: list[Institution]
) -> dict[str, int]:
    """A technology transfer per four startups, from one of the institutions, with one to
    three IP items: patents (application numbers with the kind's type digit and the right
    check digit) or a software copyright; equity shares within 100 % together."""
    from portfolio.models import TechTransfer, TechTransferIpItem
    from portfolio.models.transfers import PATENT_TYPE_DIGITS, IpKind, TransferMode
    from portfolio.models.validators import patent_application_check_digit

    transfers = []
    for startup in rng.sample(startups, k=max(1, len(startups) // 4)):
        institution_pct = Decimal(rng.choice([0, 10, 20, 30]))
        transfers.append(
            TechTransfer(
                startup=startup,
                institution=rng.choice(institutions),
                team="基准课题组",
                title=f"基准成果{startup.pk}",
                mode=rng.choice(TransferMode.values),
                contract_on=dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 3700)),
                consideration=Decimal(rng.choice([0, 500_000, 2_000_000])),
                equity_to_institution_pct=institution_pct,
                equity_to_researchers_pct=min(
                    Decimal(rng.choice([0, 30, 50, 70])), 100 - institution_pct
                ),
            )
        )
    TechTransfer.objects.bulk_create(transfers, batch_size=BATCH)
    items = []
    for transfer in transfers:
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice([IpKind.INVENTION, IpKind.UTILITY_MODEL, IpKind.SOFTWARE])
            number = ""
            if kind in PATENT_TYPE_DIGITS:
                first12 = (
                    f"{rng.randint(2010, 2025)}{PATENT_TYPE_DIGITS[kind][0]}"
                    f"{rng.randint(0, 9_999_999):07d}"
                )
                number = f"{first12}.{patent_application_check_digit(first12)}"
            items.append(
                TechTransferIpItem(
                    transfer=transfer, kind=kind, application_number=number, title="基准专利"
                )
            )
    TechTransferIpItem.objects.bulk_create(items, batch_size=BATCH)
    return {"tech_transfers": len(transfers), "ip_items": len(items)}


def founder_layer(rng: random.Random, startups: list[Startup]) -> dict[str, int]:
    """Quarterly KPI requests for 2024 Q1 to 2026 Q4, each asking 200 startups; about 85 % of
    those asked submit (half of those approved, a tenth returned with a comment)."""
    from django.utils import timezone

    requests, submissions, links = [], [], []
    asked_by_request = []
    for n in range(12):
        year, quarter = 2024 + n // 4, n % 4 + 1
        due = dt.date(year + (quarter == 4), quarter % 4 * 3 + 1, 30)
        requests.append(KpiRequest(year=year, quarter=quarter, due_on=due))
        asked_by_request.append(rng.sample(startups, k=min(200, len(startups))))
    requests = KpiRequest.objects.bulk_create(requests)
    Link = KpiRequest.startups.through
    for request, asked in zip(requests, asked_by_request, strict=True):
        submitted_at = timezone.make_aware(
            dt.datetime.combine(request.due_on - dt.timedelta(days=5), dt.time(10))
        )
        for startup in asked:
            links.append(Link(kpirequest_id=request.pk, startup_id=startup.pk))
            draw = rng.random()
            if draw >= 0.85:
                continue  # not submitted
            status = "approved" if draw < 0.425 else "returned" if draw < 0.51 else "submitted"
            decided = status != "submitted"
            submissions.append(
                KpiSubmission(
                    startup=startup,
                    year=request.year,
                    quarter=request.quarter,
                    request=request,
                    **quarter_figures(rng),
                    cash=quarter_cash(rng),
                    status=status,
                    review_comment="请补充现金余额" if status == "returned" else "",
                    submitted_at=submitted_at,
                    reviewed_at=submitted_at + dt.timedelta(days=3) if decided else None,
                )
            )
    Link.objects.bulk_create(links, batch_size=BATCH)
    KpiSubmission.objects.bulk_create(submissions, batch_size=BATCH)
    return {"kpi_requests": len(requests), "kpi_submissions": len(submissions)}


def lp_layer(fund: Fund) -> dict[str, int]:
    """The fund's investors, through the services: a guidance fund, a state platform, social
    capital and the GP commit the fund's size; 8 quarterly calls of 18.75M (the last on
    2026-10-01), each paid in full by every LP on its due date; a quarterly audit, custody
    and legal expense; two distributions of 10M (or half the cash left, if less: cash called
    but not invested) through the waterfall."""
    from portfolio.services import lps as services

    partners = [
        ("基准引导基金", LpKind.GOVERNMENT_GUIDANCE, "60000000"),
        ("基准国有平台", LpKind.STATE_PLATFORM, "40000000"),
        ("基准社会资本", LpKind.SOCIAL_CAPITAL, "98000000"),
        ("基准管理人", LpKind.GP, "2000000"),
    ]
    lps = [
        services.limited_partner_create(name=f"{name}{fund.pk}", kind=kind, is_illustrative=True)
        for name, kind, _amount in partners
    ]
    for lp, (_name, _kind, amount) in zip(lps, partners, strict=True):
        services.lp_commitment_create(
            fund=fund, limited_partner=lp, amount=Decimal(amount), committed_on=dt.date(2024, 12, 1)
        )
    calls = 0
    for quarter in range(8):
        on = dt.date(2025 + quarter // 4, quarter % 4 * 3 + 1, 1)
        call = services.capital_call_create(
            fund=fund, call_date=on, due_date=on + dt.timedelta(days=14), amount=Decimal("18750000")
        )
        for item in call.items.select_related("limited_partner"):
            services.capital_call_payment_record(
                capital_call=call,
                limited_partner=item.limited_partner,
                paid_on=call.due_date,
                amount=item.amount,
            )
        calls += 1
    expenses = 0
    for quarter in range(8):
        on = dt.date(2025 + quarter // 4, quarter % 4 * 3 + 1, 20)
        for category, amount in (("audit", 60_000), ("custody", 25_000), ("legal", 40_000)):
            services.fund_expense_record(
                fund=fund, incurred_on=on, amount=Decimal(amount), category=category
            )
            expenses += 1
    from portfolio.selectors.lp_report import fund_engine

    for on in (dt.date(2026, 9, 15), dt.date(2026, 10, 15)):
        # 10M, or half the cash left when the fees and investments left less (the small
        # dataset's commitments add up to more of what was called than the large one's)
        cash = fund_engine(fund).cash(on)
        amount = min(Decimal("10000000"), (cash / 2).quantize(Decimal("1000"), "ROUND_DOWN"))
        services.lp_distribution_record(fund=fund, paid_on=on, amount=amount)
    return {"lp_calls": calls, "fund_expenses": expenses, "lp_distributions": 2}
