"""The demo data as loaded: real facts from the source, enough illustrative data.

These tests only read, so the demo is loaded once for the module (``demo``).
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from portfolio.demo.facts import ARTICLE_PATH, FACTS, PUBLIC_RECORD, REAL_STARTUPS, SOURCE
from portfolio.models import (
    Commitment,
    Distribution,
    Fund,
    FundingRound,
    Institution,
    Investor,
    KpiReport,
    Milestone,
    Stage,
    Startup,
)
from portfolio.models.choices import InstitutionKind, StartupStatus, TechArea
from portfolio.selectors import fund_holdings, fund_report, pipeline_report

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, inside a transaction rolled back at its end.

    Each test's own transaction (pytest-django's ``db``) nests inside it as a savepoint, so a
    test cannot leave anything behind for the next, and nothing outlives the module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo")
        yield
        transaction.set_rollback(True)


ARTICLE = (Path(settings.BASE_DIR) / ARTICLE_PATH).read_text(encoding="utf-8")


@pytest.mark.parametrize("pin", FACTS, ids=lambda f: f"{f.company}-{f.field}")
def test_every_fact_cites_a_sentence_the_article_holds(pin):
    """The table pins each fact to its source: an article quote is in the seed file, word
    for word; a public record names itself (a registry, an exchange, an annual report)."""
    if pin.source == "article":
        assert pin.quote in ARTICLE
    else:
        assert pin.source == PUBLIC_RECORD and pin.quote and pin.quote not in ARTICLE


def held(startup: Startup, field: str):
    """What the demo holds for a fact's ``field`` (``facts.Fact``)."""
    if field == "institution":
        return startup.institution.name if startup.institution else None
    if field == "stage":
        return startup.transitions.order_by("on", "id").last().to_stage.slug
    if field in ("exited_year", "exited_on"):
        exit_on = startup.transitions.get(to_stage__slug="exited").on
        return exit_on.year if field == "exited_year" else exit_on
    if field == "rounds":
        return startup.funding_rounds.count()
    if field == "investors":
        names = startup.funding_rounds.values_list("investors__name", flat=True)
        return {name for name in names if name}
    if field == "valuation":
        return startup.funding_rounds.get().pre_money_valuation
    return getattr(startup, field)


@pytest.mark.parametrize("pin", FACTS, ids=lambda f: f"{f.company}-{f.field}")
def test_the_demo_holds_each_pinned_fact(demo, pin):
    startup = Startup.objects.get(name=pin.company)
    if pin.field == "raised_over":  # "超过3亿元": at least, and approximate
        rounds = startup.funding_rounds.all()
        assert sum(r.amount for r in rounds) >= pin.value
        assert {r.amount_precision for r in rounds} == {"approximate"}
    elif pin.field == "milestone":
        assert startup.milestones.filter(title=pin.value).exists()
    elif pin.field == "investors":
        assert held(startup, pin.field) == set(pin.value)
    else:
        assert held(startup, pin.field) == pin.value


def test_real_companies_hold_nothing_the_sources_do_not_give(demo):
    real = Startup.objects.filter(is_illustrative=False)
    assert set(real.values_list("name", flat=True)) == {plan.name for plan in REAL_STARTUPS}
    assert "科微量子" not in {plan.name for plan in REAL_STARTUPS}  # no field, no stage given
    pinned = {(f.company, f.field) for f in FACTS}
    for startup in real:
        # tracked, not admitted: no source says any of them is an incubatee
        assert startup.admitted_on is None
        assert startup.credit_code is None and startup.headcount is None
        assert startup.founded_on is None
        # a field the sources do not give stays empty
        for field in ("registered_region", "location", "founders", "institution"):
            if (startup.name, field) not in pinned:
                assert not getattr(startup, field), (startup.name, field)
        # no invented KPI, and every other row on it is sourced or flagged
        assert not startup.kpi_reports.exists()
        for round_ in startup.funding_rounds.all():
            assert round_.is_illustrative and SOURCE in round_.note
    qudoor = Startup.objects.get(name="启科量子")
    assert (qudoor.name_en, qudoor.registered_region) == ("QUDOOR", "北京市")
    assert "QBoson" not in qudoor.name_en and qudoor.institution is None
    assert Startup.objects.get(name="幺正量子").location == ""
    assert Startup.objects.get(name="国盾量子").status == StartupStatus.EXITED


def test_no_investor_is_dated_into_a_round_before_it_existed(demo):
    """The Beijing Robotics Fund (registered 2024) is named by the article without a round:
    it sits only on a round flagged illustrative, and none before 2024."""
    robotics = Investor.objects.get(name="北京市机器人产业发展投资基金")
    rounds = FundingRound.objects.filter(investors=robotics)
    assert rounds.exists()
    assert all(r.is_illustrative and r.closed_on.year >= 2024 for r in rounds)


def test_no_kpi_report_on_a_real_company_without_a_source(demo):
    """Invented quarterly figures belong to illustrative startups only, flagged; a KPI
    report on a real company must cite its source."""
    reports = KpiReport.objects.select_related("startup")
    assert reports.exists()
    assert not reports.filter(startup__is_illustrative=False, source="").exists()
    assert not reports.filter(startup__is_illustrative=True, is_illustrative=False).exists()
    assert not reports.filter(is_illustrative=False, source="").exists()


def test_invented_rows_are_flagged(demo):
    illustrative = Startup.objects.filter(is_illustrative=True)
    assert not FundingRound.objects.filter(startup__in=illustrative, is_illustrative=False).exists()
    assert not Milestone.objects.filter(startup__in=illustrative, is_illustrative=False).exists()
    assert Commitment.objects.exists()
    assert not Commitment.objects.filter(is_illustrative=False).exists()
    fund = Fund.objects.get()
    assert fund.is_illustrative
    assert "20/80/50%" in fund.illustrative_note and "vintage" in fund.illustrative_note


def test_demo_spreads_over_everything(demo):
    assert Startup.objects.count() >= 40
    illustrative = Startup.objects.filter(is_illustrative=True)
    assert all("示例" in name for name in illustrative.values_list("name", flat=True))
    assert not Startup.objects.filter(is_illustrative=False, name__contains="示例").exists()
    assert set(Startup.objects.values_list("stage__slug", flat=True)) == set(
        Stage.objects.values_list("slug", flat=True)
    )
    assert set(Startup.objects.values_list("tech_area", flat=True)) == set(TechArea.values)
    institutions = Institution.objects.all()
    assert {i.kind for i in institutions} >= {
        InstitutionKind.UNIVERSITY,
        InstitutionKind.CAS_INSTITUTE,
        InstitutionKind.RESEARCH_INSTITUTE,
    }
    # USTC is a research origin the article names (Hefei); no source ties a company to it
    assert [i.short_name for i in institutions if not i.startups.exists()] == ["中科大"]
    assert KpiReport.objects.count() > 200
    assert Milestone.objects.count() > 40
    # Every startup's current stage is its latest transition.
    for startup in Startup.objects.prefetch_related("transitions"):
        latest = max(startup.transitions.all(), key=lambda t: (t.on, t.id))
        assert latest.to_stage_id == startup.stage_id
    # Every row the demo wrote has its creation in the audit trail (bulk writes included).
    from portfolio.models import IncubationRule, IncubatorThreshold
    from portfolio.models.history import AUDITED

    for model in AUDITED:
        if model is Stage:  # installed by migration 0002, before the history tables exist
            continue
        if model in (IncubationRule, IncubatorThreshold):
            # the 2018 measures' rows are installed by migration 0024 (a data migration writes
            # no history); later edits in the admin are recorded
            continue
        created = model.history.filter(history_type="+").values("id").distinct().count()
        if model in (IncubationRule, IncubatorThreshold):
            # the 2018 measures' rows come from migration 0024 (no history); the demo adds none
            seeded = model.objects.filter(policy_code="国科发区〔2018〕300号").count()
            assert created == model.objects.count() - seeded, model.__name__
            continue
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model.objects.count(), model.__name__


def test_demo_fund_has_cash_flows_and_one_exit(demo):
    fund = Fund.objects.get()
    report = fund_report(fund)
    assert Decimal("0") < report.committed <= fund.size
    assert report.disbursed > 0 and report.realized > 0 and report.unrealized > 0
    assert report.gross_irr is not None
    # one exit with proceeds; every other exited holding is written off (a write-off of 0)
    assert Distribution.objects.filter(kind="exit", amount__gt=0).count() == 1
    assert not Distribution.objects.exclude(kind__in=("exit", "write_off")).exists()
    ended = set(Distribution.objects.values_list("startup_id", flat=True))
    for holding in fund_holdings(fund):
        if holding.stage_slug == "exited":  # every exited holding ended, and holds nothing
            assert holding.startup_id in ended and holding.fair_value == 0
    assert all(check.ok for check in report.compliance)
    pipeline = pipeline_report()  # the incubatees: the tracked peers are not the incubator's
    assert pipeline.total == Startup.objects.incubatees().count()
    assert pipeline.crossed_valley > 0
    assert pipeline_report(population="all").total == Startup.objects.count()


def test_demo_fund_has_illustrative_lps_whose_figures_add_up(demo):
    """Three invented LPs, their calls paid in, and the exit distributed through the
    waterfall: the fund never runs out of cash, each LP's account adds up, and every row
    about the LPs says it is invented."""
    from portfolio.models import CapitalCall, LimitedPartner, LpDistribution
    from portfolio.selectors import lp_report

    fund = Fund.objects.get()
    assert LimitedPartner.objects.count() == 3
    assert all(lp.is_illustrative for lp in LimitedPartner.objects.all())
    assert CapitalCall.objects.filter(fund=fund).count() >= 2
    assert LpDistribution.objects.filter(fund=fund).count() == 1
    engine = lp_report.fund_engine(fund)
    last = dt.date(2026, 9, 30)
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(0, (last.year - 2024) * 365)]
    assert min(engine.cash(day) for day in days if day <= last) >= 0
    report = lp_report.lp_report(fund, last)
    assert report.net.figures.paid_in > 0 and report.net.figures.distributed > 0
    assert sum(row.figures.nav for row in report.lps) == report.net.figures.nav
    for account in engine.ledger(last).values():
        movements = sum(v for k, v in account.items() if k not in ("beginning", "ending"))
        assert account["beginning"] + movements == account["ending"]


def test_demo_users_one_per_role(demo):
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    for username, role in [
        ("staff", "incubator-staff"),
        ("manager", "fund-managers"),
        ("viewer", "viewers"),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password("quantum-demo-2024")
        assert not user.is_superuser


def test_demo_fund_policy_pack_is_consistent(demo):
    """The policy pack of the demo fund: every holding's stake follows from its (invented)
    round, none above the cap; the leverage counts the two invented government LPs; every
    investee row is an invented company."""
    from portfolio.selectors import fund_policy

    fund = Fund.objects.get()
    last = dt.date(2026, 9, 30)
    pack = fund_policy.policy_pack(fund, last)
    assert pack.leverage.fund_over_government == Decimal("2.0000")  # 2亿 / (6000万 + 4000万)
    assert pack.stake_caps and all(row.ok is True for row in pack.stake_caps)
    assert all(Decimal(0) < row.ownership_pct <= fund.stake_cap_pct for row in pack.stake_caps)
    assert pack.local_investment.ratio is not None and pack.local_investment.ratio > 0
    assert pack.early_small.invested == fund_report(fund, last).disbursed
    assert pack.idle_money.days is not None and not pack.idle_money.alert
    rows = fund_policy.investees(fund, last)
    assert rows and all(row.startup.is_illustrative for row in rows)
    assert {row.status for row in pack.startup_tech_firms} <= {"unknown", "failed"}  # no assets


def test_demo_founders_see_their_own_illustrative_startup(demo):
    from portfolio.demo.loader import DEMO_FOUNDERS
    from portfolio.selectors.scope import founder_startup, is_founder
    from tests.support.clients import login

    startups = set()
    for username, startup_name, _title in DEMO_FOUNDERS:
        user = get_user_model().objects.get(username=username)
        assert is_founder(user) and not user.is_staff
        assert user.check_password("quantum-demo-2024")
        startup = founder_startup(user)
        assert startup.name == startup_name and startup.is_illustrative
        startups.add(startup.pk)
        page = login(user).get("/founder/")
        assert page.status_code == 200 and startup_name in page.content.decode()
    assert len(startups) == len(DEMO_FOUNDERS) == 3


def test_demo_kpi_round_has_an_approved_a_submitted_and_an_overdue_founder_startup(demo):
    """The demo's open KPI request asks the founders' illustrative startups: founder1's
    approved, founder2's awaiting review, founder3's overdue with nothing submitted; the
    pipeline panel counts them, the founders' pages say so and the reminders go to
    founder3 alone."""
    from django.core import mail

    from portfolio.demo.loader import DEMO_FOUNDERS, KPI_ROUND
    from portfolio.models import KpiRequest, KpiSubmission
    from portfolio.selectors.kpis import open_kpi_requests
    from portfolio.services.kpi_reminders import kpi_reminders_due
    from tests.support.clients import login

    year, quarter, _due = KPI_ROUND
    request = KpiRequest.objects.get(year=year, quarter=quarter)
    users = [get_user_model().objects.get(username=name) for name, *_ in DEMO_FOUNDERS]
    startups = [user.founder_membership.startup for user in users]
    assert set(request.startups.all()) == set(startups)
    assert all(s.is_illustrative for s in startups)
    status = dict(
        KpiSubmission.objects.filter(request=request).values_list("startup__name", "status")
    )
    assert status == {startups[0].name: "approved", startups[1].name: "submitted"}
    (row,) = [r for r in open_kpi_requests() if r.request == request]
    figures = row.completeness
    assert (figures.asked, figures.submitted, figures.approved) == (3, 2, 1)
    assert figures.overdue and figures.late == [{"id": startups[2].pk, "name": startups[2].name}]
    # the approved quarter's report is the illustrative one, still flagged
    report = KpiReport.objects.get(startup=startups[0], year=year, quarter=quarter)
    assert report.is_illustrative and report.source.startswith("founder submission")
    for user, shown in zip(users, ("approved", "submitted", "not_started"), strict=True):
        page = login(user).get("/founder/").content.decode()
        item = page.split(f'id="kpi-request-{request.pk}"')[1].split("</li>")[0]
        assert f'data-status="{shown}"' in item
        assert ("overdue" in item) == (shown == "not_started")
    assert {r.membership.user for r in kpi_reminders_due()} == {users[2]}
    assert mail.outbox == []


def test_demo_facilities_have_a_year_of_illustrative_bookings(demo):
    """A labelled dilution refrigerator and clean room, booked from October 2025 to September
    2026 by illustrative startups, never two bookings of one facility at once; the
    utilisation report shows every month of 2026 up to September."""
    from portfolio.models import Facility, FacilityBooking
    from portfolio.selectors import facility_utilisation

    facilities = {f.kind: f for f in Facility.objects.all()}
    assert set(facilities) == {"dilution_refrigerator", "clean_room"}
    assert all(f.is_illustrative and "示例" in f.name for f in facilities.values())
    assert facilities["dilution_refrigerator"].booking_unit == "cooldown_run"
    for facility in facilities.values():
        bookings = list(FacilityBooking.objects.filter(facility=facility).order_by("starts_at"))
        assert len(bookings) >= 20
        assert all(b.startup.is_illustrative and "illustrative" in b.note for b in bookings)
        assert bookings[0].starts_at.date() <= dt.date(2025, 10, 1)
        assert bookings[-1].ends_at.date() <= dt.date(2026, 9, 30)
        assert bookings[-1].starts_at.date() >= dt.date(2026, 9, 1)
        assert all(a.ends_at <= b.starts_at for a, b in zip(bookings, bookings[1:], strict=False))
    fridge_runs = FacilityBooking.objects.filter(facility=facilities["dilution_refrigerator"])
    assert all(30 <= b.helium_litres <= 60 for b in fridge_runs)
    rows = {row.facility.kind: row for row in facility_utilisation(2026)}
    for month in rows["dilution_refrigerator"].months[:9]:
        assert month.bookings >= 1 and 0 < month.share <= Decimal("1.5"), month
    assert rows["dilution_refrigerator"].months[11].bookings == 0  # December 2026: none


def test_demo_transfers_are_two_illustrative_ones_from_baqis_and_tsinghua(demo):
    """Two transfers (issue 16), from a BAQIS team and a Tsinghua team, each to an
    illustrative startup, flagged and labelled; no invented application number."""
    from portfolio.demo.facts import ILLUSTRATIVE
    from portfolio.models import TechTransfer, TechTransferIpItem

    transfers = list(TechTransfer.objects.select_related("startup", "institution"))
    assert {t.institution.name for t in transfers} == {"北京量子信息科学研究院", "清华大学"}
    for transfer in transfers:
        assert transfer.is_illustrative and transfer.note == ILLUSTRATIVE
        assert "示例" in transfer.title
        assert transfer.startup.is_illustrative  # no figures about a real company
    assert TechTransferIpItem.objects.count() == 2
    assert not TechTransferIpItem.objects.exclude(application_number="").exists()


def test_demo_incubation_is_illustrative_and_supported_by_the_data(demo):
    """Agreements for the illustrative incubatees only (issue 16), labelled; one graduation,
    of an illustrative startup whose recorded data meets every basis it names; the
    dashboard's panels have rows."""
    from portfolio.demo.facts import ILLUSTRATIVE
    from portfolio.models import Graduation, IncubationAgreement
    from portfolio.selectors import incubation

    agreements = list(IncubationAgreement.objects.select_related("startup"))
    assert agreements
    assert all(a.startup.is_illustrative and a.note == ILLUSTRATIVE for a in agreements)
    assert all(a.starts_on == a.startup.admitted_on for a in agreements)
    assert not Startup.objects.filter(is_illustrative=False, incubation_agreement__isnull=False)
    assert Startup.objects.filter(is_illustrative=True, is_tech_sme=True).exists()
    graduation = Graduation.objects.select_related("startup__stage").get()
    startup = graduation.startup
    assert startup.is_illustrative and startup.status == StartupStatus.GRADUATED
    figures = incubation.graduation_figures([startup], graduation.graduated_on)[startup.pk]
    tests = incubation.graduation_tests(startup, graduation.rule, graduation.graduated_on, figures)
    assert graduation.basis and all(tests[basis] == "met" for basis in graduation.basis)
    today = dt.date(2026, 12, 4)
    assert incubation.past_deadline(today)


def test_demo_incubator_services_are_illustrative_and_on_illustrative_incubatees(demo):
    """Leases, mentors and sessions, policy applications and financing introductions (issue
    16): every new list shows rows on ``make demo``, all flagged or labelled, none about a
    real company; the introduction that led to money names a round its investor led."""
    from portfolio.demo.facts import ILLUSTRATIVE
    from portfolio.models import (
        FinancingIntroduction,
        Mentor,
        MentoringSession,
        PolicyApplication,
        SpaceLease,
    )

    leases = list(SpaceLease.objects.select_related("startup"))
    assert {lease.kind for lease in leases} == {"office", "lab", "clean_room"}
    assert any(lease.is_public_service_area for lease in leases)
    assert all(lease.startup.is_illustrative and lease.note == ILLUSTRATIVE for lease in leases)
    assert Mentor.objects.count() == 3 and not Mentor.objects.filter(is_illustrative=False)
    sessions = list(MentoringSession.objects.select_related("startup"))
    assert len(sessions) >= 8 and all(s.startup.is_illustrative for s in sessions)
    applications = list(PolicyApplication.objects.select_related("startup"))
    assert {a.status for a in applications} == {"approved", "submitted", "rejected", "draft"}
    assert all(a.is_illustrative and a.startup.is_illustrative for a in applications)
    intros = list(FinancingIntroduction.objects.select_related("startup", "funding_round"))
    assert {i.outcome for i in intros} == {"invested", "pending", "declined"}
    assert all(i.is_illustrative and i.startup.is_illustrative for i in intros)
    led = next(i for i in intros if i.outcome == "invested")
    assert led.funding_round.lead_investor_id == led.investor_id
    # the firm that moved into Haidian is an illustrative one; the incubator's figures say
    # they are invented
    from portfolio.models import IncubatorFigures, Startup

    moved = list(Startup.objects.filter(moved_into_district_on__isnull=False))
    assert moved and all(s.is_illustrative and "海淀" in s.registered_region for s in moved)
    figures = IncubatorFigures.objects.get()
    assert figures.source == ILLUSTRATIVE and figures.controlled_area_m2 > 0
