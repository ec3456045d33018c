"""Work other apps run after programmes or interventions of a region changed (the
convergence summaries). Apps register a callable in their ``AppConfig.ready``; the services
start it as a background job (``registry.jobs.start``) once their transaction is done, so a
failure there never undoes the change."""

import logging
from collections.abc import Callable

from konvergen.registry import jobs

log = logging.getLogger(__name__)

AfterChange = Callable[..., None]

_AFTER_CHANGE: list[AfterChange] = []


def register_after_change(func: AfterChange) -> None:
    if func not in _AFTER_CHANGE:
        _AFTER_CHANGE.append(func)


def _run(region_code: str) -> None:
    failed: Exception | None = None
    for func in list(_AFTER_CHANGE):
        try:
            func(region_code=region_code)
        except Exception as exc:
            log.exception("after-change hook %s for %s failed", func.__name__, region_code)
            failed = failed or exc
    if failed is not None and jobs.in_worker():
        # In the worker the job fails (and is retried), so the dashboard can say so.
        raise failed


def changed(*, region_code: str) -> None:
    jobs.start(_run, region_code, kind="programs.after_change", region_code=region_code)
