"""The table of the database cache that stands in for Redis while Redis is down (settings.CACHES,
mentorship/core/cache.py). Made here so every `migrate` has it, without a separate command."""

from django.core.management import call_command
from django.db import migrations

TABLE = "mentorship_cache_fallback"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
