"""A worker whose imports stop inside their transaction (after the families are written,
before the issues): it touches ``KONVERGEN_TEST_MARKER`` and sleeps, so a test can kill it
there with SIGKILL. Run as ``python tests/jobs/slow_worker.py`` from the checkout."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from konvergen.registry import store  # noqa: E402

_write_issues = store.write_issues


def write_issues_slowly(**kwargs):
    Path(os.environ["KONVERGEN_TEST_MARKER"]).touch()
    time.sleep(120)
    return _write_issues(**kwargs)


store.write_issues = write_issues_slowly
call_command("worker", "--poll", "0.2")
