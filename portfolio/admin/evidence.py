"""Milestone evidence in the admin (issue 15): staff upload a file through
``services.evidence_add`` (the form's ``clean`` runs the service's checks, so a wrong type,
an empty or oversize file is an error next to the field); a file is never changed or
deleted here. Each milestone lists its files (read-only inline) with links to the checked
download view of the API, the only way a stored file is served."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portfolio import services
from portfolio.admin.base import BaseAdmin, ReadOnlyInline, adopt
from portfolio.api.evidence import download_url
from portfolio.evidence_field import EvidenceFileField
from portfolio.models import MilestoneEvidence

SHOWN = ("milestone", "filename", "size_shown", "content_type", "download", "sha256")
SHOWN_AFTER = ("uploaded_by", "uploaded_at")


class EvidenceColumns:
    """The download link and the size, shown by the inline and the evidence admin."""

    @admin.display(description=_("file"))
    def download(self, evidence: MilestoneEvidence) -> str:
        if evidence.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', download_url(evidence), _("download"))

    @admin.display(description=_("size"))
    def size_shown(self, evidence: MilestoneEvidence) -> str:
        return filesizeformat(evidence.size) if evidence.size else "-"


class EvidenceAddForm(forms.ModelForm):
    """The milestone and the file; the file's field runs the service's checks."""

    upload = EvidenceFileField(label=_("file"))

    class Meta:
        model = MilestoneEvidence
        fields = ["milestone"]


class EvidenceInline(EvidenceColumns, ReadOnlyInline):
    """A milestone's files, read-only, each with its download link."""

    model = MilestoneEvidence
    fields = ("filename", "size_shown", "content_type", "download", *SHOWN_AFTER)
    readonly_fields = fields
    verbose_name_plural = _("evidence files (add one with “Add evidence file”)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(MilestoneEvidence)
class MilestoneEvidenceAdmin(EvidenceColumns, BaseAdmin):
    list_display = (
        "filename",
        "milestone",
        "size_shown",
        "content_type",
        "uploaded_at",
        "download",
    )
    list_select_related = ("milestone__startup", "uploaded_by")
    search_fields = ("filename", "milestone__title", "milestone__startup__name", "sha256")
    autocomplete_fields = ("milestone",)
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EvidenceAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("milestone", "upload")
        return (*SHOWN, *SHOWN_AFTER)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*SHOWN, *SHOWN_AFTER)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        evidence = services.evidence_add(
            milestone=form.cleaned_data["milestone"],
            uploaded_file=form.cleaned_data["upload"],
            by=request.user,
        )
        adopt(obj, evidence)
