# Two leases of one unit never overlap, also when a write skips the services. The services
# serialise the writers of a unit (an advisory lock on PostgreSQL) and look for a clash; on
# PostgreSQL the database now holds the rule too: an exclusion constraint over the closed
# range [starts_on, ends_on] per unit (both days included; an empty ends_on is an unbounded
# upper end, which daterange takes as "runs on"). The unit is text, so its equality in a
# GiST index needs btree_gist (created by 0021_facilities; IF NOT EXISTS keeps this one
# independent of it). SQLite has no exclusion constraints: there the IMMEDIATE transactions
# and the services' check hold it, as before.

from django.db import migrations

NO_OVERLAP = (
    "ALTER TABLE portfolio_spacelease ADD CONSTRAINT space_lease_no_overlap "
    "EXCLUDE USING gist (unit WITH =, daterange(starts_on, ends_on, '[]') WITH &&)"
)


def no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(NO_OVERLAP)


def drop_no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE portfolio_spacelease DROP CONSTRAINT space_lease_no_overlap"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("portfolio", "0025_kpi_statistics_figures"),
    ]

    operations = [
        migrations.RunPython(no_overlap, drop_no_overlap),
    ]
