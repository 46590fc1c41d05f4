"""The fund's LP figures in the API: ``/funds/{id}/lp-report/``, ``/funds/{id}/capital-
accounts/`` (JSON, or ``?format=xlsx``: one statement sheet per LP and one for the fund) and
``/management-fees/`` (a paginated list). The figures come from ``selectors.lp_report``."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio import models
from portfolio.api import plain
from portfolio.api.auth import RolePermissions, TokenScopePermission
from portfolio.api.lp_serializers import (
    AsOfSerializer,
    CapitalAccountSerializer,
    CapitalAccountsQuerySerializer,
    FeeLineSerializer,
    FeeQuerySerializer,
    LpReportSerializer,
)
from portfolio.api.pagination import Pagination
from portfolio.api.renderers import JSONRenderer, export_filename
from portfolio.formatting import CAPITAL_ACCOUNT_LINES
from portfolio.selectors import lp_report as lp_selectors

LP_READ = ["portfolio.view_fund", "portfolio.view_lpcommitment"]

STATEMENT = CAPITAL_ACCOUNT_LINES
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FundLpActions:
    """The LP actions of ``FundViewSet`` (mixed in there)."""

    @extend_schema(
        summary=_("LP report: per LP and net, committed to IRR, beside the gross figures"),
        parameters=[AsOfSerializer],
        responses={200: LpReportSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="lp-report",
        pagination_class=None,
        filter_backends=[],
    )
    def lp_report(self, request, pk=None):
        query = AsOfSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = lp_selectors.lp_report_with_gross(
            self.get_fund(), query.validated_data.get("as_of")
        )
        # the serializer's answer without DRF's per-field walk (a seventh of the request)
        return Response(plain.represent(LpReportSerializer, report))

    @extend_schema(
        summary=_("Capital accounts per LP and for the fund, for a period and since inception"),
        parameters=[CapitalAccountsQuerySerializer],
        responses={
            200: OpenApiResponse(
                description=_(
                    "`beginning` plus the signed movements equals `ending`; `?format=xlsx` "
                    "gives one statement sheet per LP and one for the fund."
                )
            )
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="capital-accounts",
        pagination_class=None,
        filter_backends=[],
    )
    def capital_accounts(self, request, pk=None):
        query = CapitalAccountsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        fund = self.get_fund()
        accounts, total = lp_selectors.capital_accounts(fund, start, end)
        export = request.query_params.get("format")
        if export == "xlsx":
            return statement_workbook(fund, start, end, accounts, total)
        if export is not None and export not in ("json", "api"):
            raise ValidationError({"format": [gettext("Capital accounts export as xlsx only.")]})
        return Response(
            {
                "fund": {"id": fund.pk, "name": fund.name},
                "start": start,
                "end": end,
                "accounts": [plain.represent(CapitalAccountSerializer, a) for a in accounts],
                "total": plain.represent(CapitalAccountSerializer, total),
            }
        )


def _text(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading ``'`` (contract)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def statement_workbook(fund, start, end, accounts, total) -> HttpResponse:
    """One sheet per LP and one for the fund: the statement's rows, the period's column and
    the since-inception column, with the fund's name and the period on top."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for account in [*accounts, total]:
        lp = account.limited_partner
        title = lp.name if lp is not None else gettext("Fund (all LPs)")
        sheet = book.create_sheet(_text(title)[:31].replace("/", "-").replace(":", "-"))
        sheet.append([_text(str(fund.name))])
        sheet.append([_text(title)])
        sheet.append([gettext("Period"), f"{start.isoformat()} – {end.isoformat()}"])
        sheet.append([])
        sheet.append([gettext("Line"), gettext("Period"), gettext("Since inception")])
        for cell in sheet[5]:
            cell.font = Font(bold=True)
        for line, label in STATEMENT:
            sheet.append([str(label), account.period[line], account.since_inception[line]])
            for cell in sheet[sheet.max_row][1:]:
                cell.number_format = "#,##0.00"
        sheet.column_dimensions["A"].width = 44
        sheet.column_dimensions["B"].width = 20
        sheet.column_dimensions["C"].width = 20
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = export_filename(f"capital-accounts-fund-{fund.pk}", "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ManagementFeeView(APIView):
    """The management fee of every quarter-end, derived from the fund's terms (nothing is
    booked by hand): a list like every list."""

    permission_classes = [TokenScopePermission, RolePermissions]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    required_perms = {None: LP_READ}

    def permission_model(self):
        return models.LpCommitment

    @extend_schema(
        summary=_("Management fees per quarter-end, from the fund's terms"),
        parameters=[FeeQuerySerializer],
        responses={200: FeeLineSerializer(many=True)},
    )
    def get(self, request):
        query = FeeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fund = query.validated_data["fund"]
        through = query.validated_data.get("through") or timezone.localdate()
        lines, names = lp_selectors.management_fees(fund, through)
        paginator = Pagination()
        page = paginator.paginate_queryset(lines, request, view=self)
        data = FeeLineSerializer(page, many=True, context={"names": names}).data
        return paginator.get_paginated_response(data)
