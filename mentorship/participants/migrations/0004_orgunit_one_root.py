# The one-root constraint is a migration of its own: PostgreSQL refuses to build an index in the
# transaction that has just moved units (0003 folds several roots under one, which leaves the
# foreign-key checks of those rows pending until commit).

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('participants', '0003_one_org_root_and_leavers'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='orgunit',
            constraint=models.UniqueConstraint(django.db.models.functions.comparison.Coalesce('parent', models.Value(0)), condition=models.Q(('parent', None)), name='orgunit_one_root'),
        ),
    ]
