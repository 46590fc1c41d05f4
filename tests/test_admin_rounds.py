"""Recording a round with its participants in one admin form (through round_record)."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolio import services
from portfolio.models import FundingRound, Participation
from tests.support import factories
from tests.support.admin import admin_url, form_data
from tests.support.clients import login


@pytest.fixture
def investors(db):
    return [factories.InvestorFactory() for _ in range(3)]


def round_data(startup, lead, participants):
    data = {
        "startup": startup.pk,
        "round_type": "a",
        "closed_on": "2024-05-20",
        "amount": "50000000",
        "amount_precision": "exact",
        "announced_as": "5000万元",
        "pre_money_valuation": "200000000",
        "lead_investor": lead.pk,
        "note": "公司公告",
        "participations-TOTAL_FORMS": str(len(participants)),
        "participations-INITIAL_FORMS": "0",
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
    }
    for index, (investor, amount) in enumerate(participants):
        data[f"participations-{index}-investor"] = investor.pk
        data[f"participations-{index}-amount"] = amount
    return data


def test_round_and_participants_saved_through_round_record(staff_user, startup, investors):
    lead, second, third = investors
    data = round_data(startup, lead, [(second, "20000000"), (third, "")])
    response = login(staff_user).post(admin_url(FundingRound, "add"), data)
    assert response.status_code == 302, response.context["errors"]
    funding_round = FundingRound.objects.get()
    assert funding_round.amount == 50000000
    # round_record adds the lead as a participant when not listed
    assert {p.investor for p in funding_round.participations.all()} == {lead, second, third}
    assert funding_round.participations.get(investor=second).amount == 20000000
    assert funding_round.history.get().history_user == staff_user
    assert {p.history.get().history_user for p in funding_round.participations.all()} == {
        staff_user
    }


def test_one_bad_participant_leaves_nothing_saved(staff_user, startup, investors):
    lead, second, third = investors
    data = round_data(startup, lead, [(second, "20000000"), (third, "-5")])
    response = login(staff_user).post(admin_url(FundingRound, "add"), data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[1]
    assert not FundingRound.objects.exists()
    assert not Participation.objects.exists()


def test_participants_above_the_round_are_refused_by_the_rule(staff_user, startup, investors):
    lead, second, third = investors
    data = round_data(startup, lead, [(second, "40000000"), (third, "20000000")])
    response = login(staff_user).post(admin_url(FundingRound, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("50,000,000.00" in error for error in errors), errors
    assert not FundingRound.objects.exists()
    assert not Participation.objects.exists()


def test_duplicate_participant_is_refused(staff_user, startup, investors):
    lead, second, _third = investors
    data = round_data(startup, lead, [(second, "1000000"), (second, "2000000")])
    response = login(staff_user).post(admin_url(FundingRound, "add"), data)
    assert response.status_code == 200
    assert not FundingRound.objects.exists()


def test_undisclosed_round_with_an_amount_is_a_form_error(staff_user, startup, investors):
    lead = investors[0]
    data = round_data(startup, lead, [])
    data["amount_precision"] = "undisclosed"
    response = login(staff_user).post(admin_url(FundingRound, "add"), data)
    assert response.status_code == 200
    assert "amount" in response.context["adminform"].form.errors
    assert not FundingRound.objects.exists()


def recorded(startup, lead, second):
    return factories.FundingRoundFactory(
        startup=startup,
        round_type="seed",
        closed_on=dt.date(2024, 1, 5),
        amount="10000000",
        lead_investor=lead,
        participants=[(lead, "6000000"), (second, "4000000")],
    )


def change_form(client, funding_round):
    url = admin_url(FundingRound, "change", funding_round.pk)
    return url, form_data(client.get(url).content.decode(), "fundinground_form")


def test_correcting_a_round_goes_through_round_update(staff_user, startup, investors):
    lead, second, third = investors
    funding_round = recorded(startup, lead, second)
    client = login(staff_user)
    url, data = change_form(client, funding_round)
    data.update({"amount": "12000000", "note": "更正金额"})
    data["participations-1-amount"] = "5000000"
    data["participations-2-investor"] = str(third.pk)
    data["participations-2-amount"] = "1000000"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    funding_round.refresh_from_db()
    assert (funding_round.amount, funding_round.note) == (12000000, "更正金额")
    amounts = dict(funding_round.participations.values_list("investor", "amount"))
    assert amounts == {lead.pk: 6000000, second.pk: 5000000, third.pk: 1000000}
    assert funding_round.history.latest().history_user == staff_user
    assert funding_round.participations.get(investor=third).history.get().history_user == (
        staff_user
    )


def test_a_correction_that_breaks_the_rules_changes_nothing(staff_user, startup, investors):
    lead, second, _third = investors
    funding_round = recorded(startup, lead, second)
    client = login(staff_user)
    url, data = change_form(client, funding_round)
    data.update({"amount": "8000000", "note": "太少"})  # participants add up to 10,000,000
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("10,000,000.00" in error for error in errors), errors
    funding_round.refresh_from_db()
    assert (funding_round.amount, funding_round.note) == (10000000, "")
    assert funding_round.history.count() == 1


def test_only_a_superuser_removes_a_participant(staff_user, superuser, startup, investors):
    lead, second, _third = investors
    funding_round = recorded(startup, lead, second)
    for user, remaining in ((staff_user, 2), (superuser, 1)):
        client = login(user)
        url, data = change_form(client, funding_round)
        data["participations-1-DELETE"] = "on"
        assert client.post(url, data).status_code == 302
        assert funding_round.participations.count() == remaining


def test_search_rounds_by_participant_finds_each_round_once(viewer, startup, investors):
    lead, second, third = investors
    found = recorded(startup, lead, second)
    services.round_record(
        startup=startup, round_type="a", closed_on=dt.date(2024, 6, 1), amount="1000000"
    )
    client = login(viewer)
    for term in (second.name, second.name_en, f'"{second.name_en}" {startup.name}'):
        response = client.get(admin_url(FundingRound, "changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [found], term
    response = client.get(admin_url(FundingRound, "changelist"), {"q": third.name})
    assert list(response.context["cl"].result_list) == []
