"""Milestone evidence in the API (issue 15, ``api-contract.md`` "Founders, evidence,
tranches"): ``GET/POST /milestones/{id}/evidence/`` (mixed into ``MilestoneViewSet``, whose
founder scope makes another startup's milestone a 404) and ``GET /evidence/{id}/download/``,
the one way a stored file leaves the server: to those who may see its startup (others 404),
as an attachment, with ``nosniff``. Writes call ``services.evidence_add``."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio import selectors, services
from portfolio.api.auth import RolePermissions, TokenScopePermission, is_founder
from portfolio.api.renderers import JSONRenderer
from portfolio.api.serializers import ReadRow
from portfolio.evidence_uploads import upload_too_large
from portfolio.models import MilestoneEvidence
from portfolio.selectors.scope import founder_rows
from portfolio.services.evidence import KINDS, refuse_too_large

#: how an evidence row reaches its startup (``portfolio.selectors.scope``)
EVIDENCE_SCOPE = "milestone__startup"


def download_url(evidence: MilestoneEvidence) -> str:
    return reverse("api:milestoneevidence-download", kwargs={"pk": evidence.pk})


class EvidenceSerializer(ReadRow):
    """An evidence file of a milestone (its content through ``download``)."""

    uploaded_by = serializers.CharField(
        source="uploaded_by.username", default=None, read_only=True, allow_null=True
    )
    download = serializers.SerializerMethodField()

    class Meta:
        model = MilestoneEvidence
        fields = [
            "id",
            "milestone",
            "filename",
            "size",
            "content_type",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, evidence) -> str:
        return download_url(evidence)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("PDF, PNG, JPEG, xlsx or docx (judged by the content), at most 10 MB."),
        allow_empty_file=True,  # the service names the empty file itself
        use_url=False,
    )


class MilestoneEvidenceActions:
    """``/milestones/{id}/evidence/`` (mixed into ``MilestoneViewSet``): read with
    ``view_milestoneevidence``, upload with ``add_milestoneevidence`` (founders: their own
    startup's milestones; staff)."""

    def permission_model(self):
        if getattr(self, "action", None) == "evidence":
            return MilestoneEvidence
        return super().permission_model()

    def get_serializer_class(self):
        if getattr(self, "action", None) == "evidence":
            if self.request.method == "POST":
                return EvidenceUploadSerializer
            return EvidenceSerializer
        return super().get_serializer_class()

    @extend_schema(
        methods=["GET"],
        summary=_("The evidence files of a milestone"),
        responses={200: EvidenceSerializer(many=True)},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Add an evidence file to a milestone (founders: their own; incubator staff)"),
        description=_(
            "Multipart, the file under `file`. PDF, PNG, JPEG, xlsx or docx judged by the "
            "content, not the name; empty, over 10 MB or another type: 400 naming `file`. "
            "Stored under a generated name; the answer holds `id`, `filename`, `size`, "
            "`content_type`."
        ),
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def evidence(self, request, pk=None):
        milestone = self.get_object()
        if request.method == "POST":
            data = request.data  # read here: the upload limit marks the request while reading
            if upload_too_large(request):
                refuse_too_large()
            serializer = EvidenceUploadSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            evidence = services.evidence_add(
                milestone=milestone,
                uploaded_file=serializer.validated_data["file"],
                by=request.user,
            )
            row = selectors.evidence_list().get(pk=evidence.pk)
            return Response(EvidenceSerializer(row).data, status=status.HTTP_201_CREATED)
        rows = selectors.milestone_evidence(milestone)
        return Response(EvidenceSerializer(rows, many=True).data)


BINARY = {(200, kind.content_type): OpenApiTypes.BINARY for kind in KINDS}


class EvidenceDownloadView(APIView):
    """``GET /evidence/{id}/download/``: the stored file as an attachment under its original
    name, to anyone who may read its startup (a founder: their own; others 404)."""

    permission_classes = [TokenScopePermission, RolePermissions]
    renderer_classes = [JSONRenderer]
    required_perms = None
    founder_scope = EVIDENCE_SCOPE

    def permission_model(self):
        return MilestoneEvidence

    def perform_content_negotiation(self, request, force=False):
        # The answer is the file whatever the client accepts (a browser's link asks for
        # HTML); only an error is rendered, as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="evidence_download",
        summary=_("Download an evidence file"),
        description=_(
            "The file as an attachment (`Content-Disposition` with the original filename), "
            "with `X-Content-Type-Options: nosniff`; 404 for a file of a startup the caller "
            "may not see."
        ),
        responses=BINARY,
    )
    def get(self, request, pk=None):
        rows = selectors.evidence_list()
        if is_founder(request.user):
            rows = founder_rows(rows, request.user, self.founder_scope)
        evidence = selectors.evidence_by_id(pk, rows)
        if evidence is None:
            raise NotFound
        try:
            handle = evidence.file.open("rb")
        except OSError:
            raise NotFound from None  # the row is there, its file is not (a lost store)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.filename,
            content_type=evidence.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
