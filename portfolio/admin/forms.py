"""Admin forms. They collect and shape input; the rules live in ``portfolio.services``."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portfolio.models import Stage, Startup, specs
from portfolio.models.incubation import GraduationBasis
from portfolio.services import common


class ServiceErrorsFormMixin:
    """Shows a service's refusal (a ``ValidationError``) as errors on the form.

    The admin saves, the service refuses, the transaction rolls back, and the same POST is
    validated again with ``service_error`` set (see ``ServiceAdminMixin.changeform_view``):
    the errors land next to their fields, or above the form when no field matches.
    """

    service_error: ValidationError | None = None

    def clean(self):
        cleaned = super().clean()
        if self.service_error is not None:
            add_service_error(self, self.service_error)
        return cleaned


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


class StartupCreateForm(forms.ModelForm):
    """A new startup: its initial stage and TRL are chosen here, then only move by advancing."""

    entered_on = forms.DateField(
        label=_("in this stage since"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("Defaults to the admission date, or today."),
    )

    class Meta:
        model = Startup
        fields = specs.STARTUP.writable(create=True, api=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "stage" in self.fields:
            self.fields["stage"].queryset = Stage.objects.pipeline()


class AdvanceStageForm(forms.Form):
    """Move one or more startups to another stage (through ``services.startup_advance``)."""

    to_stage = forms.ModelChoiceField(label=_("to stage"), queryset=Stage.objects.all())
    on = forms.DateField(label=_("date"), widget=AdminDateWidget, initial=common.today)
    trl = forms.IntegerField(label=_("TRL"), min_value=1, max_value=9)
    note = forms.CharField(
        label=_("note / evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("CSV (UTF-8) or Excel (.xlsx), with the template's header row."),
    )


class GraduateForm(forms.Form):
    """Graduate one startup (through ``services.startup_graduate``)."""

    on = forms.DateField(label=_("graduated on"), widget=AdminDateWidget, initial=common.today)
    basis = forms.MultipleChoiceField(
        label=_("basis"),
        choices=GraduationBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Any one of the tests suffices; a test the recorded data contradicts is refused."
        ),
    )
    note = forms.CharField(
        label=_("note / evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
