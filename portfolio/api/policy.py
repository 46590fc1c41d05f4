"""The guidance-fund policy pack and the investee export in the API:
``/funds/{id}/policy/`` (JSON, or ``?format=xlsx``: one sheet per part) and
``/funds/{id}/investees/`` (JSON, ``?format=csv`` and ``?format=xlsx`` with the registry's
Chinese headers). The figures come from ``selectors.fund_policy``; what each means is in
``docs/fund.md``, "Policy pack"."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portfolio import models
from portfolio.api.renderers import (
    XLSX_MEDIA_TYPE,
    Column,
    columns_for,
    export_filename,
    export_response,
    flatten,
    xlsx_cell,
)
from portfolio.api.serializers import CurrencyField, ReadRow, brief, money, ratio
from portfolio.formatting import STARTUP_TECH_CRITERIA, TEST_STATUS, band_label
from portfolio.models.choices import LocalBasis, LpKind
from portfolio.models.policy import THRESHOLD_LIMITS
from portfolio.selectors import fund_policy

#: who reads the policy pack and the investee export: the fund's reports and its LPs
POLICY_READ = ["portfolio.view_fund", "portfolio.view_commitment", "portfolio.view_lpcommitment"]

STATUS = ("met", "failed", "unknown")


def percent(**kwargs) -> serializers.DecimalField:
    """A percentage with four places: ``"6.6667"`` (%)."""
    return serializers.DecimalField(
        max_digits=9, decimal_places=4, allow_null=True, read_only=True, **kwargs
    )


class PolicyQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("Report date; default today."))


# --- the policy pack ---------------------------------------------------------------------------


class LeverageSerializer(serializers.Serializer):
    committed = money(help_text=_("The LPs' commitments (认缴) together."))
    government_committed = money(
        help_text=_("Commitments of the government guidance and state platform LPs.")
    )
    fund_over_government = ratio(help_text=_("放大倍数: committed / government committed."))
    social_over_government = ratio(
        help_text=_("(committed − government committed) / government committed.")
    )


class LocalInvestmentSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=LocalBasis.choices)
    denominator = serializers.ChoiceField(
        choices=LpKind.choices, help_text=_("The LP kind divided by.")
    )
    denominator_amount = money(help_text=_("Those LPs' commitments or paid-in, by the basis."))
    local_region = serializers.CharField()
    local_invested = money(
        help_text=_("Paid into local companies, relocated ones times their credit.")
    )
    ratio = ratio(help_text=_("返投: local_invested / denominator_amount."))


class ShareSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.SerializerMethodField()
    invested = money()
    share = ratio(help_text=_("Share of all the money paid into companies."))

    def get_label(self, share) -> str:
        return share.label or band_label(share.key)


class EarlySmallSerializer(serializers.Serializer):
    invested = money()
    by_stage = ShareSerializer(many=True)
    by_trl = ShareSerializer(many=True)
    by_age = ShareSerializer(many=True)
    by_headcount = ShareSerializer(many=True)


class CriterionSerializer(serializers.Serializer):
    rule = serializers.CharField()
    limit = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    status = serializers.ChoiceField(choices=STATUS)


class ThresholdSerializer(ReadRow):
    class Meta:
        model = models.StartupTechThreshold
        fields = ["id", "effective_from", "effective_to", *THRESHOLD_LIMITS, "source"]


class StartupTechSerializer(serializers.Serializer):
    startup = brief(models.Startup)(read_only=True)
    first_investment_on = serializers.DateField()
    thresholds = ThresholdSerializer(allow_null=True)
    criteria = CriterionSerializer(many=True)
    status = serializers.ChoiceField(
        choices=STATUS,
        help_text=_("met, failed (a recorded figure fails), unknown (a figure is not recorded)."),
    )
    months_held = serializers.IntegerField()
    holding_clock_met = serializers.BooleanField(help_text=_("Held 24 months or more."))


class StakeCapSerializer(serializers.Serializer):
    startup = brief(models.Startup)(read_only=True)
    ownership_pct = percent()
    cap_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    ok = serializers.BooleanField(allow_null=True)


class IdleMoneySerializer(serializers.Serializer):
    first_contribution_on = serializers.DateField(allow_null=True)
    first_investment_on = serializers.DateField(allow_null=True)
    days = serializers.IntegerField(allow_null=True)
    alert = serializers.BooleanField()


class PolicyPackSerializer(serializers.Serializer):
    fund = brief(models.Fund)(read_only=True)
    as_of = serializers.DateField()
    currency = CurrencyField()
    is_illustrative = serializers.BooleanField()
    leverage = LeverageSerializer()
    local_investment = LocalInvestmentSerializer()
    early_small = EarlySmallSerializer()
    startup_tech_firms = StartupTechSerializer(many=True)
    stake_caps = StakeCapSerializer(many=True)
    idle_money = IdleMoneySerializer()


# --- the investee export -----------------------------------------------------------------------


class InvesteeSerializer(serializers.Serializer):
    startup = serializers.IntegerField(source="startup.pk")
    name = serializers.CharField(source="startup.name")
    credit_code = serializers.CharField(source="startup.credit_code", allow_null=True)
    registered_region = serializers.CharField(source="startup.registered_region")
    industry = serializers.CharField(source="startup.tech_area")
    stage_at_first_investment = serializers.CharField(allow_null=True)
    first_investment_on = serializers.DateField()
    invested = money()
    currency = CurrencyField()
    ownership_pct = percent()
    fair_value = money()
    valuation_method = serializers.CharField(allow_null=True)
    exited_amount = money()
    exit_kind = serializers.CharField(allow_null=True)
    exit_on = serializers.DateField(allow_null=True)
    listed = serializers.BooleanField()
    startup_tech_firm = serializers.ChoiceField(choices=STATUS)
    local = serializers.BooleanField()
    is_illustrative = serializers.BooleanField(source="startup.is_illustrative")


#: the XLSX headers: the registry's field names (fund-accounting.md §4), in Chinese whatever
#: the page's language, since the file goes to the registry as it is
REGISTRY_HEADERS = {
    "startup": "企业编号",
    "name": "企业名称",
    "credit_code": "统一社会信用代码",
    "registered_region": "注册地",
    "industry": "所属行业",
    "stage_at_first_investment": "投资阶段",
    "first_investment_on": "首次投资日期",
    "invested": "累计投资金额(实缴)",
    "currency": "币种",
    "ownership_pct": "持股比例(%)",
    "fair_value": "期末估值/账面价值",
    "valuation_method": "估值方法",
    "exited_amount": "已退出金额",
    "exit_kind": "退出方式",
    "exit_on": "退出日期",
    "listed": "是否上市",
    "startup_tech_firm": "是否初创科技型(55号)",
    "local": "是否返投",
    "is_illustrative": "示例数据",
}


class FundPolicyActions:
    """The policy actions of ``FundViewSet`` (mixed in there)."""

    @extend_schema(
        summary=_("Policy pack: leverage, 返投, 投早投小, 初创科技型企业, stake caps, idle money"),
        parameters=[PolicyQuerySerializer],
        responses={
            200: OpenApiResponse(
                response=PolicyPackSerializer,
                description=_("JSON; `?format=xlsx`: one sheet per part of the pack."),
            )
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def policy(self, request, pk=None):
        query = PolicyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fund = self.get_fund()
        pack = fund_policy.policy_pack(fund, query.validated_data.get("as_of"))
        export = request.query_params.get("format")
        if export == "xlsx":
            return policy_workbook(pack)
        if export is not None and export not in ("json", "api"):
            raise ValidationError({"format": [gettext("The policy pack exports as xlsx only.")]})
        return Response(PolicyPackSerializer(pack).data)

    @extend_schema(
        summary=_("Investees for the regulator: one row per company the fund holds or held"),
        parameters=[PolicyQuerySerializer],
        responses={200: InvesteeSerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def investees(self, request, pk=None):
        query = PolicyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fund = self.get_fund()
        rows = fund_policy.investees(fund, query.validated_data.get("as_of"))
        serializer = InvesteeSerializer()
        if self.is_export():
            columns = columns_for(serializer)
            data = flatten(columns, (serializer.to_representation(row) for row in rows))
            if request.accepted_renderer.format == "xlsx":
                columns = [
                    Column(REGISTRY_HEADERS[c.name], c.path, c.kind, c.text) for c in columns
                ]
            return export_response(
                request.accepted_renderer, columns, data, resource=f"investees-fund-{fund.pk}"
            )
        return Response(InvesteeSerializer(rows, many=True).data)


# --- the policy workbook -----------------------------------------------------------------------

TEXT, NUMBER = Column("text", ()), Column("number", (), "number")


def _sheet(book, title: str, header: list[str], rows: list[list]) -> None:
    """A sheet of ``rows`` under a bold-free header; text goes through the exports' formula
    guard (``renderers.xlsx_cell``), numbers stay numbers."""
    sheet = book.create_sheet(title=title[:31])
    sheet.append([xlsx_cell(TEXT, str(h), sheet) for h in header])
    for row in rows:
        sheet.append(
            [
                xlsx_cell(NUMBER if not isinstance(v, str) else TEXT, v, sheet)
                if v is not None and not isinstance(v, bool)
                else v
                for v in row
            ]
        )


def policy_workbook(pack: fund_policy.PolicyPack) -> HttpResponse:
    """The pack as a workbook: the summary (leverage, 返投, idle money), 投早投小, the
    初创科技型企业 test per holding and the stake caps."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    lev, local, idle = pack.leverage, pack.local_investment, pack.idle_money
    figure, value = gettext("Figure"), gettext("Value")
    _sheet(
        book,
        gettext("Summary"),
        [figure, value],
        [
            [gettext("Fund"), str(pack.fund.name)],
            [gettext("As of"), pack.as_of.isoformat()],
            [gettext("LP commitments (认缴)"), lev.committed],
            [gettext("Government commitments"), lev.government_committed],
            [gettext("Leverage: fund / government"), lev.fund_over_government],
            [gettext("Leverage: social capital / government"), lev.social_over_government],
            [gettext("返投 basis"), str(LocalBasis(local.basis).label)],
            [gettext("返投 denominator"), str(LpKind(local.denominator).label)],
            [gettext("Denominator amount"), local.denominator_amount],
            [gettext("Local region"), local.local_region],
            [gettext("Local investment (with relocation credit)"), local.local_invested],
            [gettext("返投 ratio"), local.ratio],
            [
                gettext("First government contribution"),
                idle.first_contribution_on.isoformat() if idle.first_contribution_on else None,
            ],
            [
                gettext("First investment"),
                idle.first_investment_on.isoformat() if idle.first_investment_on else None,
            ],
            [gettext("Days between"), idle.days],
            [gettext("Idle-money alert (over 365 days)"), gettext("yes") if idle.alert else "—"],
        ],
    )
    early = pack.early_small
    rows = []
    for group, shares in (
        (gettext("Stage at investment"), early.by_stage),
        (gettext("TRL at investment"), early.by_trl),
        (gettext("Company age"), early.by_age),
        (gettext("Headcount"), early.by_headcount),
    ):
        rows += [[group, s.label or band_label(s.key), s.invested, s.share] for s in shares]
    _sheet(
        book,
        gettext("Early and small"),
        [gettext("By"), gettext("Group"), gettext("Invested"), gettext("Share")],
        rows,
    )
    _sheet(
        book,
        gettext("Start-up tech firms"),
        [
            gettext("Company"),
            gettext("First investment"),
            gettext("Thresholds"),
            gettext("Result"),
            gettext("Months held"),
            gettext("24 months held"),
            *(str(label) for _rule, label in STARTUP_TECH_CRITERIA),
        ],
        [
            [
                str(row.startup.name),
                row.first_investment_on.isoformat(),
                row.thresholds.source if row.thresholds else None,
                str(TEST_STATUS[row.status]),
                row.months_held,
                gettext("yes") if row.holding_clock_met else gettext("no"),
                *(str(TEST_STATUS[c.status]) for c in row.criteria),
            ]
            for row in pack.startup_tech_firms
        ],
    )
    _sheet(
        book,
        gettext("Stake caps"),
        [gettext("Company"), gettext("Ownership (%)"), gettext("Cap (%)"), gettext("Result")],
        [
            [
                str(row.startup.name),
                row.ownership_pct,
                row.cap_pct,
                "—" if row.ok is None else gettext("met") if row.ok else gettext("breached"),
            ]
            for row in pack.stake_caps
        ],
    )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_MEDIA_TYPE)
    name = export_filename(f"policy-fund-{pack.fund.pk}", "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
