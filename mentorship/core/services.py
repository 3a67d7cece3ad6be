from datetime import datetime

from django.utils import timezone

from mentorship.core.models import Heartbeat


def heartbeat_record(*, at: datetime | None = None) -> Heartbeat:
    beat, _ = Heartbeat.objects.update_or_create(id=1, defaults={"beat_at": at or timezone.now()})
    return beat
