"""The dashboards' panels: each chart with its legend, its numbers as a table and the API
export that carries the same figures. Pure presentation: no queries here, only rows from
``dashboards.data`` turned into ``charts.Chart`` objects in the active language. One module
per page; ``common`` holds what they share.
"""

from portfolio.dashboards.panels.fund import compliance_rows, fund_charts
from portfolio.dashboards.panels.impact import impact_charts, impact_figures, threshold_lines
from portfolio.dashboards.panels.lps import statement_lines
from portfolio.dashboards.panels.pipeline import overview_charts
from portfolio.dashboards.panels.policy import (
    early_small_groups,
    policy_figures,
    stake_cap_rows,
    startup_tech_rows,
)
from portfolio.dashboards.panels.startup import startup_charts

__all__ = [
    "compliance_rows",
    "early_small_groups",
    "fund_charts",
    "impact_charts",
    "impact_figures",
    "overview_charts",
    "policy_figures",
    "stake_cap_rows",
    "startup_charts",
    "startup_tech_rows",
    "statement_lines",
    "threshold_lines",
]
