"""The pipeline dashboard's incubation panels (issue 16): "past the incubation deadline" and
"meets a graduation test, not graduated" list the right active incubatees, each with its
caption, and their queries do not grow with rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from portfolio import services
from tests.support.clients import login
from tests.support.factories import (
    FundingRoundFactory,
    IncubationAgreementFactory,
    KpiReportFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


def incubatee(name: str, **fields):
    return StartupFactory(name=name, **fields)


def rows(n: int, offset: int = 0) -> None:
    """``n`` startups past their deadline and ``n`` meeting the VC test, and as many on
    time and below every threshold."""
    for i in range(offset, offset + n):
        late = incubatee(f"逾期{i}")
        IncubationAgreementFactory(startup=late, starts_on=dt.date(2021, 3, 1))
        rich = incubatee(f"融资{i}")
        FundingRoundFactory(startup=rich, round_type="a", amount=Decimal("6000000"))
        earning = incubatee(
            f"营收{i}", founded_on=dt.date(2022, 1, 1), admitted_on=dt.date(2022, 2, 1)
        )
        for year in (2023, 2024):
            for quarter in (1, 2, 3, 4):
                KpiReportFactory(
                    startup=earning, year=year, quarter=quarter, revenue=Decimal("1300000")
                )
        quiet = incubatee(f"按期{i}")
        IncubationAgreementFactory(startup=quiet, starts_on=dt.date(2024, 3, 1))
        FundingRoundFactory(startup=quiet, round_type="a", amount=Decimal("5000000"))


def test_the_panels_list_the_right_incubatees(viewer):
    rows(1)
    done = incubatee("已毕业")
    IncubationAgreementFactory(startup=done, starts_on=dt.date(2021, 3, 1))
    FundingRoundFactory(startup=done, round_type="a", amount=Decimal("9000000"))
    services.startup_graduate(startup=done, on=dt.date(2025, 6, 30), basis=["vc_over_5m"])
    page = login(viewer).get(reverse("dashboard:pipeline")).content.decode()
    past = page.split('id="past-incubation-deadline"')[1].split("</section>")[0]
    due = page.split('id="graduation-due"')[1].split("</section>")[0]
    assert "逾期0" in past and "按期0" not in past and "已毕业" not in past
    assert "2025年3月1日" in past  # the deadline: 48 months from 2021-03-01
    assert "融资0" in due and "营收0" in due  # 2023 + 2024 revenue: 10.4m
    assert "按期0" not in due and "已毕业" not in due and "逾期0" not in due
    # whose and how computed, in each caption (the page's language: Chinese)
    assert "孵化期限为协议开始日" in past and "按今日有效的规则" in due


def test_a_role_without_the_agreements_sees_no_panel(db):
    from tests.support.factories import make_user

    user = make_user("viewers")
    from django.contrib.auth.models import Permission

    user.groups.first().permissions.remove(
        Permission.objects.get(codename="view_incubationagreement")
    )
    page = login(user).get(reverse("dashboard:pipeline")).content.decode()
    assert 'id="past-incubation-deadline"' not in page


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_the_panels_queries_do_not_grow_with_rows(viewer, django_assert_max_num_queries):
    client = login(viewer)
    url = reverse("dashboard:pipeline")
    rows(2)
    client.get(url)
    with django_assert_max_num_queries(200) as few:
        client.get(url)
    rows(6, offset=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("逾期") >= 8
