"""Shared admin behaviour: service refusals shown on the form, history, money-row deletes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portfolio import selectors
from portfolio.admin.forms import ServiceErrorsFormMixin
from portfolio.formatting import money

admin.site.site_header = _("Quantum Technology Incubator")
admin.site.site_title = _("Incubator admin")
admin.site.index_title = _("Pipeline and fund")


def adopt(target: models.Model, source: models.Model) -> None:
    """Make the admin's unsaved instance the row a service wrote (pk, fields, caches)."""
    target.__dict__.update(source.__dict__)


def fund_filter(related, outer: str, fund_path: str, title=None):
    """A list filter "fund": rows linked to a fund through the ``related`` queryset (an
    EXISTS subquery, so no duplicated rows and no join on the changelist). Pass the rows
    that count, e.g. ``Commitment.objects.live()``: a cancelled commitment holds nothing."""
    from django.db.models import Exists, OuterRef

    from portfolio.models import Fund

    class FundFilter(admin.SimpleListFilter):
        parameter_name = "fund"

        def lookups(self, request, model_admin):
            return [(str(fund.pk), str(fund)) for fund in Fund.objects.order_by("name")]

        def queryset(self, request, queryset):
            value = self.value()
            if not value or not value.isdigit():
                return queryset
            linked = related.filter(**{outer: OuterRef("pk"), fund_path: value})
            return queryset.filter(Exists(linked))

    FundFilter.title = title or _("fund")
    return FundFilter


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the submitted value up to show it again; a value
    that is no id at all ("abc", 10 kB of text) raised ValueError there, a 500 instead of the
    form's own "select a valid choice" error. Such values are simply not shown."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_key(v)], attr)

    def _is_key(self, value) -> bool:
        try:
            key = self.field.target_field.to_python(value)
        except ValidationError:
            return False
        return not isinstance(key, int) or abs(key) < 2**63


class SafeAutocompleteMixin:
    """Autocomplete fields with :class:`SafeAutocompleteSelect` (admins and inlines)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NonNegativeDecimalsMixin:
    """Every decimal of the app (yuan, percentages, months) is zero or more. The models' check
    constraints say so too, but their refusal names no field; the form field names it."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            kwargs.setdefault("min_value", Decimal("0"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def search_terms(search_term: str) -> list[str]:
    """The words of an admin search, as Django's admin splits them."""
    from django.utils.text import smart_split, unescape_string_literal

    terms = []
    for term in smart_split(search_term):
        if term[:1] in {'"', "'"} and term[-1:] == term[:1]:
            term = unescape_string_literal(term)
        if term:
            terms.append(term)
    return terms


def refuse_search(request, queryset):
    """A search of too many words: no rows, and a message saying why."""
    messages.error(request, selectors.MSG_SEARCH_TERMS % {"max": selectors.MAX_SEARCH_TERMS})
    return queryset.none(), False


class SearchTermsMixin:
    """Refuses a search of more than ``MAX_SEARCH_TERMS`` words (a message, no rows)."""

    def get_search_results(self, request, queryset, search_term):
        if len(search_terms(search_term)) > selectors.MAX_SEARCH_TERMS:
            return refuse_search(request, queryset)
        return super().get_search_results(request, queryset, search_term)


class SubquerySearchMixin:
    """Search ``search_fields`` plus related rows matched through ``search_subqueries``.

    A search across a to-many relation (a startup's rounds' investors) joins and then needs
    DISTINCT on the whole changelist; an ``IN (subquery)`` per term keeps one row per object
    and lets the database evaluate the subquery once. Terms combine as in Django's admin:
    every term must match some field.
    """

    def search_subqueries(self, term: str):
        """Yield ``Q`` objects matching rows related to ``term``."""
        return ()

    def get_search_results(self, request, queryset, search_term):
        from django.db.models import Q

        terms = search_terms(search_term)
        if len(terms) > selectors.MAX_SEARCH_TERMS:
            return refuse_search(request, queryset)
        for term in terms:
            condition = Q()
            for field in self.get_search_fields(request):
                condition |= Q(**{f"{field}__icontains": term})
            for extra in self.search_subqueries(term):
                condition |= extra
            queryset = queryset.filter(condition)
        return queryset, False


class AmountMixin:
    """The column "amount" of a row with an ``amount`` in yuan, sortable."""

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return money(obj.amount)


class ServiceAdminMixin:
    """Writes go through services; a refusal re-renders the form with the rule's message.

    The admin's change view runs inside a transaction: a ``ValidationError`` raised by a
    service from ``save_model``/``save_related`` rolls everything back. The POST is then
    validated again with the error attached to the form class, so the user sees the same
    form with the message next to its field, never a 500 and never a partial write.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        error = getattr(request, "_service_error", None)
        if error is not None:
            form = type(form.__name__, (ServiceErrorsFormMixin, form), {"service_error": error})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST" or getattr(request, "_service_error", None) is not None:
                raise
            request._service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)


class BaseAdmin(
    SearchTermsMixin,
    NonNegativeDecimalsMixin,
    SafeAutocompleteMixin,
    ServiceAdminMixin,
    SimpleHistoryAdmin,
):
    """Every model admin: history page (read-only; reverting would bypass the services)."""

    list_per_page = 50
    # Django 6 assumes https for a bare "example.com"; say so now (and silence the warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def report_bulk(self, request, write: Callable[[], list], done) -> None:
        """Run an admin action's all-or-nothing service (``write``) and tell the user: each
        refusal's message (nothing written), or ``done``, an ``ngettext_lazy`` message whose
        number is ``"n"``, the count written."""
        try:
            written = write()
        except ValidationError as error:  # each message names its row; nothing written
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return
        self.message_user(request, done % {"n": len(written)}, messages.SUCCESS)


@dataclass(frozen=True)
class ServiceWrites:
    """How an admin writes its rows: ``create(by=, **the add form's fields)``, and
    ``update(<row>=obj, by=, **the editable fields the form changed)``."""

    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    row: str  # the update service's name for the row
    editable: tuple[str, ...]  # the update service's editable-field list

    @classmethod
    def saving(cls, save: Callable[..., models.Model], row: str, editable: tuple[str, ...]):
        """One service writes both ways: ``save(<row>=None, ...)`` adds, ``save(<row>=obj,
        ...)`` changes."""
        return cls(partial(save, **{row: None}), save, row, editable)


class ServiceWritesMixin:
    """A row added and changed through its two services, ``writes`` (a refusal shows next to
    its field). The form's fields are the update service's editable ones, then ``add_only``:
    fields given on add only (``is_illustrative``, an agreement's startup), which the update
    service does not edit and so the change form shows read-only; an admin sets ``fields``
    itself only when the order differs (an agreement's startup comes first). Once the row
    exists its form also shows the ``readonly_fields`` (who entered it and when)."""

    writes: ServiceWrites
    add_only: tuple[str, ...] = ()

    def form_fields(self) -> tuple[str, ...]:
        return self.fields or (*self.writes.editable, *self.add_only)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + self.add_only if obj is not None else readonly

    def get_fields(self, request, obj=None):
        return self.form_fields() + (self.readonly_fields if obj is not None else ())

    def save_model(self, request, obj, form, change):
        writes = self.writes
        if change:
            changed = {n: getattr(obj, n) for n in form.changed_data if n in writes.editable}
            written = writes.update(**{writes.row: obj}, by=request.user, **changed)
        else:
            added = {n: getattr(obj, n) for n in self.form_fields()}
            written = writes.create(by=request.user, **added)
        adopt(obj, written)


class EnteredRowsMixin:
    """Rows that record who entered them and when: both shown once the row exists, read-only
    (with ``ServiceWritesMixin``); their lists grow long, so no full count."""

    readonly_fields = ("created_by", "created_at")
    show_full_result_count = False


class MoneyAdmin(BaseAdmin):
    """Money rows are never hard-deleted, except by a superuser."""

    def has_delete_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_superuser)


class ShownOnlyMixin:
    """Rows written elsewhere (with their parent, by a service or a command): listed and shown
    here, never added or changed; deleting is as the admin's base class says."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(ShownOnlyMixin):
    """Nobody adds, changes or deletes here (the rows are written elsewhere, by services)."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, BaseAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True
