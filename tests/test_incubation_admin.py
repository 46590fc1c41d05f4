"""The admin of incubation (issue 16): the startup's change page shows its admission rules;
admitting an ineligible startup is refused next to *admitted on*; staff graduate through the
"Graduate" page (a contradicted basis refused next to *basis*, nothing written), record
agreements (deadline computed) and edit the rule and threshold tables through the services;
other roles read; graduations are never added or changed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from portfolio.models import (
    Graduation,
    IncubationAgreement,
    IncubationRule,
    IncubatorThreshold,
    Startup,
)
from portfolio.models.choices import StartupStatus
from tests.support.admin import admin_url, form_data
from tests.support.clients import login
from tests.support.factories import (
    FundingRoundFactory,
    IncubationAgreementFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


def graduate_url(startup) -> str:
    return reverse("admin:portfolio_startup_graduate", args=[startup.pk])


def test_the_change_page_shows_eligibility_and_the_graduate_link(staff_user, viewer):
    startup = StartupFactory(premises_in_incubator=False, eligibility_note="园区外实验室，特批")
    page = login(staff_user).get(admin_url(Startup, "change", startup.pk)).content.decode()
    assert "eligibility-failed" in page and "premises_in_incubator" in page
    assert "eligibility-met" in page  # the age at entry
    assert graduate_url(startup) in page
    page = login(viewer).get(admin_url(Startup, "change", startup.pk)).content.decode()
    assert "premises_in_incubator" in page
    assert graduate_url(startup) not in page


def test_admitting_an_ineligible_startup_is_refused_next_to_admitted_on(staff_user):
    startup = StartupFactory(admitted_on=None, is_tech_sme=False)
    client = login(staff_user)
    url = admin_url(Startup, "change", startup.pk)
    data = form_data(client.get(url).content.decode(), "startup_form")
    data["admitted_on"] = "2021-03-01"
    response = client.post(url, data)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"admitted_on"}
    startup.refresh_from_db()
    assert startup.admitted_on is None
    data["eligibility_note"] = "2021年5月取得科技型中小企业编号"
    response = client.post(url, data)
    assert response.status_code == 302
    startup.refresh_from_db()
    assert startup.admitted_on == dt.date(2021, 3, 1)


def test_staff_graduate_through_the_page(staff_user):
    startup = StartupFactory()
    client = login(staff_user)
    assert client.get(graduate_url(startup)).status_code == 200
    response = client.post(graduate_url(startup), {"on": "2025-06-30", "basis": ["vc_over_5m"]})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"basis"}
    assert not Graduation.objects.exists()
    FundingRoundFactory(startup=startup, round_type="b", amount=Decimal("8000000"))
    response = client.post(
        graduate_url(startup),
        {"on": "2025-06-30", "basis": ["vc_over_5m"], "note": "B轮800万"},
    )
    assert response.status_code == 302
    graduation = Graduation.objects.get(startup=startup)
    assert graduation.basis == ["vc_over_5m"]
    assert graduation.recorded_by == staff_user
    startup.refresh_from_db()
    assert startup.status == StartupStatus.GRADUATED
    page = client.get(admin_url(Graduation, "change", graduation.pk)).content.decode()
    assert "B轮800万" in page
    assert client.get(admin_url(Graduation, "add")).status_code == 403


def test_other_roles_cannot_graduate(viewer, fund_manager):
    startup = StartupFactory()
    FundingRoundFactory(startup=startup, round_type="b", amount=Decimal("8000000"))
    for user in (viewer, fund_manager):
        response = login(user).post(
            graduate_url(startup), {"on": "2025-06-30", "basis": ["vc_over_5m"]}
        )
        assert response.status_code == 403
    assert not Graduation.objects.exists()


def test_staff_record_an_agreement_and_the_deadline_is_computed(staff_user):
    startup = StartupFactory(tech_area="sensing")
    client = login(staff_user)
    data = {"startup": startup.pk, "signed_on": "2021-02-20", "starts_on": "2021-03-01"}
    response = client.post(admin_url(IncubationAgreement, "add"), {**data, "ends_on": "2021-01-01"})
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"ends_on"}
    response = client.post(admin_url(IncubationAgreement, "add"), {**data, "note": ""})
    assert response.status_code == 302
    agreement = IncubationAgreement.objects.get(startup=startup)
    assert agreement.incubation_deadline == dt.date(2025, 3, 1)
    assert agreement.created_by == staff_user


def test_staff_edit_the_rule_row_and_deadlines_follow(staff_user):
    agreement = IncubationAgreementFactory(startup=StartupFactory(tech_area="sensing"))
    rule = IncubationRule.objects.get()
    client = login(staff_user)
    url = admin_url(IncubationRule, "change", rule.pk)
    data = form_data(client.get(url).content.decode(), "incubationrule_form")
    response = client.post(url, {**data, "extended_deadline_months": "12"})
    assert response.status_code == 200  # shorter than the 48 months: the model's check
    assert response.context["adminform"].form.errors
    response = client.post(url, {**data, "extended_fields": "sensing"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.incubation_deadline == dt.date(2026, 3, 1)  # 60 months now
    threshold = IncubatorThreshold.objects.get(grade="national", key="incubatees")
    url = admin_url(IncubatorThreshold, "change", threshold.pk)
    data = form_data(client.get(url).content.decode(), "incubatorthreshold_form")
    response = client.post(url, {**data, "required": "-1"})
    assert response.status_code == 200
    response = client.post(url, {**data, "required": "40"})
    assert response.status_code == 302
    threshold.refresh_from_db()
    assert threshold.required == 40
    assert threshold.history.first().history_user == staff_user


def test_viewers_read_the_tables_and_nothing_is_deleted(viewer, staff_user):
    rule = IncubationRule.objects.get()
    client = login(viewer)
    assert client.get(admin_url(IncubationRule, "change", rule.pk)).status_code == 200
    response = client.post(admin_url(IncubationRule, "change", rule.pk), {"deadline_months": 1})
    assert response.status_code == 403
    staff = login(staff_user)
    assert staff.get(admin_url(IncubationRule, "delete", rule.pk)).status_code == 403
