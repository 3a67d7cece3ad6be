"""Gunicorn settings for the web server: `gunicorn -c python:mentorship.gunicorn_conf mentorship.wsgi`.

Sized from the machine, overridable from the environment (README, "Serving"):

- `WEB_CONCURRENCY` worker processes (default: one per CPU core, at least 2). A request spends
  most of its time in Python (views, templates), which one process runs on one core at a time.
- `WEB_THREADS` request threads per worker (default 4): while one thread waits on PostgreSQL or
  Redis, another renders. Each thread holds at most one database connection, so the web server
  holds at most WEB_CONCURRENCY x WEB_THREADS connections (plus the workers' and beat's).
- `WEB_TIMEOUT` seconds a request may run before its worker is restarted (default 60: above the
  slowest page, a dashboard computed afresh on a very large organisation).
- `WEB_KEEPALIVE` seconds an idle keep-alive connection is held (default 5; keep it above the
  idle timeout of a load balancer in front, or it will see connections reset).
"""

import os

from mentorship.env import env_int

_cores = os.cpu_count() or 1

workers = env_int("WEB_CONCURRENCY", max(2, _cores), minimum=1, maximum=64)
threads = env_int("WEB_THREADS", 4, minimum=1, maximum=64)
worker_class = "gthread"
timeout = env_int("WEB_TIMEOUT", 60, minimum=5)
graceful_timeout = 30
keepalive = env_int("WEB_KEEPALIVE", 5, minimum=1)
# A worker is replaced after this many requests (spread out so they do not all restart at once),
# which bounds the memory any slow leak in a library can take.
max_requests = 5000
max_requests_jitter = 500
# Requests queue here when every thread is busy; beyond it the kernel refuses connections.
backlog = 512
accesslog = "-"
errorlog = "-"
# No runtime control socket (gunicorn 25+): nothing here uses it, and several servers on one
# machine would otherwise share its one default path.
control_socket_disable = True
# Workers' heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (a RAM disk, not a temp file)


def post_worker_init(worker: object) -> None:
    """Before a worker takes requests: import the statistics libraries the comparison page loads
    on first use (mentorship/dashboards/effects.py). Under load that import took the first
    comparison in each worker 8-9 s; here it is paid once, at boot, by no one's request."""
    import scipy.special  # noqa: F401
    import statsmodels.regression.linear_model
    import statsmodels.stats.multitest
    import statsmodels.stats.power  # noqa: F401
