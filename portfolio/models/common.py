"""What several models declare the same way: one abstract base per shared set of fields, and
the ``illustrative`` flag (the database's rules live in ``rules``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.models.validators import validate_credit_code

#: what an invented row says of itself (``illustrative``'s usual help text)
INVENTED = _("Invented demo data, not a fact from the source.")


def illustrative(help_text=INVENTED) -> models.BooleanField:
    """The flag of invented demo data: shown with the row, so no one takes it for a fact."""
    return models.BooleanField(_("illustrative"), default=False, help_text=help_text)


def credit_code_field(**options) -> models.CharField:
    """A company's unified social credit code (统一社会信用代码): optional, unique, checked by
    ``validate_credit_code`` (and in the database by ``rules.credit_code_format``)."""
    return models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
        **options,
    )


def belongs_to(
    to, verbose_name, related_name, *, one=False, on_delete=models.PROTECT, **options
) -> models.ForeignKey:
    """The row's parent (its startup, fund, call, LP, account...). By default a parent that has
    rows cannot be deleted (PROTECT); ``on_delete=models.CASCADE`` for a row that is part of
    its parent and goes with it, ``models.SET_NULL`` (with ``null=True``) for a link that is
    emptied when its row goes. ``one``: at most one such row a parent (a one-to-one field)."""
    field = models.OneToOneField if one else models.ForeignKey
    return field(
        to, verbose_name=verbose_name, on_delete=on_delete, related_name=related_name, **options
    )


def done_by(verbose_name, related_name="+", **options) -> models.ForeignKey:
    """The staff member or founder who did something to the row (entered, uploaded, invited,
    reviewed it): emptied if the account is deleted; by default no reverse accessor."""
    return belongs_to(
        settings.AUTH_USER_MODEL,
        verbose_name,
        related_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        **options,
    )


class CreatedByMixin(models.Model):
    """Who entered the row and when, both set by the system (never in a form): the staff
    member (``created_by``, emptied if the account is deleted; no reverse accessor) and
    the moment (``created_at``). The services pass the user as ``by``."""

    created_by = done_by(_("created by"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True
