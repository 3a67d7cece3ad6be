"""Settings for the Celery workers the fault tests start in subprocesses: the project's own, with
short clocks so "a worker died, its job is taken over" fits in a test: a 1 s visibility timeout
instead of 4 minutes, and 3 s leases instead of a minute. `fault_slow_engine` can make the
engine slow, so a test can kill a worker mid-run."""

import os

from mentorship.settings import *  # noqa: F403
from mentorship.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 1,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_DEFAULT_QUEUE = os.environ["FAULT_TEST_QUEUE"]
CELERY_IMPORTS = ["fault_slow_engine"]
JOB_LEASE_SECONDS = 3
