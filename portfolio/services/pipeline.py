"""Writes on the pipeline: a startup's creation, moves between stages and edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portfolio.audit import attributed
from portfolio.models import Stage, StageTransition, Startup, specs
from portfolio.models.choices import StageOutcome, StartupStatus
from portfolio.services import common
from portfolio.services import messages as msg
from portfolio.services.common import dates_not_future, each_or_none, not_future, saved, valid_trl
from portfolio.services.incubation import admission_check


def trl_in_stage(trl: int, stage: Stage) -> int:
    """A TRL inside ``stage``'s range (docs/admin.md, "Stage moves"): a move or a start
    outside it is refused, naming ``trl``; there is no exception by note, so every stage's
    figures mean what its range says."""
    if not stage.trl_min <= trl <= stage.trl_max:
        common.refuse(
            "trl",
            msg.TRL_OUTSIDE_STAGE,
            "trl_outside_stage",
            trl=trl,
            stage=stage,
            min=stage.trl_min,
            max=stage.trl_max,
        )
    return trl


def first_stage() -> Stage:
    """Where a startup starts when no stage is given: the first pipeline stage."""
    stage = Stage.objects.pipeline().order_by("order").first()
    if stage is None:
        common.refuse("stage", msg.NO_PIPELINE, "no_pipeline")
    return stage


def _post_valley_order() -> int | None:
    """Order of the last valley stage; reaching a later pipeline stage crosses the valley."""
    last = Stage.objects.pipeline().valley().order_by("-order").values_list("order", flat=True)
    return last.first()


def _crosses_valley(stage: Stage) -> bool:
    last_valley = _post_valley_order()
    return last_valley is not None and not stage.outcome and stage.order > last_valley


# --- the pipeline -------------------------------------------------------------------------


@attributed
@transaction.atomic
def startup_create(
    *,
    name: str,
    tech_area: str,
    stage: Stage | None = None,
    trl: int | None = None,
    entered_on: dt.date | None = None,
    by: Any = None,
    **fields: Any,
) -> Startup:
    """Create a startup in ``stage`` and record its first transition (from nowhere).

    Without a stage it starts in the first pipeline stage; without a TRL, at its stage's
    lowest TRL. A TRL outside the stage's range is refused (``trl_in_stage``)."""
    if stage is None:
        stage = first_stage()
    if stage.is_terminal:
        raise ValidationError({"stage": _("A new startup cannot start in a terminal outcome.")})
    trl = trl_in_stage(valid_trl(stage.trl_min if trl is None else trl), stage)
    dates_not_future(fields)
    entered_on = entered_on or fields.get("admitted_on") or common.today()
    not_future(entered_on, field="entered_on")
    startup = Startup(name=name, tech_area=tech_area, stage=stage, trl=trl, **fields)
    startup.stage_entered_on = entered_on
    if _crosses_valley(stage):
        startup.crossed_valley_on = entered_on
    admission_check(startup)
    startup.full_clean()
    startup.save()
    StageTransition.objects.create(
        startup=startup, from_stage=None, to_stage=stage, on=entered_on, trl=trl, recorded_by=by
    )
    return startup


@attributed
@transaction.atomic
def startup_advance(
    *,
    startup: Startup,
    to_stage: Stage,
    on: dt.date,
    trl: int,
    note: str = "",
    by: Any = None,
) -> StageTransition:
    """Move ``startup`` to ``to_stage``. The startup's current stage follows the transition."""
    # Lock the row so two people moving the same startup at once serialize.
    startup = Startup.objects.select_for_update().select_related("stage").get(pk=startup.pk)
    trl = valid_trl(trl)
    if startup.stage.is_terminal:
        common.refuse("to_stage", msg.FROM_TERMINAL, "terminal", stage=startup.stage)
    if to_stage.pk == startup.stage_id:
        common.refuse("to_stage", msg.SAME_STAGE, "same_stage")
    trl_in_stage(trl, to_stage)
    not_future(on, field="on")
    last_on = (
        StageTransition.objects.filter(startup=startup)
        .order_by("-on", "-id")
        .values_list("on", flat=True)
        .first()
    )
    if last_on is not None and on < last_on:
        common.refuse("on", msg.BEFORE_LAST_MOVE, "before_last_move", last=last_on)
    transition = StageTransition.objects.create(
        startup=startup,
        from_stage=startup.stage,
        to_stage=to_stage,
        on=on,
        trl=trl,
        note=note,
        recorded_by=by,
    )
    startup.stage = to_stage
    startup.trl = trl
    startup.stage_entered_on = on
    if to_stage.outcome == StageOutcome.EXITED:
        startup.status = StartupStatus.EXITED
    elif to_stage.outcome == StageOutcome.CLOSED:
        startup.status = StartupStatus.CLOSED
    if startup.crossed_valley_on is None and _crosses_valley(to_stage):
        startup.crossed_valley_on = on
    startup.save(
        update_fields=[
            "stage",
            "trl",
            "stage_entered_on",
            "status",
            "crossed_valley_on",
            "updated_at",
        ]
    )
    return transition


@attributed
@transaction.atomic
def startup_advance_many(
    *,
    startups: Iterable[Startup],
    to_stage: Stage,
    on: dt.date,
    trl: int,
    note: str = "",
    by: Any = None,
) -> list[StageTransition]:
    """Move every startup to ``to_stage`` under ``startup_advance``'s rules, all or none.

    A refusal names its startup (``%(row)s: %(message)s``) under the field it concerns;
    every startup is checked, then one refusal writes nothing at all.
    """
    return each_or_none(
        startups,
        lambda startup: startup_advance(
            startup=startup, to_stage=to_stage, on=on, trl=trl, note=note, by=by
        ),
    )


#: what an edit may change: the startup spec's columns editable after creation
STARTUP_UPDATABLE = specs.STARTUP.updatable


@attributed
@transaction.atomic
def startup_update(*, startup: Startup, by: Any = None, **fields: Any) -> Startup:
    """Edit a startup's own data. Its stage, TRL and valley date change only by moves."""
    unknown = set(fields) - STARTUP_UPDATABLE
    if unknown:
        raise ValidationError({name: msg.FIELD_NOT_EDITABLE for name in unknown})
    dates_not_future(fields)
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    status = fields.get("status")
    if status is not None and status not in (StartupStatus.ACTIVE, StartupStatus.GRADUATED):
        common.refuse("status", msg.STATUS_BY_MOVE, "by_move")
    if status is not None and startup.stage.is_terminal and status != startup.status:
        raise ValidationError(
            {"status": ValidationError(msg.FROM_TERMINAL, params={"stage": startup.stage})}
        )
    if status == StartupStatus.GRADUATED and startup.status != StartupStatus.GRADUATED:
        common.refuse("status", msg.GRADUATE_BY_SERVICE, "by_graduation")
    if status == StartupStatus.ACTIVE and hasattr(startup, "graduation"):
        common.refuse("status", msg.GRADUATED_STAYS, "graduated")
    admitting = fields.get("admitted_on") is not None and (
        fields["admitted_on"] != startup.admitted_on
    )
    for name, value in fields.items():
        setattr(startup, name, value)
    if admitting:
        admission_check(startup)
    return saved(startup)
