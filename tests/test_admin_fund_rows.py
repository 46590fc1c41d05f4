"""The admin's add and change forms of the fund's money rows toward companies refuse what
their service refuses (``services.fund``: one way to write), next to the same field, with
the same message, and write nothing. One test per path: a payment (add), a mark (add and
change), proceeds (add); afterwards a payment or proceeds keep their figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from portfolio import services
from portfolio.models import Disbursement, Distribution, ValuationMark
from tests.support.admin import admin_url, form_data
from tests.support.clients import login
from tests.support.factories import FundFactory, StartupFactory

pytestmark = pytest.mark.django_db

D = Decimal
ENDED = dt.date(2024, 9, 1)


def english(user):
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def counts() -> tuple[int, int, int]:
    return (
        Disbursement.objects.count(),
        ValuationMark.objects.count(),
        Distribution.objects.count(),
    )


@pytest.fixture
def holding():
    """1000万 committed, 400万 paid, marked at 600万 on 2024-06-30."""
    fund, startup = FundFactory(), StartupFactory()
    commitment = services.commitment_create(
        fund=fund, startup=startup, amount=D("10000000"), approved_on=dt.date(2024, 1, 10)
    )
    services.disbursement_record(
        commitment=commitment, amount=D("4000000"), paid_on=dt.date(2024, 2, 1)
    )
    services.valuation_mark(
        fund=fund, startup=startup, as_of=dt.date(2024, 6, 30), fair_value=D("6000000")
    )
    return commitment


def service_refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def admin_refusal(client, model, data, obj=None) -> dict[str, list[str]]:
    """Submit the admin's add (or change) form; it comes back with errors, nothing written."""
    before = counts()
    view, args = ("change", (obj.pk,)) if obj is not None else ("add", ())
    url = admin_url(model, view, *args)
    values = form_data(client.get(url).content.decode(), f"{model._meta.model_name}_form")
    response = client.post(url, {**values, **data})
    assert response.status_code == 200, response.status_code
    assert counts() == before
    return dict(response.context["adminform"].form.errors)


def test_admin_payment_refuses_what_the_service_refuses(fund_manager, holding):
    client = english(fund_manager)
    too_much = {"commitment": holding, "amount": D("6000000.01"), "paid_on": dt.date(2024, 3, 1)}
    expected = service_refusal(lambda: services.disbursement_record(**too_much))
    shown = admin_refusal(
        client,
        Disbursement,
        {"commitment": holding.pk, "amount": "6000000.01", "paid_on": "2024-03-01"},
    )
    assert shown == expected == {"amount": [expected["amount"][0]]}
    assert "6,000,000.00 元 remains" in expected["amount"][0]

    services.distribution_record(
        fund=holding.fund, startup=holding.startup, paid_on=ENDED, amount=D("1"), kind="exit"
    )
    late = {"commitment": holding, "amount": D("1"), "paid_on": ENDED + dt.timedelta(days=1)}
    expected = service_refusal(lambda: services.disbursement_record(**late))
    shown = admin_refusal(
        client, Disbursement, {"commitment": holding.pk, "amount": "1", "paid_on": "2024-09-02"}
    )
    assert shown == expected and set(expected) == {"paid_on"}


def test_admin_mark_add_refuses_what_the_service_refuses(fund_manager, holding):
    services.distribution_record(
        fund=holding.fund, startup=holding.startup, paid_on=ENDED, amount=D("0"), kind="write_off"
    )
    client = english(fund_manager)
    mark = {"fund": holding.fund, "startup": holding.startup, "fair_value": D("1")}
    for as_of, field in ((ENDED + dt.timedelta(days=1), "as_of"), (ENDED, "fair_value")):
        expected = service_refusal(
            lambda as_of=as_of: services.valuation_mark(**mark, as_of=as_of, method="dcf")
        )
        shown = admin_refusal(
            client,
            ValuationMark,
            {
                "fund": holding.fund.pk,
                "startup": holding.startup.pk,
                "as_of": as_of.isoformat(),
                "fair_value": "1",
                "method": "dcf",
            },
        )
        assert shown == expected and set(expected) == {field}


def test_admin_mark_change_goes_through_the_service(fund_manager, holding):
    """A mark's value and method are changed through ``valuation_mark``: a mark of the day a
    holding ended cannot be raised above 0; a mark of an open day can be changed."""
    client = english(fund_manager)
    services.valuation_mark(
        fund=holding.fund, startup=holding.startup, as_of=ENDED, fair_value=D("0")
    )
    services.distribution_record(
        fund=holding.fund, startup=holding.startup, paid_on=ENDED, amount=D("5"), kind="exit"
    )
    on_the_day = ValuationMark.objects.get(as_of=ENDED)
    expected = service_refusal(
        lambda: services.valuation_mark(
            fund=holding.fund, startup=holding.startup, as_of=ENDED, fair_value=D("9")
        )
    )
    shown = admin_refusal(client, ValuationMark, {"fair_value": "9"}, obj=on_the_day)
    assert shown == expected and set(expected) == {"fair_value"}
    assert ValuationMark.objects.get(pk=on_the_day.pk).fair_value == D("0")

    earlier = ValuationMark.objects.get(as_of=dt.date(2024, 6, 30))
    url = admin_url(ValuationMark, "change", earlier.pk)
    values = form_data(client.get(url).content.decode(), "valuationmark_form")
    response = client.post(url, {**values, "fair_value": "6500000", "method": "comparables"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    earlier.refresh_from_db()
    assert (earlier.fair_value, earlier.method) == (D("6500000.00"), "comparables")
    assert earlier.history.latest().history_user == fund_manager


def test_admin_proceeds_refuse_what_the_service_refuses(fund_manager, holding):
    client = english(fund_manager)
    fund, startup = holding.fund, holding.startup
    before_mark = {"fund": fund, "startup": startup, "amount": D("5"), "kind": "exit"}
    expected = service_refusal(
        lambda: services.distribution_record(**before_mark, paid_on=dt.date(2024, 6, 1))
    )
    form = {"fund": fund.pk, "startup": startup.pk, "amount": "5", "kind": "exit"}
    shown = admin_refusal(client, Distribution, {**form, "paid_on": "2024-06-01"})
    assert shown == expected and set(expected) == {"paid_on"}

    services.distribution_record(**before_mark, paid_on=ENDED)
    expected = service_refusal(
        lambda: services.distribution_record(**before_mark, paid_on=dt.date(2024, 10, 1))
    )
    assert set(expected) == {"kind"}
    # The database's own rule (one end per holding) is checked by the form first: the same
    # refusal, as the constraint words it.
    shown = admin_refusal(client, Distribution, {**form, "paid_on": "2024-10-01"})
    assert shown == {"__all__": ["This holding has already ended (exit or write-off)."]}


def test_recorded_money_keeps_its_figures_only_the_note_changes(fund_manager, holding):
    client = english(fund_manager)
    paid = Disbursement.objects.get()
    url = admin_url(Disbursement, "change", paid.pk)
    values = form_data(client.get(url).content.decode(), "disbursement_form")
    assert "amount" not in values and "paid_on" not in values  # shown, not editable
    response = client.post(url, {**values, "note": "首笔", "amount": "1"})
    assert response.status_code == 302
    paid.refresh_from_db()
    assert (paid.note, paid.amount) == ("首笔", D("4000000.00"))


@pytest.mark.parametrize("role", ["fund-managers", "superuser"])
def test_only_a_superuser_deletes_money_rows(role, holding):
    from tests.support.factories import make_user

    user = make_user(role)
    paid = Disbursement.objects.get()
    response = login(user).post(admin_url(Disbursement, "delete", paid.pk), {"post": "yes"})
    assert response.status_code == (302 if role == "superuser" else 403)
    assert Disbursement.objects.filter(pk=paid.pk).exists() == (role != "superuser")
