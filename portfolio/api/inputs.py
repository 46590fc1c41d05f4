"""The write inputs of the resources whose rows are written through a service (facility
bookings, space leases, mentors, mentoring sessions, technology transfers): one base, so a
resource declares only its fields and its two services.

``ServiceInput`` validates the body, refuses a key that is none of its fields (a 400 naming
it: a PATCH would otherwise change nothing and answer 200), and hands the validated data to
``create_service`` (POST) or ``update_service`` (PATCH), with the request's user as ``by``;
the update service gets the row under ``instance_arg``. A refusal of the service is a 400
naming its field (the API's exception handler). The viewsets pick the inputs with
``create_serializer_class`` / ``update_serializer_class`` (``ApiViewSet``); the rows they
answer with are their ``serializer_class``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ServiceInput(serializers.Serializer):
    """An input whose unknown key is a 400 naming it (a PATCH would otherwise change
    nothing and answer 200)."""

    # That docstring is the OpenAPI description of every input without one of its own
    # (drf-spectacular reads it through the class's bases). A subclass declares its fields
    # and ``create_service``; its PATCH input (a subclass of it, so the fields are the same)
    # adds ``update_service`` and ``instance_arg``.

    #: ``service(by=user, **validated_data)`` -> the written row
    create_service: ClassVar[Callable[..., Model] | None] = None
    #: ``service(**{instance_arg: row}, by=user, **validated_data)`` -> the written row
    update_service: ClassVar[Callable[..., Model] | None] = None
    #: the keyword the update service takes the row under ("lease", "booking", ...)
    instance_arg: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # a function stored on the class would be bound to the serializer as a method
        for hook in ("create_service", "update_service"):
            service = cls.__dict__.get(hook)
            if service is not None and not isinstance(service, staticmethod):
                setattr(cls, hook, staticmethod(service))

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in set(data) - set(self.fields))
            if unknown:  # named as sent, made printable (a lone surrogate cannot be encoded)
                name = unknown[0][:100].encode("utf-8", "replace").decode("utf-8")
                raise serializers.ValidationError({name: [_("Unknown field.")]})
        return super().to_internal_value(data)

    def create(self, validated_data):
        return self.create_service(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return self.update_service(
            **{self.instance_arg: instance}, by=self.context["request"].user, **validated_data
        )
