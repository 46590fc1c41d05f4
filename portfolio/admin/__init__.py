"""The Django admin for incubator staff and fund managers (registers every model)."""

from portfolio.admin import (  # noqa: F401
    evidence,
    facilities,
    fund,
    funding,
    incubation,
    kpis,
    lps,
    operations,
    pipeline,
    policy,
    tokens,
    transfers,
)
