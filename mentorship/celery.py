"""The Celery app. Configuration lives in settings under the CELERY_ prefix."""

import os
from pathlib import Path
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship", task_cls="mentorship.tasking:BoundedRedeliveryTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_file_broker_folders(sender: Celery, **kwargs: Any) -> None:
    # The embedded broker keeps messages in folders that kombu expects to exist already.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
