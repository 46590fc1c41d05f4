"""The API's founder part (issue 15): ``GET /api/v1/me/``, who is asking and, for a founder,
which startup their rows belong to. The scoping itself is ``portfolio.selectors.scope``,
applied by ``ApiViewSet`` and ``RolePermissions``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio.api.auth import TokenScopePermission, is_founder
from portfolio.api.renderers import JSONRenderer
from portfolio.selectors.scope import founder_startup


class MeStartupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.CharField(), help_text=_("The user's roles (group names), sorted.")
    )
    startup = MeStartupSerializer(
        allow_null=True, help_text=_("A founder's startup; null for everyone else.")
    )


class MeView(APIView):
    """Any logged-in user (or token) reads who they are: their roles and, for a founder,
    their startup."""

    permission_classes = [TokenScopePermission, IsAuthenticated]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        summary=_("Who am I: username, roles and, for a founder, their startup"),
        responses={200: MeSerializer},
    )
    def get(self, request):
        user = request.user
        startup = founder_startup(user) if is_founder(user) else None
        data = {
            "username": user.get_username(),
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "startup": {"id": startup.pk, "name": startup.name} if startup else None,
        }
        return Response(MeSerializer(data).data)
