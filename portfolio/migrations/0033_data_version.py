"""A data version per table, kept by the database (issue 17, the report cache).

``portfolio_data_version`` holds one row per table that a cached report reads, with a
token that triggers set to a fresh *random* 64-bit value on every INSERT, UPDATE and DELETE
(and TRUNCATE on PostgreSQL), whoever writes: a service, the admin, ``QuerySet.update()``,
a bulk load, a cascade or raw SQL. ``portfolio/selectors/report_cache.py`` reads all the
tokens in one query and keys each cached report by them, so any write makes every report
that could depend on it miss the cache.

Random, not +1: a transaction that rolls back takes its new token with it, and a later
write draws another random value, so a report computed (and cached) inside a transaction
that rolled back is keyed by a token no committed state will ever have again.

The table is not a Django model: ``flush``, ``dumpdata`` and backups leave it alone.
SQLite: one trigger per table and kind, FOR EACH ROW (``random()``: 64 bits). PostgreSQL:
one plpgsql function (TG_TABLE_NAME says which row) and FOR EACH STATEMENT triggers, plus
AFTER TRUNCATE. On PostgreSQL a writing transaction holds its tables' token rows until it
commits, as the round counter of 0031 does: writers of one table serialize on its token.

Tables with a token: the portfolio app's model tables as of this migration (frozen below,
not read from the live models; ``tests/test_report_cache.py`` fails when a later model has
no trigger and is not in its exclusion list). Left out, because no report reads them:
``portfolio_apitoken`` (API tokens), the ``portfolio_historical*`` tables (who changed what;
no report reads the history), ``auth_user`` (no cached report shows a user), sessions, the
cache table, axes' and the security log's tables. A later migration that adds a model a
report reads adds its table with ``data_version_sql``.
"""

from django.db import migrations

TABLES = (
    "portfolio_calldefault",
    "portfolio_capitalcall",
    "portfolio_capitalcallitem",
    "portfolio_capitalcallpayment",
    "portfolio_commitment",
    "portfolio_disbursement",
    "portfolio_distribution",
    "portfolio_facility",
    "portfolio_facilitybooking",
    "portfolio_financingintroduction",
    "portfolio_foundermembership",
    "portfolio_fund",
    "portfolio_fundexpense",
    "portfolio_fundinground",
    "portfolio_graduation",
    "portfolio_incubationagreement",
    "portfolio_incubationrule",
    "portfolio_incubatorfigures",
    "portfolio_incubatorthreshold",
    "portfolio_institution",
    "portfolio_investor",
    "portfolio_kpireminder",
    "portfolio_kpireport",
    "portfolio_kpirequest",
    "portfolio_kpirequest_startups",
    "portfolio_kpisubmission",
    "portfolio_limitedpartner",
    "portfolio_lpcommitment",
    "portfolio_lpdistribution",
    "portfolio_lpdistributionallocation",
    "portfolio_mentor",
    "portfolio_mentoringsession",
    "portfolio_milestone",
    "portfolio_milestoneevidence",
    "portfolio_participation",
    "portfolio_policyapplication",
    "portfolio_reallocationbeneficiary",
    "portfolio_reallocationrule",
    "portfolio_spacelease",
    "portfolio_stage",
    "portfolio_stagetransition",
    "portfolio_startup",
    "portfolio_startuptechthreshold",
    "portfolio_techtransfer",
    "portfolio_techtransferipitem",
    "portfolio_tranche",
    "portfolio_valuationmark",
)
KINDS = ("insert", "update", "delete")


def data_version_sql(vendor: str, table: str) -> tuple[list[str], list[str]]:
    """The statements that give ``table`` a token and its triggers, and those that undo it
    (the table and, on PostgreSQL, the function exist already)."""
    seed = f"INSERT INTO portfolio_data_version VALUES ('{table}', {RANDOM[vendor]})"
    if vendor == "sqlite":
        forward = [seed] + [
            f"""CREATE TRIGGER {table}_version_{kind} AFTER {kind.upper()} ON {table} BEGIN
            UPDATE portfolio_data_version SET token = random() WHERE table_name = '{table}';
            END"""
            for kind in KINDS
        ]
        back = [f"DROP TRIGGER {table}_version_{kind}" for kind in KINDS]
        return forward, back
    forward = [seed] + [
        f"""CREATE TRIGGER {table}_version_{kind} AFTER {kind.upper()} ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION portfolio_data_version_bump()"""
        for kind in (*KINDS, "truncate")
    ]
    back = [f"DROP TRIGGER {table}_version_{kind} ON {table}" for kind in (*KINDS, "truncate")]
    return forward, back


# 64 random bits: SQLite's random() is a 64-bit integer; PostgreSQL's random() has 52 bits,
# so the token is cut from a random UUID (gen_random_uuid, PostgreSQL 13 and later).
RANDOM = {
    "sqlite": "random()",
    "postgresql": "('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16))"
    "::bit(64)::bigint",
}

CREATE = {
    "sqlite": [
        "CREATE TABLE portfolio_data_version (table_name TEXT PRIMARY KEY, "
        "token BIGINT NOT NULL)"
    ],
    "postgresql": [
        "CREATE TABLE portfolio_data_version (table_name text PRIMARY KEY, "
        "token bigint NOT NULL)",
        f"""CREATE FUNCTION portfolio_data_version_bump() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE portfolio_data_version SET token = {RANDOM["postgresql"]}
            WHERE table_name = TG_TABLE_NAME;
            RETURN NULL;
        END $$""",
    ],
}
DROP = {
    "sqlite": ["DROP TABLE portfolio_data_version"],
    "postgresql": [
        "DROP FUNCTION portfolio_data_version_bump()",
        "DROP TABLE portfolio_data_version",
    ],
}


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in CREATE[vendor]:
        schema_editor.execute(sql)
    for table in TABLES:
        for sql in data_version_sql(vendor, table)[0]:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        for sql in data_version_sql(vendor, table)[1]:
            schema_editor.execute(sql)
    for sql in DROP[vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0032_list_orders_and_counts")]

    operations = [migrations.RunPython(forward, backward)]
