"""Milestone evidence (issue 15): the files that show a milestone was reached (a
certificate, a test report, a contract), uploaded by the startup's founders or by staff.

Written only by ``portfolio.services.evidence.evidence_add``, which judges the type by the
file's content and keeps it in the evidence store (``STORAGES["evidence"]``,
``portfolio.evidence_storage``) under a generated name; the founder's own filename is kept
as text only, for the download's ``Content-Disposition``. A milestone is verified only with
at least one file (``services.milestone_verify``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.evidence_storage import evidence_storage
from portfolio.models.common import belongs_to, done_by
from portfolio.models.pipeline import Milestone
from portfolio.models.rules import positive


class MilestoneEvidence(models.Model):
    """One evidence file of a milestone."""

    milestone = belongs_to(Milestone, _("milestone"), "evidence")
    # A generated name (evidence/<uuid>.<ext>), never the uploader's.
    file = models.FileField(_("file"), storage=evidence_storage, max_length=200, editable=False)
    filename = models.CharField(_("original filename"), max_length=255, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_by = done_by(_("uploaded by"), editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["milestone", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            positive(
                "milestone_evidence_not_empty", "size", message=_("An evidence file is not empty.")
            )
        ]

    def __str__(self) -> str:
        return self.filename
