"""``konvergen serve-demo [addrport]``: the development server and a job worker together,
for ``make demo`` and ``make serve``. Ctrl-C stops both; when either exits, the other is
stopped too. Production runs gunicorn and ``konvergen worker`` as two services
(docs/operations.md)."""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the app with runserver and run a background-job worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        konvergen = [sys.executable, "-m", "konvergen.cli"]
        procs = [
            subprocess.Popen([*konvergen, "worker"]),
            subprocess.Popen([*konvergen, "runserver", options["addrport"]]),
        ]
        code = 0
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
            code = next(p.returncode for p in procs if p.returncode is not None)
        except KeyboardInterrupt:
            pass  # the terminal sent SIGINT to the children as well
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGINT)
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if code:
            sys.exit(code)
