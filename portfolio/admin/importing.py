"""Bulk import pages on the changelists of startups, funding rounds and KPI reports.

Upload, see a dry-run preview (or every bad row), confirm, and the file is written whole.
Between preview and confirmation the upload is kept in the shared cache (the database's
cache table, or Redis), never on one server's disk: the confirmation may reach another app
server than the preview. Its token lives in the user's session (in the database too) and
the cached upload names its user, so nobody else can confirm it.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext

from portfolio.admin.base import BaseAdmin, EnteredRowsMixin, ServiceWritesMixin
from portfolio.admin.forms import ImportForm
from portfolio.services import importing

#: how long a previewed upload waits for its confirmation
PREVIEW_SECONDS = 24 * 3600
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
            content = _previewed_upload(token, request.user)
            if content is None:
                self.message_user(request, gettext("The upload expired; upload the file again."))
                return HttpResponseRedirect(request.path)
            result = importing.run_import(
                self.import_kind, content, stored["filename"], dry_run=False, user=request.user
            )
            if result.ok:
                cache.delete(_cache_key(token))
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
                        cache.set(
                            _cache_key(token),
                            {"user": request.user.pk, "content": content},
                            PREVIEW_SECONDS,
                        )
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


def _cache_key(token: str) -> str:
    return f"import-preview:{token}"


def _previewed_upload(token: str, user) -> bytes | None:
    """The previewed file of ``token`` if it is still kept and ``user`` uploaded it."""
    stored = cache.get(_cache_key(token))
    if not isinstance(stored, dict) or stored.get("user") != user.pk:
        return None
    return stored.get("content")


class ImportedEntriesAdmin(EnteredRowsMixin, ImportAdminMixin, ServiceWritesMixin, BaseAdmin):
    """Rows staff enter one by one or import from a sheet (``import_kind``), written either
    way through the services (``writes``), each recording who entered it."""
