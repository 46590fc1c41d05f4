"""Fast rows of the big lists (startups, funding rounds, KPI submissions), built from their
row specs.

The lists (500 rows a page, every row in an export) read their rows with ``values_list``
and build each with one function compiled once from the resource's ``RowSpec``
(``portfolio.models.specs``; ``json_builder``, ``cells_builder``), instead of DRF's
per-field machinery over model instances, which cost ~5x the time of fetching the rows
(bars P2 and P4, docs/benchmark-notes.md). The output is what the spec-derived
serializers give, nulls included: ``tests/api/test_fast_rows.py`` compares the two on
every path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache

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


# --- a row builder per spec, compiled once ---------------------------------------------------
#
# A page's or an export's row is built by one function per spec, compiled once from source
# text written here: a dict (a list, for export cells) display with one expression a column,
# e.g. ``{"id": r[0], "stage": None if r[6] is None else {"slug": r[7], ...},
# "founded_on": date_text(r[16]), ...}``. A reader closure a column, called in a loop,
# cost 4.5 µs a startups row, the compiled display 3.1 (bar P7: 0.015 ms of a 10-row page;
# bars P2 and P4 per row). The source is made of the spec's own names and positions only,
# never of a request's data.

#: the conversion a kind's value goes through, by name in the compiled source
CONVERT: dict[str, str] = {
    DATE: "date_text",
    DATETIME: "datetime_text",
    MONEY: "money_text",
    BOOL: "_bool",
}


def _participants_of(participants: dict, round_id) -> list[dict]:
    """A round's participants as its JSON row lists them (``participants``: the page's)."""
    return [
        {"investor": {"id": investor_id, "name": name}, "amount": money_text(amount)}
        for investor_id, name, amount in participants.get(round_id, ())
    ]


class _Source:
    """The names a compiled builder reads besides its row: the conversions, and the
    exponent of each DECIMAL's places (``E2`` for two places); ``zoned``: whether it writes
    a date-time (in the page's time zone)."""

    def __init__(self):
        self.zoned = False
        self.names: dict[str, object] = {
            "date_text": date_text,
            "datetime_text": datetime_text,
            "money_text": money_text,
            "_bool": _bool,
            "_decimal_text": _decimal_text,
            "population_text": population_text,
            "_participants_of": _participants_of,
        }

    def value(self, kind: str, at: int, field=None) -> str:
        """The expression of the value at ``at`` of a ``values_list`` row ``r`` as the JSON
        row holds it (``field``: the model field, for a DECIMAL's places)."""
        if kind in (TEXT, NUMBER):
            return f"r[{at}]"  # already str / int (or None) from the database
        if kind == DECIMAL:
            exponent = f"E{field.decimal_places}"
            self.names[exponent] = Decimal(1).scaleb(-field.decimal_places)
            return f"_decimal_text(r[{at}], {exponent})"
        if kind not in CONVERT:
            raise ValueError(f"no reader for kind {kind!r}")
        self.zoned = self.zoned or kind == DATETIME
        return f"{CONVERT[kind]}(r[{at}])"

    def fields(self, spec: RowSpec, column: Column, at: int) -> list[tuple[str, str]]:
        """An object's fields: ``id`` is its foreign key (at ``at``), the others follow."""
        related = spec.model_field(column.name).related_model
        expressions = []
        for name in column.fields:
            if name == "id":
                expressions.append((name, f"r[{at}]"))
            else:
                at += 1
                field = related._meta.get_field(name)
                expressions.append((name, self.value(kind_of(field), at, field)))
        return expressions

    def json(self, spec: RowSpec, column: Column, at: int) -> str:
        kind = column.kind
        if kind == CURRENCY:
            return repr(CURRENCY_CODE)
        if kind == FLAG:
            return f"r[{at}] is not None"
        if kind == POPULATION:
            return f"population_text(r[{at}])"
        if kind == PARTICIPANTS:
            return "_participants_of(participants, r[0])"
        if kind == OBJECT:
            fields = self.fields(spec, column, at)
            display = ", ".join(f"{name!r}: {value}" for name, value in fields)
            return f"None if r[{at}] is None else {{{display}}}"
        return self.value(kind, at, spec.model_field(column.name))

    def cells(self, spec: RowSpec, column: Column, at: int) -> list[str]:
        """The export cells of a column, as ``renderers.flatten`` makes them of its JSON value:
        an object gives one cell per field (null when the object is: its fields come from a
        LEFT JOIN), the participants their text (``ParticipantsText``, empty for none)."""
        if column.kind == OBJECT:
            return [value for _name, value in self.fields(spec, column, at)]
        if column.kind == PARTICIPANTS:
            return ['r[-1] or ""']
        return [self.json(spec, column, at)]

    def compiled(self, name: str, arguments: str, display: str) -> Callable:
        code = f"def {name}({arguments}):\n    return {display}\n"
        namespace = dict(self.names)
        exec(compile(code, f"<row builder {name}>", "exec"), namespace)  # noqa: S102
        built = namespace[name]
        built.source = code  # what it does, to read
        built.zoned = self.zoned
        return built


def _width(column: Column) -> int:
    """How many ``values_list`` keys a column reads (``RowSpec.values``)."""
    if column.kind == OBJECT:
        return 1 + sum(name != "id" for name in column.fields)
    return 0 if column.kind in (CURRENCY, PARTICIPANTS) else 1


def _positions(spec: RowSpec) -> Iterator[tuple[Column, int]]:
    """Each listed column and where its first ``values_list`` key stands."""
    at = 0
    for column in spec.shown(LIST):
        yield column, at
        at += _width(column)


def _lists_participants(spec: RowSpec) -> bool:
    return any(column.kind == PARTICIPANTS for column in spec.columns)


@cache
def json_builder(spec: RowSpec) -> Callable[[tuple, dict], dict]:
    """``build(row, participants)``: a ``values_list`` row of the spec as its JSON row
    (``participants``: a round's, read for the page; empty for a spec without them)."""
    source = _Source()
    items = ", ".join(
        f"{column.name!r}: {source.json(spec, column, at)}" for column, at in _positions(spec)
    )
    return source.compiled("json_row", "r, participants", f"{{{items}}}")


@cache
def cells_builder(spec: RowSpec) -> Callable[[tuple], list]:
    """``cells(row)``: a row of ``export_query`` as its export cells."""
    source = _Source()
    cells = ", ".join(
        cell for column, at in _positions(spec) for cell in source.cells(spec, column, at)
    )
    return source.compiled("export_cells", "r", f"[{cells}]")


# --- JSON pages and export cells -------------------------------------------------------------


def json_rows(spec: RowSpec, queryset: QuerySet, key=None) -> list[dict]:
    """A page of the list's queryset (filtered, ordered, sliced) as the rows its serializer
    gives, in one query (``values_list``, prebuilt for an unfiltered page of ``key``: see
    ``prebuilt.page_values``); a round's participants in one more, as the prefetch does
    (none for an empty page)."""
    rows = prebuilt.page_values(queryset, tuple(spec.values), key)
    participants = {}
    if rows and _lists_participants(spec):
        participants = selectors.participant_rows([row[0] for row in rows])
    build = json_builder(spec)
    if not build.zoned:  # no date-time, no time zone to look up (12 µs of a 10-row page, P7)
        return [build(row, participants) for row in rows]
    return plain.in_page_zone(lambda: [build(row, participants) for row in rows])


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
    cells = cells_builder(spec)
    for row in export_query(spec, queryset).iterator(chunk_size=chunk_size):
        yield cells(row)
