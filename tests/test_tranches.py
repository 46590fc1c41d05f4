"""Tranches: a commitment paid in parts, each optionally against a verified milestone
(issue 15, "Tranches"). Services refuse with the field named, the API answers 201/400 with
nothing written on a refusal, the admin refuses what the services refuse, the database
holds the positive amount and the verification's pair, and the lists keep their query count.

The hand-made holding: 1000万 committed to a startup on 2024-01-10; its milestones "TRL 6"
(verified) and "NMPA 注册证" (not verified), each with an evidence file (verifying needs one).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio import selectors, services
from portfolio.models import Disbursement, Milestone, Tranche
from tests.support.admin import admin_url, form_data
from tests.support.clients import login, token_client
from tests.support.constraints import assert_violates
from tests.support.evidence import attach_evidence
from tests.support.factories import FundFactory, MilestoneFactory, StartupFactory, make_user

pytestmark = pytest.mark.django_db

D = Decimal
APPROVED = dt.date(2024, 1, 10)


@pytest.fixture
def holding():
    fund, startup = FundFactory(), StartupFactory()
    commitment = services.commitment_create(
        fund=fund, startup=startup, amount=D("10000000"), approved_on=APPROVED
    )
    verified = MilestoneFactory(startup=startup, title="TRL 6")
    attach_evidence(verified)
    services.milestone_verify(
        milestone=verified, by=user("incubator-staff"), on=dt.date(2024, 3, 1)
    )
    blocked = MilestoneFactory(startup=startup, title="NMPA 注册证")
    attach_evidence(blocked)
    commitment.verified, commitment.blocked = verified, blocked
    return commitment


def user(role):
    """The persona of ``role``, made once per test."""
    from django.contrib.auth import get_user_model

    name = role.replace("-", "_")
    return get_user_model().objects.filter(username=name).first() or make_user(role)


def refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def plan(commitment, amount, milestone=None, due_by=dt.date(2025, 1, 1)):
    return services.tranche_create(
        commitment=commitment, amount=D(amount), milestone=milestone, due_by=due_by
    )


def pay(commitment, tranche, amount, paid_on=dt.date(2024, 6, 1)):
    return services.disbursement_record(
        commitment=commitment, tranche=tranche, amount=D(amount), paid_on=paid_on
    )


# --- services ----------------------------------------------------------------------------


def test_tranches_never_add_up_to_more_than_the_commitment(holding):
    plan(holding, "6000000")
    errors = refusal(lambda: plan(holding, "4000000.01"))
    assert set(errors) == {"amount"}
    assert "4,000,000.00" in errors["amount"][0]
    plan(holding, "4000000")
    assert holding.tranches.count() == 2


def test_tranche_refusals_name_their_field(holding):
    other = MilestoneFactory()
    assert set(refusal(lambda: plan(holding, "1", other))) == {"milestone"}
    assert set(refusal(lambda: plan(holding, "0"))) == {"amount"}
    bad = {"commitment": holding, "amount": "abc", "due_by": dt.date(2025, 1, 1)}
    assert set(refusal(lambda: services.tranche_create(**bad))) == {"amount"}
    services.commitment_cancel_many(commitments=[holding])
    assert set(refusal(lambda: plan(holding, "1"))) == {"commitment"}
    assert not Tranche.objects.exists()


def test_a_tranche_pays_only_once_its_milestone_is_verified(holding):
    tranche = plan(holding, "3000000", holding.blocked)
    errors = refusal(lambda: pay(holding, tranche, "1"))
    assert set(errors) == {"tranche"}
    assert f"#{holding.blocked.pk}" in errors["tranche"][0]
    assert "NMPA 注册证" in errors["tranche"][0]
    services.milestone_verify(milestone=holding.blocked, by=user("incubator-staff"))
    assert pay(holding, tranche, "3000000").tranche == tranche


def test_a_tranche_pays_no_more_than_it_has_left(holding):
    tranche = plan(holding, "3000000", holding.verified)
    pay(holding, tranche, "2000000")
    errors = refusal(lambda: pay(holding, tranche, "1000000.01"))
    assert set(errors) == {"amount"}
    assert "1,000,000.00" in errors["amount"][0]
    assert Disbursement.objects.count() == 1


def test_a_tranche_of_another_commitment_is_refused(holding):
    other = services.commitment_create(
        fund=holding.fund, startup=StartupFactory(), amount=D("1000"), approved_on=APPROVED
    )
    tranche = plan(other, "1000")
    assert set(refusal(lambda: pay(holding, tranche, "1"))) == {"tranche"}


def test_verification_refusals_name_their_field(holding):
    staff = user("incubator-staff")
    errors = refusal(lambda: services.milestone_verify(milestone=holding.verified, by=staff))
    assert set(errors) == {"verified_on"}
    future = dt.date.today() + dt.timedelta(days=400)
    errors = refusal(
        lambda: services.milestone_verify(milestone=holding.blocked, by=staff, on=future)
    )
    assert set(errors) == {"verified_on"}
    assert set(refusal(lambda: services.milestone_verify(milestone=holding.blocked))) == {
        "verified_by"
    }
    holding.blocked.refresh_from_db()
    assert holding.blocked.verified_on is None


def test_statuses(holding):
    today = dt.date(2025, 6, 1)
    paid = plan(holding, "1000000", holding.verified)
    pay(holding, paid, "1000000")
    ready = plan(holding, "1000000", holding.verified, due_by=dt.date(2025, 12, 31))
    blocked = plan(holding, "1000000", holding.blocked, due_by=dt.date(2025, 1, 1))
    overdue = plan(holding, "1000000", None, due_by=dt.date(2025, 5, 31))
    rows = {t.pk: selectors.tranche_status(t, today) for t in selectors.tranche_list()}
    assert rows == {
        paid.pk: "paid",
        ready.pk: "ready",
        blocked.pk: "blocked",
        overdue.pk: "overdue",
    }
    open_rows = selectors.fund_open_tranches(holding.fund, today)
    assert [(t.pk, t.status) for t in open_rows] == [
        (blocked.pk, "blocked"),
        (overdue.pk, "overdue"),
        (ready.pk, "ready"),
    ]
    # the fund page's first rows (bar P9): the paid tranche is not counted
    first, total = selectors.fund_open_tranches_page(holding.fund, today, 2)
    assert [(t.pk, t.status) for t in first] == [(blocked.pk, "blocked"), (overdue.pk, "overdue")]
    assert total == 3
    assert selectors.fund_open_tranches_page(holding.fund, today, 5) == (open_rows, 3)


def test_statuses_at_an_earlier_date(holding):
    """The fund page looking back: a payment made after the date does not count yet, a
    milestone verified after it still blocks, a commitment approved after it is not there."""
    paid = plan(holding, "1000000", holding.verified, due_by=dt.date(2024, 5, 1))
    pay(holding, paid, "1000000", paid_on=dt.date(2024, 6, 1))
    loose = plan(holding, "1000000", None, due_by=dt.date(2024, 2, 1))
    before_verification = dt.date(2024, 2, 15)  # verified on 2024-03-01
    rows = selectors.fund_open_tranches(holding.fund, before_verification)
    assert [(t.pk, t.status, t.paid) for t in rows] == [
        (loose.pk, "overdue", D("0")),
        (paid.pk, "blocked", D("0")),
    ]
    between = selectors.fund_open_tranches(holding.fund, dt.date(2024, 5, 15))
    assert [(t.pk, t.status) for t in between] == [(loose.pk, "overdue"), (paid.pk, "overdue")]
    after = selectors.fund_open_tranches(holding.fund, dt.date(2024, 6, 1))
    assert [t.pk for t in after] == [loose.pk]
    assert selectors.fund_open_tranches(holding.fund, APPROVED - dt.timedelta(days=1)) == []


def test_history_records_who_planned_and_who_verified(holding):
    manager = user("fund-managers")
    tranche = services.tranche_create(
        commitment=holding, amount=D("1"), due_by=dt.date(2025, 1, 1), by=manager
    )
    assert tranche.history.get().history_user == manager
    assert holding.blocked.history.count() == 1
    services.milestone_verify(milestone=holding.blocked, by=user("incubator-staff"))
    assert holding.blocked.history.latest().history_user.username == "incubator_staff"


# --- constraints -------------------------------------------------------------------------


def test_tranche_amount_positive_constraint(holding):
    with assert_violates(Tranche, "tranche_amount_positive"):
        Tranche.objects.create(commitment=holding, amount=0, due_by=dt.date(2025, 1, 1))


def test_milestone_verified_pair_constraint(holding):
    with assert_violates(Milestone, "milestone_verified_with_date_and_by"):
        Milestone.objects.filter(pk=holding.blocked.pk).update(verified_on=dt.date(2024, 1, 1))


# --- API ---------------------------------------------------------------------------------


def post(client, url, data):
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_api_plans_and_lists_tranches(holding):
    manager = token_client(user("fund-managers"))
    url = f"/api/v1/commitments/{holding.pk}/tranches/"
    body = {"amount": "4000000", "milestone": holding.blocked.pk, "due_by": "2025-03-31"}
    response = post(manager, url, body)
    assert response.status_code == 201, response.content
    row = response.json()
    assert row == {
        "id": row["id"],
        "commitment": holding.pk,
        "amount": "4000000.00",
        "milestone": {"id": holding.blocked.pk, "title": "NMPA 注册证", "verified_on": None},
        "due_by": "2025-03-31",
        "paid": "0.00",
        "status": "blocked",
        "note": "",
    }
    response = post(manager, url, {**body, "amount": "6000000.01"})
    assert response.status_code == 400 and "amount" in response.json()
    assert "6,000,000.00" in response.json()["amount"][0]
    response = post(manager, url, {**body, "milestone": MilestoneFactory().pk})
    assert response.status_code == 400 and set(response.json()) == {"milestone"}
    assert Tranche.objects.count() == 1
    viewer = token_client(user("viewers"))
    assert viewer.get(url).json() == [row]
    assert post(viewer, url, body).status_code == 403

    # a payment against it: refused under ``tranche`` naming the milestone, then paid
    payment = {"commitment": holding.pk, "tranche": row["id"], "paid_on": "2024-06-01"}
    response = post(manager, "/api/v1/disbursements/", {**payment, "amount": "1"})
    assert response.status_code == 400, response.content
    assert str(holding.blocked.pk) in response.json()["tranche"][0]
    assert "NMPA 注册证" in response.json()["tranche"][0]
    staff = token_client(user("incubator-staff"))
    verify = f"/api/v1/milestones/{holding.blocked.pk}/verify/"
    assert set(post(staff, verify, {}).json()) == {"verified_on"}
    response = post(staff, verify, {"verified_on": "2024-05-01"})
    assert response.status_code == 200, response.content
    assert response.json()["verified_on"] == "2024-05-01"
    response = post(staff, verify, {"verified_on": "2024-05-02"})
    assert response.status_code == 400 and set(response.json()) == {"verified_on"}
    response = post(manager, "/api/v1/disbursements/", {**payment, "amount": "4000000.01"})
    assert response.status_code == 400 and set(response.json()) == {"amount"}
    response = post(manager, "/api/v1/disbursements/", {**payment, "amount": "4000000"})
    assert response.status_code == 201, response.content
    assert response.json()["tranche"] == row["id"]
    assert viewer.get(url).json()[0]["status"] == "paid"


def test_tranche_list_query_count_does_not_grow(holding, django_assert_max_num_queries):
    viewer = token_client(user("viewers"))
    url = f"/api/v1/commitments/{holding.pk}/tranches/"
    viewer.get(url)  # warm the token and permission caches
    with CaptureQueriesContext(connection) as one:
        assert len(viewer.get(url).json()) == 0
    for n in range(6):
        tranche = plan(holding, "100", holding.verified if n % 2 else holding.blocked)
        if n % 2:
            pay(holding, tranche, "50")
    with django_assert_max_num_queries(len(one)):
        assert len(viewer.get(url).json()) == 6


def test_fund_page_lists_open_tranches_in_constant_queries(holding, django_assert_max_num_queries):
    client = login(user("fund-managers"))
    url = f"/dashboard/funds/{holding.fund.pk}/"
    client.get(url)
    plan(holding, "100", holding.blocked)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url)
    assert page.status_code == 200
    for _n in range(5):
        plan(holding, "100", holding.verified)
    with django_assert_max_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert "NMPA 注册证" in page and 'id="tranches"' in page


# --- admin -------------------------------------------------------------------------------


def english(user):
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def admin_refusal(client, model, data) -> dict[str, list[str]]:
    before = (Tranche.objects.count(), Disbursement.objects.count())
    url = admin_url(model, "add")
    values = form_data(client.get(url).content.decode(), f"{model._meta.model_name}_form")
    response = client.post(url, {**values, **data})
    assert response.status_code == 200, response.status_code
    assert (Tranche.objects.count(), Disbursement.objects.count()) == before
    return dict(response.context["adminform"].form.errors)


def test_admin_refuses_what_the_services_refuse(holding):
    client = english(user("fund-managers"))
    plan(holding, "9000000")
    expected = refusal(lambda: plan(holding, "1000000.01"))
    shown = admin_refusal(
        client,
        Tranche,
        {"commitment": holding.pk, "amount": "1000000.01", "due_by": "2025-01-01"},
    )
    assert shown == expected
    blocked = plan(holding, "1000000", holding.blocked)
    expected = refusal(lambda: pay(holding, blocked, "1"))
    shown = admin_refusal(
        client,
        Disbursement,
        {"commitment": holding.pk, "tranche": blocked.pk, "amount": "1", "paid_on": "2024-06-01"},
    )
    assert shown == expected


def test_admin_action_verifies_through_the_service(holding):
    client = english(user("incubator-staff"))
    response = client.post(
        admin_url(Milestone, "changelist"),
        {"action": "verify_milestones", "_selected_action": [holding.blocked.pk]},
    )
    assert response.status_code == 302
    holding.blocked.refresh_from_db()
    assert holding.blocked.verified_on == dt.date.today()
    assert holding.blocked.verified_by.username == "incubator_staff"
    # verifying it again is refused (the service's message), nothing changes
    client.post(
        admin_url(Milestone, "changelist"),
        {"action": "verify_milestones", "_selected_action": [holding.blocked.pk]},
    )
    holding.blocked.refresh_from_db()
    assert holding.blocked.verified_on == dt.date.today()


def test_only_a_superuser_deletes_tranches(holding):
    tranche = plan(holding, "1")
    response = login(user("fund-managers")).post(
        admin_url(Tranche, "delete", tranche.pk), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Tranche.objects.filter(pk=tranche.pk).exists()
