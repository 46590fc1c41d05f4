"""CSV and XLSX exports of the API lists, streamed.

The list views hand these renderers an iterator of rows (all matching rows, no pagination)
already flattened into cells, one per column (nested objects become columns, ``stage.slug``
-> ``stage_slug``: ``flatten``); the renderers yield the file piece by piece, so memory does
not grow with the number of rows.

Every export path (the serializer's rows and the fast rows alike) ends in ``stream_csv`` or
``stream_xlsx``, so this is where stored text is kept from running as a spreadsheet formula
(bar R10, contract "Tokens and exports"): a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading ``'`` in CSV and is written as a string
cell (never a ``<f>`` formula) in XLSX. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation

import orjson
from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from rest_framework import renderers as drf_renderers
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

BOM = "\ufeff"
CHUNK = 64 * 1024
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- JSON --------------------------------------------------------------------------------------

#: what orjson writes itself (every value DRF's encoder would write the same way: text,
#: numbers, lists, mappings, enums); dates and times, decimals, dataclasses and anything
#: else go through DRF's own encoder (``default``), which writes them as DRF always has
#: (times to the millisecond with "Z" for UTC, decimals as text)
ORJSON_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
)
LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class Rendered:
    """An answer already written as compact JSON (``JSONRenderer.writes_compact``): the
    renderer hands its bytes on as they are. A report keeps its answer's bytes in the report
    cache this way (``ReportView.cached_answer``)."""

    __slots__ = ("body",)

    def __init__(self, body: bytes):
        self.body = body


class JSONRenderer(drf_renderers.JSONRenderer):
    """DRF's JSON renderer, the same bytes, written by orjson (about 5x faster than
    ``json.dumps``: 2.9 ms of a 500-row page, 190 ms of the statistics return's 15 MB on
    the bench's large set; issue 17, docs/benchmark-notes.md). Compact output only: an
    ``indent`` (``Accept: application/json; indent=4``, the browsable API) and any value
    orjson refuses (an integer over 64 bits) are written by DRF's renderer as before.
    U+2028 and U+2029 stay escaped, as DRF escapes them (JSON inside a script tag)."""

    def writes_compact(self, accepted_media_type=None, renderer_context=None) -> bool:
        """Whether this request's answer is written compact by orjson (no ``indent``)."""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        return indent is None and self.compact and not self.ensure_ascii

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, Rendered):
            return data.body
        if not self.writes_compact(accepted_media_type, renderer_context):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_encoder.default, option=ORJSON_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in LINE_SEPARATORS:
            if raw in body:
                body = body.replace(raw, escaped)
        return body


_encoder = JSONEncoder()


# --- choosing a renderer -------------------------------------------------------------------


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with its answer for a request that states no preference (no
    ``Accept`` header, or ``*/*``, and no ``?format=``) given at once: the view's first
    renderer, with its own media type, as DRF's loop ends for ``*/*`` (every renderer's
    media type is more specific than ``*/*``, so DRF answers the renderer's). Parsing the
    accept list for that cost 0.03 ms of a 1 ms token request (bar P7)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            not format_suffix
            and request.META.get("HTTP_ACCEPT", "*/*") == "*/*"
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            and renderers
            and "*" not in renderers[0].media_type
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


# --- flattening ------------------------------------------------------------------------------


class Column:
    """One export column: a path into the serialized row and how to show it."""

    def __init__(self, name: str, path: tuple[str, ...], kind: str = "text", text=None):
        self.name = name
        self.path = path
        self.kind = kind  # text, number, bool, list
        self.text: Callable[[dict], str] | None = text

    def value(self, row: dict):
        value = row
        for key in self.path:
            if value is None:
                return None
            value = value.get(key)
        return value


def _kind(field: serializers.Field) -> str:
    if isinstance(field, serializers.DecimalField | serializers.IntegerField):
        return "number"
    if isinstance(field, serializers.FloatField):
        return "number"
    if isinstance(field, serializers.BooleanField):
        return "bool"
    return "text"


def columns_for(serializer: serializers.Serializer) -> list[Column]:
    """The flat columns of a serializer: nested serializers become ``<field>_<subfield>``."""
    columns: list[Column] = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            columns.append(Column(name, (name,), "list", getattr(field.child, "export_text", None)))
        elif isinstance(field, serializers.Serializer):
            for sub_name, sub_field in field.fields.items():
                columns.append(Column(f"{name}_{sub_name}", (name, sub_name), _kind(sub_field)))
        elif isinstance(field, serializers.SerializerMethodField):
            hint = getattr(getattr(serializer, f"get_{name}", None), "__annotations__", {})
            kind = "bool" if hint.get("return") in (bool, "bool") else "text"
            columns.append(Column(name, (name,), kind))
        else:
            columns.append(Column(name, (name,), _kind(field)))
    return columns


def _list_text(value, text) -> str:
    if not value:
        return ""
    if text is not None:
        return "; ".join(text(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def cell(column: Column, value):
    """A serialized value as an export cell: None, a bool, a number or text (a list column
    and any nested object become text)."""
    if value is None:
        return None
    if column.kind == "list":
        return _list_text(value, column.text)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def flatten(columns: list[Column], rows: Iterable[dict]) -> Iterator[list]:
    """Serialized rows as lists of export cells, one per column (lazily).

    A view with a fast export path (``export_rows``) yields such lists itself, straight
    from the database; ``tests/api/test_fast_rows.py`` checks both give the same cells."""
    for row in rows:
        yield [cell(column, column.value(row)) for column in columns]


# --- formulas --------------------------------------------------------------------------------

#: what a spreadsheet takes for the start of a formula (or of a DDE payload) in a typed cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number_text(value: str) -> bool:
    """A number column's text (``"-1500.00"``, as the API writes decimals) is a number."""
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def csv_text(value):
    """A cell as CSV writes it: booleans as ``true``/``false``; None is an empty field and
    numbers their ``str`` (what ``csv.writer`` does with them)."""
    if value.__class__ is bool:
        return "true" if value else "false"
    return value


def csv_safe_text(value, number: bool = False):
    """``csv_text``, and text that a spreadsheet would run as a formula gets a leading
    ``'``; a number column's numbers (``-5.00``) stay as they are."""
    value = csv_text(value)
    if (
        value.__class__ is str
        and value.startswith(FORMULA_START)
        and not (number and number_text(value))
    ):
        return "'" + value
    return value


#: a CSV line in which some cell after the first starts like a formula, quoted or not (the
#: writer quotes a cell holding a carriage return, so an unquoted one ends the line); most
#: lines have none, so the cells are looked at one by one only for the lines this finds, or
#: whose first cell starts so (bar P4: a per-cell check doubled the CSV export's time)
FORMULA_CELL_RE = re.compile(r',(?:[=+\-@\t]|"[=+\-@\t\r])')
FORMULA_LINE_START = (*FORMULA_START, '"')


def xlsx_cell(column: Column, value, sheet=None):
    if value is None or isinstance(value, bool):
        return value
    if column.kind == "number" and isinstance(value, str) and number_text(value):
        return Decimal(value)
    if isinstance(value, str):
        # XML cannot hold control characters: openpyxl would fail mid-stream on them.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_START) or value in ERROR_CODES:
            # openpyxl would write "=..." as a formula (``<f>``) and "#N/A" as an error:
            # a cell typed as a string is shown as the text it holds.
            text = WriteOnlyCell(sheet, value)
            text.data_type = "s"
            return text
    return value


# --- CSV -------------------------------------------------------------------------------------


class _Line:
    """A write-only file for csv.writer: ``write`` returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def stream_csv(columns: list[Column], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel reads Chinese correctly), a few rows per chunk;
    ``rows`` are lists of cells (``flatten``)."""
    writer = csv.writer(_Line())
    writerow = writer.writerow
    numbers = [column.kind == "number" for column in columns]
    buffer = [BOM, writerow([column.name for column in columns])]
    size = 0
    for row in rows:
        line = writerow([csv_text(value) for value in row])
        if line.startswith(FORMULA_LINE_START) or FORMULA_CELL_RE.search(line):
            line = writerow(
                [csv_safe_text(value, number) for value, number in zip(row, numbers, strict=True)]
            )
        buffer.append(line)
        size += len(line)
        if size >= CHUNK:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()


# --- XLSX ------------------------------------------------------------------------------------


def stream_xlsx(columns: list[Column], rows: Iterable[list], *, title: str) -> Iterator[bytes]:
    """An XLSX file written in openpyxl's write-only mode (rows go to a temporary file as
    they come, strings inline), then streamed from disk in chunks; ``rows`` are lists of
    cells (``flatten``)."""
    return stream_xlsx_sheets([Sheet(title, columns, rows)])


class Sheet:
    """One sheet of a workbook export: its title, columns and rows of cells (``flatten``)."""

    def __init__(self, title: str, columns: list[Column], rows: Iterable[list]):
        self.title = title
        self.columns = columns
        self.rows = rows


def stream_xlsx_sheets(sheets: list[Sheet]) -> Iterator[bytes]:
    """``stream_xlsx`` for several sheets, in order: each through the same formula guard
    (``xlsx_cell``)."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31] or "export")
        columns = spec.columns
        sheet.append([column.name for column in columns])
        for row in spec.rows:
            sheet.append(
                [
                    xlsx_cell(column, value, sheet)
                    for column, value in zip(columns, row, strict=True)
                ]
            )
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


# --- renderers -------------------------------------------------------------------------------


class CSVRenderer(BaseRenderer):
    """``?format=csv`` on a list. The view streams; rendering a plain payload (an error
    answer, say) falls back to JSON text so a client still reads the reason."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False, default=str).encode()

    def stream(self, columns, rows, *, title):
        return stream_csv(columns, rows)


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False, default=str).encode()

    def stream(self, columns, rows, *, title):
        return stream_xlsx(columns, rows, title=title)


EXPORT_RENDERERS = (CSVRenderer, XLSXRenderer)


def export_filename(resource: str, extension: str, on: dt.date | None = None) -> str:
    on = on or timezone.localdate()
    return f"{resource}-{on.isoformat()}.{extension}"


def export_response(renderer, columns, rows, *, resource: str) -> StreamingHttpResponse:
    """A streamed download named after the resource and today's date."""
    return _download(renderer, renderer.stream(columns, rows, title=resource), resource)


def workbook_response(renderer, sheets: list[Sheet], *, resource: str) -> StreamingHttpResponse:
    """A report of several tables: XLSX, one sheet each (``stream_xlsx_sheets``); CSV, the
    first sheet only (a CSV file holds one table)."""
    if isinstance(renderer, XLSXRenderer):
        return _download(renderer, stream_xlsx_sheets(sheets), resource)
    first = sheets[0]
    return export_response(renderer, first.columns, first.rows, resource=resource)


def _download(renderer, content: Iterator[bytes], resource: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        content,
        content_type=(
            f"{renderer.media_type}; charset=utf-8" if renderer.charset else renderer.media_type
        ),
    )
    filename = export_filename(resource, renderer.format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
