"""How the app hands work to Celery, and the base class of every task.

`enqueue_on_commit` is the one way to enqueue: after commit, and never raising into the caller.
The database row is the truth; a job whose hand-off failed is found by a periodic pass and
enqueued again (emails: the feedback sweep and the recovery pass; match runs and imports: their
recovery passes, see mentorship.leases).

With acks_late and reject_on_worker_lost a task whose worker dies is delivered again. That is
what keeps work from being lost, but a task that kills its worker every time (out of memory, a
segfault in a library) would come back forever. We count the starts of each delivery in the
shared cache and drop the task, loudly, after CELERY_TASK_MAX_REDELIVERIES. When the cache is
unreachable the count is skipped (fail open, with a warning): the task runs, which is what
delivery is for, and the long jobs bound their own attempts in the database (JOB_MAX_ATTEMPTS).
"""

import logging
from collections.abc import Callable
from typing import Any

from celery import Task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import Reject
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


class BoundedRedeliveryTask(DjangoTask[Any, Any]):
    def before_start(self, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # Retries get a fresh budget: they are planned, not a worker crash.
        key = f"celery-starts:{task_id}:{self.request.retries}"
        try:
            cache.add(key, 0, timeout=24 * 3600)
            starts = cache.incr(key)
        except Exception:  # the cache is down: run the task rather than lose it
            logger.warning("Could not count the starts of %s[%s]; running it anyway", self.name, task_id, exc_info=True)
            return
        if starts > settings.CELERY_TASK_MAX_REDELIVERIES + 1:
            logger.error("Dropping task %s[%s]: it was delivered %d times", self.name, task_id, starts)
            raise Reject(f"delivered {starts} times", requeue=False)


def enqueue_now(task: Task[Any, Any], *args: Any, **kwargs: Any) -> bool:
    """Send `task` to the broker now. False (with a warning) when the broker cannot take it."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # any broker failure; the periodic passes catch up
        logger.warning("Could not enqueue %s; a periodic pass will hand it over again", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(
    task: Task[Any, Any],
    *args: Any,
    on_sent: Callable[[], None] | None = None,
    **kwargs: Any,
) -> None:
    """Send `task` once the current transaction commits, without ever failing the request.

    If the broker is down the message is dropped with a warning instead of raising into the
    user's request: the database is the source of truth, and a periodic pass finds whatever is
    still due and enqueues it again. `on_sent` runs after a successful hand-off (to record it).
    """

    def send() -> None:
        if enqueue_now(task, *args, **kwargs) and on_sent is not None:
            on_sent()

    transaction.on_commit(send, robust=True)  # nothing in it may fail the request
