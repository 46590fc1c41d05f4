"""The evidence file on a form (the admin's "Add evidence file" and the founder's page): one
field, so both say the same about what may be uploaded and both run the service's checks
(type by content, size, empty), showing the same message as the API's 400."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portfolio import services


class EvidenceFileField(forms.FileField):
    """A file field that runs ``services.evidence_check`` on the uploaded file; its refusal
    (which names ``file``) is shown on this field."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("PDF, PNG, JPEG, Excel (xlsx) or Word (docx), at most 10 MB.")
        )
        kwargs.setdefault("allow_empty_file", True)  # the service says "empty" itself
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        try:
            services.evidence_check(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        return upload
