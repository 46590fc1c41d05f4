"""Filter forms of the dashboards (GET, so the state lives in the URL)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio import selectors
from portfolio.dashboards.data import PipelineFilters
from portfolio.models import Institution
from portfolio.models.choices import Population, TechArea


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        return obj.display_name


class PipelineFilterForm(forms.Form):
    """Population, field, institution, cohort and as-of date; every overview chart applies
    them all."""

    population = forms.ChoiceField(
        label=_("Whose figures"),
        required=False,
        choices=Population.choices,
        initial=Population.INCUBATOR,
        help_text=_("Incubatees by default; tracked companies are shown apart."),
    )
    tech_area = forms.ChoiceField(
        label=_("Technology field"),
        required=False,
        choices=[("", _("All fields")), *TechArea.choices],
    )
    institution = InstitutionChoiceField(
        label=_("Origin institution"),
        required=False,
        empty_label=_("All institutions"),
        # Only institutions that have startups: the list stays short (dozens, not thousands).
        queryset=Institution.objects.filter(startups__isnull=False).distinct().order_by("name"),
    )
    cohort = forms.TypedChoiceField(
        label=_("Cohort (admission year)"), required=False, coerce=int, empty_value=None
    )
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", _("All cohorts"))] + [
            (str(year), str(year)) for year in selectors.cohort_years()
        ]

    def filters(self) -> PipelineFilters:
        if not self.is_bound or not self.is_valid():
            return PipelineFilters()
        data = self.cleaned_data
        return PipelineFilters(
            tech_area=data["tech_area"] or None,
            institution=data["institution"].pk if data["institution"] else None,
            cohort=data["cohort"],
            as_of=data["as_of"],
            population=data["population"] or Population.INCUBATOR,
        )


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
