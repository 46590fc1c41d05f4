"""Every rule of the services, and that a refused write leaves nothing behind."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio import services
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    FundingRound,
    Participation,
    StageTransition,
    Startup,
    ValuationMark,
)
from portfolio.models.choices import AmountPrecision, CommitmentStatus, RoundType, StartupStatus
from portfolio.services import common
from tests.support.factories import FundFactory, InvestorFactory, StartupFactory, stage

pytestmark = pytest.mark.django_db

D = Decimal


def refusal(call, field):
    """Run ``call``; assert it is refused on ``field`` and return the message."""
    with pytest.raises(ValidationError) as excinfo:
        call()
    errors = excinfo.value.message_dict
    assert field in errors, errors
    return " ".join(errors[field])


# --- startup_create / startup_advance -------------------------------------------------------


def test_startup_create_records_the_first_transition():
    startup = StartupFactory(stage=stage("concept"), trl=3, admitted_on=dt.date(2023, 5, 1))
    transition = startup.transitions.get()
    assert transition.from_stage is None
    assert transition.to_stage == stage("concept")
    assert transition.on == dt.date(2023, 5, 1)
    assert startup.stage_entered_on == dt.date(2023, 5, 1)
    assert startup.crossed_valley_on is None


def test_startup_create_refuses_a_terminal_stage_and_writes_nothing():
    refusal(lambda: StartupFactory(stage=stage("exited")), "stage")
    assert Startup.objects.count() == 0
    assert StageTransition.objects.count() == 0


def test_advance_moves_the_startup_and_keeps_history(staff_user):
    startup = StartupFactory()
    transition = services.startup_advance(
        startup=startup,
        to_stage=stage("concept"),
        on=dt.date(2022, 1, 5),
        trl=3,
        note="演示样机",
        by=staff_user,
    )
    startup.refresh_from_db()
    assert startup.stage == stage("concept")
    assert startup.trl == 3
    assert startup.stage_entered_on == dt.date(2022, 1, 5)
    assert transition.from_stage == stage("lab")
    assert transition.recorded_by == staff_user
    latest = startup.transitions.latest()
    assert latest == transition and latest.to_stage == startup.stage


def test_crossing_the_valley_is_recorded_once():
    startup = StartupFactory(stage=stage("pilot"), trl=6)
    services.startup_advance(
        startup=startup, to_stage=stage("first-sales"), on=dt.date(2023, 1, 1), trl=7
    )
    services.startup_advance(
        startup=startup, to_stage=stage("scale-up"), on=dt.date(2024, 1, 1), trl=9
    )
    startup.refresh_from_db()
    assert startup.crossed_valley_on == dt.date(2023, 1, 1)
    assert Startup.objects.crossed_valley().get() == startup


def test_terminal_outcomes_set_the_status_and_freeze_the_startup():
    startup = StartupFactory()
    services.startup_advance(
        startup=startup, to_stage=stage("closed"), on=dt.date(2023, 1, 1), trl=2
    )
    startup.refresh_from_db()
    assert startup.status == StartupStatus.CLOSED
    message = refusal(
        lambda: services.startup_advance(
            startup=startup, to_stage=stage("lab"), on=dt.date(2023, 2, 1), trl=2
        ),
        "to_stage",
    )
    assert "terminal outcome" in message
    assert startup.transitions.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"to_stage": "lab"}, "to_stage", "already in this stage"),
        ({"on": dt.date(2020, 12, 31)}, "on", "before the startup's last move (2021-03-01)"),
        ({"on": dt.date(2999, 1, 1)}, "on", "in the future"),
        ({"trl": 0}, "trl", "from 1 to 9"),
        ({"trl": 10}, "trl", "from 1 to 9"),
        ({"trl": "5"}, "trl", "from 1 to 9"),
    ],
)
def test_advance_refusals_write_nothing(kwargs, field, fragment):
    startup = StartupFactory()  # in "lab" since 2021-03-01
    arguments = {"to_stage": "concept", "on": dt.date(2022, 1, 1), "trl": 3, **kwargs}
    arguments["to_stage"] = stage(arguments["to_stage"])
    message = refusal(lambda: services.startup_advance(startup=startup, **arguments), field)
    assert fragment in message
    startup.refresh_from_db()
    assert startup.stage == stage("lab")
    assert startup.transitions.count() == 1


def test_same_day_moves_are_allowed_in_order():
    startup = StartupFactory()
    services.startup_advance(
        startup=startup, to_stage=stage("concept"), on=dt.date(2021, 3, 1), trl=3
    )
    startup.refresh_from_db()
    assert startup.stage == stage("concept")


# --- round_record ---------------------------------------------------------------------------


def record(startup, **kwargs):
    arguments = {
        "startup": startup,
        "round_type": RoundType.A,
        "closed_on": dt.date(2024, 3, 1),
        "amount": D("50000000"),
        **kwargs,
    }
    return services.round_record(**arguments)


def test_round_with_participants():
    startup = StartupFactory()
    lead, other = InvestorFactory(), InvestorFactory()
    funding_round = record(
        startup,
        lead_investor=lead,
        participants=[(lead, D("30000000")), (other, "20000000.00")],
    )
    assert funding_round.amount == D("50000000.00")
    amounts = dict(funding_round.participations.values_list("investor", "amount"))
    assert amounts == {lead.pk: D("30000000.00"), other.pk: D("20000000.00")}


def test_lead_investor_is_added_as_participant():
    startup, lead = StartupFactory(), InvestorFactory()
    funding_round = record(startup, lead_investor=lead)
    assert list(funding_round.investors.all()) == [lead]


def test_undisclosed_round_has_no_amount_and_may_have_unknown_shares():
    startup, investor = StartupFactory(), InvestorFactory()
    funding_round = record(
        startup,
        amount=None,
        amount_precision=AmountPrecision.UNDISCLOSED,
        participants=[(investor, None)],
    )
    assert funding_round.amount is None
    assert funding_round.participations.get().amount is None


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"amount": D("0")}, "amount", "greater than zero"),
        ({"amount": D("-1")}, "amount", "greater than zero"),
        ({"amount": None}, "amount", "positive unless the round is undisclosed"),
        ({"amount": "abc"}, "amount", "Enter an amount"),
        ({"amount": D("1.001")}, "amount", "two decimal places"),
        ({"amount": D("1e20")}, "amount", "too large"),
        ({"amount": float("nan")}, "amount", "Enter an amount"),
        (
            {"amount": D("5"), "amount_precision": AmountPrecision.UNDISCLOSED},
            "amount",
            "Leave the amount empty",
        ),
        ({"closed_on": dt.date(2999, 1, 1)}, "closed_on", "in the future"),
        ({"round_type": "series-z"}, "round_type", "Unknown round type"),
        ({"pre_money_valuation": D("-1")}, "pre_money_valuation", "cannot be negative"),
    ],
)
def test_round_refusals_write_nothing(kwargs, field, fragment):
    startup = StartupFactory()
    message = refusal(lambda: record(startup, **kwargs), field)
    assert fragment in message
    assert FundingRound.objects.count() == 0
    assert Participation.objects.count() == 0


def test_one_bad_participant_refuses_the_whole_round():
    startup = StartupFactory()
    good, bad = InvestorFactory(), InvestorFactory()
    message = refusal(
        lambda: record(startup, participants=[(good, D("1000000")), (bad, D("-5"))]),
        "participants",
    )
    assert "Participant 2: the amount must be positive" in message
    assert FundingRound.objects.count() == 0
    assert Participation.objects.count() == 0


def test_participants_may_not_exceed_the_round():
    startup = StartupFactory()
    a, b = InvestorFactory(), InvestorFactory()
    message = refusal(
        lambda: record(
            startup, amount=D("10000000"), participants=[(a, D("6000000")), (b, D("4000001"))]
        ),
        "participants",
    )
    assert "10,000,001.00 元, more than the round's 10,000,000.00 元" in message
    assert FundingRound.objects.count() == 0


def test_an_investor_listed_twice_is_refused():
    startup, investor = StartupFactory(), InvestorFactory()
    message = refusal(
        lambda: record(startup, participants=[(investor, None), (investor, None)]),
        "participants",
    )
    assert "Participant 2" in message and "listed twice" in message
    assert FundingRound.objects.count() == 0


# --- commitments ----------------------------------------------------------------------------


def commit(fund, startup, amount, on=dt.date(2025, 3, 1)):
    return services.commitment_create(fund=fund, startup=startup, amount=amount, approved_on=on)


def test_commitments_up_to_the_size_and_refusal_says_what_is_left():
    fund = FundFactory(size=D("100000000"), max_single_company_pct=D("100"))
    startups = StartupFactory.create_batch(3)
    commit(fund, startups[0], D("60000000"))
    commit(fund, startups[1], D("40000000"))  # exactly the size
    message = refusal(lambda: commit(fund, startups[2], D("0.01")), "amount")
    assert "0.00 元 is still available" in message
    assert services.fund_committed(fund) == D("100000000")
    assert Commitment.objects.count() == 2


def test_capacity_message_names_the_available_amount():
    fund = FundFactory(size=D("200000000"), max_single_company_pct=D("100"))
    commit(fund, StartupFactory(), D("150000000"))
    message = refusal(lambda: commit(fund, StartupFactory(), D("50000000.01")), "amount")
    assert "50,000,000.00 元 is still available" in message


def test_cancelled_commitments_free_capacity():
    fund = FundFactory(size=D("10000000"), max_single_company_pct=D("100"))
    startup = StartupFactory()
    first = commit(fund, startup, D("10000000"))
    services.commitment_cancel(commitment=first)
    first.refresh_from_db()
    assert first.status == CommitmentStatus.CANCELLED
    commit(fund, startup, D("10000000"))
    assert services.fund_committed(fund) == D("10000000")


def test_single_company_limit():
    fund = FundFactory(size=D("200000000"), max_single_company_pct=D("20"))  # 40M per company
    startup = StartupFactory()
    commit(fund, startup, D("30000000"))
    message = refusal(lambda: commit(fund, startup, D("10000000.01")), "amount")
    assert "limit of 20% in one company" in message
    assert "10,000,000.00 元" in message
    commit(fund, startup, D("10000000"))
    assert Commitment.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"amount": D("0")}, "amount", "greater than zero"),
        ({"amount": "1,000"}, "amount", "Enter an amount"),
        ({"approved_on": dt.date(2999, 1, 1)}, "approved_on", "in the future"),
        ({"approved_on": dt.date(2030, 1, 1)}, "approved_on", "investment period ended"),
    ],
)
def test_commitment_refusals_write_nothing(kwargs, field, fragment, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: dt.date(2031, 1, 1))
    fund = FundFactory(investment_period_end=dt.date(2029, 12, 31))
    arguments = {
        "fund": fund,
        "startup": StartupFactory(),
        "amount": D("1000000"),
        "approved_on": dt.date(2025, 1, 1),
        **kwargs,
    }
    message = refusal(lambda: services.commitment_create(**arguments), field)
    assert fragment in message
    assert Commitment.objects.count() == 0


def test_no_commitment_to_a_closed_startup():
    fund, startup = FundFactory(), StartupFactory()
    services.startup_advance(
        startup=startup, to_stage=stage("closed"), on=dt.date(2024, 1, 1), trl=2
    )
    startup.refresh_from_db()
    refusal(lambda: commit(fund, startup, D("1000000")), "startup")
    assert Commitment.objects.count() == 0


# --- disbursements, marks, distributions ----------------------------------------------------


@pytest.fixture
def commitment():
    fund = FundFactory()
    return commit(fund, StartupFactory(), D("10000000"))


def test_disbursements_never_exceed_the_commitment(commitment):
    services.disbursement_record(
        commitment=commitment, amount=D("6000000"), paid_on=dt.date(2025, 4, 1)
    )
    message = refusal(
        lambda: services.disbursement_record(
            commitment=commitment, amount=D("4000000.01"), paid_on=dt.date(2025, 5, 1)
        ),
        "amount",
    )
    assert "4,000,000.00 元 remains" in message
    services.disbursement_record(
        commitment=commitment, amount=D("4000000"), paid_on=dt.date(2025, 5, 1)
    )
    assert Disbursement.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"paid_on": dt.date(2025, 2, 1)}, "paid_on", "precede the commitment's approval"),
        ({"paid_on": dt.date(2999, 1, 1)}, "paid_on", "in the future"),
        ({"amount": D("-1")}, "amount", "greater than zero"),
    ],
)
def test_disbursement_refusals_write_nothing(commitment, kwargs, field, fragment):
    arguments = {"amount": D("1000"), "paid_on": dt.date(2025, 4, 1), **kwargs}
    message = refusal(
        lambda: services.disbursement_record(commitment=commitment, **arguments), field
    )
    assert fragment in message
    assert Disbursement.objects.count() == 0


def test_disbursement_against_another_startups_round_is_refused(commitment):
    other_round = record(StartupFactory())
    refusal(
        lambda: services.disbursement_record(
            commitment=commitment,
            amount=D("1000"),
            paid_on=dt.date(2025, 4, 1),
            funding_round=other_round,
        ),
        "funding_round",
    )
    assert Disbursement.objects.count() == 0


def test_no_payment_on_a_cancelled_commitment(commitment):
    services.commitment_cancel(commitment=commitment)
    refusal(
        lambda: services.disbursement_record(
            commitment=commitment, amount=D("1000"), paid_on=dt.date(2025, 4, 1)
        ),
        "commitment",
    )


def test_a_commitment_with_payments_cannot_be_cancelled(commitment):
    services.disbursement_record(
        commitment=commitment, amount=D("1000"), paid_on=dt.date(2025, 4, 1)
    )
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.commitment_cancel(commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.APPROVED


def test_valuation_marks_replace_a_same_day_mark(commitment):
    fund, startup = commitment.fund, commitment.startup
    services.valuation_mark(
        fund=fund, startup=startup, as_of=dt.date(2025, 6, 30), fair_value=D("12000000")
    )
    services.valuation_mark(
        fund=fund, startup=startup, as_of=dt.date(2025, 6, 30), fair_value=D("0")
    )
    assert ValuationMark.objects.get().fair_value == D("0")


def test_valuation_mark_needs_a_holding_and_a_sane_value(commitment):
    refusal(
        lambda: services.valuation_mark(
            fund=commitment.fund,
            startup=StartupFactory(),
            as_of=dt.date(2025, 6, 30),
            fair_value=D("1"),
        ),
        "startup",
    )
    refusal(
        lambda: services.valuation_mark(
            fund=commitment.fund,
            startup=commitment.startup,
            as_of=dt.date(2025, 6, 30),
            fair_value=D("-1"),
        ),
        "fair_value",
    )
    assert ValuationMark.objects.count() == 0


def test_distribution_needs_cash_paid_in_first(commitment):
    fund, startup = commitment.fund, commitment.startup
    refusal(
        lambda: services.distribution_record(
            fund=fund, startup=startup, paid_on=dt.date(2025, 9, 1), amount=D("1")
        ),
        "startup",
    )
    services.disbursement_record(
        commitment=commitment, amount=D("1000"), paid_on=dt.date(2025, 4, 1)
    )
    refusal(
        lambda: services.distribution_record(
            fund=fund, startup=startup, paid_on=dt.date(2025, 3, 31), amount=D("1")
        ),
        "startup",
    )
    refusal(
        lambda: services.distribution_record(
            fund=fund, startup=startup, paid_on=dt.date(2025, 9, 1), amount=D("0")
        ),
        "amount",
    )
    services.distribution_record(
        fund=fund, startup=startup, paid_on=dt.date(2025, 9, 1), amount=D("3000")
    )
    assert Distribution.objects.get().amount == D("3000")


# --- saved_unless_excluded: PostgreSQL's deadlock in an exclusion constraint's check --------


def exclusion_deadlock():
    """The error Django raises when PostgreSQL cancels a writer deadlocked in an exclusion
    constraint's check (psycopg's DeadlockDetected as the cause, as Django chains it)."""
    from django.db import OperationalError
    from psycopg import errors

    text = (
        "deadlock detected\nCONTEXT:  while checking exclusion constraint on tuple (0,33) "
        'in relation "portfolio_spacelease"'
    )
    error = OperationalError(text)
    error.__cause__ = errors.DeadlockDetected(text)
    return error


def saving_that_fails(monkeypatch, failures):
    """``common.saved`` raising each of ``failures`` in turn, then saving; its calls listed."""
    calls = []

    def saved(instance):
        calls.append(instance)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return instance

    monkeypatch.setattr(common, "saved", saved)
    return calls


def excluded_save(instance, checks):
    def refuse_clash():
        raise ValidationError({"starts_on": "already leased"})

    return common.saved_unless_excluded(
        instance, constraint="no_overlap", check=lambda: checks.append(1), refusal=refuse_clash
    )


def test_a_write_deadlocked_in_the_exclusion_check_is_written_again(monkeypatch):
    calls = saving_that_fails(monkeypatch, [exclusion_deadlock(), exclusion_deadlock()])
    checks = []
    assert excluded_save("lease", checks) == "lease"
    assert len(calls) == 3
    assert checks == []


def test_a_write_deadlocked_every_time_is_refused_as_the_clash(monkeypatch):
    tries = common.EXCLUSION_DEADLOCK_RETRIES + 1
    calls = saving_that_fails(monkeypatch, [exclusion_deadlock() for _ in range(tries + 1)])
    checks = []
    assert "already leased" in refusal(lambda: excluded_save("lease", checks), "starts_on")
    assert len(calls) == tries
    assert checks == [1]


def test_another_database_error_is_not_written_again(monkeypatch):
    from django.db import OperationalError
    from psycopg import errors

    other = OperationalError("deadlock detected on a row lock")
    other.__cause__ = errors.DeadlockDetected("deadlock detected on a row lock")
    locked = OperationalError("database is locked")
    for error in (other, locked):
        calls = saving_that_fails(monkeypatch, [error])
        with pytest.raises(OperationalError) as raised:
            excluded_save("lease", [])
        assert raised.value is error
        assert len(calls) == 1
