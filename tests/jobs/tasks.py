"""Job functions the queue tests run (by dotted path, as the worker does)."""

import os
import time
from pathlib import Path

from konvergen.core import jobs


def record(path: str, n: int, gate: str = "") -> None:
    """Append ``n`` and the worker's process id to ``path`` (waiting for ``gate`` to exist)."""
    deadline = time.monotonic() + 60
    while gate and not Path(gate).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{n} {os.getpid()}\n")


def flaky(path: str, failures: int) -> None:
    """Fail the first ``failures`` times (counted in ``path``), then succeed."""
    counter = Path(path)
    seen = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(seen + 1))
    if seen < failures:
        raise RuntimeError(f"flaky failure {seen + 1}")


def always_fails(path: str) -> None:
    raise RuntimeError("the recompute broke")


def note_failure(path: str, *, error: str) -> None:
    Path(path).write_text(error)


jobs.register_failure_handler(always_fails, note_failure)
