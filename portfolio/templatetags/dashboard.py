"""Template filters for the dashboards; the formatting itself is ``portfolio.formatting``."""

from __future__ import annotations

from django import template

from portfolio import formatting

register = template.Library()

register.filter("money", formatting.money)
register.filter("multiple", formatting.multiple)
register.filter("percent", formatting.percent)
register.filter("days", formatting.days)
register.filter("yuan", formatting.format_yuan)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def any_illustrative(rows) -> bool:
    """Whether any row shown is invented demo data (the page then explains the marker)."""
    return any(getattr(row, "is_illustrative", False) for row in rows or ())
