"""The technology-transfer ledger (成果转化台账, issue 16, ``incubator-ops.md`` §4): a research
result of an institution's team passing to a startup -- by transfer, licence, valuation for
equity (作价投资), joint or self implementation -- with the cash consideration, the equity
the institution and the researchers receive, the 赋权 (co-ownership or long-term use right)
and the IP items it covers (patents by their CN application number).

``services.transfers`` writes a transfer together with its IP items, all or nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portfolio.models.common import belongs_to, illustrative
from portfolio.models.fund import PERCENT
from portfolio.models.pipeline import MONEY, Institution, Startup
from portfolio.models.rules import between, check, non_negative, one_of
from portfolio.models.validators import validate_patent_application_number


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", _("transfer (转让)")
    LICENCE = "licence", _("licence (许可)")
    EQUITY = "equity", _("valuation for equity (作价投资)")
    JOINT = "joint", _("joint implementation")
    SELF = "self", _("self-implementation")


class Empowerment(models.TextChoices):
    NONE = "none", _("none")
    CO_OWNERSHIP = "co_ownership", _("co-ownership by the team")
    USE_RIGHT = "use_right", _("long-term use right")


class IpKind(models.TextChoices):
    INVENTION = "invention", _("invention patent")
    UTILITY_MODEL = "utility_model", _("utility model")
    DESIGN = "design", _("design patent")
    SOFTWARE = "software", _("software copyright")
    OTHER = "other", _("other (know-how, IC layout, ...)")


#: the kinds whose application number is a CN patent application number
PATENT_KINDS = (IpKind.INVENTION, IpKind.UTILITY_MODEL, IpKind.DESIGN)
#: the type digit (the fifth) each patent kind's application numbers carry: 8 and 9 are PCT
#: applications entering China as an invention and as a utility model
PATENT_TYPE_DIGITS = {
    IpKind.INVENTION: "18",
    IpKind.UTILITY_MODEL: "29",
    IpKind.DESIGN: "3",
}
MSG_KIND_TYPE = _(
    "The type digit of this application number (%(digit)s) is not that of a %(kind)s (%(digits)s)."
)
MSG_PERCENT_SUM = _("The equity to the institution and to the researchers add up to at most 100%.")


class TechTransfer(models.Model):
    """One transfer contract: an institution's result passing to a startup."""

    startup = belongs_to(Startup, _("startup"), "tech_transfers")
    institution = belongs_to(Institution, _("institution"), "tech_transfers")
    team = models.CharField(
        _("team"),
        max_length=500,
        blank=True,
        help_text=_("The researchers (and their shares), as the contract names them."),
    )
    title = models.CharField(_("result"), max_length=300)
    mode = models.CharField(_("mode"), max_length=16, choices=TransferMode.choices)
    contract_on = models.DateField(_("contract date"))
    consideration = models.DecimalField(_("cash consideration (yuan)"), default=0, **MONEY)
    equity_to_institution_pct = models.DecimalField(
        _("equity to the institution (%)"), default=0, **PERCENT
    )
    equity_to_researchers_pct = models.DecimalField(
        _("equity to the researchers (%)"), default=0, **PERCENT
    )
    empowerment = models.CharField(
        _("empowerment (赋权)"),
        max_length=16,
        choices=Empowerment.choices,
        default=Empowerment.NONE,
    )
    co_ownership_pct = models.DecimalField(
        _("team's co-ownership (%)"), null=True, blank=True, **PERCENT
    )
    use_right_years = models.PositiveSmallIntegerField(
        _("use right (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    note = models.TextField(_("note"), blank=True)
    is_illustrative = illustrative()

    class Meta:
        ordering = ["-contract_on", "-id"]
        verbose_name = _("technology transfer")
        verbose_name_plural = _("technology transfers")
        indexes = [
            # the list's default order (newest first, ties by id: read off the index, no sort
            # of a day's rows, bar P8) and the contract-date filters
            models.Index(fields=ordering, name="tech_transfer_list_idx"),
        ]
        constraints = [
            one_of(
                "tech_transfer_mode_valid",
                "mode",
                TransferMode,
                message=_("Unknown transfer mode."),
            ),
            one_of(
                "tech_transfer_empowerment_valid",
                "empowerment",
                Empowerment,
                message=_("Unknown empowerment."),
            ),
            non_negative(
                "tech_transfer_consideration_non_negative",
                "consideration",
                message=_("The consideration cannot be negative."),
            ),
            check(
                "tech_transfer_pct_range",
                Q(**between(0, 100, "equity_to_institution_pct", "equity_to_researchers_pct")),
                message=_("An equity share lies between 0 and 100%."),
            ),
            check(
                "tech_transfer_pct_sum",
                Q(
                    equity_to_institution_pct__lte=100 - F("equity_to_researchers_pct"),
                ),
                message=MSG_PERCENT_SUM,
            ),
            check(
                "tech_transfer_co_ownership_range",
                Q(co_ownership_pct__isnull=True)
                | Q(co_ownership_pct__gte=0, co_ownership_pct__lte=100),
                message=_("The team's co-ownership lies between 0 and 100%."),
            ),
            check(
                "tech_transfer_use_right_years_positive",
                Q(use_right_years__isnull=True) | Q(use_right_years__gte=1),
                message=_("A use right lasts at least a year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.startup} · {self.contract_on:%Y-%m-%d}"

    def clean(self) -> None:
        # The sum's constraint names no field; this names the researchers' share.
        inst, res = self.equity_to_institution_pct, self.equity_to_researchers_pct
        if inst is not None and res is not None and inst + res > 100:
            raise ValidationError(
                {"equity_to_researchers_pct": ValidationError(MSG_PERCENT_SUM, code="sum")}
            )


class TechTransferIpItem(models.Model):
    """An IP item a transfer covers: a patent by its CN application number, a software
    copyright, know-how."""

    transfer = belongs_to(
        TechTransfer, _("technology transfer"), "ip_items", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IpKind.choices)
    application_number = models.CharField(
        _("application number"),
        max_length=20,
        blank=True,
        help_text=_(
            "For a patent: the CN application number, e.g. 201810123456.5 (CN and the dot "
            "optional; stored without CN, with the dot)."
        ),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)

    class Meta:
        ordering = ["transfer", "id"]
        verbose_name = _("IP item")
        verbose_name_plural = _("IP items")
        constraints = [
            one_of("tech_transfer_ip_kind_valid", "kind", IpKind, message=_("Unknown IP kind.")),
        ]

    def __str__(self) -> str:
        return " ".join(filter(None, [self.get_kind_display(), self.application_number]))

    def clean(self) -> None:
        if self.kind in PATENT_KINDS and self.application_number:
            try:
                validate_patent_application_number(self.application_number)
            except ValidationError as error:
                raise ValidationError({"application_number": error}) from error
            digit = self.application_number.strip().upper().removeprefix("CN")[4]
            if digit not in PATENT_TYPE_DIGITS[self.kind]:
                raise ValidationError(
                    {
                        "application_number": ValidationError(
                            MSG_KIND_TYPE,
                            code="kind_type",
                            params={
                                "digit": digit,
                                "kind": self.get_kind_display(),
                                "digits": " / ".join(PATENT_TYPE_DIGITS[self.kind]),
                            },
                        )
                    }
                )
