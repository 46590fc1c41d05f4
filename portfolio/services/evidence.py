"""Milestone evidence (issue 15): a founder (their own startup's milestones) or staff add a
file that shows a milestone was reached; staff verify a milestone only once it has one
(``services.milestone_verify``).

The type is judged by the content, never by the name or the browser's claim: PDF
(``%PDF-``), PNG (its 8-byte signature), JPEG (``FF D8 FF``), and Office documents, ZIP
archives whose central directory lists ``xl/workbook.xml`` (xlsx) or ``word/document.xml``
(docx). Only the central directory is read (the archive is at most ``EVIDENCE_MAX_BYTES``
and its member count is bounded); no member is ever decompressed. The file is stored under
a generated name (``<uuid>.<ext>``) in ``STORAGES["evidence"]``; the uploader's filename is
kept as text, cleaned of folders and control characters.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction

from portfolio.audit import attributed
from portfolio.models import Milestone, MilestoneEvidence
from portfolio.selectors.scope import writes_for
from portfolio.services import messages as msg
from portfolio.services.common import refuse

FIELD = "file"
#: an Office archive listing more members than this is refused (its central directory alone
#: would be large); real xlsx and docx files hold a few dozen
ZIP_MAX_MEMBERS = 2_000
MAX_FILENAME = 255
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str


PDF = Kind("pdf", "application/pdf")
PNG = Kind("png", "image/png")
JPEG = Kind("jpg", "image/jpeg")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
KINDS = (PDF, PNG, JPEG, XLSX, DOCX)
#: an Office document's kind by the member that makes it one
OFFICE_MEMBERS = {"xl/workbook.xml": XLSX, "word/document.xml": DOCX}


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def _office_kind(file: Any) -> Kind | None:
    """xlsx or docx by the archive's member names (the central directory only)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                return None
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError, UnicodeDecodeError):  # fmt: skip
        return None
    finally:
        file.seek(0)
    for member, kind in OFFICE_MEMBERS.items():
        if member in names:
            return kind
    return None


def evidence_kind(file: Any) -> Kind | None:
    """The allowed kind of ``file`` judged by its content, or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not isinstance(head, bytes):
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    return None


def evidence_check(uploaded_file: Any) -> Kind:
    """Refuse (``ValidationError`` on ``file``) a missing, empty, oversize or disallowed file;
    return its kind. The admin's and the founder page's forms call this in their ``clean``."""
    if uploaded_file is None or not hasattr(uploaded_file, "read"):
        refuse(FIELD, msg.EVIDENCE_MISSING_FILE, "required")
    size = _size(uploaded_file)
    if size <= 0:
        refuse(FIELD, msg.EVIDENCE_EMPTY, "empty")
    if size > max_bytes():
        refuse_too_large()
    kind = evidence_kind(uploaded_file)
    if kind is None:
        refuse(FIELD, msg.EVIDENCE_TYPE, "invalid_type")
    return kind


def refuse_too_large() -> None:
    """The refusal of a file over the limit (also for one dropped while the request was read,
    ``portfolio.evidence_uploads``)."""
    refuse(FIELD, msg.EVIDENCE_TOO_LARGE, "max_size", max=max_bytes() // (1024 * 1024))


def clean_filename(name: Any, kind: Kind) -> str:
    """The uploader's filename as display text: no folders (``../`` or ``C:\\``), no
    control characters, at most 255 characters; ``evidence.<ext>`` when nothing is left."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C")).strip()
    if text in ("", ".", ".."):
        text = f"evidence.{kind.extension}"
    if len(text) > MAX_FILENAME:
        text = f"{text[: MAX_FILENAME - len(kind.extension) - 1]}.{kind.extension}"
    return text


def _sha256(file: Any) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@attributed
@transaction.atomic
def evidence_add(*, milestone: Milestone, uploaded_file: Any, by: Any = None) -> MilestoneEvidence:
    """Keep ``uploaded_file`` as evidence of ``milestone``; ``by`` uploaded it (a founder:
    only for their own startup). Refused on ``file`` when missing, empty, over
    ``EVIDENCE_MAX_BYTES`` or not an allowed type by its content; nothing is written then.
    If the row cannot be written, the stored file is removed again."""
    if not writes_for(by, milestone.startup_id):
        refuse("milestone", msg.EVIDENCE_NOT_YOUR_STARTUP, "not_own")
    kind = evidence_check(uploaded_file)
    content = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file)
    evidence = MilestoneEvidence(
        milestone=milestone,
        filename=clean_filename(getattr(uploaded_file, "name", ""), kind),
        size=_size(uploaded_file),
        content_type=kind.content_type,
        sha256=_sha256(uploaded_file),
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    evidence.file.save(f"{uuid.uuid4().hex}.{kind.extension}", content, save=False)
    stored = evidence.file.name
    try:
        evidence.full_clean()
        evidence.save()
    except BaseException:
        evidence.file.storage.delete(stored)
        raise
    return evidence
