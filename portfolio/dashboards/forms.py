"""Filter forms of the dashboards (GET, so the state lives in the URL)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portfolio import selectors
from portfolio.dashboards.data import PipelineFilters
from portfolio.dashboards.panels import common
from portfolio.models import Institution
from portfolio.models.choices import Population, TechArea


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        return obj.display_name


def population_field(help_text) -> forms.ChoiceField:
    """Whose figures a page shows: the incubatees (the default) or tracked companies."""
    return forms.ChoiceField(
        label=_("Whose figures"),
        required=False,
        choices=Population.choices,
        initial=Population.INCUBATOR,
        help_text=help_text,
    )


class RowsForm(forms.Form):
    """``rows``: how many rows the page's long tables show, the first ``TABLE_ROWS`` (the
    default) or all."""

    rows = forms.ChoiceField(label=_("Table rows"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # last among the fields; its choices in the reader's language (built per form)
        self.fields["rows"] = self.fields.pop("rows")
        self.fields["rows"].choices = [
            ("", gettext("The first %(n)s") % {"n": common.TABLE_ROWS}),
            ("all", gettext("All")),
        ]

    def every_row(self) -> bool:
        return self.is_bound and self.is_valid() and self.cleaned_data["rows"] == "all"


class PipelineFilterForm(RowsForm):
    """Population, field, institution, cohort and as-of date; every overview chart applies
    them all."""

    population = population_field(_("Incubatees by default; tracked companies are shown apart."))
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


class ImpactForm(forms.Form):
    """The impact page's year (default: this year, so far) and whose figures."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    population = population_field(_("The thresholds are always the incubator's own figures."))

    def choice(self) -> tuple[int, str]:
        """``(year, population)``: the defaults when the form is not bound."""
        data = self.cleaned_data if self.is_bound else {}
        year = data.get("year") or timezone.localdate().year
        return year, data.get("population") or Population.INCUBATOR


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FundPageForm(AsOfForm, RowsForm):
    """The fund page's date and how many rows its long tables show."""


class StatementForm(forms.Form):
    """The quarter of a capital-account statement (default: the last quarter ended)."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((str(q), f"Q{q}") for q in range(1, 5))],
    )

    def period(self) -> tuple[dt.date, dt.date]:
        """The quarter's first and last day."""
        data = self.cleaned_data if self.is_bound else {}
        today = timezone.localdate()
        year, quarter = data.get("year"), data.get("quarter")
        if year is None or quarter is None:
            # The last quarter that has ended.
            last = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - dt.timedelta(days=1)
            year, quarter = year or last.year, quarter or (last.month - 1) // 3 + 1
        start = dt.date(year, 3 * quarter - 2, 1)
        following = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        return start, following - dt.timedelta(days=1)
