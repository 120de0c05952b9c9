"""gunicorn settings for the web workers (the scheduler is a separate process)."""

import gc
import multiprocessing
import os

bind = os.environ.get("TRACKER_BIND", "127.0.0.1:8000")
# One worker per core, 8 threads each (issue 17; docs/benchmarks.md, "Beside Redmine"). A request
# waits on PostgreSQL for most of its time (a task list: ~30 ms of Python, the rest its
# statements), so threads overlap the waits while one process per core runs the Python; more
# processes only compete for the same 2 cores. Measured with wrk (50 connections, 15 s, the
# officer's task page, 100k tasks, on the 2-core machine shared with other test runs, each
# layout right after the other): 2x8 13.7 and 8.9 req/s, p99 6.5 and 10.3 s, 26 and 34 ms of
# worker CPU per request; 5x2 (the old 2 x cores + 1, 2 threads) 11.1 and 5.6 req/s, p99 14.3 and
# 13.0 s, 33 and 39 ms; 2x4 10.1; 3x4 9.2. Fewer processes also hold fewer copies of the app
# (~140 MB each). A deployment with heavy exports may prefer more processes: a long CPU-bound
# request slows the other threads of its worker.
workers = int(os.environ.get("TRACKER_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("TRACKER_THREADS", 8))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
# Never start the scheduler here: every worker would run every job (see docs/reminders.md).
preload_app = False


def post_worker_init(worker):
    """Move what loading the app created (modules, the SQLAlchemy mappers, compiled templates:
    ~200k objects) out of the garbage collector's reach. A full collection walked them all
    every few requests: 13–32 ms per request on average on the task list (issue 17,
    docs/benchmarks.md); nothing created by a request is affected."""
    gc.freeze()
