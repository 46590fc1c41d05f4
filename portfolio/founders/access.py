"""Who may open which page, for founders (``portfolio.selectors.scope`` says who is one):
the founders' pages are theirs alone (403 for anyone else), and the staff pages, which show
every startup, send a founder to ``/founder/``."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from portfolio.selectors.scope import is_founder

__all__ = ["founder_required", "is_founder", "staff_pages"]


def founder_required(view):
    """Logged in (else the login page) and a founder (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_founder(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def staff_pages(view):
    """A staff page: a founder is sent to their own pages, whatever the role's read
    permissions (put inside ``login_required``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_founder(request.user):
            return redirect("founder:home")
        return view(request, *args, **kwargs)

    return wrapped
