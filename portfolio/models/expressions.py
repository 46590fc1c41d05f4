"""Database functions the ORM lacks, or runs slowly on one of our databases.

Each compiles to plain SQL of the database in use, checked on SQLite and PostgreSQL against
what Python or Django's own function gives (``tests/test_functions.py``,
``tests/api/test_fast_rows.py``).
"""

from __future__ import annotations

from django.db.models import DateField, DateTimeField, F, Func, TextField
from django.db.models.functions import ExtractYear, Trunc

from portfolio.models import Investor, Participation


class Year(ExtractYear):
    """The year of a date. Django's ``ExtractYear`` calls a Python function for every row on
    SQLite (200 ms over 100k rounds, for the dashboard's money per year); SQLite keeps a
    date as ISO text, so its year is the first four characters (68 ms). PostgreSQL keeps
    Django's ``EXTRACT``."""

    def as_sqlite(self, compiler, connection, **extra_context):
        if not _plain_date(self.lhs):
            return self.as_sql(compiler, connection, **extra_context)  # Django's own
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS INTEGER)", params


def _plain_date(expression) -> bool:
    field = expression.output_field
    return isinstance(field, DateField) and not isinstance(field, DateTimeField)


class DateStart(Trunc):
    """The first day of a date's year or month (or the day itself), as Django's ``Trunc`` of
    a DateField gives it, without the Python call per row Django makes on SQLite: the
    admin's date hierarchy lists a changelist's years this way (120 ms over 100k rounds, 5
    with this). Other kinds, datetimes and PostgreSQL keep Django's ``Trunc``."""

    PREFIX = {"year": (4, "-01-01"), "month": (7, "-01"), "day": (10, "")}

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.kind not in self.PREFIX or not _plain_date(self.lhs):
            return super().as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        length, rest = self.PREFIX[self.kind]
        return f"(substr({sql}, 1, {length}) || '{rest}')", params


class ParticipantsText(Func):
    """A round's participants in one text, as the exports write them: ``name: amount; name``
    (amount with two places; no amount, no colon), in participation order: one correlated
    subquery per round, so the database does the work (bar P4, the export of 100k rounds
    against the database's own CSV dump).

    SQLite before 3.44 has no ORDER BY inside ``group_concat``; it concatenates an ordered
    subquery in its order (``tests/api/test_fast_rows.py`` checks the order on both
    databases). The amount format goes in as a parameter: a literal ``%`` in the SQL would
    meet the backends' ``%s`` placeholders."""

    output_field = TextField()
    #: per database: the subquery, and the parameters that come before the round's id
    SQL = {
        "sqlite": (
            "(SELECT group_concat(part, '; ') FROM (SELECT CASE WHEN p.amount IS NULL "
            "THEN v.name ELSE v.name || ': ' || printf(%s, p.amount) END AS part "
            "FROM {participations} p JOIN {investors} v ON v.id = p.investor_id "
            "WHERE p.funding_round_id = {round_id} ORDER BY p.id))",
            ("%.2f",),
        ),
        "postgresql": (
            "(SELECT string_agg(CASE WHEN p.amount IS NULL THEN v.name "
            "ELSE v.name || ': ' || p.amount::text END, '; ' ORDER BY p.id) "
            "FROM {participations} p JOIN {investors} v ON v.id = p.investor_id "
            "WHERE p.funding_round_id = {round_id})",
            (),
        ),
    }

    def __init__(self, round_id="pk", **extra):
        super().__init__(F(round_id), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor not in self.SQL:
            raise NotImplementedError(f"ParticipantsText has no SQL for {connection.vendor}")
        template, before = self.SQL[connection.vendor]
        round_id, params = compiler.compile(self.get_source_expressions()[0])
        sql = template.format(
            participations=Participation._meta.db_table,
            investors=Investor._meta.db_table,
            round_id=round_id,
        )
        return sql, (*before, *params)
