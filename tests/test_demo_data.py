"""The demo data as loaded: real facts from the source, enough illustrative data.

These tests only read, so the demo is loaded once for the module (``demo``).
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from portfolio.models import (
    Distribution,
    Fund,
    Institution,
    KpiReport,
    Milestone,
    Stage,
    Startup,
)
from portfolio.models.choices import InstitutionKind, StartupStatus, TechArea
from portfolio.selectors import fund_report, pipeline_report

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


def test_demo_carries_the_source_facts(demo):
    weici = Startup.objects.get(name="北京未磁科技有限公司")
    assert weici.tech_area == TechArea.SENSING
    assert weici.founders == "蔡宾"
    rounds = weici.funding_rounds.all()
    assert rounds.count() == 5
    assert sum(r.amount for r in rounds) > Decimal("300000000")
    investors = set(weici.funding_rounds.values_list("investors__name", flat=True))
    assert {"北京市机器人产业发展投资基金", "IDG资本"} <= investors
    assert weici.milestones.filter(kind="first_export").exists()

    xianggan = Startup.objects.get(name="相干科技")
    assert xianggan.institution.name == "北京量子信息科学研究院"
    assert Startup.objects.get(name="华翊量子").founders == "段路明"
    assert Startup.objects.filter(name="科微量子").exists()
    hefei = Startup.objects.filter(registered_region="安徽省合肥市")
    assert set(hefei.values_list("name", flat=True)) == {
        "国盾量子",
        "本源量子",
        "国仪量子",
        "幺正量子",
        "启科量子",
    }
    assert Startup.objects.get(name="国盾量子").status == StartupStatus.EXITED
    origin = Startup.objects.get(name="本源量子").funding_rounds.get()
    assert origin.pre_money_valuation == Decimal("6500000000")

    fund = Fund.objects.get()
    assert fund.name == "北京量子信息产业发展投资基金"
    assert fund.size == Decimal("200000000")


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
    assert all(i.startups.exists() for i in institutions)
    assert KpiReport.objects.count() > 200
    assert Milestone.objects.count() > 40
    # Every startup's current stage is its latest transition.
    for startup in Startup.objects.prefetch_related("transitions"):
        latest = max(startup.transitions.all(), key=lambda t: (t.on, t.id))
        assert latest.to_stage_id == startup.stage_id
    # Every row the demo wrote has its creation in the audit trail (bulk writes included).
    from portfolio.models.history import AUDITED

    for model in AUDITED:
        if model is Stage:  # installed by migration 0002, before the history tables exist
            continue
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model.objects.count(), model.__name__


def test_demo_fund_has_cash_flows_and_one_exit(demo):
    fund = Fund.objects.get()
    report = fund_report(fund)
    assert Decimal("0") < report.committed <= fund.size
    assert report.disbursed > 0 and report.realized > 0 and report.unrealized > 0
    assert report.irr is not None
    assert Distribution.objects.values("startup").distinct().count() == 1
    assert all(check.ok for check in report.compliance)
    pipeline = pipeline_report()  # the incubatees: the tracked peers are not the incubator's
    assert pipeline.total == Startup.objects.incubatees().count()
    assert pipeline.crossed_valley > 0
    assert pipeline_report(population="all").total == Startup.objects.count()


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
