"""Every admin write path refuses what its service refuses, and a refusal writes nothing.

One test per path: the startup change form (``startup_update``), the bulk advance
(``startup_advance_many``) and the bulk cancel (``commitment_cancel_many``); the services'
own all-or-nothing behaviour is asserted here too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio import services
from portfolio.models import Commitment, StageTransition, Startup
from portfolio.models.choices import CommitmentStatus
from portfolio.services import common
from portfolio.services import messages as msg
from tests.support import factories
from tests.support.admin import admin_url, form_data
from tests.support.clients import login
from tests.support.factories import stage

D = Decimal


def future() -> dt.date:
    return common.today() + dt.timedelta(days=3)


def english(user):
    """An admin client reading English, as the tests read the services' messages."""
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def change_form(client, startup: Startup) -> dict[str, str]:
    page = client.get(admin_url(Startup, "change", startup.pk)).content.decode()
    return form_data(page, "startup_form")


# --- editing a startup: services.startup_update ---------------------------------------------


@pytest.mark.parametrize("field", ["founded_on", "admitted_on"])
def test_startup_change_refuses_a_future_date_like_the_service(staff_user, db, field):
    # Without an admission date the model's own check (admitted after founded) is silent:
    # only the service's rule stands between a future founding date and the database.
    startup = factories.StartupFactory(admitted_on=None)
    with pytest.raises(ValidationError) as refused:
        services.startup_update(startup=startup, **{field: future()})
    assert refused.value.message_dict == {field: [str(msg.DATE_FUTURE)]}

    client = english(staff_user)
    data = change_form(client, startup)
    data.update({field: future().isoformat(), "name": "改名未遂"})
    response = client.post(admin_url(Startup, "change", startup.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [str(msg.DATE_FUTURE)]
    before = Startup.objects.get(pk=startup.pk)
    assert (before.name, getattr(before, field)) == (startup.name, getattr(startup, field))
    assert startup.history.count() == 1  # only its creation


def test_startup_change_writes_the_changed_fields_through_the_service(staff_user, startup):
    client = english(staff_user)
    data = change_form(client, startup)
    data.update(headcount="12", is_illustrative="on", founded_on="2019-05-04")
    response = client.post(admin_url(Startup, "change", startup.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    startup.refresh_from_db()
    assert (startup.headcount, startup.is_illustrative, startup.founded_on) == (
        12,
        True,
        dt.date(2019, 5, 4),
    )
    assert startup.history.latest().history_user == staff_user


# --- the bulk advance: services.startup_advance_many ----------------------------------------


def test_advance_many_moves_all_or_none_and_names_each_refused_startup(db):
    ready = factories.StartupFactory(name="甲科技")
    there = factories.StartupFactory(name="乙科技", stage=stage("concept"), trl=3)
    late = factories.StartupFactory(name="丙科技", entered_on=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError) as refused:
        services.startup_advance_many(
            startups=[ready, there, late], to_stage=stage("concept"), on=dt.date(2024, 2, 1), trl=3
        )
    errors = refused.value.message_dict
    assert errors["to_stage"] == [f"{there}: {msg.SAME_STAGE}"]
    assert len(errors["on"]) == 1 and errors["on"][0].startswith(f"{late}: ")
    assert StageTransition.objects.count() == 3  # the three first transitions, nothing else
    assert Startup.objects.get(pk=ready.pk).stage.slug == "lab"  # its good move rolled back

    moved = services.startup_advance_many(
        startups=[ready, late], to_stage=stage("prototype"), on=common.today(), trl=4
    )
    assert [m.startup_id for m in moved] == [ready.pk, late.pk]
    assert set(Startup.objects.filter(pk__in=[ready.pk, late.pk]).values_list("stage__slug")) == {
        ("prototype",)
    }


def test_admin_bulk_advance_refuses_what_the_service_refuses(staff_user, db):
    ready = factories.StartupFactory(name="甲科技")
    there = factories.StartupFactory(name="乙科技", stage=stage("concept"), trl=3)
    client = english(staff_user)
    url = reverse("admin:portfolio_startup_advance_many") + f"?ids={ready.pk},{there.pk}"
    data = {"to_stage": stage("concept").pk, "on": "2024-02-01", "trl": "3"}
    with pytest.raises(ValidationError) as refused:
        services.startup_advance_many(
            startups=[ready, there], to_stage=stage("concept"), on=dt.date(2024, 2, 1), trl=3
        )
    response = client.post(url, data)
    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == refused.value.messages
    assert StageTransition.objects.count() == 2
    assert set(Startup.objects.values_list("stage__slug", flat=True)) == {"lab", "concept"}
    assert not Startup.history.filter(history_type="~").exists()


# --- the bulk cancel: services.commitment_cancel_many ---------------------------------------


@pytest.fixture
def commitments(db):
    """Three live commitments of one fund; the second has a payment."""
    fund = factories.FundFactory()
    made = [
        services.commitment_create(
            fund=fund,
            startup=factories.StartupFactory(),
            amount=D("1000000"),
            approved_on=dt.date(2024, 1, 10),
        )
        for _ in range(3)
    ]
    paid_on = dt.date(2024, 2, 1)
    services.disbursement_record(commitment=made[1], amount=D("400000"), paid_on=paid_on)
    return made


def test_cancel_many_cancels_all_or_none_and_names_the_paid_commitment(commitments):
    free, paid, other = commitments
    with pytest.raises(ValidationError) as refused:
        services.commitment_cancel_many(commitments=commitments)
    assert refused.value.messages == [
        f"{paid}: " + msg.COMMITMENT_HAS_DISBURSEMENTS % {"paid": "400,000.00 元"}
    ]
    assert set(Commitment.objects.values_list("status", flat=True)) == {CommitmentStatus.APPROVED}

    cancelled = services.commitment_cancel_many(commitments=[free, other])
    assert {c.pk for c in cancelled} == {free.pk, other.pk}
    assert Commitment.objects.get(pk=paid.pk).status == CommitmentStatus.APPROVED
    assert Commitment.objects.filter(status=CommitmentStatus.CANCELLED).count() == 2


def test_admin_bulk_cancel_refuses_what_the_service_refuses(fund_manager, commitments):
    with pytest.raises(ValidationError) as refused:
        services.commitment_cancel_many(commitments=commitments)
    response = english(fund_manager).post(
        admin_url(Commitment, "changelist"),
        {"action": "cancel_commitments", "_selected_action": [c.pk for c in commitments]},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown == refused.value.messages
    assert set(Commitment.objects.values_list("status", flat=True)) == {CommitmentStatus.APPROVED}
    assert not Commitment.history.filter(history_type="~").exists()


def test_admin_bulk_cancel_cancels_unpaid_commitments(fund_manager, commitments):
    free, _paid, other = commitments
    response = english(fund_manager).post(
        admin_url(Commitment, "changelist"),
        {"action": "cancel_commitments", "_selected_action": [free.pk, other.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["2 commitments cancelled."]
    assert set(
        Commitment.objects.filter(status=CommitmentStatus.CANCELLED).values_list("pk", flat=True)
    ) == {free.pk, other.pk}
    assert Commitment.history.filter(history_type="~").latest().history_user == fund_manager


def test_held_by_fund_counts_live_commitments_only(staff_user, commitments):
    """The startups changelist's "held by fund" filter uses the one definition of a holding
    (``Commitment.objects.live()``), as the API's ``fund`` filter does."""
    free, paid, other = commitments
    services.commitment_cancel(commitment=free)
    response = login(staff_user).get(admin_url(Startup, "changelist"), {"fund": str(free.fund_id)})
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {paid.startup_id, other.startup_id}


#: the admins whose rows take a field on add that their update service does not edit
ADD_ONLY = [
    (factories.MentorFactory, "mentor", "is_illustrative"),
    (factories.PolicyApplicationFactory, "policyapplication", "is_illustrative"),
    (factories.FinancingIntroductionFactory, "financingintroduction", "is_illustrative"),
    (factories.IncubationAgreementFactory, "incubationagreement", "startup"),
]


@pytest.mark.parametrize(("factory", "model_name", "field"), ADD_ONLY)
def test_a_field_given_on_add_only_is_read_only_on_change(staff_user, factory, model_name, field):
    """A field given when the row is added (``add_only``) that its update service does not
    edit: the change form shows it without an input (a box to untick would be dropped on
    save without a word) and saving the form keeps it; the add form asks for it."""
    row = factory(**({"is_illustrative": True} if field == "is_illustrative" else {}))
    before = getattr(row, field)
    client = login(staff_user)
    url = reverse(f"admin:portfolio_{model_name}_change", args=[row.pk])
    page = client.get(url)
    assert field not in page.context["adminform"].form.fields
    assert field in page.context["adminform"].readonly_fields
    saved = client.post(url, form_data(page.content.decode(), f"{model_name}_form"))
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    row.refresh_from_db()
    assert getattr(row, field) == before
    add = client.get(reverse(f"admin:portfolio_{model_name}_add"))
    assert field in add.context["adminform"].form.fields
