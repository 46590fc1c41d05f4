"""The Content-Security-Policy header on every response (issue 13, finding 10).

The site runs only its own scripts and style sheets (``portfolio/static``, the admin's, the
browsable API's, Swagger UI's from drf-spectacular-sidecar): no inline script, no inline
style, no other origin. An injected ``<script>`` or ``onerror=`` does not run even if some
template forgot to escape it. Pictures may be ``data:`` URLs (the favicon, Swagger UI's
icons); nothing may frame the site.

One exception: DRF's browsable API pages (``?format=api``, a browser's view of the API) keep
DRF's own ``style=""`` attributes (its templates and form widgets use them for layout), so
those pages allow style attributes, never a script or a ``<style>`` block.
"""

from __future__ import annotations

from django.conf import settings

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: the browsable API's pages: the same, and style="" attributes (``style-src-attr``)
BROWSABLE_API_POLICY = POLICY.replace(
    "style-src 'self'", "style-src 'self'; style-src-attr 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", POLICY)
        renderer = getattr(response, "accepted_renderer", None)  # a DRF response's
        if getattr(renderer, "format", None) == "api":
            policy = BROWSABLE_API_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
