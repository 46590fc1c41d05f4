"""Bounded evidence uploads (bar R11): on the routes that take an evidence file, a file
larger than ``EVIDENCE_MAX_BYTES`` is not kept while the request is read. Django would spool
it whole to a temporary file (whatever its size) before the view could refuse it; this
upload handler, put first by :class:`EvidenceUploadLimitMiddleware`, drops it as soon as it
passes the limit (the rest of the body is read and discarded: no memory, no disk) and marks
the request, so the view refuses it as too large (400 naming ``file``) like the service.

The proxy caps whole request bodies too (nginx ``client_max_body_size``, docs/deploy.md).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

#: the routes that take an evidence file: the API's and the founder page's
EVIDENCE_UPLOAD_PATHS = re.compile(
    r"^/(api/v1/milestones/[^/]+/evidence|founder/milestones/[^/]+/evidence)/$"
)
TOO_LARGE = "evidence_too_large"


class EvidenceSizeLimitHandler(FileUploadHandler):
    """Passes each chunk on to the next handler until the file passes the limit; then skips
    the file and marks the request (``request.evidence_too_large``)."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.EVIDENCE_MAX_BYTES:
            setattr(self.request, TOO_LARGE, True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file


class EvidenceUploadLimitMiddleware:
    """Puts :class:`EvidenceSizeLimitHandler` first on POSTs to the evidence routes, before
    anything (the CSRF check, the view) reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and EVIDENCE_UPLOAD_PATHS.match(request.path_info):
            request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
        return self.get_response(request)


def upload_too_large(request) -> bool:
    """The request carried an evidence file over the limit, dropped while it was read."""
    return bool(getattr(request, TOO_LARGE, False))
