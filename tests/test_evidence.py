"""Milestone evidence (issue 15): the service judges a file by its content, stores it under
a generated name in the private evidence store, and refuses on ``file`` (nothing written);
verifying a milestone needs at least one file."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from portfolio import services
from portfolio.models import MilestoneEvidence
from portfolio.services.evidence import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    XLSX,
    ZIP_MAX_MEMBERS,
    clean_filename,
)
from tests.support.evidence import (
    DOCX_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    XLSX_BYTES,
    attach_evidence,
    office_bytes,
    upload,
)
from tests.support.factories import MilestoneFactory, make_user
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db


def refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("证书.pdf", PDF_BYTES, PDF),
        ("photo.png", PNG_BYTES, PNG),
        ("photo.jpg", JPEG_BYTES, JPEG),
        ("figures.xlsx", XLSX_BYTES, XLSX),
        ("contract.docx", DOCX_BYTES, DOCX),
        ("named-wrong.txt", PDF_BYTES, PDF),  # the content decides, not the name
    ],
    ids=["pdf", "png", "jpg", "xlsx", "docx", "pdf-named-txt"],
)
def test_allowed_kinds_are_stored_under_a_generated_name(name, data, kind, evidence_store):
    milestone = MilestoneFactory()
    staff = make_user("incubator-staff")
    evidence = attach_evidence(milestone, by=staff, name=name, data=data)
    evidence.refresh_from_db()
    assert evidence.filename == name
    assert evidence.content_type == kind.content_type
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.uploaded_by == staff and evidence.uploaded_at is not None
    # stored under <uuid>.<ext>, never the uploader's name, 0600 in a 0700 folder
    stem, ext = evidence.file.name.rsplit(".", 1)
    assert ext == kind.extension and len(stem) == 32 and name not in evidence.file.name
    path = evidence_store / evidence.file.name
    assert path.read_bytes() == data
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(evidence_store).st_mode) == 0o700
    assert evidence.history.count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),  # right name, wrong type
        ("photo.png", b"GIF89a" + b"\x00" * 40),
        ("archive.xlsx", office_bytes("other.xml")),  # a ZIP, but not an Office document
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 60),  # a ZIP signature, no archive
        ("empty.pdf", b""),
    ],
    ids=["html-as-pdf", "gif-as-png", "zip-not-office", "zip-signature-only", "empty"],
)
def test_wrong_type_or_empty_is_refused_on_file_and_nothing_is_written(name, data, evidence_store):
    milestone = MilestoneFactory()
    errors = refusal(lambda: attach_evidence(milestone, name=name, data=data))
    assert set(errors) == {"file"}
    assert not MilestoneEvidence.objects.exists()
    assert not evidence_store.exists() or not any(evidence_store.iterdir())


def test_oversize_is_refused_on_file():
    milestone = MilestoneFactory()
    with override_settings(EVIDENCE_MAX_BYTES=1000):
        errors = refusal(lambda: attach_evidence(milestone, data=PDF_BYTES + b"0" * 1000))
        assert set(errors) == {"file"}
        assert "MB" in errors["file"][0]
        assert attach_evidence(milestone, data=PDF_BYTES + b"0" * (1000 - len(PDF_BYTES)))
    assert MilestoneEvidence.objects.count() == 1


def test_a_zip_with_too_many_members_is_refused_unread():
    many = {f"m/{i}.xml": b"" for i in range(ZIP_MAX_MEMBERS)}
    data = office_bytes("xl/workbook.xml", many)
    assert set(refusal(lambda: attach_evidence(MilestoneFactory(), data=data))) == {"file"}


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\报告.pdf", "报告.pdf"),
        ("a\x00b\nc\r.pdf", "abc.pdf"),
        ("x" * 400 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_hostile_filenames_are_harmless(name, kept, evidence_store):
    evidence = attach_evidence(MilestoneFactory(), name=name)
    assert evidence.filename == kept
    # the stored file is inside the store, under its generated name
    files = list(evidence_store.rglob("*"))
    assert [f.name for f in files] == [evidence.file.name]


def test_names_that_leave_nothing_become_a_default():
    for name in ("..", ".", "../", "\x00\x01", None):
        assert clean_filename(name, PDF) == "evidence.pdf"


def test_a_founder_adds_evidence_only_to_their_own_startup():
    own, other = MilestoneFactory(), MilestoneFactory()
    founder = make_founder(own.startup)
    assert attach_evidence(own, by=founder).uploaded_by == founder
    assert set(refusal(lambda: attach_evidence(other, by=founder))) == {"milestone"}
    assert MilestoneEvidence.objects.count() == 1


def test_a_missing_file_is_refused_on_file():
    errors = refusal(
        lambda: services.evidence_add(milestone=MilestoneFactory(), uploaded_file=None)
    )
    assert set(errors) == {"file"}


def test_verifying_needs_evidence():
    milestone = MilestoneFactory()
    staff = make_user("incubator-staff")
    errors = refusal(lambda: services.milestone_verify(milestone=milestone, by=staff))
    assert set(errors) == {"evidence"}
    milestone.refresh_from_db()
    assert milestone.verified_on is None
    attach_evidence(milestone, by=staff)
    assert services.milestone_verify(milestone=milestone, by=staff).verified_on is not None


def test_upload_helper_matches_a_browser_upload():
    assert upload().read(5) == b"%PDF-"


def test_evidence_writes_are_attributed():
    """The audit walk's entry for evidence (tests/test_audit.py): the service's write is
    recorded as made by its ``by``."""
    staff = make_user("incubator-staff")
    evidence = attach_evidence(MilestoneFactory(), by=staff)
    record = evidence.history.get()
    assert record.history_type == "+" and record.history_user == staff
