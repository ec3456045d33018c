"""Named events other apps react to, with a declared order and recorded failures.

An app that must do work after something happened in another app (a register snapshot
stored, the rows of a linked list changed, programmes of a region changed, a background job
failed for good) registers a handler for the event — from its ``AppConfig.ready`` or, for
the job queue's failure handlers, where it defines the job — under a name of its own::

    hooks.register(AFTER_IMPORT, welfare_recompute_after_import, name="welfare.recompute")
    hooks.register(AFTER_IMPORT, convergence_refresh_after_import,
                   name="convergence.refresh", after=("welfare.recompute",))

The app that raises the event calls ``hooks.run(event, ..., at_region=...)`` once its own
transaction is done. Handlers run in the order their ``after`` / ``before`` declarations
give (a topological sort; handlers nothing orders run by name), never in the order the apps
happen to be installed; an unknown name or a cycle is refused loudly (:class:`HookOrderError`,
also reported by ``konvergen check``).

A handler that raises does not stop the others: its failure is recorded (``HookFailure``,
with the region and the traceback), each handler that runs ``after`` it — directly or
through another — is skipped and recorded as skipped, and every other handler still runs.
Pages show a recorded failure like a failed background job (``jobs.last_failure``, asked
by ``regions.selectors.last_failure`` and the ``{% failed_recompute %}`` tag) until the
handler succeeds again for that region. A handler
registered ``required=True`` also fails its caller: after the run, its exception is raised
(an import job then fails and is retried). Nothing else changes when nothing fails.
"""

from __future__ import annotations

import heapq
import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

Handler = Callable[..., object]

#: The events raised by the apps (the names handlers register under are the apps' own).
#: A register snapshot has committed: ``snapshot=``, ``acting_user=`` (registry).
SNAPSHOT_STORED = "register.snapshot_stored"
#: The rows of a linked list changed: ``list_id=``, ``acting_user=``, ``trigger=`` (linkage).
ROWS_CHANGED = "linkage.rows_changed"
#: Programmes or interventions of a region changed: ``region_code=`` (programs).
PROGRAMMES_CHANGED = "programs.changed"
#: A background job of one function failed for good: ``*job.args, error=`` (core.jobs;
#: the event is ``jobs_failed(func_path)``).
JOBS_FAILED = "jobs.failed"

UNKNOWN = "Hook {name!r} of event {event!r} is ordered against {other!r}, which is not registered."
CYCLE = "The hooks of event {event!r} are ordered in a cycle: {names}."
TAKEN = "Hook name {name!r} of event {event!r} is already taken by {func}."
SKIPPED = "Skipped: {names} failed or was skipped before it."


class HookOrderError(RuntimeError):
    """The declared order of an event's handlers cannot be satisfied."""


@dataclass(frozen=True)
class Registration:
    event: str
    name: str
    func: Handler
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    required: bool = False


@dataclass
class HookRun:
    """What one ``run`` did: handler names in the order they ran or were skipped."""

    event: str
    ran: list[str] = field(default_factory=list)
    failed: dict[str, BaseException] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped

    def reraise(self) -> None:
        """Raise the first failure (if any) to the caller."""
        for exc in self.failed.values():
            raise exc


_REGISTRY: dict[str, dict[str, Registration]] = {}
_ORDER_CACHE: dict[str, list[Registration]] = {}


def _func_path(func: Handler) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


def jobs_failed(func_path: str) -> str:
    """The event raised when a background job of ``func_path`` failed for good."""
    return f"{JOBS_FAILED}:{func_path}"


def register(event: str, func: Handler, *, name: str, after: Iterable[str] = (),
             before: Iterable[str] = (), required: bool = False) -> None:
    """Run ``func`` on ``event``, after the handlers named in ``after`` (it depends on them:
    skipped when one failed) and before those named in ``before`` (they depend on it).
    Registering the same name again with the same function (a module imported twice)
    replaces the registration; another function under a taken name is refused."""
    handlers = _REGISTRY.setdefault(event, {})
    known = handlers.get(name)
    if known is not None and _func_path(known.func) != _func_path(func):
        raise HookOrderError(TAKEN.format(name=name, event=event, func=_func_path(known.func)))
    handlers[name] = Registration(event=event, name=name, func=func, after=tuple(after),
                                  before=tuple(before), required=required)
    _ORDER_CACHE.pop(event, None)


def unregister(event: str, name: str) -> None:
    """Remove a handler (tests)."""
    _REGISTRY.get(event, {}).pop(name, None)
    _ORDER_CACHE.pop(event, None)


def has_handlers(event: str) -> bool:
    return bool(_REGISTRY.get(event))


def events() -> list[str]:
    return sorted(_REGISTRY)


def _dependencies(event: str) -> dict[str, set[str]]:
    """Each handler's name → the names it runs after (``after`` and others' ``before``)."""
    handlers = _REGISTRY.get(event, {})
    deps: dict[str, set[str]] = {name: set() for name in handlers}
    for reg in handlers.values():
        for other in reg.after:
            if other not in handlers:
                raise HookOrderError(UNKNOWN.format(name=reg.name, event=event, other=other))
            deps[reg.name].add(other)
        for other in reg.before:
            if other not in handlers:
                raise HookOrderError(UNKNOWN.format(name=reg.name, event=event, other=other))
            deps[other].add(reg.name)
    return deps


def order(event: str) -> list[Registration]:
    """The handlers of ``event`` in the order they run (dependencies first, then by name)."""
    cached = _ORDER_CACHE.get(event)
    if cached is not None:
        return cached
    handlers = _REGISTRY.get(event, {})
    deps = _dependencies(event)
    waiting = {name: len(d) for name, d in deps.items()}
    dependents: dict[str, list[str]] = {name: [] for name in deps}
    for name, d in deps.items():
        for other in d:
            dependents[other].append(name)
    ready = [name for name, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    result: list[Registration] = []
    while ready:
        name = heapq.heappop(ready)
        result.append(handlers[name])
        for nxt in dependents[name]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, nxt)
    if len(result) < len(handlers):
        stuck = sorted(name for name, n in waiting.items() if n > 0)
        raise HookOrderError(CYCLE.format(event=event, names=", ".join(stuck)))
    _ORDER_CACHE[event] = result
    return result


def check_all() -> list[str]:
    """The order errors of every event (``konvergen check``)."""
    errors = []
    for event in events():
        try:
            order(event)
        except HookOrderError as exc:
            errors.append(str(exc))
    return errors


def system_check(app_configs=None, **kwargs) -> list:
    """``konvergen check``: every event's declared order can be satisfied (registered by
    ``CoreConfig.ready``; runs once every app's ``ready`` has registered its handlers)."""
    from django.core.checks import Error

    return [Error(message, id="core.E101") for message in check_all()]


def _record(event: str, name: str, region_code: str, status: str, error: str) -> None:
    from konvergen.core.models import HookFailure

    try:
        with transaction.atomic():
            HookFailure.objects.create(event=event[:100], handler=name[:100],
                                       region_code=region_code[:40], status=status,
                                       error=error)
    except DatabaseError:
        log.exception("could not record the failure of hook %s (%s)", name, event)


def _resolve(event: str, names: list[str], region_code: str) -> None:
    """The handlers that succeeded: their earlier failures there are over."""
    from konvergen.core.models import HookFailure

    if not names:
        return
    try:
        with transaction.atomic():
            HookFailure.objects.filter(event=event[:100], handler__in=names,
                                       region_code=region_code[:40],
                                       resolved_at__isnull=True).update(
                resolved_at=timezone.now())
    except DatabaseError:
        log.exception("could not mark the failures of %s (%s) resolved", names, event)


def run(event: str, /, *args, at_region: str = "", atomic: bool = False,
        **kwargs) -> HookRun:
    """Call the handlers of ``event`` with ``*args, **kwargs`` in their declared order.
    ``at_region`` is the code of the region the event concerns (where a failure is shown),
    not passed on. ``atomic``: each handler runs in a savepoint of its own, so a failing
    one is rolled back alone. Raises the failure of a ``required`` handler after the others
    ran."""
    outcome = HookRun(event=event)
    broken: set[str] = set()
    deps = _dependencies(event) if _REGISTRY.get(event) else {}
    for reg in order(event):
        blocked = sorted(deps[reg.name] & broken)
        if blocked:
            broken.add(reg.name)
            outcome.skipped.append(reg.name)
            log.error("hook %s of %s (%s) skipped: %s failed", reg.name, event, at_region,
                      ", ".join(blocked))
            _record(event, reg.name, at_region, "skipped",
                    SKIPPED.format(names=", ".join(blocked)))
            continue
        try:
            if atomic:
                with transaction.atomic():
                    reg.func(*args, **kwargs)
            else:
                reg.func(*args, **kwargs)
        except Exception as exc:
            broken.add(reg.name)
            outcome.failed[reg.name] = exc
            log.exception("hook %s of %s (%s) failed", reg.name, event, at_region)
            _record(event, reg.name, at_region, "failed", traceback.format_exc())
        else:
            outcome.ran.append(reg.name)
    _resolve(event, outcome.ran, at_region)
    for name, error in outcome.failed.items():
        if _REGISTRY[event][name].required:
            raise error
    return outcome


def failures(handlers: Iterable[str], codes_q) -> list:
    """The unresolved recorded failures of ``handlers`` in the regions ``codes_q`` selects,
    newest first (for ``jobs.last_failure``)."""
    from konvergen.core.models import HookFailure

    return list(
        HookFailure.objects.filter(codes_q, handler__in=list(handlers), resolved_at__isnull=True)
        .order_by("-at", "-id")[:50]
    )
