"""One exception handler: Django ValidationErrors from the services become 400 (or 409)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portfolio.api.serializers import django_errors

#: error codes that mean "the fund has no room", answered with 409 Conflict
CONFLICT_CODES = {"capacity"}


def _codes(exc: DjangoValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        errors = [e for messages in exc.error_dict.values() for e in messages]
    else:
        errors = exc.error_list
    return {e.code for e in errors if e.code}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        code = (
            status.HTTP_409_CONFLICT
            if _codes(exc) & CONFLICT_CODES
            else status.HTTP_400_BAD_REQUEST
        )
        body = django_errors(exc)
        # A figure a client acts on (an over-call's ``callable``) is a plain decimal string.
        if isinstance(body, dict) and isinstance(body.get("callable"), list):
            body["callable"] = body["callable"][0]
        return Response(body, status=code)
    return drf_exception_handler(exc, context)
