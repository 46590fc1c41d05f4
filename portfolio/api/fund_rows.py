"""Viewsets of the fund's money rows toward companies (``api-contract.md``, "The fund's
investors"): disbursements, valuation marks and company distributions. Fund managers write
(through ``services.fund``, as the admin does); every role that reads the fund reads them.
Lists answer JSON, CSV and XLSX with the same filters, in a constant number of queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portfolio import models
from portfolio.api.fund_row_serializers import (
    DisbursementCreateSerializer,
    DisbursementFilterSet,
    DisbursementSerializer,
    DistributionCreateSerializer,
    DistributionFilterSet,
    DistributionSerializer,
    ValuationMarkCreateSerializer,
    ValuationMarkFilterSet,
    ValuationMarkSerializer,
)
from portfolio.api.schema import documented
from portfolio.api.views import FundRowsViewSet


@documented(
    list=_("The fund's payments into companies"),
    create=_("Pay cash against a commitment (fund managers)"),
    create_description=_(
        "Checked by the same service as the admin's: 400 naming `amount` above what the "
        "commitment has not yet paid (the message says how much remains), `paid_on` before "
        "the approval or after the holding ended, `round` for a round of another startup, "
        "`commitment` for a cancelled one, `tranche` for a tranche of another commitment "
        "or one whose milestone is not verified (the message holds the milestone's id and "
        "title), `amount` above what the tranche has not yet paid. A refusal writes nothing."
    ),
)
class DisbursementViewSet(FundRowsViewSet):
    """Cash the fund paid against its commitments, each with its fund, startup and round."""

    queryset = models.Disbursement.objects.select_related("commitment__fund", "commitment__startup")
    serializer_class = DisbursementSerializer
    write_serializer_class = DisbursementCreateSerializer
    filterset_class = DisbursementFilterSet
    search_fields = [
        "commitment__startup__name",
        "commitment__startup__name_en",
        "note",
    ]
    fund_path = "commitment__fund"
    resource = "disbursements"


@documented(
    list=_("The fund's valuation marks of its holdings"),
    create=_("Mark a holding to fair value (fund managers)"),
    create_description=_(
        "A mark on a day that has one replaces it. 400 naming `as_of` after the holding "
        "ended (an exit or write-off: its fair value is 0 from that date), `fair_value` "
        "above 0 on the day it ended, `startup` when the fund holds nothing of it."
    ),
)
class ValuationMarkViewSet(FundRowsViewSet):
    """The fair value of each holding at a date, with the method used."""

    queryset = models.ValuationMark.objects.select_related("fund", "startup")
    serializer_class = ValuationMarkSerializer
    write_serializer_class = ValuationMarkCreateSerializer
    filterset_class = ValuationMarkFilterSet
    search_fields = ["startup__name", "startup__name_en", "note"]
    dated_by = "as_of"
    money_field = "fair_value"
    resource = "valuation-marks"


@documented(
    list=_("Proceeds from companies: exits, dividends, write-offs"),
    create=_("Record proceeds from a company (fund managers)"),
    create_description=_(
        "An exit or a write-off ends the holding: once (a second is a 400 naming `kind`), "
        "after its last payment and mark (else 400 naming `paid_on`); a write-off may be "
        "0, every other kind is positive. A dividend leaves the holding open."
    ),
)
class DistributionViewSet(FundRowsViewSet):
    """Cash the fund got back from its holdings; an exit or a write-off ends a holding."""

    queryset = models.Distribution.objects.select_related("fund", "startup")
    serializer_class = DistributionSerializer
    write_serializer_class = DistributionCreateSerializer
    filterset_class = DistributionFilterSet
    search_fields = ["startup__name", "startup__name_en", "note"]
    resource = "distributions"
