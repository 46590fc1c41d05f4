"""The demo command: real facts from the source, enough illustrative data, idempotent."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from portfolio.demo.loader import DEMO_PASSWORD
from portfolio.models import (
    Commitment,
    Distribution,
    Fund,
    FundingRound,
    Institution,
    KpiReport,
    Milestone,
    StageTransition,
    Startup,
    ValuationMark,
)
from portfolio.selectors import fund_report
from tests.support import factories

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

COUNTED = [
    Startup,
    StageTransition,
    FundingRound,
    Milestone,
    KpiReport,
    Commitment,
    ValuationMark,
    Distribution,
    Institution,
]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_twice_is_idempotent(capsys):
    call_command("seed_demo")
    first = counts()
    report = fund_report(Fund.objects.get())
    call_command("seed_demo")
    assert counts() == first
    assert fund_report(Fund.objects.get()).committed == report.committed
    out = capsys.readouterr().out
    assert "already present" in out
    assert "manager" in out and "viewer" in out and "staff" in out
    # one commitment in three illustrative tranches: paid, ready, blocked (not twice)
    from portfolio import selectors

    statuses = sorted(selectors.tranche_status(t) for t in selectors.tranche_list())
    assert statuses == ["blocked", "paid", "ready"]
    # one KPI round: one approved, one submitted submission (not twice)
    from portfolio.models import KpiRequest, KpiSubmission

    assert KpiRequest.objects.count() == 1
    assert sorted(KpiSubmission.objects.values_list("status", flat=True)) == [
        "approved",
        "submitted",
    ]
    # every verified milestone carries an illustrative PDF made in code (issue 15, evidence)
    from portfolio.models import MilestoneEvidence

    verified = Milestone.objects.filter(verified_on__isnull=False)
    assert verified.exists()
    for milestone in verified:
        files = list(MilestoneEvidence.objects.filter(milestone=milestone))
        assert len(files) == 1 and milestone.is_illustrative
        assert "illustrative" in files[0].filename and files[0].content_type == "application/pdf"
        with files[0].file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-") and b"ILLUSTRATIVE" in content


def test_migrations_alone_create_no_users():
    assert get_user_model().objects.count() == 0


@override_settings(DEBUG=False, TESTING=False)
def test_seed_demo_refuses_in_production_without_the_flag():
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")
    assert not Fund.objects.exists()
    assert get_user_model().objects.count() == 0


@override_settings(DEBUG=False, TESTING=False)
def test_seed_demo_in_production_gives_random_passwords_printed_once(capsys):
    call_command("seed_demo", "--allow-production")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD not in out
    passwords = dict(re.findall(r"^\s+(\w+)\s.*password: (\S+)$", out, re.MULTILINE))
    founders = {"founder1", "founder2", "founder3"}
    assert set(passwords) == {"admin", "staff", "manager", "viewer", *founders}
    assert len(set(passwords.values())) == 7
    for username, password in passwords.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password)
        assert not user.check_password(DEMO_PASSWORD)
    # run again: nothing printed twice, nothing changed
    call_command("seed_demo", "--allow-production")
    again = capsys.readouterr().out
    assert "password:" not in again
    assert again.count("left unchanged") == 7
    assert get_user_model().objects.get(username="admin").check_password(passwords["admin"])


def test_seed_demo_never_changes_an_existing_user(capsys):
    """An administrator demoted the demo 'admin' and changed its password: a re-run keeps it."""
    admin = factories.UserFactory(username="admin", role="viewers", is_staff=False)
    admin.set_password("chosen-by-the-administrator-1")
    admin.save()
    call_command("seed_demo")
    admin.refresh_from_db()
    assert not admin.is_superuser and not admin.is_staff
    assert list(admin.groups.values_list("name", flat=True)) == ["viewers"]
    assert admin.check_password("chosen-by-the-administrator-1")
    assert "left unchanged" in capsys.readouterr().out
    # the other demo users are new, with the documented demo password (DEBUG/test run)
    assert get_user_model().objects.get(username="staff").check_password(DEMO_PASSWORD)
