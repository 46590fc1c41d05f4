"""What every panel shares: names in the reader's language, API export links, money axes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from portfolio.dashboards import charts
from portfolio.dashboards.charts import Band
from portfolio.dashboards.data import (
    PipelineFilters,
)
from portfolio.formatting import language

API = "/api/v1/"


@dataclass(frozen=True)
class PageFigure:
    """A figure as a page shows it (a page's own kind adds how to read it)."""

    key: str  # the element id on the page
    label: str
    value: str


def pick(name: str, name_en: str) -> str:
    return name_en if language().startswith("en") and name_en else name


def api_url(path: str, **params) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return API + path + ("?" + urlencode(query) if query else "")


def money_axis(top) -> tuple[Decimal, str, callable]:
    divisor, unit = charts.money_unit(top, language())
    return divisor, unit, charts.number


def scaled(values, divisor: Decimal) -> list[float]:
    return [float(Decimal(v or 0) / divisor) for v in values]


def valley_band(flags: list[bool]) -> list[Band]:
    """One band over the run of valley rows (the default pipeline has one)."""
    indices = [i for i, flag in enumerate(flags) if flag]
    if not indices:
        return []
    return [Band(indices[0], indices[-1], _("Valley of death"))]


# --- pipeline overview ---------------------------------------------------------------------


def filter_params(filters: PipelineFilters) -> dict:
    return {
        "population": filters.population,
        "tech_area": filters.tech_area,
        "institution": filters.institution,
        "cohort": filters.cohort,
        "as_of": filters.as_of.isoformat() if filters.as_of else None,
    }
