"""Incubation agreements, admission eligibility and graduation (issue 16, ``incubator-ops.md``
§1.1-1.2): each admission rule's refusal and its exception, unknown never refusing, each
graduation basis refused and accepted, the dates, double graduation, and deadlines from the
rule table (edited here, so nothing is hard-coded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio import selectors, services
from portfolio.models import (
    Graduation,
    IncubationAgreement,
    IncubationRule,
    PolicyApplication,
    Startup,
)
from portfolio.models.choices import StartupStatus
from portfolio.selectors import incubation as rules
from tests.support.factories import (
    FundingRoundFactory,
    IncubationAgreementFactory,
    KpiReportFactory,
    StartupFactory,
    stage,
)

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def rule_2018() -> IncubationRule:
    return IncubationRule.objects.get(effective_from=dt.date(2018, 12, 14))


def admit(**fields) -> Startup:
    base = {"founded_on": dt.date(2022, 1, 1), "admitted_on": dt.date(2023, 1, 1)}
    return StartupFactory(**{**base, **fields})


# --- eligibility ----------------------------------------------------------------------------


def test_the_detail_lists_each_rule_met_failed_or_unknown():
    startup = admit(registered_in_incubator=True)
    startup = services.startup_update(startup=startup, premises_in_incubator=False)
    rows = {r.rule: r.status for r in selectors.incubation.eligibility(startup, today=None)}
    assert rows == {
        "age_at_entry": "met",
        "registered_in_incubator": "met",
        "premises_in_incubator": "failed",
        "tech_sme": "unknown",
    }


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"founded_on": dt.date(2020, 12, 31)}, "age_at_entry"),  # 24 months and a day
        ({"registered_in_incubator": False}, "registered_in_incubator"),
        ({"premises_in_incubator": False}, "premises_in_incubator"),
        ({"is_tech_sme": False}, "tech_sme"),
    ],
)
def test_admitting_a_startup_that_fails_a_rule_is_refused_naming_it(fields, rule):
    before = Startup.objects.count()
    with pytest.raises(ValidationError) as refused:
        admit(**fields)
    assert codes(refused.value) == {"admitted_on": [f"ineligible_{rule}"]}
    assert rule in refused.value.messages[0]
    assert Startup.objects.count() == before  # nothing written


def test_age_is_counted_in_calendar_months_from_the_rule_row():
    admit(founded_on=dt.date(2021, 1, 1))  # admitted 2023-01-01: exactly 24 months
    rule = rule_2018()
    rule.max_age_months_at_entry = 12
    rule.save()
    with pytest.raises(ValidationError) as refused:
        admit(founded_on=dt.date(2021, 12, 31))  # 12 months and a day
    assert codes(refused.value) == {"admitted_on": ["ineligible_age_at_entry"]}


def test_an_eligibility_note_admits_the_exception():
    startup = admit(is_tech_sme=False, eligibility_note="Registered as 科技型中小企业 in May.")
    assert startup.admitted_on == dt.date(2023, 1, 1)
    rows = {r.rule: r.status for r in rules.eligibility(startup, today=dt.date(2025, 1, 1))}
    assert rows["tech_sme"] == "failed"  # the detail still says so


def test_unknown_never_refuses():
    startup = admit(founded_on=None)  # no founding date, no yes/no answers
    rows = rules.eligibility(startup, today=dt.date(2025, 1, 1))
    assert {r.status for r in rows} == {"unknown"}


def test_a_rule_that_is_not_required_is_left_out_and_never_refuses():
    rule = rule_2018()
    rule.requires_tech_sme = False
    rule.save()
    startup = admit(is_tech_sme=False)
    rows = [r.rule for r in rules.eligibility(startup, today=dt.date(2025, 1, 1))]
    assert "tech_sme" not in rows


def test_update_checks_only_when_admitting():
    startup = StartupFactory(admitted_on=None, founded_on=dt.date(2015, 1, 1))
    startup = services.startup_update(startup=startup, headcount=5)  # not admitting
    with pytest.raises(ValidationError) as refused:
        services.startup_update(startup=startup, admitted_on=dt.date(2023, 1, 1))
    assert codes(refused.value) == {"admitted_on": ["ineligible_age_at_entry"]}
    startup.refresh_from_db()
    assert startup.admitted_on is None
    services.startup_update(
        startup=startup, admitted_on=dt.date(2023, 1, 1), eligibility_note="District waiver."
    )
    startup.refresh_from_db()
    # an admitted startup's later edits are not admissions: they are not refused
    services.startup_update(startup=startup, eligibility_note="", is_tech_sme=False)


def test_the_rule_in_force_is_the_latest_on_or_before_the_day():
    rule = rule_2018()
    later = services.incubation_rule_save(
        policy_code="工信部科〔2025〕131号",
        effective_from=dt.date(2025, 6, 1),
        max_age_months_at_entry=36,
    )
    assert rules.rule_in_force(dt.date(2025, 5, 31)) == rule
    assert rules.rule_in_force(dt.date(2025, 6, 1)) == later
    assert rules.rule_in_force(dt.date(2018, 12, 13)) is None
    # 30 months old: refused under 2018's 24 months, admitted under the later 36
    admit(founded_on=dt.date(2023, 1, 1), admitted_on=dt.date(2025, 7, 1))
    with pytest.raises(ValidationError):
        admit(founded_on=dt.date(2023, 1, 1), admitted_on=dt.date(2025, 5, 1))


# --- agreements -----------------------------------------------------------------------------


def test_deadline_is_48_months_or_60_in_the_rule_rows_listed_fields():
    computing = IncubationAgreementFactory(starts_on=dt.date(2021, 3, 1))
    assert computing.incubation_deadline == dt.date(2025, 3, 1)
    assert computing.rule == rule_2018()
    rule = rule_2018()
    services.incubation_rule_save(rule=rule, extended_fields="sensing, integrated_circuits")
    sensing = IncubationAgreementFactory(
        startup=StartupFactory(tech_area="sensing"), starts_on=dt.date(2021, 3, 1)
    )
    assert sensing.incubation_deadline == dt.date(2026, 3, 1)
    services.incubation_rule_save(rule=rule, deadline_months=36, extended_deadline_months=40)
    sensing.refresh_from_db()
    computing.refresh_from_db()  # the agreements follow the edited row
    assert sensing.incubation_deadline == dt.date(2024, 7, 1)
    assert computing.incubation_deadline == dt.date(2024, 3, 1)


def test_agreement_refusals_name_the_field_and_write_nothing():
    startup = StartupFactory()
    cases = [
        ({"starts_on": dt.date(2018, 1, 1)}, "starts_on"),  # no rule in force
        ({"ends_on": dt.date(2021, 2, 1)}, "ends_on"),
        ({"signed_on": dt.date(2099, 1, 1)}, "signed_on"),
        ({"starts_on": "2021-03-01"}, "starts_on"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as refused:
            IncubationAgreementFactory(startup=startup, **fields)
        assert set(codes(refused.value)) == {field}, fields
    assert not IncubationAgreement.objects.exists()
    IncubationAgreementFactory(startup=startup)
    with pytest.raises(ValidationError) as refused:
        IncubationAgreementFactory(startup=startup)
    assert set(codes(refused.value)) == {"startup"}


def test_agreement_update_recomputes_the_deadline():
    agreement = IncubationAgreementFactory(starts_on=dt.date(2021, 3, 1))
    agreement = services.incubation_agreement_update(
        agreement=agreement, starts_on=dt.date(2022, 1, 31), note=" renewed "
    )
    assert agreement.incubation_deadline == dt.date(2026, 1, 31)
    assert agreement.note == "renewed"
    with pytest.raises(ValidationError) as refused:
        services.incubation_agreement_update(agreement=agreement, startup=StartupFactory())
    assert set(codes(refused.value)) == {"startup"}


def test_a_rule_edit_that_leaves_an_agreement_without_a_rule_is_refused():
    IncubationAgreementFactory(starts_on=dt.date(2021, 3, 1))
    with pytest.raises(ValidationError) as refused:
        services.incubation_rule_save(rule=rule_2018(), effective_from=dt.date(2022, 1, 1))
    assert set(codes(refused.value)) == {"effective_from"}
    assert rule_2018().effective_from == dt.date(2018, 12, 14)


# --- graduation -----------------------------------------------------------------------------


ON = dt.date(2025, 6, 30)


def graduate(startup, *basis, on=ON):
    return services.startup_graduate(startup=startup, on=on, basis=list(basis), note="证明")


def refused_basis(startup, *basis, on=ON) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        graduate(startup, *basis, on=on)
    assert set(codes(refused.value)) == {"basis"}
    return codes(refused.value)["basis"]


def assert_graduated(startup, *basis):
    startup.refresh_from_db()
    assert startup.status == StartupStatus.GRADUATED
    graduation = Graduation.objects.get(startup=startup)
    assert graduation.basis == list(basis)
    assert graduation.rule == rule_2018()
    assert graduation.note == "证明"


def test_vc_over_threshold_from_angel_and_vc_rounds():
    startup = admit()
    FundingRoundFactory(startup=startup, round_type="angel", amount=Decimal("3000000"))
    FundingRoundFactory(startup=startup, round_type="strategic", amount=Decimal("9000000"))
    FundingRoundFactory(startup=startup, round_type="grant", amount=Decimal("9000000"))
    FundingRoundFactory(
        startup=startup, round_type="a", amount=Decimal("9000000"), closed_on=dt.date(2025, 7, 1)
    )  # after ``on``
    assert refused_basis(startup, "vc_over_5m") == ["contradicted_vc_over_5m"]
    assert not Graduation.objects.exists()
    FundingRoundFactory(
        startup=startup,
        round_type="seed",
        amount=Decimal("2000000.01"),
        amount_precision="approximate",
    )
    graduate(startup, "vc_over_5m")
    assert_graduated(startup, "vc_over_5m")


def test_vc_exactly_at_the_threshold_is_contradicted_and_an_undisclosed_round_is_unknown():
    startup = admit()
    FundingRoundFactory(startup=startup, round_type="a", amount=Decimal("5000000"))
    assert refused_basis(startup, "vc_over_5m") == ["contradicted_vc_over_5m"]
    FundingRoundFactory(
        startup=startup, round_type="pre_a", amount=None, amount_precision="undisclosed"
    )
    graduate(startup, "vc_over_5m")
    assert_graduated(startup, "vc_over_5m")


def test_vc_threshold_comes_from_the_rule_row():
    startup = admit()
    FundingRoundFactory(startup=startup, round_type="a", amount=Decimal("4000000"))
    services.incubation_rule_save(rule=rule_2018(), graduation_vc_over=Decimal("3000000"))
    graduate(startup, "vc_over_5m")


def quarters(startup, year, revenue, which=(1, 2, 3, 4)):
    for quarter in which:
        KpiReportFactory(startup=startup, year=year, quarter=quarter, revenue=Decimal(revenue))


def test_revenue_over_two_consecutive_full_years():
    startup = admit(founded_on=dt.date(2022, 8, 1))  # founded in Q3
    graduate_on = dt.date(2025, 3, 1)  # full years: 2022 (from Q3), 2023, 2024
    quarters(startup, 2022, "1000000", which=(3,))

    def verdict():
        figures = rules.graduation_figures([startup], graduate_on)[startup.pk]
        tests = rules.graduation_tests(startup, rule_2018(), graduate_on, figures)
        return tests["revenue_over_10m_2y"]

    assert verdict() == "unknown"  # 2022 Q4 and the later years are missing
    quarters(startup, 2022, "1000000", which=(4,))
    quarters(startup, 2023, "1000000")
    quarters(startup, 2024, "1500000")  # 2023 + 2024: 4m + 6m = 10m, not above
    quarters(startup, 2025, "9000000", which=(1,))  # the year in progress does not count
    assert verdict() == "contradicted"
    assert refused_basis(startup, "revenue_over_10m_2y", on=graduate_on) == [
        "contradicted_revenue_over_10m_2y"
    ]
    KpiReport = type(startup.kpi_reports.first())
    KpiReport.objects.filter(startup=startup, year=2024, quarter=4).update(
        revenue=Decimal("1500000.01")
    )
    graduate(startup, "revenue_over_10m_2y", on=graduate_on)
    assert_graduated(startup, "revenue_over_10m_2y")


def test_revenue_with_a_missing_quarter_or_no_founding_date_is_unknown_and_allowed():
    gap = admit(founded_on=dt.date(2022, 1, 1))
    quarters(gap, 2022, "100")
    quarters(gap, 2023, "100", which=(1, 2, 3))
    quarters(gap, 2024, "100")
    graduate(gap, "revenue_over_10m_2y")
    undated = admit(founded_on=None)
    quarters(undated, 2023, "100")
    quarters(undated, 2024, "100")
    graduate(undated, "revenue_over_10m_2y")
    young = admit(founded_on=dt.date(2024, 2, 1), admitted_on=dt.date(2024, 3, 1))
    quarters(young, 2024, "100")  # one full year only: cannot show two
    graduate(young, "revenue_over_10m_2y")


def test_high_tech_enterprise_needs_an_approved_certificate_valid_on_the_day():
    startup = admit()
    graduate_unknown = admit()
    graduate(graduate_unknown, "high_tech_enterprise")  # no application: unknown, allowed
    PolicyApplication.objects.create(
        startup=startup,
        programme="high_tech_enterprise",
        level="national",
        applied_on=dt.date(2024, 5, 1),
        status="rejected",
    )
    expired = PolicyApplication.objects.create(
        startup=startup,
        programme="high_tech_enterprise",
        level="national",
        applied_on=dt.date(2021, 5, 1),
        status="approved",
        certificate_number="GR202111000001",
        valid_from=dt.date(2021, 12, 1),
        valid_to=dt.date(2024, 11, 30),
    )
    assert refused_basis(startup, "high_tech_enterprise") == ["contradicted_high_tech_enterprise"]
    expired.valid_to = dt.date(2025, 6, 30)
    expired.save()
    graduate(startup, "high_tech_enterprise")
    assert_graduated(startup, "high_tech_enterprise")


def test_acquired_or_listed_needs_an_exit_stage_or_an_ipo_round():
    startup = admit()
    assert refused_basis(startup, "acquired_or_listed") == ["contradicted_acquired_or_listed"]
    FundingRoundFactory(
        startup=startup, round_type="ipo", amount=Decimal("1"), closed_on=dt.date(2025, 7, 1)
    )
    assert refused_basis(startup, "acquired_or_listed") == ["contradicted_acquired_or_listed"]
    FundingRoundFactory(startup=startup, round_type="ipo", amount=Decimal("1"))
    graduate(startup, "acquired_or_listed")
    assert_graduated(startup, "acquired_or_listed")


def test_an_exited_startup_graduates_and_keeps_its_exit_status():
    startup = admit()
    services.startup_advance(
        startup=startup, to_stage=stage("exited"), on=dt.date(2025, 1, 10), trl=9
    )
    graduate(startup, "acquired_or_listed")
    startup.refresh_from_db()
    assert startup.status == StartupStatus.EXITED
    assert Graduation.objects.get(startup=startup).basis == ["acquired_or_listed"]


def test_every_contradicted_basis_is_named_and_a_supported_one_does_not_save_them():
    startup = admit()
    FundingRoundFactory(startup=startup, round_type="a", amount=Decimal("9000000"))
    assert refused_basis(startup, "vc_over_5m", "acquired_or_listed") == [
        "contradicted_acquired_or_listed"
    ]
    assert not Graduation.objects.exists()


def test_graduation_dates_and_double_graduation():
    startup = admit()
    FundingRoundFactory(startup=startup, round_type="a", amount=Decimal("9000000"))
    for on, code in (
        (dt.date(2022, 12, 31), "before_admission"),
        (dt.date(2099, 1, 1), "future"),
        ("2025-01-01", "invalid"),
    ):
        with pytest.raises(ValidationError) as refused:
            graduate(startup, "vc_over_5m", on=on)
        assert codes(refused.value) == {"on": [code]}
    for basis, code in (([], "required"), (["unicorn"], "invalid")):
        with pytest.raises(ValidationError) as refused:
            services.startup_graduate(startup=startup, on=ON, basis=basis)
        assert codes(refused.value) == {"basis": [code]}
    not_admitted = StartupFactory(admitted_on=None)
    with pytest.raises(ValidationError) as refused:
        graduate(not_admitted, "vc_over_5m")
    assert codes(refused.value) == {"on": ["not_admitted"]}
    graduate(startup, "vc_over_5m")
    with pytest.raises(ValidationError) as refused:
        graduate(startup, "vc_over_5m")
    assert codes(refused.value) == {"startup": ["graduated"]}
    assert Graduation.objects.count() == 1


def test_status_graduated_only_through_the_graduation():
    startup = admit()
    with pytest.raises(ValidationError) as refused:
        services.startup_update(startup=startup, status="graduated")
    assert codes(refused.value) == {"status": ["by_graduation"]}
    FundingRoundFactory(startup=startup, round_type="a", amount=Decimal("9000000"))
    graduate(startup, "vc_over_5m")
    with pytest.raises(ValidationError) as refused:
        services.startup_update(startup=startup, status="active")
    assert codes(refused.value) == {"status": ["graduated"]}


# --- the dashboard's lists ------------------------------------------------------------------


def test_past_deadline_and_meeting_a_test_list_active_incubatees_only():
    late = admit(name="逾期")
    IncubationAgreementFactory(startup=late, starts_on=dt.date(2021, 3, 1))  # 2025-03-01
    on_time = admit(name="按期")
    IncubationAgreementFactory(startup=on_time, starts_on=dt.date(2023, 1, 1))
    rich = admit(name="融资")
    FundingRoundFactory(startup=rich, round_type="b", amount=Decimal("8000000"))
    done = admit(name="已毕业")
    FundingRoundFactory(startup=done, round_type="b", amount=Decimal("8000000"))
    IncubationAgreementFactory(startup=done, starts_on=dt.date(2021, 3, 1))
    graduate(done, "vc_over_5m")
    today = dt.date(2025, 6, 30)
    assert [(r.startup, r.days_over) for r in rules.past_deadline(today)] == [(late, 121)]
    assert [(r.startup, r.bases) for r in rules.meeting_a_graduation_test(today)] == [
        (rich, ("vc_over_5m",))
    ]
