"""Policy applications and financing introductions (issue 16, ``incubator-ops.md`` §3): each
rule refused on the field to correct, by the service, the API (400 naming it) and the admin
(the error next to the field), nothing written; founders read their own startup's rows only;
other roles read; the changelists' queries do not grow with rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio import services
from portfolio.models import FinancingIntroduction, PolicyApplication
from tests.support.admin import admin_url
from tests.support.clients import login, token_client
from tests.support.factories import (
    FinancingIntroductionFactory,
    FundingRoundFactory,
    InvestorFactory,
    PolicyApplicationFactory,
    StartupFactory,
)
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db

SUBMITTED = {
    "programme": "high_tech_enterprise",
    "level": "national",
    "applied_on": dt.date(2024, 5, 20),
    "status": "submitted",
}
APPROVED = {
    **SUBMITTED,
    "status": "approved",
    "certificate_number": "GR202411000123",
    "valid_from": dt.date(2024, 12, 1),
    "valid_to": dt.date(2027, 11, 30),
    "amount_granted": Decimal("200000"),
    "amount_received": Decimal("200000"),
}


def refused_on(call, **kwargs) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return set(refused.value.message_dict)


# --- policy applications: the service ------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**SUBMITTED, "applied_on": None}, "applied_on"),
        ({**SUBMITTED, "status": "rejected", "applied_on": None}, "applied_on"),
        ({**SUBMITTED, "amount_granted": Decimal("100")}, "amount_granted"),  # not approved
        ({**SUBMITTED, "valid_from": dt.date(2024, 12, 1)}, "valid_from"),
        ({**SUBMITTED, "certificate_number": "GR1"}, "certificate_number"),
        ({**APPROVED, "valid_to": dt.date(2024, 11, 30)}, "valid_to"),  # before valid_from
        ({**APPROVED, "amount_received": Decimal("200000.01")}, "amount_received"),
        ({**APPROVED, "amount_granted": Decimal("-1")}, "amount_granted"),
        ({**APPROVED, "amount_granted": "1.001"}, "amount_granted"),
        ({**APPROVED, "applied_on": dt.date(2099, 1, 1)}, "applied_on"),  # not yet happened
        ({**APPROVED, "valid_from": dt.date(1900, 1, 1)}, "valid_from"),
    ],
)
def test_an_application_is_refused_on_the_field_to_correct(values, field):
    startup = StartupFactory()
    assert refused_on(services.policy_application_create, startup=startup, **values) == {field}
    assert not PolicyApplication.objects.exists()
    for status in ("draft", "submitted", "rejected"):  # without the approval's fields
        services.policy_application_create(startup=startup, **{**SUBMITTED, "status": status})
    assert services.policy_application_create(startup=startup, **APPROVED).status == "approved"
    assert PolicyApplication.objects.count() == 4


def test_an_application_moves_from_submitted_to_approved_with_its_certificate():
    application = PolicyApplicationFactory()
    assert application.status == "submitted"
    with pytest.raises(ValidationError) as refused:  # a certificate before the approval
        services.policy_application_update(application=application, certificate_number="X1")
    assert set(refused.value.message_dict) == {"certificate_number"}
    updated = services.policy_application_update(
        application=application,
        status="approved",
        certificate_number="GR1",
        valid_from=dt.date(2024, 12, 1),
        valid_to=dt.date(2027, 11, 30),
        amount_granted="150000.50",
    )
    assert updated.amount_granted == Decimal("150000.50")
    assert PolicyApplication.objects.get().certificate_number == "GR1"
    with pytest.raises(ValidationError) as refused:
        services.policy_application_update(application=application, created_by=None)
    assert set(refused.value.message_dict) == {"created_by"}


# --- financing introductions: the service --------------------------------------------------


@pytest.fixture
def round_world():
    """A startup whose A round (closed 2024-06-01) was led by 甲资本 with 乙资本 in it; 丙资本
    took no part."""
    startup = StartupFactory()
    lead, member, absent = (InvestorFactory(name=n) for n in ("甲资本", "乙资本", "丙资本"))
    funding_round = FundingRoundFactory(
        startup=startup,
        round_type="a",
        closed_on=dt.date(2024, 6, 1),
        amount=Decimal("30000000"),
        lead_investor=lead,
        participants=[(lead, Decimal("20000000")), (member, Decimal("10000000"))],
    )
    return startup, funding_round, lead, member, absent


def test_an_introduction_names_the_round_it_led_to(round_world):
    startup, funding_round, lead, member, _absent = round_world
    for investor in (lead, member):  # the lead, or a participant
        intro = services.financing_introduction_create(
            startup=startup,
            investor=investor,
            introduced_on=dt.date(2024, 3, 1),
            channel="roadshow",
            outcome="invested",
            funding_round=funding_round,
        )
        assert intro.funding_round == funding_round
    assert FinancingIntroduction.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcome": "term_sheet"}, "funding_round"),  # a round only with an investment
        ({"investor": "absent"}, "funding_round"),  # the investor is not in the round
        ({"introduced_on": dt.date(2024, 6, 2)}, "funding_round"),  # closed before
        ({"startup": "other"}, "funding_round"),  # another startup's round
        ({"introduced_on": dt.date(2099, 1, 1)}, "introduced_on"),  # not yet happened
        ({"introduced_on": "2024-03-01"}, "introduced_on"),  # not a date
        ({"introduced_on": dt.date(1999, 12, 31)}, "introduced_on"),
    ],
)
def test_an_introduction_is_refused_on_the_field_to_correct(round_world, change, field):
    startup, funding_round, lead, _member, absent = round_world
    values = {
        "startup": startup,
        "investor": lead,
        "introduced_on": dt.date(2024, 3, 1),
        "channel": "one_to_one",
        "outcome": "invested",
        "funding_round": funding_round,
        **change,
    }
    if values["investor"] == "absent":
        values["investor"] = absent
    if values["startup"] == "other":
        values["startup"] = StartupFactory()
    assert refused_on(services.financing_introduction_create, **values) == {field}
    assert not FinancingIntroduction.objects.exists()


def test_the_same_introduction_twice_is_refused_on_introduced_on(round_world):
    startup, _round, lead, _member, _absent = round_world
    intro = FinancingIntroductionFactory(
        startup=startup, investor=lead, introduced_on=dt.date(2024, 3, 1)
    )
    values = {"startup": startup, "investor": lead, "channel": "event"}
    assert refused_on(
        services.financing_introduction_create, introduced_on=dt.date(2024, 3, 1), **values
    ) == {"introduced_on"}
    other = FinancingIntroductionFactory(introduced_on=dt.date(2024, 3, 2), **values)
    assert refused_on(
        services.financing_introduction_update,
        introduction=other,
        introduced_on=dt.date(2024, 3, 1),
    ) == {"introduced_on"}
    assert FinancingIntroduction.objects.count() == 2
    assert intro.outcome == "pending"


# --- the API -------------------------------------------------------------------------------


def test_staff_record_an_application_and_its_outcome_through_the_api(staff_user):
    startup = StartupFactory()
    client = token_client(staff_user)
    body = {
        "startup": startup.pk,
        "programme": "specialised_sme",
        "level": "municipal",
        "status": "submitted",
    }
    response = client.post("/api/v1/policy-applications/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"applied_on"}  # submitted without the day
    body.update(applied_on="2024-04-01", amount_granted="100000")
    response = client.post("/api/v1/policy-applications/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"amount_granted"}  # not approved yet
    del body["amount_granted"]
    response = client.post("/api/v1/policy-applications/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(
        f"/api/v1/policy-applications/{pk}/",
        {"status": "approved", "valid_from": "2024-06-01", "amount_granted": "100000"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    row = response.json()
    assert (row["status"], row["amount_granted"], row["created_by"]) == (
        "approved",
        "100000.00",
        staff_user.username,
    )
    listed = client.get("/api/v1/policy-applications/", {"valid_on": "2024-07-01"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    assert (
        client.get("/api/v1/policy-applications/", {"valid_on": "2024-05-31"}).json()["count"] == 0
    )


def test_an_introduction_through_the_api_names_the_round_field(staff_user, round_world):
    startup, funding_round, _lead, _member, absent = round_world
    client = token_client(staff_user)
    body = {
        "startup": startup.pk,
        "investor": absent.pk,
        "introduced_on": "2024-03-01",
        "channel": "roadshow",
        "outcome": "invested",
        "funding_round": funding_round.pk,
    }
    url = "/api/v1/financing-introductions/"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"funding_round"}
    response = client.post(url, {**body, "funding_round": None}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["investor_name"] == "丙资本"
    assert FinancingIntroduction.objects.count() == 1


def test_a_founder_reads_only_their_own_startups_rows(round_world):
    own = StartupFactory()
    mine = PolicyApplicationFactory(startup=own)
    theirs = PolicyApplicationFactory()
    intro = FinancingIntroductionFactory(startup=own)
    FinancingIntroductionFactory()
    client = token_client(make_founder(own))
    rows = client.get("/api/v1/policy-applications/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert client.get(f"/api/v1/policy-applications/{theirs.pk}/").status_code == 404
    rows = client.get("/api/v1/financing-introductions/").json()["results"]
    assert [row["id"] for row in rows] == [intro.pk]
    response = client.post(
        "/api/v1/policy-applications/", {"startup": own.pk}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_founders_home_page_lists_their_applications_and_introductions(
    round_world, django_assert_max_num_queries
):
    own, funding_round, lead, _member, _absent = round_world
    approved = PolicyApplicationFactory(startup=own, **APPROVED)
    PolicyApplicationFactory(programme="specialised_sme", level="municipal")  # another's
    services.financing_introduction_create(
        startup=own,
        investor=lead,
        introduced_on=dt.date(2024, 3, 1),
        channel="roadshow",
        outcome="invested",
        funding_round=funding_round,
    )
    FinancingIntroductionFactory(investor=InvestorFactory(name="别家资本(测试)"))
    client = login(make_founder(own))
    client.get(reverse("founder:home"))  # warm the session
    with django_assert_max_num_queries(10) as first:
        page = client.get(reverse("founder:home")).content.decode()
    section = page[page.index('id="founder-support"') :]
    assert f'id="application-{approved.pk}" data-status="approved"' in section
    assert "200,000.00 元" in section  # granted and received
    assert str(lead) in section and 'data-outcome="invested"' in section
    assert "别家资本" not in page
    assert section.count('id="application-') == 1
    for _ in range(3):  # more rows, the same queries
        PolicyApplicationFactory(startup=own)
        FinancingIntroductionFactory(startup=own)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(reverse("founder:home")).content.decode()
    assert page.count('id="application-') == 4 and page.count('id="introduction-') == 4


# --- the admin -----------------------------------------------------------------------------


def errors(response) -> dict:
    return response.context["adminform"].form.errors


def application_form(startup, **more) -> dict:
    return {
        "startup": startup.pk,
        "programme": "high_tech_enterprise",
        "programme_name": "",
        "policy_code": "",
        "level": "national",
        "applied_on": "2024-05-20",
        "status": "submitted",
        "certificate_number": "",
        "valid_from": "",
        "valid_to": "",
        "amount_granted": "0",
        "amount_received": "0",
        "helped_by": "",
        "note": "",
        **more,
    }


def test_the_admin_refuses_what_the_service_refuses(staff_user, round_world):
    startup, funding_round, lead, _member, absent = round_world
    client = login(staff_user)
    add = admin_url(PolicyApplication, "add")
    response = client.post(add, application_form(startup, certificate_number="GR1"))
    assert set(errors(response)) == {"certificate_number"}
    response = client.post(add, application_form(startup, status="approved", applied_on=""))
    assert set(errors(response)) == {"applied_on"}
    response = client.post(
        add, application_form(startup, status="approved", valid_from="2025-01-01", valid_to="2024")
    )
    assert set(errors(response)) == {"valid_to"}
    response = client.post(add, application_form(startup, applied_on="2099-01-01"))
    assert set(errors(response)) == {"applied_on"}
    assert not PolicyApplication.objects.exists()
    response = client.post(add, application_form(startup, helped_by=staff_user.pk))
    assert response.status_code == 302, errors(response)
    application = PolicyApplication.objects.get()
    assert (application.created_by, application.helped_by) == (staff_user, staff_user)
    assert application.history.get().history_user == staff_user

    intro = {
        "startup": startup.pk,
        "investor": absent.pk,
        "introduced_on": "2024-03-01",
        "channel": "roadshow",
        "outcome": "invested",
        "funding_round": funding_round.pk,
        "note": "",
    }
    add = admin_url(FinancingIntroduction, "add")
    response = client.post(add, intro)
    assert set(errors(response)) == {"funding_round"}
    response = client.post(
        add, {**intro, "outcome": "pending", "funding_round": "", "introduced_on": "2099-01-01"}
    )
    assert set(errors(response)) == {"introduced_on"}
    assert not FinancingIntroduction.objects.exists()
    response = client.post(add, {**intro, "investor": lead.pk})
    assert response.status_code == 302, errors(response)
    assert FinancingIntroduction.objects.get().created_by == staff_user


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_other_roles_read_but_do_not_write(persona):
    application = PolicyApplicationFactory()
    FinancingIntroductionFactory()
    client = login(persona)
    for model in (PolicyApplication, FinancingIntroduction):
        assert client.get(admin_url(model, "changelist")).status_code == 200
    response = client.post(
        admin_url(PolicyApplication, "add"), application_form(application.startup)
    )
    assert response.status_code == 403
    assert PolicyApplication.objects.count() == 1


@pytest.mark.parametrize("model", [PolicyApplication, FinancingIntroduction])
def test_changelist_queries_do_not_grow(staff_user, model, django_assert_max_num_queries):
    make = {
        PolicyApplication: PolicyApplicationFactory,
        FinancingIntroduction: FinancingIntroductionFactory,
    }[model]
    make()
    client = login(staff_user)
    url = admin_url(model, "changelist")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    make.create_batch(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
