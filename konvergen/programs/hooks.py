"""Work other apps run after programmes or interventions of a region changed (the
convergence summaries). Apps register a handler of ``core.hooks.PROGRAMMES_CHANGED`` in their
``AppConfig.ready``; the services start it as a background job (``core.jobs.start``) once
their transaction is done, so a failure there never undoes the change."""

from konvergen.core import hooks, jobs


def _run(region_code: str) -> None:
    """The background job (queued jobs name it by its dotted path: keep the name)."""
    outcome = hooks.run(hooks.PROGRAMMES_CHANGED, region_code=region_code,
                        at_region=region_code)
    if jobs.in_worker():
        # In the worker the job fails (and is retried), so the dashboard can say so.
        outcome.reraise()


def changed(*, region_code: str) -> None:
    jobs.start(_run, region_code, kind="programs.after_change", region_code=region_code)
