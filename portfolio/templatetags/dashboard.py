"""Formatting for the dashboards: money the way the reader's language counts it."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from portfolio import metrics

register = template.Library()


@register.filter
def money(amount) -> str:
    """万元 / 亿元 in Chinese, CNY M in English."""
    return metrics.format_money(amount, get_language() or "zh-hans")


@register.filter
def multiple(value) -> str:
    """A ratio as a multiple: 1.35x."""
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}x"


@register.filter
def percent(value) -> str:
    """A ratio as a percentage: 0.1234 -> 12.3%."""
    if value is None:
        return "—"
    return f"{Decimal(value) * 100:.1f}%"


@register.filter
def days(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
