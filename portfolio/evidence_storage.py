"""Where milestone evidence is kept (issue 15): Django's storage ``STORAGES["evidence"]``.

The default is :class:`PrivateFileSystemStorage`, a folder outside STATIC and MEDIA
(``EVIDENCE_DIR``, default ``var/evidence``) created 0700 with files 0600 (bar R13) and no
URL: a file is served only by the checked download view. Settings may swap it for an
S3-compatible backend (``EVIDENCE_STORAGE_BACKEND``, docs/deploy.md "Evidence files").

The model's field names :func:`evidence_storage`, which hands out :data:`evidence_files`, a
lazy proxy that asks ``django.core.files.storage.storages`` on first use (and again after a
test overrides ``STORAGES``), so the backend is chosen by settings, not at import time.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from portfolio.private_files import DIR_MODE, FILE_MODE, private_dir

ALIAS = "evidence"


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage readable by the service account only, with no public URL."""

    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("file_permissions_mode", FILE_MODE)
        kwargs.setdefault("directory_permissions_mode", DIR_MODE)
        kwargs["base_url"] = None
        super().__init__(location=location, **kwargs)

    def _save(self, name, content):
        private_dir(self.path(""))  # the store's own folder: 0700 when it is created
        return super()._save(name, content)

    def url(self, name):
        raise NotImplementedError("Evidence files have no URL: use the download view.")


class _EvidenceFiles(LazyObject):
    def _setup(self):
        self._wrapped = storages[ALIAS]


evidence_files = _EvidenceFiles()


def evidence_storage():
    """The evidence store (the FileField's ``storage`` callable, kept in migrations)."""
    return evidence_files


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        evidence_files._wrapped = empty
