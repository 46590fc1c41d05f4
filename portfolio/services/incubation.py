"""Incubation agreements, admission eligibility and graduation (issue 16, ``incubator-ops.md``
§1.1-1.2; ``docs/operations.md``, "Incubation agreements, eligibility and graduation").

The thresholds are ``IncubationRule`` rows (the rule in force on a day:
``selectors.incubation.rule_in_force``), never constants here.

- ``admission_check``: ``startup_create`` and ``startup_update`` call it when they set
  ``admitted_on``; a rule the recorded data *fails* refuses the write on ``admitted_on``,
  naming the rule, unless ``eligibility_note`` explains the exception. ``unknown`` (missing
  data) never refuses.
- ``incubation_agreement_create`` / ``_update``: one agreement per startup; the deadline is
  ``starts_on`` + the rule's incubation period (the longer one when the startup's technology
  field is among the rule's ``extended_fields``), from the rule in force on ``starts_on``.
- ``startup_graduate``: writes the ``Graduation`` and the startup's status together; refuses
  a basis the recorded data contradicts (``basis``).
- ``incubation_rule_save`` / ``incubator_threshold_save``: the admin's writes of the tables;
  a rule's save recomputes every agreement's rule and deadline.
- ``incubator_figures_save``: the incubator's own figures (opening day, controlled space,
  seed fund) from a day on; the opening day has happened, a money figure is yuan.
- ``policy_application_create`` / ``_update`` and ``financing_introduction_create`` /
  ``_update``: the incubator's service records (``incubator-ops.md`` §3); the model's
  constraints are checked first and refused on the field to correct.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from portfolio.audit import attributed
from portfolio.models import (
    FinancingIntroduction,
    FundingRound,
    Graduation,
    IncubationAgreement,
    IncubationRule,
    IncubatorFigures,
    IncubatorThreshold,
    Investor,
    PolicyApplication,
    Startup,
)
from portfolio.models.choices import StageOutcome, StartupStatus
from portfolio.models.incubation import ApplicationStatus, GraduationBasis, IntroOutcome
from portfolio.selectors import incubation as rules
from portfolio.services import messages as msg
from portfolio.services.common import (
    author,
    checked_as,
    cleaned,
    locked_with,
    not_future,
    only_editable,
    refuse,
    saved,
    to_yuan,
    today,
    valid_date,
    valid_text,
)

AGREEMENT_EDITABLE = ("signed_on", "starts_on", "ends_on", "note")
RULE_EDITABLE = tuple(
    f.name
    for f in IncubationRule._meta.get_fields()
    if getattr(f, "editable", False) and not f.auto_created and f.name != "id"
)
THRESHOLD_EDITABLE = ("policy_code", "grade", "effective_from", "key", "required", "source")
FIGURES_EDITABLE = ("effective_from", "opened_on", "controlled_area_m2", "seed_fund", "source")


# --- admission ------------------------------------------------------------------------------


def eligibility_failures(startup: Startup) -> list[ValidationError]:
    """One error per admission rule the recorded data fails (none with an explanation in
    ``eligibility_note``)."""
    if startup.admitted_on is None or startup.eligibility_note.strip():
        return []
    rule = rules.rule_in_force(startup.admitted_on)
    failures = []
    for row in rules.eligibility_of(startup, rule):
        if row.status != rules.FAILED:
            continue
        label = msg.ELIGIBILITY_LABELS[row.rule]
        if row.rule == rules.AGE_AT_ENTRY:
            label = label % {"months": rule.max_age_months_at_entry}
        failures.append(
            ValidationError(
                msg.ELIGIBILITY_FAILED,
                code=f"ineligible_{row.rule}",
                params={"rule": row.rule, "label": label, "policy": rule.policy_code},
            )
        )
    return failures


def admission_check(startup: Startup) -> None:
    """Refuse admitting ``startup`` (its fields as they are about to be saved) when the
    recorded data fails an admission rule, on ``admitted_on``; see the module's doc."""
    failures = eligibility_failures(startup)
    if failures:
        raise ValidationError({"admitted_on": failures})


# --- agreements -----------------------------------------------------------------------------


def deadline_for(startup: Startup, starts_on: dt.date) -> tuple[IncubationRule, dt.date]:
    """The rule in force on ``starts_on`` and the incubation deadline it gives ``startup``."""
    rule = rules.rule_in_force(starts_on)
    if rule is None:
        refuse("starts_on", msg.AGREEMENT_NO_RULE, "no_rule")
    return rule, rules.deadline_under(rule, startup, starts_on)


def _check_agreement(agreement: IncubationAgreement) -> IncubationAgreement:
    if agreement.ends_on is not None and agreement.ends_on < agreement.starts_on:
        refuse("ends_on", msg.AGREEMENT_ENDS_BEFORE_START, "before_start")
    if agreement.signed_on > today():
        refuse("signed_on", msg.AGREEMENT_SIGNED_FUTURE, "future")
    agreement.rule, agreement.incubation_deadline = deadline_for(
        agreement.startup, agreement.starts_on
    )
    return saved(agreement)


@attributed
@transaction.atomic
def incubation_agreement_create(
    *,
    startup: Startup,
    signed_on: Any,
    starts_on: Any,
    ends_on: Any = None,
    note: str = "",
    by: Any = None,
) -> IncubationAgreement:
    """Record ``startup``'s incubation agreement and compute its deadline."""
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    if IncubationAgreement.objects.filter(startup=startup).exists():
        refuse("startup", msg.AGREEMENT_EXISTS, "exists")
    agreement = IncubationAgreement(
        startup=startup,
        signed_on=valid_date(signed_on, field="signed_on"),
        starts_on=valid_date(starts_on, field="starts_on"),
        ends_on=valid_date(ends_on, field="ends_on", required=False),
        note=(note or "").strip(),
        created_by=author(by),
    )
    return _check_agreement(agreement)


@attributed
@transaction.atomic
def incubation_agreement_update(
    *, agreement: IncubationAgreement, by: Any = None, **fields: Any
) -> IncubationAgreement:
    """Change an agreement's dates or note; the deadline is computed again."""
    only_editable(fields, AGREEMENT_EDITABLE)
    agreement = (
        IncubationAgreement.objects.select_for_update()
        .select_related("startup")
        .get(pk=agreement.pk)
    )
    for name in ("signed_on", "starts_on"):
        if name in fields:
            setattr(agreement, name, valid_date(fields[name], field=name))
    if "ends_on" in fields:
        agreement.ends_on = valid_date(fields["ends_on"], field="ends_on", required=False)
    if "note" in fields:
        agreement.note = (fields["note"] or "").strip()
    return _check_agreement(agreement)


def _recompute_deadlines() -> None:
    """Every agreement's rule and deadline under the rule table as it now is."""
    for agreement in IncubationAgreement.objects.select_related("startup"):
        rule = rules.rule_in_force(agreement.starts_on)
        if rule is None:
            refuse("effective_from", msg.AGREEMENT_NO_RULE, "no_rule")
        new = deadline_for(agreement.startup, agreement.starts_on)
        if (agreement.rule_id, agreement.incubation_deadline) != (new[0].pk, new[1]):
            agreement.rule, agreement.incubation_deadline = new
            agreement.save(update_fields=["rule", "incubation_deadline"])


# --- the rule tables ------------------------------------------------------------------------


@attributed
@transaction.atomic
def incubation_rule_save(
    *, rule: IncubationRule | None = None, by: Any = None, **fields: Any
) -> IncubationRule:
    """Create (``rule`` None) or change a rule; the model's validation holds its checks.
    Agreements follow: each one's rule and deadline are computed again."""
    only_editable(fields, RULE_EDITABLE)
    rule = IncubationRule() if rule is None else IncubationRule.objects.get(pk=rule.pk)
    for name, value in fields.items():
        setattr(rule, name, value)
    if "extended_fields" in fields:
        rule.extended_fields = ",".join(sorted(rule.extended_field_codes))
    saved(rule)
    _recompute_deadlines()
    return rule


@attributed
@transaction.atomic
def incubator_threshold_save(
    *, threshold: IncubatorThreshold | None = None, by: Any = None, **fields: Any
) -> IncubatorThreshold:
    """Create (``threshold`` None) or change an incubator threshold (model validation)."""
    only_editable(fields, THRESHOLD_EDITABLE)
    threshold = (
        IncubatorThreshold()
        if threshold is None
        else IncubatorThreshold.objects.get(pk=threshold.pk)
    )
    for name, value in fields.items():
        setattr(threshold, name, value)
    return saved(threshold)


@attributed
@transaction.atomic
def incubator_figures_save(
    *, figures: IncubatorFigures | None = None, by: Any = None, **fields: Any
) -> IncubatorFigures:
    """Create (``figures`` None) or change the incubator's figures stated from a day (one row
    per day; the model's constraints name the field to correct)."""
    only_editable(fields, FIGURES_EDITABLE)
    for name in ("effective_from", "opened_on"):
        if name in fields:
            valid_date(fields[name], field=name, required=name == "effective_from")
    if fields.get("opened_on") is not None:
        not_future(fields["opened_on"], field="opened_on")
    if fields.get("seed_fund") is not None:
        fields["seed_fund"] = to_yuan(fields["seed_fund"], field="seed_fund", allow_zero=True)
    if figures is None:
        row = IncubatorFigures(created_by=author(by))
    else:
        row = IncubatorFigures.objects.select_for_update().get(pk=figures.pk)
    for name, value in fields.items():
        setattr(row, name, value)
    return saved(row)


# --- graduation -----------------------------------------------------------------------------


def _basis(basis: Any) -> list[str]:
    if isinstance(basis, str) or not isinstance(basis, Iterable):
        basis = [basis]
    chosen = []
    for item in basis:
        if item not in GraduationBasis.values:
            refuse("basis", msg.GRADUATE_BASIS_UNKNOWN, "invalid", basis=str(item)[:50])
        if item not in chosen:
            chosen.append(item)
    if not chosen:
        refuse("basis", msg.GRADUATE_BASIS_EMPTY, "required")
    return chosen


def contradictions(startup: Startup, rule: IncubationRule, on: dt.date, basis: list[str]):
    """One error per basis in ``basis`` that the recorded data contradicts on ``on``."""
    figures = rules.graduation_figures([startup], on)[startup.pk]
    tests = rules.graduation_tests(startup, rule, on, figures)
    params = {
        "on": on.isoformat(),
        "total": f"{figures.vc_total:,.2f}",
        "threshold": None,
        "years": rule.graduation_revenue_years,
    }
    errors = []
    for item in basis:
        if tests[item] != rules.CONTRADICTED:
            continue
        threshold = (
            rule.graduation_vc_over
            if item == GraduationBasis.VC_OVER_5M
            else rule.graduation_revenue_over
        )
        errors.append(
            ValidationError(
                msg.GRADUATE_CONTRADICTED[item],
                code=f"contradicted_{item}",
                params={**params, "threshold": f"{threshold:,.2f}"},
            )
        )
    return errors


@attributed
@transaction.atomic
def startup_graduate(
    *, startup: Startup, on: Any, basis: Any, note: str = "", by: Any = None
) -> Graduation:
    """Graduate ``startup`` on ``on`` on one or more bases (``GraduationBasis``).

    Refused: a startup already graduated or closed (``startup``), not admitted or ``on``
    before its admission or in the future (``on``), no rule in force on ``on`` (``on``), an
    unknown basis or one the recorded data contradicts (``basis``). The status becomes
    *graduated*, except at an exited stage, whose status stays *exited* (a terminal stage
    and its status go together)."""
    startup = Startup.objects.select_for_update().select_related("stage").get(pk=startup.pk)
    if (
        startup.status == StartupStatus.GRADUATED
        or Graduation.objects.filter(startup=startup).exists()
    ):
        refuse("startup", msg.ALREADY_GRADUATED, "graduated")
    if startup.status == StartupStatus.CLOSED:
        refuse("startup", msg.GRADUATE_CLOSED, "closed")
    on = valid_date(on, field="on")
    not_future(on, field="on")
    if startup.admitted_on is None:
        refuse("on", msg.GRADUATE_NOT_ADMITTED, "not_admitted")
    if on < startup.admitted_on:
        refuse(
            "on",
            msg.GRADUATE_BEFORE_ADMISSION,
            "before_admission",
            admitted=startup.admitted_on.isoformat(),
        )
    chosen = _basis(basis)
    rule = rules.rule_in_force(on)
    if rule is None:
        refuse("on", msg.GRADUATE_NO_RULE, "no_rule")
    errors = contradictions(startup, rule, on, chosen)
    if errors:
        raise ValidationError({"basis": errors})
    graduation = saved(
        Graduation(
            startup=startup,
            graduated_on=on,
            rule=rule,
            note=(note or "").strip(),
            recorded_by=author(by),
            **{f"basis_{item}": True for item in chosen},
        )
    )
    if startup.stage.outcome != StageOutcome.EXITED:
        startup.status = StartupStatus.GRADUATED
        startup.save(update_fields=["status", "updated_at"])
    return graduation


# --- policy applications ----------------------------------------------------------------------

APPLICATION_EDITABLE = (
    "startup",
    "programme",
    "programme_name",
    "policy_code",
    "level",
    "applied_on",
    "status",
    "certificate_number",
    "valid_from",
    "valid_to",
    "amount_granted",
    "amount_received",
    "helped_by",
    "note",
)


def _applied_on(value: Any) -> dt.date | None:
    """The day an application was filed: a date, if given, and not in the future."""
    on = valid_date(value, field="applied_on", required=False)
    if on is not None:
        not_future(on, field="applied_on")
    return on


# an application's fields and their cleaners, checked in this order (``cleaned``)
APPLICATION_CLEANERS = {
    "applied_on": _applied_on,
    **checked_as(valid_date, "valid_from", "valid_to", required=False),
    **checked_as(to_yuan, "amount_granted", "amount_received", allow_zero=True),
    **checked_as(
        valid_text,
        "programme_name",
        "policy_code",
        "certificate_number",
        "note",
        required=False,
    ),
}


def _check_application(application: PolicyApplication) -> PolicyApplication:
    """The model's rules (``PolicyApplication.clean``), each refused on its field."""
    return saved(application)


@attributed
@transaction.atomic
def policy_application_create(
    *,
    startup: Startup,
    programme: str,
    level: str,
    programme_name: Any = "",
    policy_code: Any = "",
    applied_on: Any = None,
    status: str = ApplicationStatus.DRAFT,
    certificate_number: Any = "",
    valid_from: Any = None,
    valid_to: Any = None,
    amount_granted: Any = 0,
    amount_received: Any = 0,
    helped_by: Any = None,
    note: Any = "",
    is_illustrative: bool = False,
    by: Any = None,
) -> PolicyApplication:
    """Record ``startup``'s application to a programme (amounts in yuan). Only an approved
    application has an amount granted, a certificate or a validity; a submitted one has the
    day it was applied; the amount received is at most the amount granted."""
    fields = cleaned(
        {
            "programme_name": programme_name,
            "policy_code": policy_code,
            "applied_on": applied_on,
            "certificate_number": certificate_number,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "amount_granted": amount_granted,
            "amount_received": amount_received,
            "note": note,
        },
        APPLICATION_CLEANERS,
    )
    return _check_application(
        PolicyApplication(
            startup=startup,
            programme=programme,
            level=level,
            status=status,
            helped_by=helped_by,
            is_illustrative=bool(is_illustrative),
            created_by=author(by),
            **fields,
        )
    )


@attributed
@transaction.atomic
def policy_application_update(
    *, application: PolicyApplication, by: Any = None, **fields: Any
) -> PolicyApplication:
    """Change an application's ``fields`` (``APPLICATION_EDITABLE``), e.g. its status once
    the programme decides; the rules as on create."""
    only_editable(fields, APPLICATION_EDITABLE)
    fields = cleaned(fields, APPLICATION_CLEANERS)
    return _check_application(locked_with(PolicyApplication, application.pk, fields))


# --- financing introductions ------------------------------------------------------------------

INTRODUCTION_EDITABLE = (
    "startup",
    "investor",
    "introduced_on",
    "channel",
    "outcome",
    "funding_round",
    "note",
)


def _check_introduction(intro: FinancingIntroduction) -> FinancingIntroduction:
    intro.introduced_on = valid_date(intro.introduced_on, field="introduced_on")
    not_future(intro.introduced_on, field="introduced_on")
    intro.note = valid_text(intro.note, field="note", required=False)
    duplicate = FinancingIntroduction.objects.filter(
        startup_id=intro.startup_id,
        investor_id=intro.investor_id,
        introduced_on=intro.introduced_on,
    ).exclude(pk=intro.pk)
    if duplicate.exists():
        refuse("introduced_on", msg.INTRO_DUPLICATE, "unique")
    return saved(intro)


@attributed
@transaction.atomic
def financing_introduction_create(
    *,
    startup: Startup,
    investor: Investor,
    introduced_on: Any,
    channel: str,
    outcome: str = IntroOutcome.PENDING,
    funding_round: FundingRound | None = None,
    note: Any = "",
    is_illustrative: bool = False,
    by: Any = None,
) -> FinancingIntroduction:
    """Record the incubator introducing ``startup`` to ``investor``. A round is named only
    when the introduction led to an investment: one of the startup's rounds, closed on or
    after the introduction, in which the investor took part."""
    return _check_introduction(
        FinancingIntroduction(
            startup=startup,
            investor=investor,
            introduced_on=introduced_on,
            channel=channel,
            outcome=outcome,
            funding_round=funding_round,
            note=note,
            is_illustrative=bool(is_illustrative),
            created_by=author(by),
        )
    )


@attributed
@transaction.atomic
def financing_introduction_update(
    *, introduction: FinancingIntroduction, by: Any = None, **fields: Any
) -> FinancingIntroduction:
    """Change an introduction's ``fields`` (``INTRODUCTION_EDITABLE``), e.g. its outcome and
    the round it led to; the rules as on create."""
    only_editable(fields, INTRODUCTION_EDITABLE)
    return _check_introduction(locked_with(FinancingIntroduction, introduction.pk, fields))
