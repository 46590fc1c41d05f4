"""Reads: the rows of every list (``lists``) and one module per report.

Callers use ``selectors.<name>``; each read lives in the module of its page or report.
"""

from portfolio.selectors.fund_report import (
    ComplianceCheck,
    FundReport,
    Holding,
    HoldingTotals,
    compliance_checks,
    fund_flows,
    fund_holdings,
    fund_report,
    fund_totals,
)
from portfolio.selectors.lists import (
    cohort_years,
    commitment_list,
    fund_list,
    funding_round_export,
    funding_round_list,
    institution_list,
    investor_list,
    kpi_report_list,
    milestone_list,
    participant_rows,
    stage_list,
    stage_transition_list,
    startup_detail,
    startup_list,
)
from portfolio.selectors.pipeline_report import (
    PipelineReport,
    StageRow,
    pipeline_report,
    pipeline_startups,
    stage_counts,
    stage_medians,
)

__all__ = [
    "ComplianceCheck",
    "FundReport",
    "Holding",
    "HoldingTotals",
    "PipelineReport",
    "StageRow",
    "cohort_years",
    "commitment_list",
    "compliance_checks",
    "fund_flows",
    "fund_holdings",
    "fund_list",
    "fund_report",
    "fund_totals",
    "funding_round_export",
    "funding_round_list",
    "institution_list",
    "investor_list",
    "kpi_report_list",
    "milestone_list",
    "participant_rows",
    "pipeline_report",
    "pipeline_startups",
    "stage_counts",
    "stage_list",
    "stage_transition_list",
    "stage_medians",
    "startup_detail",
    "startup_list",
]
