"""A row is declared once (``portfolio.models.specs``): the serializers, the fast JSON rows,
the export columns, the write serializers, the services' and the admin's editable fields all
follow it, so adding a column to a spec is the one edit it takes."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ImproperlyConfigured, ValidationError
from rest_framework import serializers

from portfolio import selectors, services
from portfolio.admin.forms import StartupCreateForm
from portfolio.admin.pipeline import StartupAdmin
from portfolio.api import renderers, rows
from portfolio.api import serializers as s
from portfolio.api.kpis import KpiSubmissionSerializer
from portfolio.models import Startup, specs
from portfolio.models.specs import Column, RowSpec

SPECS = {
    "startups": (specs.STARTUP, selectors.startup_list, s.StartupSerializer),
    "funding-rounds": (specs.FUNDING_ROUND, selectors.funding_round_list, s.FundingRoundSerializer),
    "kpi-submissions": (
        specs.KPI_SUBMISSION,
        selectors.kpi_submission_list,
        KpiSubmissionSerializer,
    ),
}


def export_header(spec: RowSpec) -> list[str]:
    """The export's columns as the spec says them: an object flattened to ``name_field``."""
    header = []
    for column in spec.shown(specs.LIST):
        if column.kind == specs.OBJECT:
            header += [f"{column.name}_{name}" for name in column.fields]
        else:
            header.append(column.name)
    return header


def writable(serializer: serializers.Serializer) -> set[str]:
    return {name for name, field in serializer.fields.items() if not field.read_only}


@pytest.mark.parametrize("resource", SPECS)
def test_every_column_is_in_the_serializer_the_rows_and_the_export(world, resource):
    spec, selector, serializer_class = SPECS[resource]
    names = [column.name for column in spec.shown(specs.LIST)]
    assert list(serializer_class().fields) == names
    (row,) = rows.json_rows(spec, selector().order_by("id")[:1])
    assert list(row) == names
    columns = renderers.columns_for(serializer_class())
    assert [column.name for column in columns] == export_header(spec)
    (cells,) = rows.export_rows(spec, selector().order_by("id")[:1])
    assert len(cells) == len(columns)


def test_the_startup_detail_adds_the_detail_columns():
    fields = list(s.StartupDetailSerializer().fields)
    assert fields[: len(specs.STARTUP.detail_names)] == specs.STARTUP.detail_names
    assert {"founders", "location", "description", "website"} <= set(fields)
    # shown in the list row (and so the detail and the export); written in the admin only
    assert {"population", "is_illustrative"} <= set(specs.STARTUP.list_names)


def test_the_editable_startup_fields_are_the_specs_everywhere():
    edit = {c.name for c in specs.STARTUP.columns if c.edit == specs.EDIT}
    assert {"name", "institution", "founders", "website"} <= edit
    # the API: create takes the initial stage and TRL, an edit the status
    assert writable(s.StartupCreateSerializer()) == edit | {"stage", "trl", "entered_on"}
    assert writable(s.StartupUpdateSerializer()) == edit | {"status"}
    # the services: an edit changes what the admin's change form edits
    assert services.pipeline.STARTUP_UPDATABLE == edit | {"status", "is_illustrative"}
    # the admin: the add form and its fieldsets; the change form edits the updatable fields
    assert set(StartupCreateForm.base_fields) == edit | {
        "stage",
        "trl",
        "is_illustrative",
        "entered_on",
    }
    assert set(flatten_fieldsets(StartupAdmin.add_fieldsets)) == set(StartupCreateForm.base_fields)
    change = set(flatten_fieldsets(StartupAdmin.change_fieldsets))
    assert change - set(StartupAdmin.change_readonly) == services.pipeline.STARTUP_UPDATABLE
    assert set(StartupAdmin.change_readonly) == {
        "stage",
        "trl",
        "stage_entered_on",
        "crossed_valley_on",
        "created_at",
        "updated_at",
        "eligibility",  # the admission rules as the recorded data meets them (computed)
    }


def test_the_round_create_fields_are_the_specs():
    create = set(specs.FUNDING_ROUND.writable(create=True))
    assert create == set(specs.FUNDING_ROUND.list_names) - {"id", "currency"}
    assert writable(s.FundingRoundCreateSerializer()) == create


def test_the_service_refuses_what_the_spec_does_not_let_edit(world):
    with pytest.raises(ValidationError) as refused:
        services.startup_update(startup=world.weici, trl=9, stage_entered_on=None)
    assert set(refused.value.message_dict) == {"trl", "stage_entered_on"}


def test_one_edit_of_a_spec_reaches_the_serializer_the_rows_and_the_export(world):
    """Showing a detail column in the list is one edit of the spec: the serializer, the
    JSON rows and the export cells follow, and still agree with each other."""
    columns = [
        Column(**{**c.__dict__, "show": specs.LIST}) if c.name == "location" else c
        for c in specs.STARTUP.columns
    ]
    spec = RowSpec(Startup, *columns)

    class EditedSerializer(s.RowSerializer):
        row = spec

        class Meta:
            model = Startup
            fields = spec.list_names
            read_only_fields = fields

    world.weici.location = "北京市海淀区中关村"
    world.weici.save()
    queryset = selectors.startup_list().order_by("id")
    fast = rows.json_rows(spec, queryset)
    generic = [
        serializers.ModelSerializer.to_representation(EditedSerializer(), o) for o in queryset
    ]
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(generic, ensure_ascii=False)
    assert "北京市海淀区中关村" in [row["location"] for row in fast]
    header = [column.name for column in renderers.columns_for(EditedSerializer())]
    assert "location" in header and header == export_header(spec)
    cells = list(rows.export_rows(spec, queryset))
    assert cells == list(renderers.flatten(renderers.columns_for(EditedSerializer()), generic))


def test_a_column_the_model_does_not_hold_names_its_kind():
    with pytest.raises(ImproperlyConfigured, match="give its kind"):
        RowSpec(Startup, Column("id"), Column("total_raised"))
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        RowSpec(Startup, Column("id"), Column("id"))
