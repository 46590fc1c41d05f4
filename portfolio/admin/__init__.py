"""The Django admin for incubator staff and fund managers (registers every model)."""

from portfolio.admin import facilities, fund, funding, kpis, lps, pipeline, policy, tokens  # noqa: F401
