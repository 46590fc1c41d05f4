"""OpenAPI generation: every operation documents the error answers it can give."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import AllowAny

ERROR_SCHEMA = {
    "type": "object",
    "description": '`{"detail": message}` or messages keyed by field or parameter.',
    "additionalProperties": True,
}

ERRORS = {
    "400": _("Invalid input or parameter: messages keyed by field or parameter name."),
    "401": _("Not authenticated: send `Authorization: Token <key>` or log in."),
    "403": _("Authenticated, but the role may not do this."),
    "404": _("No such object (or page), or an unknown export format."),
    "409": _("Conflict: the fund's live commitments would exceed its size."),
    "415": _("Unsupported media type: send the body as JSON."),
    "429": _(
        "Too many requests (exports per user, or requests per API token): retry after "
        "the number of seconds in the Retry-After header."
    ),
}


class AutoSchema(openapi.AutoSchema):
    def _resolve_path_parameters(self, variables):
        # Routes accept any segment (a malformed id is a JSON 404), but ids are integers.
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["name"] in ("id", "pk"):
                parameter["schema"] = {"type": "integer"}
            elif parameter["name"] == "slug":
                parameter["schema"] = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
        return parameters

    def _error_codes(self) -> list[str]:
        view = self.view
        codes = []
        public = any(isinstance(p, AllowAny) for p in view.get_permissions())
        has_params = bool(self._get_filter_parameters()) or self._is_list_view()
        query_serializers = bool(getattr(self, "_overrides_parameters", False))
        if self.method in ("POST", "PUT", "PATCH") or has_params or query_serializers:
            codes.append("400")
        if self.method == "GET" and self.path.endswith(
            (
                "/report/",
                "/holdings/",
                "/pipeline/",
                "/valley/",
                "/lp-report/",
                "/capital-accounts/",
                "/policy/",
                "/investees/",
                "/utilisation/",
                "/occupancy/",
                "/per-10-incubatees/",
                "/transfer-funnel/",  # ``year`` is required
                "/reports/incubation/",  # ``year`` is required
                "/impact/",  # ``year`` is required
            )
        ):
            codes.append("400")
        if not public:
            codes += ["401", "403", "429"]  # 429: rate limits (portfolio/api/throttles.py)
        if "{" in self.path or self._is_list_view():
            codes.append("404")  # unknown id, or a page past the end
        if self._offers_exports():
            codes.append("404")  # an unknown ?format= (DRF's content negotiation)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if self.method == "POST" and getattr(view, "conflict_on_create", False):
            codes.append("409")
        return sorted(set(codes))

    def _offers_exports(self) -> bool:
        from portfolio.api.renderers import EXPORT_RENDERERS

        return any(issubclass(r, EXPORT_RENDERERS) for r in self.view.renderer_classes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.path.startswith("/api/schema") or self.path.startswith("/api/docs"):
            return responses
        for code in self._error_codes():
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    "description": str(ERRORS[code]),
                },
            )
        return responses


def documented(*, list, create=None, create_description=None, partial_update=None, **more):
    """The OpenAPI summaries of a viewset: ``list`` and, for a viewset that takes POST,
    ``create``, whose request is the serializer ``ApiViewSet.get_serializer_class`` gives
    POST and whose 201 answer the read row
    (``CreateMixin`` answers with the row as the detail reads it); for one that takes PATCH,
    ``partial_update``, whose request is the serializer ``ApiViewSet.get_serializer_class``
    gives PATCH and whose 200 answer the read row (``PartialUpdateMixin``). ``more`` passes
    other actions' ``extend_schema`` through."""

    def decorate(viewset):
        actions = {"list": extend_schema(summary=list), **more}
        if create is not None:
            actions["create"] = extend_schema(
                summary=create,
                description=create_description,
                request=viewset.create_serializer_class
                or viewset.write_serializer_class
                or viewset.serializer_class,
                responses={201: viewset.serializer_class},
            )
        if partial_update is not None:
            actions["partial_update"] = extend_schema(
                summary=partial_update,
                request=viewset.update_serializer_class
                or viewset.write_serializer_class
                or viewset.serializer_class,
                responses={200: viewset.serializer_class},
            )
        return extend_schema_view(**actions)(viewset)

    return decorate
