"""Settings for the Celery worker the crash test starts in a subprocess: the project's own, with
the broker handing an unacknowledged message to another worker after one second instead of an
hour, so "the worker died; after a restart the message comes back" fits in a test."""

import os

from mentorship.settings import *  # noqa: F403
from mentorship.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 1,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# The test run's own queue (tests/conftest.py), for the messages it sends and those this worker sends.
CELERY_TASK_DEFAULT_QUEUE = os.environ["CRASH_TEST_QUEUE"]
