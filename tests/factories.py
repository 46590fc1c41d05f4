"""factory_boy factories with consistent related objects.

Startups are created through ``startup_create`` so each one has its first stage transition,
as in real use. Money rows that have rules (rounds, commitments, ...) are created in tests
through their services; the factories here make only rows that need no rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from portfolio import services
from portfolio.models import Fund, Institution, Investor, KpiReport, Milestone, Stage, Startup
from portfolio.models.choices import InstitutionKind, InvestorKind, TechArea
from portfolio.models.validators import make_credit_code as credit_code


def stage(slug: str) -> Stage:
    return Stage.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
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


class StartupFactory(factory.django.DjangoModelFactory):
    """A startup with its first transition, created through ``startup_create``."""

    class Meta:
        model = Startup

    name = factory.Sequence(lambda n: f"量子初创{n}")
    name_en = factory.Sequence(lambda n: f"Quantum Startup {n}")
    credit_code = factory.Sequence(credit_code)
    tech_area = TechArea.COMPUTING
    institution = factory.SubFactory(InstitutionFactory)
    founded_on = dt.date(2020, 1, 1)
    admitted_on = dt.date(2021, 3, 1)
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


class FundFactory(factory.django.DjangoModelFactory):
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
