"""Fast rows of the big lists (startups, funding rounds, KPI submissions), built from their
row specs.

The two lists (500 rows a page, every row in an export) read their rows with ``values_list``
and build them with one small reader per column, made once per request from the resource's
``RowSpec`` (``portfolio.models.specs``), instead of DRF's per-field machinery over model
instances, which cost ~5x the time of fetching the rows (bars P2 and P4,
docs/benchmark-notes.md). The output is what the spec-derived serializers give, nulls
included: ``tests/api/test_fast_rows.py`` compares the two on every path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache
from operator import itemgetter

from django.db.models import QuerySet
from django.utils import timezone

from portfolio import prebuilt, selectors
from portfolio.api import plain
from portfolio.models.choices import Population
from portfolio.models.specs import (
    BOOL,
    CURRENCY,
    DATE,
    DATETIME,
    DECIMAL,
    FLAG,
    LIST,
    MONEY,
    NUMBER,
    OBJECT,
    PARTICIPANTS,
    POPULATION,
    TEXT,
    Column,
    RowSpec,
    kind_of,
)

CURRENCY_CODE = "CNY"
CENT = Decimal("0.01")
RATIO = Decimal("0.0001")

Reader = Callable[[tuple], object]


# --- values as the API writes them -----------------------------------------------------------


def _decimal_text(value, places: Decimal) -> str | None:
    """As DRF's DecimalField renders: quantized to ``places``, a plain decimal string."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value).strip())
    return f"{value.quantize(places):f}"


def money_text(value) -> str | None:
    """As ``serializers.money()`` renders: two places."""
    return _decimal_text(value, CENT)


def ratio_text(value) -> str | None:
    """As ``serializers.ratio()`` renders: four places."""
    return _decimal_text(value, RATIO)


def date_text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def datetime_text(value) -> str | None:
    """As DRF's DateTimeField renders: ISO 8601 in the current time zone, "Z" for UTC (the
    zone looked up once a page: 8 µs a value, a third of a KPI submission's row)."""
    if value is None:
        return None
    if value.utcoffset() is None:
        value = timezone.localtime(value)  # naive: refused, as DRF's field refuses it
    return plain.zoned_text(value)


def text(value) -> str | None:
    return None if value is None else str(value)


def population_text(admitted_on) -> str:
    """Whose figures a startup's are (``Population``): admitted, or tracked only."""
    return Population.TRACKED.value if admitted_on is None else Population.INCUBATOR.value


def _bool(value) -> bool | None:
    return None if value is None else bool(value)


# --- a reader per column ---------------------------------------------------------------------

CONVERT: dict[str, Callable] = {
    DATE: date_text,
    DATETIME: datetime_text,
    MONEY: money_text,
    BOOL: _bool,
}


def _value(kind: str, at: int, places: int | None = None) -> Reader:
    """Reads the value at ``at`` of a ``values_list`` row as the JSON row holds it
    (``places``: a DECIMAL's decimal places)."""
    if kind == DECIMAL:
        exponent = Decimal(1).scaleb(-places)
        return lambda row: _decimal_text(row[at], exponent)
    convert = CONVERT.get(kind)
    if kind in (TEXT, NUMBER):
        return itemgetter(at)  # already str / int (or None) from the database
    if convert is None:
        raise ValueError(f"no reader for kind {kind!r}")
    return lambda row: convert(row[at])


def _sub_readers(spec: RowSpec, column: Column, at: int) -> list[tuple[str, Reader]]:
    """An object's fields: ``id`` is its foreign key (at ``at``), the others follow."""
    related = spec.model_field(column.name).related_model
    readers = []
    for name in column.fields:
        if name == "id":
            readers.append((name, itemgetter(at)))
        else:
            at += 1
            readers.append((name, _value(kind_of(related._meta.get_field(name)), at)))
    return readers


def _width(column: Column) -> int:
    """How many ``values_list`` keys a column reads (``RowSpec.values``)."""
    if column.kind == OBJECT:
        return 1 + sum(name != "id" for name in column.fields)
    return 0 if column.kind in (CURRENCY, PARTICIPANTS) else 1


def _json_reader(spec: RowSpec, column: Column, at: int, participants: dict) -> Reader:
    kind = column.kind
    if kind == CURRENCY:
        return lambda row: CURRENCY_CODE
    if kind == FLAG:
        return lambda row: row[at] is not None
    if kind == POPULATION:
        return lambda row: population_text(row[at])
    if kind == PARTICIPANTS:
        return lambda row: [
            {"investor": {"id": investor_id, "name": name}, "amount": money_text(amount)}
            for investor_id, name, amount in participants.get(row[0], ())
        ]
    if kind == OBJECT:
        subs = _sub_readers(spec, column, at)
        return lambda row: None if row[at] is None else {name: read(row) for name, read in subs}
    if kind == DECIMAL:
        return _value(kind, at, spec.model_field(column.name).decimal_places)
    return _value(kind, at)


def _lists_participants(spec: RowSpec) -> bool:
    return any(column.kind == PARTICIPANTS for column in spec.columns)


def _readers(spec: RowSpec, make) -> list:
    readers, at = [], 0
    for column in spec.shown(LIST):
        readers.append(make(column, at))
        at += _width(column)
    return readers


# --- JSON pages and export cells -------------------------------------------------------------


def json_rows(spec: RowSpec, queryset: QuerySet, key=None) -> list[dict]:
    """A page of the list's queryset (filtered, ordered, sliced) as the rows its serializer
    gives, in one query (``values_list``, prebuilt for an unfiltered page of ``key``: see
    ``prebuilt.page_values``); a round's participants in one more, as the prefetch does
    (none for an empty page)."""
    rows = prebuilt.page_values(queryset, tuple(spec.values), key)
    if _lists_participants(spec):
        participants = selectors.participant_rows([row[0] for row in rows]) if rows else {}
        readers = _json_readers(spec, participants)
    else:
        readers = _request_free_json_readers(spec)
    return plain.in_page_zone(lambda: [{name: read(row) for name, read in readers} for row in rows])


def _json_readers(spec: RowSpec, participants: dict) -> list[tuple[str, Reader]]:
    """Each column's name and reader (``participants``: a round's, read for this page)."""
    return _readers(
        spec, lambda column, at: (column.name, _json_reader(spec, column, at, participants))
    )


@cache
def _request_free_json_readers(spec: RowSpec) -> list[tuple[str, Reader]]:
    """The readers of a spec without participants, made once: none of them holds anything
    of a request (the page's time zone is read when a value is), and making them cost
    0.06 ms of a 1.9 ms token request for ten startups (bar P7)."""
    return _json_readers(spec, {})


def _cell_readers(spec: RowSpec, column: Column, at: int) -> list[Reader]:
    """The export cells of a column, as ``renderers.flatten`` makes them of its JSON value:
    an object gives one cell per field (null when the object is: its fields come from a
    LEFT JOIN), the participants their text (``ParticipantsText``, empty for none)."""
    if column.kind == OBJECT:
        return [read for _name, read in _sub_readers(spec, column, at)]
    if column.kind == PARTICIPANTS:
        return [lambda row: row[-1] or ""]
    return [_json_reader(spec, column, at, {})]


def export_query(spec: RowSpec, queryset: QuerySet) -> QuerySet:
    """The one query of an export (the benchmark dumps it with the database's own tools):
    the list row's ``values_list``, and a round's participants already in their cell
    (``selectors.funding_round_export``), last."""
    if _lists_participants(spec):
        return selectors.funding_round_export(queryset).values_list(
            *spec.values, "participants_text"
        )
    return queryset.values_list(*spec.values)


def export_rows(spec: RowSpec, queryset: QuerySet, *, chunk_size: int = 2000) -> Iterator[list]:
    """Every row of the list's queryset (filtered, ordered) as export cells, in the order of
    the serializer's flattened columns, without a model instance or a dict per row (bar P4:
    the CSV export of 100k rounds within 5x of the database's own CSV dump of the same
    query). One query (``export_query``), read in chunks (a server-side cursor on
    PostgreSQL); nothing is fetched until the first row is asked for."""
    readers = [
        read
        for cells in _readers(spec, lambda column, at: _cell_readers(spec, column, at))
        for read in cells
    ]
    for row in export_query(spec, queryset).iterator(chunk_size=chunk_size):
        yield [read(row) for read in readers]
