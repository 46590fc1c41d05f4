"""Bulk import of startups, funding rounds (with participants) and KPI reports.

CSV (UTF-8, with or without BOM) or XLSX, one header row naming the columns. The rules are
the services' rules: every row is written through the same service the admin uses, inside
one transaction. A file with any bad row is refused whole: every bad row is listed with its
spreadsheet row number (the header is row 1), column and reason, and nothing is written. A
dry run does all of that and then rolls back, so the preview is exactly what a real run does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portfolio import services
from portfolio.audit import history_user
from portfolio.models import Institution, Investor, KpiReport, Stage, Startup
from portfolio.models.choices import AmountPrecision, RoundType, TechArea
from portfolio.services import common

MAX_ROWS = 20000

MSG_REQUIRED = _("This column is required.")
MSG_DATE = _("Enter a date as YYYY-MM-DD.")
MSG_INTEGER = _("Enter a whole number.")
MSG_NUMBER = _("Enter a number.")
MSG_CHOICE = _("Unknown value %(value)s; allowed: %(allowed)s.")
MSG_UNKNOWN = _("No %(what)s named %(value)s.")
MSG_AMBIGUOUS = _("%(value)s matches more than one %(what)s; use the credit code.")
MSG_MISSING_COLUMN = _("The file has no column %(column)s.")
MSG_UNKNOWN_COLUMN = _("Unknown column %(column)s.")
MSG_EMPTY_FILE = _("The file has no header row.")
MSG_NO_ROWS = _("The file has no data rows.")
MSG_TOO_MANY_ROWS = _("The file has more than %(max)d rows; split it.")
MSG_BAD_FILE = _("The file cannot be read as %(format)s: %(error)s")
MSG_FORMAT = _("Upload a .csv or .xlsx file.")
MSG_NUL = _("This cell contains a NUL character; remove it.")
MSG_PARTICIPANT = _("Write participants as “investor=amount; investor”; %(item)s is not that.")


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number; the header is row 1
    column: str  # "" when the error concerns the whole row or file
    message: str

    def __str__(self) -> str:
        where = gettext("row %(row)d") % {"row": self.row}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    written: int = 0
    dry_run: bool = True
    errors: list[RowError] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RowInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


# --- reading files ------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows (numbered as in a spreadsheet) of a CSV or XLSX file."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                MSG_BAD_FILE % {"format": "CSV (UTF-8)", "error": error}
            ) from None
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as error:  # e.g. a cell beyond the csv module's field limit
            raise ValidationError(MSG_BAD_FILE % {"format": "CSV", "error": error}) from None
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ValidationError(MSG_BAD_FILE % {"format": "XLSX", "error": error}) from None
        sheet = book.worksheets[0]
        rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        raise ValidationError(MSG_FORMAT)
    rows = [[_cell(value) for value in row] for row in rows]
    if not rows or not any(rows[0]):
        raise ValidationError(MSG_EMPTY_FILE)
    header = [column.strip() for column in rows[0]]
    while header and not header[-1]:
        header.pop()
    data = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
    return header, data


# --- parsing cells ------------------------------------------------------------------------


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise ValueError(MSG_DATE) from None


def _int(value: str) -> int:
    if not re.fullmatch(r"-?\d+", value):
        raise ValueError(MSG_INTEGER)
    return int(value)


def valid_trl(value: str) -> int:
    number = _int(value)
    if not 1 <= number <= 9:
        raise ValueError(common.MSG_TRL_RANGE)
    return number


def _money(value: str, *, allow_zero: bool = True) -> Decimal:
    try:
        return common.to_yuan(value.replace(",", ""), field="x", allow_zero=allow_zero)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None


def _number(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValueError(MSG_NUMBER) from None
    if not number.is_finite():
        raise ValueError(MSG_NUMBER)
    return number


def _choice(choices) -> Callable[[str], str]:
    """Accepts the stored value or the label in Chinese or English."""

    def parse(value: str) -> str:
        known = {}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for choice_value, label in choices.choices:
                    known[str(label).casefold()] = choice_value
        for choice_value in choices.values:
            known[choice_value.casefold()] = choice_value
        try:
            return known[value.casefold()]
        except KeyError:
            raise ValueError(
                MSG_CHOICE % {"value": value, "allowed": ", ".join(choices.values)}
            ) from None

    return parse


class Lookup:
    """Finds rows named in a file by any of their names, in one query per column."""

    def __init__(self, queryset, fields: tuple[str, ...], what: str):
        self.queryset, self.fields, self.what = queryset, fields, what
        self.index: dict[str, list[Any]] = {}

    def load(self, values: set[str]) -> None:
        values = {value for value in values if value}
        if not values:
            return
        condition = Q()
        for name in self.fields:
            condition |= Q(**{f"{name}__in": values})
        for obj in self.queryset.filter(condition):
            for name in self.fields:
                key = getattr(obj, name)
                if key:
                    bucket = self.index.setdefault(str(key).casefold(), [])
                    if obj not in bucket:
                        bucket.append(obj)

    def __call__(self, value: str):
        found = self.index.get(value.casefold(), [])
        if not found:
            raise ValueError(MSG_UNKNOWN % {"what": self.what, "value": value})
        if len(found) > 1:
            raise ValueError(MSG_AMBIGUOUS % {"what": self.what, "value": value})
        return found[0]


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    parse: Callable[[str], Any] | str | None = None  # a str names a Lookup of the importer
    help: str = ""


# --- the importers ------------------------------------------------------------------------


class Importer:
    kind = ""
    columns: tuple[Column, ...] = ()
    # service error keys that are not column names
    field_columns: dict[str, str] = {}
    lookups: dict[str, Lookup]

    def make_lookups(self) -> dict[str, Lookup]:
        return {}

    def parse_row(self, raw: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for column in self.columns:
            text = raw.get(column.name, "").strip()
            if not text:
                if column.required:
                    errors.append((column.name, str(MSG_REQUIRED)))
                continue
            parse = column.parse
            if isinstance(parse, str):
                parse = self.lookups[parse]
            try:
                values[column.name] = parse(text) if parse else text
            except ValueError as error:
                errors.append((column.name, str(error)))
        if errors:
            raise RowInvalid(errors)
        return values

    def write(self, values: dict[str, Any], user) -> Any:
        raise NotImplementedError

    def column_for(self, key: str) -> str:
        if key == NON_FIELD_ERRORS:
            return ""
        key = self.field_columns.get(key, key)
        return key if key in {column.name for column in self.columns} else ""


class StartupImporter(Importer):
    kind = "startups"
    columns = (
        Column("name", required=True, help=_("Chinese name (unique)")),
        Column("name_en", help=_("English name")),
        Column("credit_code", help=_("unified social credit code, 18 characters")),
        Column("tech_area", required=True, parse=_choice(TechArea), help=", ".join(TechArea)),
        Column("institution", parse="institution", help=_("origin institution's name")),
        Column("founders"),
        Column("founded_on", parse=_date, help="YYYY-MM-DD"),
        Column("admitted_on", parse=_date, help="YYYY-MM-DD"),
        Column("stage", required=True, parse="stage", help=_("stage slug or name")),
        Column("trl", required=True, parse=valid_trl, help="1-9"),
        Column("registered_region", help=_("e.g. 北京市海淀区")),
        Column("location"),
        Column("headcount", parse=_int),
        Column("website"),
        Column("description"),
    )
    field_columns = {"entered_on": "admitted_on"}

    def make_lookups(self):
        return {
            "institution": Lookup(
                Institution.objects.all(), ("name", "name_en", "short_name"), gettext("institution")
            ),
            "stage": Lookup(Stage.objects.all(), ("slug", "name", "name_en"), gettext("stage")),
        }

    def write(self, values, user):
        values = dict(values)
        return services.startup_create(
            name=values.pop("name"),
            tech_area=values.pop("tech_area"),
            stage=values.pop("stage"),
            trl=values.pop("trl"),
            by=user,
            **values,
        )


def _startup_lookup():
    return Lookup(Startup.objects.all(), ("credit_code", "name", "name_en"), gettext("startup"))


class RoundImporter(Importer):
    kind = "rounds"
    columns = (
        Column("startup", required=True, parse="startup", help=_("credit code or name")),
        Column("round_type", required=True, parse=_choice(RoundType), help=", ".join(RoundType)),
        Column("closed_on", required=True, parse=_date, help="YYYY-MM-DD"),
        Column("amount", parse=_money, help=_("yuan; empty when undisclosed")),
        Column("amount_precision", parse=_choice(AmountPrecision), help=", ".join(AmountPrecision)),
        Column("announced_as", help=_("e.g. 数千万元")),
        Column("pre_money_valuation", parse=_money, help=_("yuan")),
        Column("lead_investor", parse="investor", help=_("investor's name")),
        Column("participants", help=_("investor=amount; investor (amount optional)")),
        Column("note"),
    )

    def make_lookups(self):
        return {
            "startup": _startup_lookup(),
            "investor": Lookup(Investor.objects.all(), ("name", "name_en"), gettext("investor")),
        }

    def participants(self, text: str) -> list[services.ParticipantInput]:
        result = []
        for item in re.split(r"[;；\n]", text):
            item = item.strip()
            if not item:
                continue
            name, sep, amount = item.partition("=")
            if not name.strip() or (sep and not amount.strip()):
                raise ValueError(MSG_PARTICIPANT % {"item": item})
            investor = self.lookups["investor"](name.strip())
            result.append(
                services.ParticipantInput(
                    investor, _money(amount.strip(), allow_zero=False) if sep else None
                )
            )
        return result

    def parse_row(self, raw):
        errors = []
        try:
            values = super().parse_row(raw)
        except RowInvalid as invalid:
            errors, values = invalid.errors, {}
        if raw.get("participants", "").strip():
            try:
                values["participants"] = self.participants(raw["participants"])
            except ValueError as error:
                errors.append(("participants", str(error)))
        if errors:
            raise RowInvalid(errors)
        return values

    def investor_names(self, rows) -> set[str]:
        names = {raw.get("lead_investor", "").strip() for raw in rows}
        for raw in rows:
            for item in re.split(r"[;；\n]", raw.get("participants", "")):
                names.add(item.partition("=")[0].strip())
        return names

    def write(self, values, user):
        values = dict(values)
        values.setdefault("amount_precision", AmountPrecision.EXACT)
        return services.round_record(**values)


class KpiImporter(Importer):
    kind = "kpi"
    columns = (
        Column("startup", required=True, parse="startup", help=_("credit code or name")),
        Column("year", required=True, parse=_int),
        Column("quarter", required=True, parse=_int, help="1-4"),
        Column("revenue", parse=_money, help=_("yuan")),
        Column("rd_spend", parse=_money, help=_("yuan")),
        Column("headcount", parse=_int),
        Column("patents_filed", parse=_int),
        Column("patents_granted", parse=_int),
        Column("customers", parse=_int),
        Column("cash", parse=_money, help=_("yuan")),
        Column("runway_months", parse=_number, help=_("months")),
    )

    def make_lookups(self):
        return {"startup": _startup_lookup()}

    def write(self, values, user):
        # KPI reports have no service: their rules are the model's validation and constraints.
        return common.saved(KpiReport(**values))


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer for importer in (StartupImporter, RoundImporter, KpiImporter)
}


def run_import(
    kind: str, content: bytes, filename: str, *, dry_run: bool = True, user=None
) -> ImportResult:
    """Validate and (unless ``dry_run`` or any row is bad) write a whole file atomically."""
    importer = IMPORTERS[kind]()
    result = ImportResult(kind=kind, dry_run=dry_run)
    try:
        header, rows = read_table(content, filename)
    except ValidationError as error:
        result.errors.append(RowError(1, "", error.messages[0]))
        return result
    result.header = header
    known = [column.name for column in importer.columns]
    for column in header:
        if column and column not in known:
            result.errors.append(RowError(1, column, str(MSG_UNKNOWN_COLUMN % {"column": column})))
    for column in importer.columns:
        if column.required and column.name not in header:
            result.errors.append(
                RowError(1, column.name, str(MSG_MISSING_COLUMN % {"column": column.name}))
            )
    if not rows:
        result.errors.append(RowError(2, "", str(MSG_NO_ROWS)))
    if len(rows) > MAX_ROWS:
        result.errors.append(RowError(1, "", str(MSG_TOO_MANY_ROWS % {"max": MAX_ROWS})))
    if result.errors:
        return result

    records = [(number, dict(zip(header, row, strict=False))) for number, row in rows]
    # A NUL character is never data (and PostgreSQL refuses it even in a lookup).
    for number, raw in records:
        for column, value in raw.items():
            if "\x00" in value:
                result.errors.append(RowError(number, column, str(MSG_NUL)))
    if result.errors:
        return result
    result.rows = len(records)
    result.preview = [[raw.get(column, "") for column in header] for _n, raw in records[:50]]

    importer.lookups = importer.make_lookups()
    raws = [raw for _n, raw in records]
    for column in importer.columns:
        if isinstance(column.parse, str):
            names = {raw.get(column.name, "").strip() for raw in raws}
            if isinstance(importer, RoundImporter) and column.parse == "investor":
                names |= importer.investor_names(raws)
            importer.lookups[column.parse].load(names)

    with history_user(user), transaction.atomic():
        for number, raw in records:
            try:
                values = importer.parse_row(raw)
            except RowInvalid as invalid:
                result.errors += [RowError(number, col, msg) for col, msg in invalid.errors]
                continue
            try:
                with transaction.atomic():
                    importer.write(values, user)
            except ValidationError as error:
                for key, messages in _error_items(error):
                    column = importer.column_for(key)
                    result.errors += [RowError(number, column, msg) for msg in messages]
            except IntegrityError as error:
                result.errors.append(RowError(number, "", str(error).splitlines()[0]))
            else:
                result.written += 1
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.written = 0
    return result


def _error_items(error: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return [(key, ValidationError(items).messages) for key, items in error.error_dict.items()]
    return [(NON_FIELD_ERRORS, error.messages)]


# --- templates ----------------------------------------------------------------------------


def template_bytes(kind: str, fmt: str) -> bytes:
    """An empty file with the header row (XLSX: plus a sheet explaining each column)."""
    importer = IMPORTERS[kind]
    names = [column.name for column in importer.columns]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow(names)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append(names)
    notes = book.create_sheet(gettext("columns"))
    notes.append([gettext("column"), gettext("required"), gettext("notes")])
    for column in importer.columns:
        notes.append(
            [column.name, gettext("yes") if column.required else "", str(column.help or "")]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
