"""Bulk import pages on the changelists of startups, funding rounds and KPI reports.

Upload, see a dry-run preview (or every bad row), confirm, and the file is written whole.
Between preview and confirmation the upload is kept in a private temporary file whose
token lives in the user's session.
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
import time
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext

from portfolio.admin.forms import ImportForm
from portfolio.services import importing

UPLOAD_DIR = Path(tempfile.gettempdir()) / "incubator-imports"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportAdminMixin:
    import_kind = ""
    change_list_template = "admin/portfolio/change_list_import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{info[0]}_{info[1]}_import",
            ),
            path(
                "import/template.<str:fmt>",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{info[0]}_{info[1]}_import_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_template_view(self, request, fmt):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in CONTENT_TYPES:
            raise Http404
        response = HttpResponse(
            importing.template_bytes(self.import_kind, fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{self.import_kind}-template.{fmt}"'
        )
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm()
        result = None
        token = ""
        if request.method == "POST" and request.POST.get("token"):
            # Confirmation of a previewed file: write it for real.
            token = request.POST["token"]
            stored = request.session.get(f"import:{token}")
            if not stored or stored.get("kind") != self.import_kind:
                self.message_user(request, gettext("The upload expired; upload the file again."))
                return HttpResponseRedirect(request.path)
            upload = UPLOAD_DIR / f"{token}.bin"
            try:
                content = upload.read_bytes()
            except FileNotFoundError:
                self.message_user(request, gettext("The upload expired; upload the file again."))
                return HttpResponseRedirect(request.path)
            result = importing.run_import(
                self.import_kind, content, stored["filename"], dry_run=False, user=request.user
            )
            if result.ok:
                upload.unlink(missing_ok=True)
                del request.session[f"import:{token}"]
                self.message_user(
                    request,
                    ngettext(
                        "Imported %(count)d row from %(file)s.",
                        "Imported %(count)d rows from %(file)s.",
                        result.written,
                    )
                    % {"count": result.written, "file": stored["filename"]},
                    messages.SUCCESS,
                )
                opts = self.opts
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                )
            token = ""
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    importing.check_upload_size(upload.size)  # before reading it
                except ValidationError as error:
                    form.add_error("file", error)
                else:
                    content = upload.read()
                    result = importing.run_import(
                        self.import_kind, content, upload.name, dry_run=True, user=request.user
                    )
                    if result.ok:
                        token = secrets.token_urlsafe(24)
                        UPLOAD_DIR.mkdir(mode=0o700, exist_ok=True)
                        _forget_old_uploads()
                        (UPLOAD_DIR / f"{token}.bin").write_bytes(content)
                        request.session[f"import:{token}"] = {
                            "kind": self.import_kind,
                            "filename": upload.name,
                        }
        importer = importing.IMPORTERS[self.import_kind]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import %(things)s") % {"things": self.opts.verbose_name_plural},
            "opts": self.opts,
            "form": form,
            "result": result,
            "token": token,
            "columns": importer.columns,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/portfolio/import.html", context)


def _forget_old_uploads(max_age_seconds: int = 24 * 3600) -> None:
    """Previews never confirmed leave their upload behind; drop those older than a day."""
    limit = time.time() - max_age_seconds
    for stale in UPLOAD_DIR.glob("*.bin"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < limit:
                stale.unlink()
