"""The ``konvergen`` console command: Django's ``manage.py`` under the product's name.

``konvergen migrate``, ``konvergen regions load`` and every other management command work
exactly as ``python manage.py ...`` would.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konvergen.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
