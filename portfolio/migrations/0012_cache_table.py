"""The database cache table (``settings.CACHES`` without ``REDIS_URL``): every app server
shares the rate-limit counters and other cached state through it. Created here so that
``migrate`` (make demo, make serve, the test databases, a new release) always has it;
the same table ``manage.py createcachetable`` would create."""

from django.db import migrations

CACHE_TABLE = "django_cache"


def create_cache_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0011_api_token_scope_and_expiry")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
