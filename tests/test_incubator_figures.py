"""The incubator's own figures (issue 16): its opening day, the space it controls and its
seed fund, stated from a day on; each refusal on its field by the service and the admin
(nothing written), the figures in force on a day, who may write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio import services
from portfolio.models import IncubatorFigures
from portfolio.selectors.incubation import incubator_figures_on
from portfolio.services.common import today
from tests.support.admin import admin_url
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def refused_on(**fields) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        services.incubator_figures_save(**fields)
    return set(refused.value.message_dict)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"controlled_area_m2": Decimal("0")}, "controlled_area_m2"),
        ({"controlled_area_m2": Decimal("-5")}, "controlled_area_m2"),
        ({"controlled_area_m2": Decimal("123456789.5")}, "controlled_area_m2"),  # 10 digits
        ({"seed_fund": Decimal("-1")}, "seed_fund"),
        ({"seed_fund": "five million"}, "seed_fund"),
        ({"seed_fund": "1.001"}, "seed_fund"),
        ({"opened_on": today() + dt.timedelta(days=1)}, "opened_on"),
        ({"opened_on": "2019-06-01"}, "opened_on"),  # not a date
        ({"effective_from": None}, "effective_from"),
        ({"effective_from": dt.date(1900, 1, 1)}, "effective_from"),
        ({"staff": 12}, "staff"),  # not a figure kept here
    ],
)
def test_each_refusal_names_its_field_and_writes_nothing(fields, field):
    assert refused_on(**({"effective_from": dt.date(2025, 1, 1)} | fields)) == {field}
    assert not IncubatorFigures.objects.exists()


def test_one_row_a_day_and_the_figures_in_force_on_a_day():
    first = services.incubator_figures_save(
        effective_from=dt.date(2024, 1, 1),
        opened_on=dt.date(2023, 9, 1),
        controlled_area_m2=Decimal("6000"),
        source="租赁合同(测试)",
    )
    assert refused_on(effective_from=dt.date(2024, 1, 1)) == {"effective_from"}
    second = services.incubator_figures_save(
        effective_from=dt.date(2025, 7, 1), controlled_area_m2=Decimal("10500.5"),
        seed_fund="5000000",
    )  # fmt: skip
    assert second.seed_fund == Decimal("5000000.00") and second.opened_on is None
    assert incubator_figures_on(dt.date(2023, 12, 31)) is None
    assert incubator_figures_on(dt.date(2024, 1, 1)) == first
    assert incubator_figures_on(dt.date(2025, 6, 30)) == first
    assert incubator_figures_on(dt.date(2025, 7, 1)) == second
    changed = services.incubator_figures_save(figures=first, controlled_area_m2=Decimal("6200"))
    assert changed.pk == first.pk and changed.controlled_area_m2 == Decimal("6200.00")
    assert changed.source == "租赁合同(测试)"  # the fields not given stay


def form(**more) -> dict:
    return {
        "effective_from": "2025-01-01",
        "opened_on": "",
        "controlled_area_m2": "8000",
        "seed_fund": "",
        "source": "",
        **more,
    }


def test_the_admin_writes_through_the_service_and_refuses_what_it_refuses(staff_user):
    client = login(staff_user)
    url = admin_url(IncubatorFigures, "add")
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    for bad, field in (
        ({"controlled_area_m2": "0"}, "controlled_area_m2"),
        ({"seed_fund": "-1"}, "seed_fund"),
        ({"opened_on": tomorrow}, "opened_on"),
    ):
        response = client.post(url, form(**bad))
        assert response.status_code == 200, bad
        assert field in response.context["adminform"].form.errors, bad
    assert not IncubatorFigures.objects.exists()
    assert client.post(url, form(opened_on="2023-09-01")).status_code == 302
    row = IncubatorFigures.objects.get()
    assert (row.controlled_area_m2, row.opened_on, row.created_by) == (
        Decimal("8000.00"), dt.date(2023, 9, 1), staff_user,
    )  # fmt: skip
    again = client.post(url, form())
    assert "effective_from" in again.context["adminform"].form.errors  # one row a day


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_other_roles_read_but_do_not_write(persona):
    services.incubator_figures_save(effective_from=dt.date(2025, 1, 1))
    client = login(persona)
    assert client.get(admin_url(IncubatorFigures, "changelist")).status_code == 200
    assert client.post(admin_url(IncubatorFigures, "add"), form()).status_code == 403
