"""The ``konvergen`` console command: Django's ``manage.py`` under the product's name.

``konvergen migrate``, ``konvergen regions load`` and every other management command work
exactly as ``python manage.py ...`` would.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
    argv = argv if argv is not None else sys.argv
    if len(argv) > 1 and argv[1] not in ("runserver", "worker", "serve-demo"):
        # A command ends when its work is done: background jobs it starts (e.g. refreshing
        # convergence after a change) must run before it exits, not in a queue nobody may be
        # working on. The server and the worker queue them (KONVERGEN_JOB_RUNNER=queue).
        os.environ.setdefault("KONVERGEN_JOB_RUNNER", "inline")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
