"""What every generator shares: the registry of named generators, the generation context
(with the data several blocks read, loaded once per generation) and small helpers.

A generator turns live data into report blocks (``document.Table``, ``Chart``, ``Map``,
``Note``). It reads through the apps' selectors, set-wise: aggregates stored by the welfare
and convergence runs and SQL sums, never one query per family, so a region of a million
families costs what a small one does. When its data is missing it returns a :class:`Note`
saying so, and the report still renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from konvergen.reports.document import Block, Note
from konvergen.reports.models import BlockKind

Build = Callable[["Context", dict], list[Block]]


@dataclass(frozen=True)
class Generator:
    name: str
    kind: str
    label: Any  # a lazy translation
    build: Build
    params: dict = field(default_factory=dict)


#: name -> generator; filled by the modules of this package as they are imported.
GENERATORS: dict[str, Generator] = {}


def generator(name: str, kind: str, label, **params) -> Callable[[Build], Build]:
    """Register the decorated function as the generator ``name`` of block ``kind``."""
    if kind not in BlockKind.values or kind == BlockKind.NARRATIVE:
        raise ValueError(f"not a generated block kind: {kind!r}")

    def register(build: Build) -> Build:
        if name in GENERATORS:
            raise ValueError(f"generator {name!r} registered twice")
        GENERATORS[name] = Generator(name=name, kind=kind, label=label, build=build,
                                     params=params)
        return build

    return register


@dataclass
class Context:
    """One generation: the region (a kab/kota), the year, and data read once."""

    region: Any
    year: int
    language: str = "id"
    today: dt.date = field(default_factory=timezone.localdate)
    _cache: dict = field(default_factory=dict, repr=False)

    def once(self, key: str, load: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]


# --- Helpers ------------------------------------------------------------------------------


def local_date(value: dt.datetime | dt.date | None) -> dt.date | None:
    """A date-time as the local date (dates pass through)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def latest(*values: dt.datetime | dt.date | None) -> dt.date | None:
    dates = [d for d in (local_date(v) for v in values) if d is not None]
    return max(dates) if dates else None


def no_data(text: str) -> list[Block]:
    return [Note(text=text)]


def share(part: float | None, whole: float | None) -> float | None:
    """``part`` as a percentage of ``whole`` (None when either is missing or whole is 0)."""
    if part is None or not whole:
        return None
    return part * 100 / whole


def join_sources(sources: list[str], limit: int = 400) -> str:
    """Distinct sources in order of first appearance, "; "-joined (shortened if long)."""
    seen = list(dict.fromkeys(s for s in sources if s))
    text = "; ".join(seen)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def konvergen_source(what: str) -> str:
    """A source line for figures Konvergen keeps: "… (Konvergen, TKPK Kabupaten X)"."""
    return _("%(what)s (Konvergen)") % {"what": what}
