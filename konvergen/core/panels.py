"""Panels of named pages: a page of a lower app shows sections that higher apps contribute,
without importing them.

``core`` imports no other app, and neither need the pages: each app registers its panels
from its ``AppConfig.ready`` (``register``) for a named page (``HOME``, ``FAMILY``,
``REGION``), in a declared order. A page runs its panels (``run`` or ``sections``) with the
user and its subject (the family, the region…), each panel receiving them as keyword
arguments. A panel that fails does not take the page down: the failure is logged and the
page names the panel that could not be shown.

The home page's panels return items (``core.home``); the other pages' panels return a
context (a dict merged into the page's context) and name the template that renders them,
included by the page in the panels' order.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: The pages panels can be registered for.
HOME, FAMILY, REGION = "home", "family", "region"
PAGES = (HOME, FAMILY, REGION)


@dataclass(frozen=True)
class Entry:
    order: int
    func: Callable
    template: str | None = None


_REGISTRY: dict[str, dict[str, Entry]] = {page: {} for page in PAGES}


def registry(page: str) -> dict[str, Entry]:
    """The panels registered for ``page`` by name (the registry's own dict)."""
    if page not in _REGISTRY:
        raise ValueError(f"unknown page {page!r}; known: {', '.join(PAGES)}")
    return _REGISTRY[page]


def register(page: str, name: str, func: Callable, *, order: int = 50,
             template: str | None = None) -> None:
    """Add (or replace) the panel ``name`` of ``page``; panels run by ``order``, then name.
    ``template`` renders the panel's context on pages other than the home page."""
    registry(page)[name] = Entry(order, func, template)


def unregister(page: str, name: str) -> None:
    registry(page).pop(name, None)


def run(page: str, *args, **kwargs) -> tuple[list[tuple[str, Entry, Any]], list[str]]:
    """Each panel of ``page`` called with ``args`` and ``kwargs`` in order: the
    ``(name, entry, result)`` of those that answered, and the names of those that failed."""
    done: list[tuple[str, Entry, Any]] = []
    failed: list[str] = []
    for name, entry in sorted(registry(page).items(), key=lambda kv: (kv[1].order, kv[0])):
        try:
            result = entry.func(*args, **kwargs)
        except Exception:
            log.exception("%s panel %s failed", page, name)
            failed.append(name)
            continue
        done.append((name, entry, result))
    return done, failed


@dataclass
class Sections:
    """What a page's panels give it: the context they add, the templates rendering them
    (in order) and the names of the panels that failed."""

    context: dict = field(default_factory=dict)
    templates: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def sections(page: str, user, **subject) -> Sections:
    """Run the panels of ``page`` for ``user`` and the page's ``subject``; each returns a
    dict of context (or ``None`` to show nothing)."""
    done, failed = run(page, user, **subject)
    out = Sections(failed=failed)
    for _name, entry, context in done:
        if context is None:
            continue
        out.context.update(context)
        if entry.template:
            out.templates.append(entry.template)
    return out
