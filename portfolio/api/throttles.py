"""Rate limits of the API (see docs/deploy.md, "Throttling").

Exports stream every matching row, so they are the expensive requests: ``exports`` limits
CSV/XLSX answers per user. Scripts authenticate with a token; ``token-burst`` caps how fast one
token may call any endpoint. People in the browser (session) are limited only on exports.
Counts live in the default cache, which every app server shares (docs/deploy.md).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from portfolio import security
from portfolio.api.renderers import EXPORT_RENDERERS
from portfolio.models import ApiToken


class SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from the settings when used (DRF reads them once, at import)."""

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}.") from None

    def get_ident(self, request):
        """The client's address as the security log and the lockouts see it (behind trusted
        proxies, the forwarded client's), not DRF's own reading of X-Forwarded-For."""
        return security.client_ip(request)


class ExportRateThrottle(SettingsRateThrottle):
    """CSV/XLSX exports per user (the JSON pages are not counted)."""

    scope = "exports"

    def get_cache_key(self, request, view):
        if not isinstance(getattr(request, "accepted_renderer", None), EXPORT_RENDERERS):
            return None
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenBurstRateThrottle(SettingsRateThrottle):
    """Requests per API token, so a runaway script cannot hog the server."""

    scope = "token-burst"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
