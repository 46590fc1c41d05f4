"""Creating, editing and advancing startups in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from portfolio import services
from portfolio.models import StageTransition, Startup
from portfolio.services import common
from portfolio.services import messages as msg
from tests.support import factories
from tests.support.admin import admin_url, form_data
from tests.support.clients import login
from tests.support.factories import stage


def add_data(**overrides):
    data = {
        "name": "未磁科技",
        "name_en": "Weici Technology",
        "credit_code": factories.credit_code(4242),
        "tech_area": "sensing",
        "stage": stage("prototype").pk,
        "trl": "5",
        "entered_on": "2024-01-15",
        "founded_on": "2022-06-01",
        "admitted_on": "2024-01-15",
        "registered_region": "北京市海淀区",
        "founders": "蔡宾",
    }
    data.update(overrides)
    return data


def change_data(client, startup: Startup, **overrides):
    page = client.get(admin_url(Startup, "change", startup.pk)).content.decode()
    data = form_data(page, "startup_form")
    data.update(overrides)
    return data


def test_staff_adds_a_startup_through_startup_create(staff_user, db):
    response = login(staff_user).post(admin_url(Startup, "add"), add_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    startup = Startup.objects.get(name="未磁科技")
    assert startup.stage.slug == "prototype"
    assert startup.trl == 5
    assert startup.stage_entered_on == dt.date(2024, 1, 15)
    first = StageTransition.objects.get(startup=startup)
    assert (first.from_stage, first.to_stage.slug, first.recorded_by) == (
        None,
        "prototype",
        staff_user,
    )
    assert startup.history.get().history_user == staff_user
    assert first.history.get().history_user == staff_user


def test_add_form_refuses_a_terminal_start_with_a_form_error(staff_user, db):
    response = login(staff_user).post(admin_url(Startup, "add"), add_data(stage=stage("exited").pk))
    assert response.status_code == 200
    assert "stage" in response.context["adminform"].form.errors
    assert not Startup.objects.exists()


def test_add_form_shows_a_service_refusal_on_its_field(staff_user, db):
    # A future date passes the form but not startup_create's rule.
    future = (common.today() + dt.timedelta(days=3)).isoformat()
    response = login(staff_user).post(admin_url(Startup, "add"), add_data(entered_on=future))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert str(msg.DATE_FUTURE) in form.errors["entered_on"]
    assert not Startup.objects.exists()
    assert not StageTransition.objects.exists()


def test_bad_credit_code_is_a_form_error(staff_user, db):
    code = factories.credit_code(7)
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = login(staff_user).post(admin_url(Startup, "add"), add_data(credit_code=bad))
    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors


def test_editing_cannot_move_the_stage(staff_user, startup):
    client = login(staff_user)
    data = change_data(client, startup, name="改了名字", stage=stage("scale-up").pk, trl="9")
    response = client.post(admin_url(Startup, "change", startup.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    startup.refresh_from_db()
    assert startup.name == "改了名字"
    assert (startup.stage.slug, startup.trl) == ("lab", 2)
    assert startup.history.latest().history_user == staff_user


def test_change_page_shows_stage_history_newest_first_and_the_advance_button(staff_user, startup):
    services.startup_advance(
        startup=startup, to_stage=stage("concept"), on=dt.date(2022, 1, 1), trl=3
    )
    services.startup_advance(
        startup=startup, to_stage=stage("prototype"), on=dt.date(2023, 1, 1), trl=4
    )
    page = login(staff_user).get(admin_url(Startup, "change", startup.pk)).content.decode()
    assert reverse("admin:portfolio_startup_advance", args=[startup.pk]) in page
    assert page.index("2023-01-01") < page.index("2022-01-01") < page.index("2021-03-01")


def test_advance_stage_through_the_object_button(staff_user, startup):
    client = login(staff_user)
    url = reverse("admin:portfolio_startup_advance", args=[startup.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"to_stage": stage("concept").pk, "on": "2024-02-01", "trl": "3", "note": "样机验证"}
    )
    assert response.status_code == 302
    assert response["Location"] == admin_url(Startup, "change", startup.pk)
    startup.refresh_from_db()
    assert (startup.stage.slug, startup.trl, startup.stage_entered_on) == (
        "concept",
        3,
        dt.date(2024, 2, 1),
    )
    move = startup.transitions.latest()
    assert (move.from_stage.slug, move.note, move.recorded_by) == ("lab", "样机验证", staff_user)
    assert startup.history.latest().history_user == staff_user


@pytest.mark.parametrize(
    ("to", "on", "field", "message"),
    [
        ("lab", "2024-02-01", "to_stage", msg.SAME_STAGE),
        ("concept", "2020-01-01", "on", None),  # before the last move (2021-03-01)
    ],
)
def test_refused_move_shows_the_rule_on_the_form(staff_user, startup, to, on, field, message):
    response = login(staff_user).post(
        reverse("admin:portfolio_startup_advance", args=[startup.pk]),
        {"to_stage": stage(to).pk, "on": on, "trl": "3"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    if message:
        assert str(message) in errors
    else:
        assert "2021-03-01" in errors[0]
    startup.refresh_from_db()
    assert startup.stage.slug == "lab"
    assert startup.transitions.count() == 1


def test_viewer_cannot_advance(viewer, startup):
    url = reverse("admin:portfolio_startup_advance", args=[startup.pk])
    client = login(viewer)
    assert client.get(url).status_code == 403
    assert (
        client.post(
            url, {"to_stage": stage("concept").pk, "on": "2024-02-01", "trl": "3"}
        ).status_code
        == 403
    )
    assert startup.transitions.count() == 1


def test_advance_action_moves_all_or_none(staff_user, db):
    ready = factories.StartupFactory()
    done = factories.StartupFactory(stage=stage("concept"), trl=3)
    client = login(staff_user)
    response = client.post(
        admin_url(Startup, "changelist"),
        {"action": "advance_stage", "_selected_action": [ready.pk, done.pk]},
    )
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.startswith(reverse("admin:portfolio_startup_advance_many"))
    refused = client.post(
        form_url, {"to_stage": stage("concept").pk, "on": "2024-02-01", "trl": "3"}
    )
    assert refused.status_code == 200
    assert any(str(done) in error for error in refused.context["form"].non_field_errors())
    assert StageTransition.objects.count() == 2  # only the two first transitions
    accepted = client.post(
        form_url, {"to_stage": stage("prototype").pk, "on": "2024-02-01", "trl": "4"}
    )
    assert accepted.status_code == 302
    assert set(Startup.objects.values_list("stage__slug", flat=True)) == {"prototype"}


def test_changelist_columns(staff_user, startup):
    services.startup_advance(
        startup=startup, to_stage=stage("prototype"), on=dt.date(2024, 1, 1), trl=4
    )
    investor = factories.InvestorFactory()
    services.round_record(
        startup=startup,
        round_type="a",
        closed_on=dt.date(2024, 3, 1),
        amount="300000000",
        participants=[(investor, None)],
    )
    factories.KpiReportFactory(startup=startup, year=2024, quarter=3)
    page = login(staff_user).get(admin_url(Startup, "changelist")).content.decode()
    assert "valley-flag" in page
    assert "3.00 亿元" in page
    assert "2024 Q3" in page
    assert str((common.today() - dt.date(2024, 1, 1)).days) in page
    # search by an investor's name finds the startup once
    found = login(staff_user).get(admin_url(Startup, "changelist"), {"q": investor.name})
    assert list(found.context["cl"].result_list) == [startup]


def test_closing_a_startup_goes_through_its_stage(staff_user, startup):
    client = login(staff_user)
    url = admin_url(Startup, "change", startup.pk)
    response = client.post(url, change_data(client, startup, status="closed"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    startup.refresh_from_db()
    assert startup.status == "active"
    services.startup_advance(
        startup=startup, to_stage=stage("closed"), on=dt.date(2024, 5, 1), trl=2
    )
    page = client.get(url).content.decode()
    assert 'name="status"' not in page


def test_advance_of_nothing_is_not_found(staff_user, db):
    client = login(staff_user)
    assert client.get("/admin/portfolio/startup/abc/advance/").status_code == 404
    assert client.get(reverse("admin:portfolio_startup_advance", args=[999])).status_code == 404
    assert (
        client.get(reverse("admin:portfolio_startup_advance_many") + "?ids=x,").status_code == 404
    )


def test_changelist_filters_by_population(staff_user, db):
    """Incubatees (admitted) and tracked companies (never admitted) apart; no choice: all."""
    admitted = factories.StartupFactory(name="在孵企业")
    tracked = factories.StartupFactory(name="跟踪企业", admitted_on=None)
    client = login(staff_user)
    url = admin_url(Startup, "changelist")

    def listed(**params):
        page = client.get(url, params)
        assert page.status_code == 200
        return {s.pk for s in page.context["cl"].result_list}

    assert listed(population="incubator") == {admitted.pk}
    assert listed(population="tracked") == {tracked.pk}
    assert listed() == {admitted.pk, tracked.pk}
    assert "population" in client.get(url).content.decode()
