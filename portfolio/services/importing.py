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
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.cell import column_index_from_string

from portfolio import services
from portfolio.audit import history_user
from portfolio.models import (
    Facility,
    Institution,
    Investor,
    KpiReport,
    Mentor,
    Stage,
    Startup,
)
from portfolio.models.choices import AmountPrecision, RoundType, TechArea
from portfolio.models.operations import SpaceKind
from portfolio.services import common
from portfolio.services import messages as msg

MAX_ROWS = 20000

MSG_REQUIRED = _("This column is required.")
MSG_DATE = _("Enter a date as YYYY-MM-DD.")
MSG_DATETIME = _("Enter a date and time as YYYY-MM-DD HH:MM (Beijing time).")
MSG_BOOLEAN = _("Enter yes or no.")
MSG_INTEGER = _("Enter a whole number.")
MSG_NUMBER = _("Enter a number.")
MSG_CHOICE = _("Unknown value %(value)s; allowed: %(allowed)s.")
MSG_UNKNOWN = _("No %(what)s named %(value)s.")
MSG_AMBIGUOUS = _("%(value)s matches more than one %(what)s; use the credit code.")
MSG_AMBIGUOUS_NAME = _("%(value)s matches more than one %(what)s; rename one in the admin.")
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
#
# Memory and time are bounded by the caps whatever the file claims (bar R11): the upload's
# size is checked before anything is parsed; CSV rows are counted as they are read; an XLSX
# file's parts are checked against their uncompressed sizes before any is opened, and its
# sheet is read one cell at a time (its <dimension> tag is ignored, cells beyond the header's
# columns are dropped as they come, reading stops at the row cap). A file that cannot be
# read (broken XML, entity payloads: expat refuses entity amplification and never fetches an
# external entity) is the importer's row error, never a 500.

MAX_COLUMNS = 30
#: an XLSX file's sheet and shared strings, uncompressed; 20,000 rows of 15 columns take ~25 MB
MAX_XLSX_XML_BYTES = 48 * 1024 * 1024
#: any other part of an XLSX file (workbook, styles, relationships), uncompressed: openpyxl
#: reads these whole
MAX_XLSX_PART_BYTES = 2 * 1024 * 1024
MAX_XLSX_PARTS = 500
#: cells read in all (blank ones and ones beyond the header's columns included)
MAX_CELLS = (MAX_ROWS + 1) * MAX_COLUMNS
#: rows read in all, blank ones included
MAX_SHEET_ROWS = 2 * MAX_ROWS

MSG_TOO_LARGE = _("The file is larger than %(size)s; split it.")
MSG_TOO_LARGE_XLSX = _("The file holds more than %(size)s of spreadsheet data; split it.")
MSG_TOO_MANY_COLUMNS = _("The file has more than %(max)d columns.")
MSG_DTD = _("The file's part %(part)s declares a DTD (entities); a spreadsheet has none.")
CHUNK = 64 * 1024


class TableUnreadable(ValidationError):
    """A file refused while reading it; ``row`` is where (1: the file as a whole)."""

    def __init__(self, message, row: int = 1):
        super().__init__(message)
        self.row = row


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def check_upload_size(size: int) -> None:
    """Refuses an upload over ``IMPORT_MAX_BYTES`` (checked before it is even read)."""
    if size > max_upload_bytes():
        raise TableUnreadable(MSG_TOO_LARGE % {"size": megabytes(max_upload_bytes())})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """The records of a UTF-8 CSV file, numbered from 1, decoded and split as they are read."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, row
    except UnicodeDecodeError as error:
        raise TableUnreadable(
            MSG_BAD_FILE % {"format": "CSV (UTF-8)", "error": error}, row=number + 1
        ) from None
    except csv.Error as error:  # e.g. a cell beyond the csv module's field limit
        raise TableUnreadable(
            MSG_BAD_FILE % {"format": "CSV", "error": error}, row=number + 1
        ) from None


class _Stop(Exception):
    """Ends an expat scan early (the root element started: no DTD can follow)."""


def _refuse_dtd(name: str, data) -> None:
    """A spreadsheet part never declares a DTD; one that does is refused before anything
    parses it (entity payloads: billion laughs, external entities). Only the prolog is
    read: parsing stops at the root element."""
    parser = expat.ParserCreate()

    def doctype(*_args):
        raise TableUnreadable(MSG_DTD % {"part": name})

    def root(*_args):
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        while chunk := data.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        return


def _xlsx_reader(content: bytes):
    """openpyxl's reader of the package, after checking every part's uncompressed size (a
    zip's declared sizes bound what it inflates: ``ZipExtFile`` stops there) and that no
    part declares a DTD."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, WORKSHEET_TYPE
    from openpyxl.xml.functions import fromstring

    too_large = TableUnreadable(MSG_TOO_LARGE_XLSX % {"size": megabytes(MAX_XLSX_XML_BYTES)})
    archive = zipfile.ZipFile(io.BytesIO(content))
    parts = {info.filename: info.file_size for info in archive.infolist()}
    if len(parts) > MAX_XLSX_PARTS or sum(parts.values()) > MAX_XLSX_XML_BYTES:
        raise too_large
    for name in parts:
        if name.endswith((".xml", ".rels")):
            with archive.open(name) as data:
                _refuse_dtd(name, data)
    if parts.get(ARC_CONTENT_TYPES, 0) > MAX_XLSX_PART_BYTES:
        raise too_large
    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    streamed = {
        part.PartName.lstrip("/")
        for part in manifest.Override
        if part.ContentType in (SHARED_STRINGS, WORKSHEET_TYPE)
    }
    if any(size > MAX_XLSX_PART_BYTES for name, size in parts.items() if name not in streamed):
        raise too_large
    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    return reader


class _SheetReader:
    """The first worksheet's rows from expat's events, one cell at a time: a row is a dict
    of its first ``MAX_COLUMNS`` cells' values, nothing else is kept (no element tree)."""

    def __init__(self, shared_strings, date_formats, timedelta_formats, epoch):
        self.shared_strings = shared_strings
        self.date_formats, self.timedelta_formats = date_formats, timedelta_formats
        self.epoch = epoch
        self.row = self.column = self.rows = self.cells = 0
        self.values: dict[int, Any] = {}
        self.done: list[tuple[int, dict[int, Any]]] = []
        self.cell_type = self.cell_style = None
        self.text: list[str] | None = None  # collecting a value's text
        self.value: str | None = None
        self.in_phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition("}")[2]
        if tag == "row":
            self.rows += 1
            if self.rows > MAX_SHEET_ROWS:
                raise TableUnreadable(MSG_TOO_MANY_ROWS % {"max": MAX_ROWS}, row=self.row)
            number = attrs.get("r")
            self.row = int(number) if number else self.row + 1
            self.column = 0
            self.values = {}
        elif tag == "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise TableUnreadable(MSG_TOO_MANY_ROWS % {"max": MAX_ROWS}, row=self.row)
            coordinate = attrs.get("r")
            if coordinate:
                letters = coordinate.rstrip("0123456789")
                self.column = column_index_from_string(letters)
            else:
                self.column += 1
            self.cell_type = attrs.get("t", "n")
            self.cell_style = int(attrs.get("s", 0) or 0)
            self.value = None
        elif tag == "v" or (tag == "t" and self.cell_type == "inlineStr"):
            if not self.in_phonetic:
                self.text = []
        elif tag == "rPh":
            self.in_phonetic = True

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, name: str) -> None:
        tag = name.rpartition("}")[2]
        if tag in ("v", "t") and self.text is not None:
            self.value = (self.value or "") + "".join(self.text)
            self.text = None
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c":
            if self.column <= MAX_COLUMNS:
                self.values[self.column] = self.convert(self.value)
            elif self.value and self.row == 1:
                raise TableUnreadable(MSG_TOO_MANY_COLUMNS % {"max": MAX_COLUMNS})
        elif tag == "row":
            self.done.append((self.row, self.values))
            self.values = {}

    def convert(self, value: str | None) -> Any:
        """A cell's value as openpyxl's ``WorkSheetParser.parse_cell`` gives it (data only)."""
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        kind = self.cell_type
        if value is None or value == "" and kind != "inlineStr":
            return None
        if kind == "n":
            number = float(value) if any(c in value for c in ".Ee") else int(value)
            if self.cell_style in self.date_formats:
                timedelta = self.cell_style in self.timedelta_formats
                return from_excel(number, self.epoch, timedelta=timedelta)
            return number
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # inlineStr, str (a formula's text), e (an error's text)


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    """The rows of the first worksheet, numbered as in the sheet, each a list of its first
    ``MAX_COLUMNS`` cells' values, read in chunks as they come."""
    try:
        reader = _xlsx_reader(content)
        sheet_path = next(
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if rel.Type.endswith("/worksheet")
        )
        source = reader.archive.open(sheet_path)
    except TableUnreadable:
        raise
    except Exception as error:  # zipfile, expat, lxml and openpyxl raise many kinds
        raise TableUnreadable(MSG_BAD_FILE % {"format": "XLSX", "error": error}) from None
    book = reader.wb
    sheet = _SheetReader(
        reader.shared_strings, book._date_formats, book._timedelta_formats, book.epoch
    )
    parser = expat.ParserCreate(namespace_separator="}")

    def doctype(*_args):
        raise TableUnreadable(MSG_DTD % {"part": sheet_path})

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = sheet.start
    parser.EndElementHandler = sheet.end
    parser.CharacterDataHandler = sheet.data
    parser.buffer_text = True
    try:
        with source:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
                yield from _row_lists(sheet)
            parser.Parse(b"", True)
            yield from _row_lists(sheet)
    except TableUnreadable:
        raise
    except Exception as error:  # broken XML, undefined entities, impossible cells
        raise TableUnreadable(
            MSG_BAD_FILE % {"format": "XLSX", "error": error}, row=max(sheet.row, 1)
        ) from None


def _row_lists(sheet: _SheetReader) -> Iterator[tuple[int, list[Any]]]:
    done, sheet.done = sheet.done, []
    for number, values in done:
        width = max(values, default=0)
        yield number, [values.get(column) for column in range(1, width + 1)]


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows (numbered as in a spreadsheet) of a CSV or XLSX file:
    at most ``MAX_ROWS`` non-blank rows, each cut to the header's columns."""
    name = filename.lower()
    check_upload_size(len(content))
    if name.endswith(".csv"):
        records: Iterator[tuple[int, list[Any]]] = _csv_rows(content)
    elif name.endswith(".xlsx"):
        records = _xlsx_rows(content)
    else:
        raise ValidationError(MSG_FORMAT)
    header: list[str] | None = None
    data: list[tuple[int, list[str]]] = []
    for number, raw in records:
        if header is None:
            if number != 1 or not any(_cell(value) for value in raw[:MAX_COLUMNS]):
                raise ValidationError(MSG_EMPTY_FILE)
            if any(_cell(value) for value in raw[MAX_COLUMNS:]):
                raise TableUnreadable(MSG_TOO_MANY_COLUMNS % {"max": MAX_COLUMNS})
            header = [_cell(value) for value in raw[:MAX_COLUMNS]]
            while header and not header[-1]:
                header.pop()
            width = len(header)
            continue
        row = [_cell(value) for value in raw[:width]]
        row += [""] * (width - len(row))
        if any(row):
            data.append((number, row))
            if len(data) > MAX_ROWS:
                raise TableUnreadable(MSG_TOO_MANY_ROWS % {"max": MAX_ROWS})
    if header is None:
        raise ValidationError(MSG_EMPTY_FILE)
    return header, data


# --- parsing cells ------------------------------------------------------------------------


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise ValueError(MSG_DATE) from None


def _datetime(value: str) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` (or a date alone: midnight), naive: the services read it in the
    project's zone, Asia/Shanghai."""
    text = value.replace("/", "-").replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(MSG_DATETIME)


YES = {"1", "yes", "y", "true", "是", "x"}
NO = {"0", "no", "n", "false", "否"}


def _boolean(value: str) -> bool:
    folded = value.casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(MSG_BOOLEAN)


def _int(value: str) -> int:
    if not re.fullmatch(r"-?\d+", value):
        raise ValueError(MSG_INTEGER)
    return int(value)


def valid_trl(value: str) -> int:
    number = _int(value)
    if not 1 <= number <= 9:
        raise ValueError(msg.TRL_RANGE)
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

    def __init__(self, queryset, fields: tuple[str, ...], what: str, ambiguous=MSG_AMBIGUOUS):
        self.queryset, self.fields, self.what = queryset, fields, what
        self.ambiguous = ambiguous
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
            raise ValueError(self.ambiguous % {"what": self.what, "value": value})
        return found[0]


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    parse: Callable[[str], Any] | str | None = None  # a str names a Lookup of the importer
    help: str = ""


#: the column naming a row's startup, in every importer of startups' rows
STARTUP_COLUMN = Column("startup", required=True, parse="startup", help=_("credit code or name"))


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
        STARTUP_COLUMN,
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
        STARTUP_COLUMN,
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
        Column("taxes_paid", parse=_money, help=_("yuan")),
        Column("phd_staff", parse=_int),
        Column("new_graduates_hired", parse=_int),
        Column("invention_patents_filed", parse=_int),
        Column("invention_patents_granted", parse=_int),
    )

    def make_lookups(self):
        return {"startup": _startup_lookup()}

    def write(self, values, user):
        # KPI reports have no service: their rules are the model's validation and constraints.
        return common.saved(KpiReport(**values))


class LeaseImporter(Importer):
    """Space leases, through ``space_lease_create`` (a unit leased twice for a day is
    refused on ``starts_on``, as in the admin)."""

    kind = "leases"
    columns = (
        STARTUP_COLUMN,
        Column("unit", required=True, help=_("e.g. A座 301")),
        Column("kind", required=True, parse=_choice(SpaceKind), help=", ".join(SpaceKind)),
        Column("area_m2", required=True, parse=_number, help="m²"),
        Column("starts_on", required=True, parse=_date, help="YYYY-MM-DD"),
        Column("ends_on", parse=_date, help=_("YYYY-MM-DD; empty: open-ended")),
        Column("list_rent", parse=_money, help=_("yuan a month")),
        Column("actual_rent", parse=_money, help=_("yuan a month; empty: the list rent")),
        Column("subsidy", parse=_money, help=_("yuan a month")),
        Column("subsidy_source", help=_("who pays the subsidy")),
        Column("is_public_service_area", parse=_boolean, help=_("yes or no")),
        Column("note"),
    )

    def make_lookups(self):
        return {"startup": _startup_lookup()}

    def write(self, values, user):
        return services.space_lease_create(by=user, **values)


class BookingImporter(Importer):
    """Bookings of the shared facilities, through ``facility_booking_create`` (an overlap
    with another booking of the facility, in the file or in the database, is refused on
    ``starts_at``)."""

    kind = "bookings"
    columns = (
        Column("facility", required=True, parse="facility", help=_("facility's name")),
        STARTUP_COLUMN,
        Column("starts_at", required=True, parse=_datetime, help="YYYY-MM-DD HH:MM"),
        Column("ends_at", required=True, parse=_datetime, help="YYYY-MM-DD HH:MM"),
        Column("units", parse=_number, help=_("billed units: hours, days or cool-down runs")),
        Column("helium_litres", parse=_number, help=_("liquid helium, litres")),
        Column("note"),
    )

    def make_lookups(self):
        return {
            "startup": _startup_lookup(),
            "facility": Lookup(
                Facility.objects.all(), ("name",), gettext("facility"), MSG_AMBIGUOUS_NAME
            ),
        }

    def write(self, values, user):
        return services.facility_booking_create(by=user, **values)


class MentoringSessionImporter(Importer):
    """Mentoring sessions, through ``mentoring_session_create``."""

    kind = "mentoring-sessions"
    columns = (
        Column("mentor", required=True, parse="mentor", help=_("mentor's name")),
        STARTUP_COLUMN,
        Column("held_on", required=True, parse=_date, help="YYYY-MM-DD"),
        Column("hours", required=True, parse=_number, help=_("more than 0, at most 24")),
        Column("topic", required=True),
        Column("follow_ups"),
    )

    def make_lookups(self):
        return {
            "startup": _startup_lookup(),
            "mentor": Lookup(
                Mentor.objects.all(), ("name",), gettext("mentor"), MSG_AMBIGUOUS_NAME
            ),
        }

    def write(self, values, user):
        return services.mentoring_session_create(by=user, **values)


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        StartupImporter,
        RoundImporter,
        KpiImporter,
        LeaseImporter,
        BookingImporter,
        MentoringSessionImporter,
    )
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
        result.errors.append(RowError(getattr(error, "row", 1), "", error.messages[0]))
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
    if result.errors:
        return result

    records = [(number, dict(zip(header, row, strict=True))) for number, row in rows]
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
