"""What every panel shares: names in the reader's language, API export links, money axes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpRequest
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


# --- long tables ---------------------------------------------------------------------------

#: The rows a dashboard table shows until its reader asks for all of them (``?rows=all``): a
#: page is read, not scrolled through thousands of rows (bar P9 of issue 17: the large set's
#: pipeline page was 2.7 MB, most of it two tables of 3,385 and 9,276 rows).
TABLE_ROWS = 50


@dataclass(frozen=True)
class Table:
    """A table's rows as the page shows them, how many there are in all, and this page's
    address with every row (``?rows=all``, the other parameters kept)."""

    rows: Sequence
    total: int
    all_url: str

    @property
    def cut(self) -> bool:
        return len(self.rows) < self.total


def table(
    rows: Sequence,
    request: HttpRequest,
    every: bool,
    total: int | None = None,
    write: Callable[[Sequence], Sequence] | None = None,
) -> Table:
    """``rows`` cut to the first ``TABLE_ROWS`` unless ``every``; ``total`` when the rows
    were cut already (read as a page from the database); ``write`` makes the shown rows into
    the table's (formatting only what the page shows)."""
    query = request.GET.copy()
    query["rows"] = "all"
    shown = rows if every else rows[:TABLE_ROWS]
    return Table(
        write(shown) if write else shown,
        len(rows) if total is None else total,
        f"{request.path}?{query.urlencode()}",
    )


# --- pipeline overview ---------------------------------------------------------------------


def filter_params(filters: PipelineFilters) -> dict:
    return {
        "population": filters.population,
        "tech_area": filters.tech_area,
        "institution": filters.institution,
        "cohort": filters.cohort,
        "as_of": filters.as_of.isoformat() if filters.as_of else None,
    }
