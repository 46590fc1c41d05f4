"""Evidence files as the tests build them: small documents of each allowed kind, made in
code, and ``attach_evidence``, which adds one to a milestone through the service (a
milestone is verified only with evidence)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from portfolio.models import Milestone, MilestoneEvidence
from portfolio.services.evidence import evidence_add

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"


def office_bytes(member: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A ZIP holding ``[Content_Types].xml`` and ``member`` (``xl/workbook.xml`` makes an
    xlsx, ``word/document.xml`` a docx)."""
    buffer = io.BytesIO()
    members = {"[Content_Types].xml": b"<Types/>", member: b"<x/>", **(extra or {})}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            # a fixed date: the same bytes every time (test ids and workers agree)
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


XLSX_BYTES = office_bytes("xl/workbook.xml")
DOCX_BYTES = office_bytes("word/document.xml")


def upload(name: str = "certificate.pdf", data: bytes = PDF_BYTES, content_type: str = ""):
    return SimpleUploadedFile(name, data, content_type=content_type or "application/pdf")


def attach_evidence(
    milestone: Milestone, by=None, name: str = "certificate.pdf", data: bytes = PDF_BYTES
) -> MilestoneEvidence:
    """One evidence file (a small PDF by default) on ``milestone``, through the service."""
    return evidence_add(milestone=milestone, uploaded_file=upload(name, data), by=by)
