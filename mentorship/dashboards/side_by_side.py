"""Run a dashboard's independent queries side by side, each on a connection of its own.

A page's figures come from a handful of aggregate queries that do not depend on each other. One
after another their times add up (on the `seed_scale` data, about 140 ms of the HR page's 200 ms);
on worker threads the database runs them at once while the request's thread waits or works on
what has arrived.

Inside a transaction (a test, or a request under ATOMIC_REQUESTS) every query runs in turn on the
request's own connection instead: another connection would not see the transaction's own rows.
`DASHBOARD_QUERY_THREADS=1` turns the threads off.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache

from django.conf import settings
from django.db import connection, connections


def start[T](call: Callable[[], T]) -> Future[T]:
    """Begin `call` (a query that only reads) and return its future result."""
    if settings.DASHBOARD_QUERY_THREADS < 2 or connection.in_atomic_block:
        done: Future[T] = Future()
        try:
            done.set_result(call())
        except BaseException as error:  # handed to whoever reads the result, as a thread would
            done.set_exception(error)
        return done
    return _threads().submit(_on_own_connection, call)


@cache
def _threads() -> ThreadPoolExecutor:
    # Made on first use, in the process that serves requests (after gunicorn forks, not before).
    return ThreadPoolExecutor(settings.DASHBOARD_QUERY_THREADS, thread_name_prefix="dashboard-query")


def _on_own_connection[T](call: Callable[[], T]) -> T:
    # A new connection for each query, closed when it is done: connecting costs a few ms on the
    # same network, and no idle connection is left behind in a thread nobody watches (one would
    # also keep a test database from being dropped).
    try:
        return call()
    finally:
        connections.close_all()
