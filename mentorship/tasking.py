"""The base class of every task: Django-aware, and bounded in how often a lost task comes back.

With acks_late and reject_on_worker_lost a task whose worker dies is delivered again. That is
what keeps work from being lost, but a task that kills its worker every time (out of memory, a
segfault in a library) would come back forever. We count the starts of each delivery in the
shared cache and drop the task, loudly, after CELERY_TASK_MAX_REDELIVERIES.
"""

import logging
from typing import Any

from celery import Task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import Reject
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


class BoundedRedeliveryTask(DjangoTask):  # type: ignore[type-arg]
    def before_start(self, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # Retries get a fresh budget: they are planned, not a worker crash.
        key = f"celery-starts:{task_id}:{self.request.retries}"
        cache.add(key, 0, timeout=24 * 3600)
        starts = cache.incr(key)
        if starts > settings.CELERY_TASK_MAX_REDELIVERIES + 1:
            logger.error("Dropping task %s[%s]: it was delivered %d times", self.name, task_id, starts)
            raise Reject(f"delivered {starts} times", requeue=False)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:  # type: ignore[type-arg]
    """Send `task` once the current transaction commits, without ever failing the request.

    If the broker is down the message is dropped with a warning instead of raising into the
    user's request: the database is the source of truth, and the next sweep finds whatever is
    still due and enqueues it again.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:  # any broker failure; the sweep will catch up
            logger.warning("Could not enqueue %s; the next sweep will retry it", task.name, exc_info=True)

    transaction.on_commit(send)
