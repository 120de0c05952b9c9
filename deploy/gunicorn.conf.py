"""gunicorn settings for the web workers (the scheduler is a separate process)."""

import gc
import multiprocessing
import os

bind = os.environ.get("TRACKER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRACKER_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("TRACKER_THREADS", 2))
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
