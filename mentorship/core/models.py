from django.db import models
from django.db.models import Q


class Heartbeat(models.Model):
    """One row, rewritten by the periodic heartbeat task; /healthz reads when beat last ran."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    beat_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="heartbeat_single_row")]

    def __str__(self) -> str:
        return f"heartbeat at {self.beat_at:%Y-%m-%d %H:%M:%S}"
