"""A declared serializer's output, built by plain functions compiled once per class.

DRF's ``Serializer.data`` walks its fields for every object: a ``get_attribute`` through
``source_attrs``, a ``None`` check and the field's ``to_representation``, each a few
Python calls. For the reports that answer tens of thousands of nested objects (the
statistics return's rows and missing cells: 100k objects on the bench's large set) that
walk cost more than building the report (1.0 s of 1.9 s, issue 16, P5 in
docs/benchmark-notes.md). ``represent(SerializerClass, obj)`` gives the same dict with one
small reader per field, made once per serializer class: the serializer stays the one
definition of the answer (and of the OpenAPI schema); this only runs it faster.

Fields whose ``to_representation`` is known here (text, integer, boolean, ISO date and
date-time, decimal as string, list, nested and ``many=True`` serializers) are read
directly; any other field falls back to its own ``to_representation``, so a new field type
is never rendered wrong, only at DRF's speed. ``tests/api/test_plain.py`` compares the two
on every field kind.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from decimal import Decimal
from operator import attrgetter, itemgetter, methodcaller

from django.conf import settings
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import ISO_8601, api_settings

from portfolio import prebuilt

Reader = Callable[[object], object]

#: values the fast path leaves to DRF: methods it calls, related fields' key shortcuts
_SPECIAL = frozenset({types.FunctionType, types.MethodType, functools.partial, PKOnlyObject})


def _date(field: drf_fields.DateField) -> Reader | None:
    output = getattr(field, "format", api_settings.DATE_FORMAT)
    if output is None or output.lower() != ISO_8601:
        return None
    return lambda value: value if isinstance(value, str) else value.isoformat()


def _datetime(field: drf_fields.DateTimeField) -> Reader | None:
    """DRF's ISO 8601 date-time (``enforce_timezone``, then ``isoformat`` with ``Z`` for UTC)
    without its per-value calls: on the bench's mentoring sessions it was 25 µs a row of 37."""
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output is None or output.lower() != ISO_8601 or hasattr(field, "timezone"):
        return None
    if not settings.USE_TZ:
        return None
    slow = field.to_representation

    def read(value):
        if isinstance(value, str) or value.utcoffset() is None:
            return slow(value)  # naive: DRF makes it aware, or refuses it
        return zoned_text(value)

    return read


def zoned_text(value) -> str:
    """An aware date-time as DRF writes it: ISO 8601 in the current time zone (the page's,
    under ``in_page_zone``), "Z" for UTC."""
    zone = _PAGE_ZONE.get() or timezone.get_current_timezone()
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


#: the current time zone, looked up once for a page of rows (``values_rows``) rather than
#: once a value: Django keeps it in an asgiref ``Local``, 8 µs a lookup
_PAGE_ZONE: ContextVar = ContextVar("page_zone", default=None)


def in_page_zone(write_page: Callable[[], list[dict]]) -> list[dict]:
    """``write_page()`` with the current time zone looked up once for all its rows."""
    token = _PAGE_ZONE.set(timezone.get_current_timezone())
    try:
        return write_page()
    finally:
        _PAGE_ZONE.reset(token)


def _decimal(field: drf_fields.DecimalField) -> Reader | None:
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if (
        not coerce
        or field.localize
        or field.decimal_places is None
        or getattr(field, "normalize_output", False)
    ):
        return None
    places = Decimal(".1") ** field.decimal_places
    rounding = field.rounding

    def read(value):
        if not isinstance(value, Decimal):
            value = Decimal(str(value).strip())
        return f"{value.quantize(places, rounding=rounding):f}"

    return read


def _choice(field: drf_fields.ChoiceField) -> Reader:
    """DRF's choice as it writes a text: the choice's value for a known one, else the text
    itself ("" too); anything else (an enum member, a number) goes to DRF."""
    slow = field.to_representation
    return lambda value: (
        field.choice_strings_to_values.get(value, value) if value.__class__ is str else slow(value)
    )


def _boolean(field: drf_fields.BooleanField) -> Reader:
    slow = field.to_representation
    return lambda value: value if value is True or value is False else slow(value)


def _value_reader(field: drf_fields.Field) -> Reader:
    """How ``field`` writes a value that is not None (its exact class decides: a subclass
    may write otherwise, and gets its own ``to_representation``)."""
    kind = type(field)
    reader: Reader | None = None
    if kind is drf_fields.CharField:
        reader = str
    elif kind is drf_fields.IntegerField:
        reader = int
    elif kind is drf_fields.BigIntegerField:
        as_text = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        reader = str if as_text else int
    elif kind is drf_fields.BooleanField:
        reader = _boolean(field)
    elif kind is drf_fields.ChoiceField:
        reader = _choice(field)
    elif kind is drf_fields.DateField:
        reader = _date(field)
    elif kind is drf_fields.DateTimeField:
        reader = _datetime(field)
    elif kind is drf_fields.DecimalField:
        reader = _decimal(field)
    elif kind is drf_fields.ListField:
        child = _value_reader(field.child)
        reader = lambda value: [None if item is None else child(item) for item in value]  # noqa: E731
    elif isinstance(field, serializers.ListSerializer) and _plain_list(field):
        child = _object_reader(field.child)
        reader = lambda value: [  # noqa: E731
            child(item) for item in (value.all() if isinstance(value, BaseManager) else value)
        ]
    elif _plain_serializer(field):
        reader = _object_reader(field)
    return reader or field.to_representation


def _plain_serializer(field) -> bool:
    """A serializer whose ``to_representation`` is DRF's own (so its fields say it all)."""
    return (
        isinstance(field, serializers.Serializer)
        and type(field).to_representation is serializers.Serializer.to_representation
    )


def _plain_list(field: serializers.ListSerializer) -> bool:
    return type(
        field
    ).to_representation is serializers.ListSerializer.to_representation and _plain_serializer(
        field.child
    )


def _direct(field: drf_fields.Field) -> bool:
    """A field that reads one attribute (or key) of the object as it is: DRF's own
    ``get_attribute`` over a one-step source (not a related field's primary-key shortcut,
    not a method field)."""
    return (
        type(field).get_attribute is drf_fields.Field.get_attribute
        and len(field.source_attrs) == 1
        and field.source != "*"
    )


def _primary_key(field: drf_fields.Field) -> bool:
    """A ``PrimaryKeyRelatedField`` over a one-step source: DRF writes the related row's
    key as the object holds it (``serializable_value``: the ``<name>_id`` column)."""
    return (
        type(field) is relations.PrimaryKeyRelatedField
        and field.pk_field is None
        and len(field.source_attrs) == 1
        and field.use_pk_only_optimization()
    )


def _identity(value):
    return value


def _object_reader(serializer: serializers.Serializer) -> Reader:
    """``serializer.to_representation`` as one function over its readable fields. An
    object's values are read with ``operator``'s getters (all at once when every field
    reads one attribute or key); an object that has not got one of them, or whose value is
    a method to call, goes through each field's own ``get_attribute`` as DRF does."""
    fields = list(serializer._readable_fields)
    names = [field.field_name for field in fields]
    writers = [_value_reader(field) for field in fields]

    def walk(instance) -> dict:
        row = {}
        for field, name, write in zip(fields, names, writers, strict=True):
            try:
                value = field.get_attribute(instance)
            except drf_fields.SkipField:
                continue
            if value is None or (isinstance(value, PKOnlyObject) and value.pk is None):
                row[name] = None
            elif isinstance(value, PKOnlyObject) and write is _identity:
                row[name] = value.pk
            else:
                row[name] = write(value)
        return row

    direct = fields and all(_direct(field) for field in fields)
    getters = []
    for n, field in enumerate(fields):
        if _direct(field):
            getters.append(attrgetter(field.source_attrs[0]))
        elif _primary_key(field):
            getters.append(methodcaller("serializable_value", field.source_attrs[0]))
            writers[n] = _identity
        else:
            getters.append(field.get_attribute)
    if not fields:
        return walk
    sources = [field.source_attrs[0] for field in fields] if direct else []
    by_attribute = attrgetter(*sources) if direct else None
    by_key = itemgetter(*sources) if direct else None
    return _generated(names, writers, len(sources) == 1, by_attribute, by_key, getters, walk)


#: per type of object: is it a mapping (read by key) or not (by attribute)
_MAPPINGS: dict[type, bool] = {}


def _generated(names, writers, single, by_attribute, by_key, getters, walk) -> Reader:
    """The reader's function, written out for these fields (as ``dataclasses`` and
    ``namedtuple`` write theirs): one getter call for all values, one check of their types
    in C, then the row as one dict display. Half the time of a loop over the fields."""
    values = ", ".join(f"v{n}" for n in range(len(names))) + ("," if len(names) == 1 else "")
    items = ", ".join(
        f"{name!r}: None if v{n} is None else w{n}(v{n})" for n, name in enumerate(names)
    )
    source = f"""
def read(instance):
    kind = type(instance)
    mapping = MAPPINGS.get(kind)
    if mapping is None:
        mapping = MAPPINGS[kind] = isinstance(instance, Mapping)
    try:
        if mapping:
            if by_key is None:
                return walk(instance)
            got = by_key(instance)
        elif by_attribute is not None:
            got = by_attribute(instance)
        else:
            got = [get(instance) for get in getters]
    except Exception:
        return walk(instance)  # DRF decides: a default, null, a skipped field or the error
    if single:
        got = (got,)
    if not SPECIAL.isdisjoint(map(type, got)):
        return walk(instance)  # a method to call, or a related field's key
    {values} = got
    return {{{items}}}
"""
    namespace = {
        "MAPPINGS": _MAPPINGS,
        "Mapping": Mapping,
        "SPECIAL": _SPECIAL,
        "by_key": by_key,
        "by_attribute": by_attribute,
        "getters": getters,
        "walk": walk,
        "single": single,
        **{f"w{n}": write for n, write in enumerate(writers)},
    }
    exec(source, namespace)  # noqa: S102  (code of our own: field names are identifiers)
    return namespace["read"]


def reader(serializer: serializers.Serializer) -> Reader | None:
    """``serializer.to_representation`` compiled from this instance's fields (bound to its
    context); None when the serializer writes its rows itself."""
    return _object_reader(serializer) if _plain_serializer(serializer) else None


@functools.cache
def _compiled(serializer_class: type[serializers.Serializer]) -> Reader:
    serializer = serializer_class()
    return reader(serializer) or (lambda instance: serializer_class(instance).data)


def represent(serializer_class: type[serializers.Serializer], instance) -> dict:
    """``serializer_class(instance).data``, as a plain dict, without DRF's per-field walk."""
    return _compiled(serializer_class)(instance)


# --- rows read as values ----------------------------------------------------------------------


def _column(model, source_attrs: list[str]) -> tuple[str, bool] | None:
    """The ``values()`` path of a source over ``model`` (``mentor.name`` -> ``mentor__name``)
    and whether a relation on the way may be null, when each step but the last is a forward
    one-to-one or many-to-one relation and the last a concrete field (a relation: its key);
    None for anything else (a property, a method, a reverse or many-to-many relation)."""
    nullable = False
    for n, attr in enumerate(source_attrs):
        try:
            field = model._meta.get_field(attr)
        except Exception:
            return None
        if not getattr(field, "concrete", False) or field.many_to_many:
            return None
        if n < len(source_attrs) - 1:
            if not (field.many_to_one or field.one_to_one):
                return None
            nullable = nullable or field.null
            model = field.related_model
    return "__".join(source_attrs), nullable


def _values_column(field: drf_fields.Field, model) -> tuple[str, Reader] | None:
    """A flat field's ``values()`` path and how it writes the value; None when the field
    needs the object (a method field, a nested serializer, a relation on the way that may
    be null where DRF would write something else than null)."""
    if _primary_key(field):
        found = _column(model, field.source_attrs)
        return None if found is None else (found[0], _identity)
    if type(field).get_attribute is not drf_fields.Field.get_attribute or field.source == "*":
        return None
    if isinstance(field, (serializers.BaseSerializer, relations.RelatedField)):
        return None
    found = _column(model, field.source_attrs)
    if found is None:
        return None
    column, nullable = found
    if nullable and not (
        field.default is None or (field.default is drf_fields.empty and field.allow_null)
    ):
        return None  # DRF would write a default or leave the key out; values() gives None
    return column, _value_reader(field)


def _writes_rows_itself(serializer_class) -> bool:
    return any(
        getattr(serializer_class, name) is not getattr(serializers.ModelSerializer, name)
        for name in ("__init__", "get_fields", "to_representation")
    )  # fields that may depend on the request, or rows written by hand


def _constant(value) -> Reader:
    return lambda _value: value


def _flat_column(field: drf_fields.Field, model) -> tuple[str, Reader] | None:
    """``_values_column``, or for a constant (``values_constant``, the currency) the row's
    key (never null) and a writer of the constant."""
    constant = getattr(field, "values_constant", None)
    return ("pk", _constant(constant)) if constant else _values_column(field, model)


def _flat_values(serializer_class, model) -> tuple[list, list] | None:
    """``(columns, pairs)`` of a serializer whose every field is a flat column: the
    ``values_list`` columns and, per field, its name and writer; None for any other."""
    if _writes_rows_itself(serializer_class):
        return None
    columns, pairs = [], []
    for field in serializer_class()._readable_fields:
        found = _flat_column(field, model)
        if found is None:
            return None
        columns.append(found[0])
        pairs.append((field.field_name, found[1]))
    return columns, pairs


def _nested_values(field, model):
    """A ``many=True`` model serializer over a reverse foreign key of ``model`` (a
    transfer's IP items) whose rows are flat: ``(child model, its key to the row, its
    columns, its pairs)``; None for any other field."""
    if not (
        isinstance(field, serializers.ListSerializer)
        and isinstance(field.child, serializers.ModelSerializer)
        and len(field.source_attrs) == 1
    ):
        return None
    try:
        relation = model._meta.get_field(field.source_attrs[0])
    except Exception:
        return None
    child = relation.related_model
    if not relation.one_to_many or child is not field.child.Meta.model:
        return None
    found = _flat_values(type(field.child), child)
    return None if found is None else (child, relation.field.name, *found)


def _row_writer(pairs) -> Callable[[tuple], dict]:
    """``values`` (one ``values_list`` row) -> the row's dict, each value written by its
    field's writer (``pairs``: name, writer), None as None. Written out for these fields, as
    ``_generated`` writes an object's reader: a dict display with each writer called by
    name, where a loop over the pairs built a generator and looked each writer up (2.8 µs
    of a mentor's row of eight fields; bar P2). A column whose writer is ``int`` or ``str``
    and whose value is already of that type is taken as it is (what the call would give)."""
    names = tuple(name for name, _write in pairs)
    if not names:
        return lambda _values: {}
    writers = [write for _name, write in pairs]
    kinds = tuple(write.__name__ if write is int or write is str else "call" for write in writers)
    return _row_writer_maker(names, kinds)(*writers)


@functools.cache
def _row_writer_maker(names: tuple[str, ...], kinds: tuple[str, ...]) -> Callable:
    """The function that makes a row writer for ``names`` from their writers (``w0``,
    ``w1``, ...): made once per list of names and kinds, called once per list (and once a
    page for a list with nested rows, whose writers hold that page's children)."""
    values = ", ".join(f"v{n}" for n in range(len(names))) + ("," if len(names) == 1 else "")
    items = []
    for n, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        if kind == "call":
            items.append(f"{name!r}: None if v{n} is None else w{n}(v{n})")
        else:  # int or str: int(v) is v for an int, str(v) is v for a str
            items.append(
                f"{name!r}: v{n} if v{n} is None or v{n}.__class__ is {kind} else w{n}(v{n})"
            )
    writers = ", ".join(f"w{n}" for n in range(len(names)))
    source = f"""
def make({writers}):
    def write(values):
        {values} = values
        return {{{", ".join(items)}}}
    return write
"""
    namespace: dict = {}
    exec(source, namespace)  # noqa: S102  (code of our own: field names are identifiers)
    return namespace["make"]


@functools.cache
def values_rows(serializer_class: type[serializers.ModelSerializer]):
    """For a model serializer whose every field is a column of its model or of a row it
    points to, or a constant (the currency), or a nested ``many=True`` list of such rows
    over a reverse foreign key (a transfer's IP items): ``rows(queryset) -> list[dict]``,
    the page read with ``values_list`` (no model instances; one more query per nested
    list, as its prefetch would make) and written by each field's reader: what
    ``serializer_class(many=True).data`` gives (``tests/api/test_plain.py`` compares them
    on every list). None for any other serializer."""
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    if model is None or _writes_rows_itself(serializer_class):
        return None
    columns, pairs, nested = [], [], []
    for field in serializer_class()._readable_fields:
        found = _flat_column(field, model)
        if found is None:
            spec = _nested_values(field, model)
            if spec is None:
                return None
            nested.append((len(pairs), field.field_name, spec))
            found = ("pk", None)  # written per page: the row's key -> its nested rows
        columns.append(found[0])
        pairs.append((field.field_name, found[1]))
    columns = tuple(columns)
    if not nested:
        write = _row_writer(pairs)
        return lambda queryset, key=None: in_page_zone(
            lambda: [
                write(values)
                for values in prebuilt.page_values(queryset.prefetch_related(None), columns, key)
            ]
        )
    child_writers = {id(spec): _row_writer(spec[3]) for _position, _name, spec in nested}

    def children(spec, keys: list) -> Reader:
        child, to_parent, child_columns, _child_pairs = spec
        write = child_writers[id(spec)]
        found: dict = {key: [] for key in keys}
        query = child._default_manager.filter(**{f"{to_parent}__in": keys})
        for key, *values in query.values_list(to_parent, *child_columns):
            found[key].append(write(values))
        return found.__getitem__

    def rows(queryset, key=None) -> list[dict]:
        page = prebuilt.page_values(queryset.prefetch_related(None), columns, key)
        keys = [values[nested[0][0]] for values in page]
        page_pairs = list(pairs)
        for position, name, spec in nested:
            page_pairs[position] = (name, children(spec, keys))
        write = _row_writer(page_pairs)
        return in_page_zone(lambda: [write(values) for values in page])

    return rows
