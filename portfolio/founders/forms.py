"""The founders' forms: they collect input; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portfolio import services


class EvidenceForm(forms.Form):
    """One evidence file for a milestone; ``clean_file`` runs the service's checks (type by
    content, size, empty), so the page shows the same message as the API's 400."""

    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, PNG, JPEG, Excel (xlsx) or Word (docx), at most 10 MB."),
        allow_empty_file=True,  # the service says "empty" itself
        error_messages={"required": _("Choose a file to upload.")},
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        try:
            services.evidence_check(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        return upload
