"""Authentication and role checks of the API.

Scripts send ``Authorization: Token <key>``; the key is looked up by its SHA-256 digest, so
the database never holds a usable key. People in the browser use their session.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import HTTP_HEADER_ENCODING, exceptions, permissions
from rest_framework.authentication import TokenAuthentication

from portfolio import prebuilt, security
from portfolio.models import ApiToken
from portfolio.models.tokens import token_digest
from portfolio.selectors import scope

# last_used_at is refreshed at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def _live_token(digest: str):
    return ApiToken.objects.select_related("user").filter(digest=digest, revoked=False).order_by()


def token_with_user(digest: str) -> ApiToken | None:
    """The live (not revoked) token of ``digest`` with its user, or None: one query, its SQL
    compiled once per connection (``portfolio.prebuilt``), so a token revoked
    (``services.tokens.token_revoke``) is refused on the very next request."""
    return prebuilt.fetch("api_token", ApiToken, _live_token, digest)


class HashedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` against :class:`ApiToken` digests (one query: the
    token with its user; revoked, expired and inactive users' tokens are answered 401)."""

    keyword = "Token"

    def authenticate(self, request):
        try:
            result = self._authenticate_header(request)
        except exceptions.AuthenticationFailed as error:
            security.log_token_refused(request, reason=getattr(error.detail, "code", "invalid"))
            raise
        if result is not None:
            security.log_token_used(request, result[1])
        return result

    def _authenticate_header(self, request):
        """DRF's ``TokenAuthentication.authenticate`` (the same answers and messages, which
        DRF's catalogues translate), with the header read from the WSGI environ: DRF reads
        ``request.headers``, which copies every header into a dict first: 9-13 µs of a
        10-row page's request in one process (bar P7)."""
        header = request._request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.encode(HTTP_HEADER_ENCODING).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. No credentials provided.")
            )
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces.")
            )
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str):
        token = token_with_user(token_digest(key))
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Invalid or revoked token."), code="invalid_token"
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("User inactive or deleted."), code="inactive_user"
            )
        now = timezone.now()
        if token.expired(now):
            raise exceptions.AuthenticationFailed(_("Token expired."), code="expired_token")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


def read_only_token(request) -> bool:
    """The request came with a read-only token (its writes are refused, whatever the role)."""
    token = getattr(request, "auth", None)
    return isinstance(token, ApiToken) and token.read_only


class TokenScopePermission(permissions.BasePermission):
    """A read-only token may read: every other method is 403, before the role is asked
    (so also on routes that do not offer the method). In every API view's permissions and
    the default ones (the API root, the schema)."""

    message = _("This API token is read-only.")

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or not read_only_token(request)


def user_permissions(user) -> frozenset[str]:
    """All ``app_label.codename`` permissions of an active user, in one query, cached on it."""
    cached = getattr(user, "_api_perm_cache", None)
    if cached is not None:
        return cached
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
        .order_by()
    )
    perms = frozenset(f"{app}.{codename}" for app, codename in rows)
    user._api_perm_cache = perms
    return perms


def is_founder(user) -> bool:
    """``user`` is a founder, scoped to their startup (``selectors.scope``), read from the
    permissions already cached for the role check: no extra query."""
    if not user or not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    return scope.is_founder(user, user_permissions(user))


def has_perms(user, perms: list[str]) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return set(perms) <= user_permissions(user)


class RolePermissions(permissions.BasePermission):
    """Django model permissions mapped to the roles (groups).

    GET needs ``view``, POST ``add``, PATCH ``change``; an action may name its own with
    ``required_perms`` (a dict of method -> list of ``%(app_label)s.<codename>``). Methods the
    view does not offer pass here so that the client gets 405, not a misleading 403.
    Anonymous requests fail here and DRF answers 401. A founder is refused (403) on every
    view that does not say how its rows reach a startup (``founder_scope``, see
    ``portfolio.selectors.scope``): reports, the fund, its LPs and money rows, and any view
    added without saying.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def required(self, request, view) -> list[str]:
        explicit = getattr(view, "required_perms", None)
        if explicit is not None:
            action = getattr(view, "action", None)
            if isinstance(explicit, dict) and action in explicit:
                return list(explicit[action])
        model = view.permission_model()
        kwargs = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
        return [perm % kwargs for perm in self.perms_map[request.method]]

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method not in view.allowed_methods:
            return True
        if getattr(view, "founder_scope", None) is None and is_founder(user):
            return False
        return has_perms(user, self.required(request, view))


class HasARole(permissions.BasePermission):
    """A user with some read access to the portfolio (a role, or a superuser).

    For pages that show no rows but describe the API (the schema): a logged-in account
    without a role sees nothing of the portfolio, not even its shape.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or any(
            perm.startswith("portfolio.view_") for perm in user_permissions(user)
        )
