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
