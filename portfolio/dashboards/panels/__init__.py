"""The dashboards' panels: each chart with its legend, its numbers as a table and the API
export that carries the same figures. Pure presentation: no queries here, only rows from
``dashboards.data`` turned into ``charts.Chart`` objects in the active language. One module
per page; ``common`` holds what they share.
"""

from portfolio.dashboards.panels.fund import compliance_rows, fund_charts
from portfolio.dashboards.panels.lps import statement_lines
from portfolio.dashboards.panels.pipeline import overview_charts
from portfolio.dashboards.panels.startup import startup_charts

__all__ = [
    "compliance_rows",
    "fund_charts",
    "overview_charts",
    "startup_charts",
    "statement_lines",
]
