"""Who made a change, for the audit trail (django-simple-history).

In a request, ``HistoryRequestMiddleware`` gives every history record the request's user.
Outside one (management commands, scripts, tests), a write names its actor with ``by=``
(services) or ``user=`` (importers), and :func:`history_user` stands in for the request.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from types import SimpleNamespace

from simple_history.models import HistoricalRecords


@contextlib.contextmanager
def history_user(user) -> Iterator[None]:
    """Attribute history records to ``user`` when there is no request (command line)."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    acting = previous is None and getattr(user, "pk", None) is not None
    if acting:
        context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if acting:
            del context.request


def attributed(func):
    """A service whose writes are recorded as made by its ``by=`` argument (when no request)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with history_user(kwargs.get("by")):
            return func(*args, **kwargs)

    return wrapper
