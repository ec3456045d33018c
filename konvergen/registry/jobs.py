"""Starting background work. ``KONVERGEN_JOB_RUNNER`` = ``thread`` (default: a thread in the
web process, enough for one region's secretariat) or ``inline`` (run before the response,
used by tests)."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, transaction

log = logging.getLogger(__name__)


def start(func, *args) -> None:
    mode = getattr(settings, "KONVERGEN_JOB_RUNNER", "thread")
    if mode == "inline":
        func(*args)
        return

    def target():
        try:
            func(*args)
        except Exception:
            log.exception("background job %s%s failed", func.__name__, args)
        finally:
            close_old_connections()

    # Start only once the request's transaction (which created the job row) has committed.
    transaction.on_commit(lambda: threading.Thread(target=target, daemon=True).start())
