"""The annual statistics return (火炬统计, issue 16): ``/api/v1/reports/incubation/?year=``, in
JSON, CSV (the incubatees) and XLSX (three sheets: incubatees, the incubator, missing data).
Figures, units and rules: ``selectors.statistics`` and ``docs/operations.md``, "The annual
statistics return"."""

from __future__ import annotations

import typing
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portfolio import models, selectors
from portfolio.api.plain import represent
from portfolio.api.renderers import (
    Column,
    Sheet,
    columns_for,
    flatten,
    workbook_response,
)
from portfolio.api.serializers import BriefStartupSerializer, area
from portfolio.api.views import ExportReportView
from portfolio.selectors.statistics import TorchTotals


def thousand(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True, help_text=help_text)


class IncubationQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class TorchRowSerializer(serializers.Serializer):
    """One incubatee's line; money in 千元 (round(yuan / 1000), half up), area in m²."""

    startup = BriefStartupSerializer()
    credit_code = serializers.CharField(allow_null=True, help_text=_("统一社会信用代码"))
    founded_on = serializers.DateField(allow_null=True, help_text=_("成立时间"))
    admitted_on = serializers.DateField(help_text=_("入驻时间"))
    tech_area = serializers.CharField(help_text=_("Technology field (技术领域)."))
    is_illustrative = serializers.BooleanField(help_text=_("Invented demo data."))
    graduated = serializers.BooleanField(help_text=_("是否毕业企业: graduated by 31 December."))
    graduated_on = serializers.DateField(allow_null=True, help_text=_("毕业时间"))
    mentored = serializers.BooleanField(
        help_text=_("是否与创业导师建立辅导关系: a mentoring session in the year.")
    )
    high_tech_enterprise = serializers.BooleanField(
        help_text=_("高新技术企业: an approved certificate valid on some day of the year.")
    )
    high_tech_certificate = serializers.CharField(allow_blank=True)
    tech_sme = serializers.BooleanField(
        allow_null=True,
        help_text=_("科技型中小企业: an approved registration, else the startup's own answer."),
    )
    tech_sme_number = serializers.CharField(allow_blank=True)
    innovative_sme = serializers.BooleanField(help_text=_("创新型中小企业"))
    specialised_sme = serializers.BooleanField(help_text=_("专精特新中小企业"))
    little_giant = serializers.BooleanField(help_text=_("专精特新“小巨人”"))
    area_m2 = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("占用孵化器场地面积 (m²): leases running on its last day in the year."),
    )
    quarters_reported = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("The year's quarters with a KPI report.")
    )
    revenue = thousand(_("总收入 (千元): the year's quarterly reports summed."))
    rd_spend = thousand(_("R&D经费支出 (千元): the year's quarterly reports summed."))
    taxes_paid = thousand(_("实际上缴税费 (千元): the year's quarterly reports summed."))
    new_graduates_hired = serializers.IntegerField(
        allow_null=True, help_text=_("吸纳应届大学毕业生: the year's quarterly reports summed.")
    )
    headcount = serializers.IntegerField(
        allow_null=True, help_text=_("从业人员: the year's last reported quarter's.")
    )
    phd_staff = serializers.IntegerField(
        allow_null=True, help_text=_("Of whom PhDs (博士): the last reported quarter's.")
    )
    patents_filed = serializers.IntegerField(
        allow_null=True,
        help_text=_("当年申请: the year's last cumulative count minus the previous year's last."),
    )
    patents_granted = serializers.IntegerField(allow_null=True, help_text=_("当年授权"))
    invention_patents_filed = serializers.IntegerField(
        allow_null=True, help_text=_("Of which invention patents (发明专利), filed.")
    )
    invention_patents_granted = serializers.IntegerField(
        allow_null=True, help_text=_("Of which invention patents (发明专利), granted.")
    )
    financing = thousand(_("获得投融资额 (千元): rounds closed in the year."))
    vc_financing = thousand(_("Of which angel and venture capital (获天使/风险投资额)."))
    debt_financing = thousand(_("Of which debt (the stand-in for 银行贷款)."))


#: the help texts of the incubator sheet's figures (the others have none)
TOTALS_HELP = {
    "incubatees": _("在孵企业数: the rows."),
    "new_incubatees": _("当年新增在孵企业: admitted in the year."),
    "graduated_in_year": _("当年毕业企业"),
    "graduates_to_date": _("累计毕业企业数: by 31 December."),
    "with_patent_applications": _("已申请专利的在孵企业数"),
    "mentored": _("Incubatees with a mentoring session."),
    "financed": _("获投融资企业数: a round closed in the year."),
    "jobs": _("就业岗位: the incubatees' headcounts summed."),
    "incubatee_use_m2": _("在孵企业使用面积 (including public service areas), on 31 December."),
    "mentors": _("创业导师 in office on 31 December."),
    "controlled_area_m2": _("可自主支配面积 as stated for 31 December; null: not recorded."),
    "seed_fund": _("The incubator's seed fund (千元); null: not recorded."),
}


def totals_field(name: str, hint) -> serializers.Field:
    """A figure of ``TorchTotals`` by its type: a ``Decimal`` is an area in m², an ``int`` a
    count or 千元; null where the type admits None (not recorded)."""
    kinds = typing.get_args(hint) or (hint,)
    kind = area if Decimal in kinds else serializers.IntegerField
    return kind(allow_null=type(None) in kinds, help_text=TOTALS_HELP.get(name))


class TorchTotalsSerializer(serializers.Serializer):
    """The incubator sheet; money in 千元 of the exact yuan sums."""

    def get_fields(self):
        # every figure of the selector's ``TorchTotals``, in its order
        hints = typing.get_type_hints(TorchTotals)
        return {name: totals_field(name, hint) for name, hint in hints.items()}


class MissingCellSerializer(serializers.Serializer):
    startup = BriefStartupSerializer()
    column = serializers.CharField(help_text=_("The row's column the database lacks data for."))


class TorchReturnSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    unit = serializers.CharField(help_text=_("The unit of every money figure: 千元."))
    incubator = TorchTotalsSerializer()
    rows = TorchRowSerializer(many=True)
    missing = MissingCellSerializer(many=True)


FIGURE = Column("figure", ("figure",))
VALUE = Column("value", ("value",), "number")


def totals_sheet(totals: dict) -> list[list]:
    """The incubator sheet: one line per figure (its name and value)."""
    return [[name, value] for name, value in totals.items()]


class IncubationReturnView(ExportReportView):
    """The annual statistics return (``selectors.torch_return``). Closed to founders: it
    holds every incubatee's figures. ``?format=csv``: the incubatees; ``?format=xlsx``: the
    incubatees, the incubator and the missing data, one sheet each."""

    def permission_model(self):
        return models.KpiReport

    @extend_schema(
        summary=_("Annual statistics return (火炬统计)"),
        description=_(
            "The incubatees in incubation during `year` (admitted by 31 December, not "
            "graduated or gone before 1 January), one row each with the Torch columns the "
            "data fills; the incubator's totals; and the columns the database lacks for each "
            "incubatee (`missing`). Money in 千元, round(yuan / 1000) half up; area in m². "
            "`?format=csv`: the incubatees; `?format=xlsx`: three sheets. 400 naming `year` "
            "when it is missing or outside 2000-2100."
        ),
        parameters=[IncubationQuerySerializer],
        responses={200: TorchReturnSerializer},
    )
    def get(self, request):
        year = self.query(IncubationQuerySerializer)["year"]
        # Kept in the report cache as the answer (its JSON bytes, or for the exports its
        # plain data), not the selector's rows: unpickling a dataclass per incubatee cost
        # what computing them did (P5 of the statistics return).
        data = self.cached_answer(
            "torch_return_answer",
            (year,),
            lambda: represent(TorchReturnSerializer, selectors.torch_return(year)),
        )
        renderer = self.export_renderer()
        if renderer is None:
            return Response(data)
        row_columns = columns_for(TorchRowSerializer())
        missing_columns = columns_for(MissingCellSerializer())
        sheets = [
            Sheet(gettext("incubatees"), row_columns, flatten(row_columns, data["rows"])),
            Sheet(gettext("incubator"), [FIGURE, VALUE], totals_sheet(data["incubator"])),
            Sheet(
                gettext("missing data"),
                missing_columns,
                flatten(missing_columns, data["missing"]),
            ),
        ]
        return workbook_response(renderer, sheets, resource=f"incubation-return-{year}")
