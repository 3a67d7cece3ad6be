"""Seed the starting skill catalogue so every installation can build inventories on day one.

Idempotent: a skill whose name already exists (in any letter case) is left exactly as HR has it.
"""

from django.db import migrations

from skills.catalogue import seed_into


def seed_catalogue(apps, schema_editor):
    seed_into(apps.get_model("skills", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    # Unseeding on reverse would delete skills people have since used; leave them.
    operations = [migrations.RunPython(seed_catalogue, migrations.RunPython.noop)]
