from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def goals_belong_to_the_mentee(apps: Any, schema_editor: Any) -> None:
    # Goals written before a goal had a learner were the mentee's: only reciprocal pairs have two.
    Goal = apps.get_model("workspace", "Goal")
    Mentorship = apps.get_model("mentorships", "Mentorship")
    Goal.objects.filter(learner=None).update(
        learner=models.Subquery(Mentorship.objects.filter(pk=models.OuterRef("mentorship")).values("mentee")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0002_hr_admins_group"),
        ("workspace", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="learner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="goals",
                to="participants.participant",
            ),
        ),
        migrations.RunPython(goals_belong_to_the_mentee, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="goal",
            name="learner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="goals", to="participants.participant"
            ),
        ),
        migrations.AddField(
            model_name="mentoringsession",
            name="corrected_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="mentoringsession",
            name="corrected_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="participants.participant",
            ),
        ),
    ]
