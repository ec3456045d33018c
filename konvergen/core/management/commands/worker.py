"""``konvergen worker``: run the background jobs queued in the database (``core.jobs``).

Run one beside the web server (``make demo`` does; in production a systemd unit, see
docs/operations.md). Several workers, on one host or several, share the queue safely.
"""

import logging

from django.core.management.base import BaseCommand

from konvergen.core.jobs import Worker


class Command(BaseCommand):
    help = "Run queued background jobs (imports, linking, recomputes, reports) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true",
                            help="Exit once no job is due instead of waiting for more.")
        parser.add_argument("--max-jobs", type=int, default=None,
                            help="Exit after this many jobs.")
        parser.add_argument("--poll", type=float, default=1.0,
                            help="Seconds between looks at an empty queue (default 1).")

    def handle(self, *args, **options):
        if options["verbosity"] >= 1 and not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        worker = Worker(poll=options["poll"], burst=options["burst"], max_jobs=options["max_jobs"])
        try:
            worker.run()
        except KeyboardInterrupt:
            self.stderr.write("worker interrupted; the running job, if any, is queued again")
