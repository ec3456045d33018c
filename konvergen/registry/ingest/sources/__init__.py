"""Source adapters: one folder per export layout, and detection from the headers.

Each adapter is a package with the same three files:

``columns.py``
    ``COLUMNS = {"families": {field: [header synonyms, best first]}, "members": {...}}``,
    ``IGNORED`` (known headers not imported, per file) and ``IGNORED_PREFIXES``.
``codes.py``
    ``VALUES = {field: {raw label or code: canonical code}}`` for coded, boolean and sex
    fields. Canonical codes and labels (``canonical/codes.py``), yes/no words and sex words
    are accepted for every source and need not be repeated.
``__init__.py``
    ``SOURCE = Source(name=..., label=..., columns=..., ignored=..., ignored_prefixes=...,
    values=...)``.

Recipe for a new source (say a province's own extract; ``sources/dtsen`` was made this way):

1. Copy ``sources/dtks/`` to ``sources/<name>/`` and rename ``SOURCE.name``.
2. List the headers of a real export in ``columns.py`` against the canonical fields of
   ``konvergen.registry.ingest.schema`` (family file and member file), and list region-name
   or summary columns that are not imported in ``IGNORED``.
3. Map every coded value seen in the export onto the canonical codes in ``codes.py``; the
   test ``test_source_values_map_to_canonical_codes`` checks the targets exist.
4. Add the module to ``SOURCES`` below (order breaks ties in detection: the more specific
   layout first) and add a header-detection test with a two-row fixture.

Detection scores each source by the number of columns matched by the source's own header
synonyms across both files and picks the best (a bare canonical field name counts only for
the canonical layout).
"""

from collections.abc import Iterable, Mapping

from konvergen.registry.ingest.headers import HeaderMapping, map_headers
from konvergen.registry.ingest.schema import (
    BOOL_FIELDS,
    CODED_FIELDS,
    FAMILIES,
    INPUT_FIELDS,
    MEMBERS,
    REQUIRED,
    Source,
)
from konvergen.registry.ingest.sources import canonical, dtks, dtsen, p3ke
from konvergen.registry.ingest.sources.canonical.codes import CODE_LISTS
from konvergen.registry.ingest.sources.canonical.codes import VALUES as CANONICAL_LABELS
from konvergen.registry.ingest.values import BOOL_WORDS, DISABILITY_WORDS, SEX_WORDS, value_key

SOURCES: dict[str, Source] = {
    s.name: s for s in (p3ke.SOURCE, dtsen.SOURCE, dtks.SOURCE, canonical.SOURCE)
}


def get_source(name: str) -> Source:
    """The adapter called ``name``; ``ValueError`` listing the known ones otherwise."""
    try:
        return SOURCES[name]
    except KeyError:
        raise ValueError(
            f"Unknown source {name!r}; known sources: {', '.join(SOURCES)}"
        ) from None


def map_source_headers(
    source: Source,
    headers: Mapping[str, Iterable[str]],
    *,
    user_mapping: Mapping[str, str | None] | None = None,
) -> dict[str, HeaderMapping]:
    """Match both files' headers against one source: ``{"families": ..., "members": ...}``."""
    return {
        kind: map_headers(
            headers[kind],
            source.columns.get(kind, {}),
            required=REQUIRED[kind],
            fields=INPUT_FIELDS[kind],
            user_mapping=user_mapping,
            ignored=source.ignored.get(kind, ()),
            ignored_prefixes=source.ignored_prefixes,
        )
        for kind in (FAMILIES, MEMBERS)
    }


def detect_source(
    headers: Mapping[str, Iterable[str]],
    *,
    user_mapping: Mapping[str, str | None] | None = None,
) -> tuple[Source, dict[str, HeaderMapping]]:
    """Pick the source whose own headers match the most columns of both files.

    Parameters
    ----------
    headers : mapping
        ``{"families": [headers], "members": [headers]}``.
    user_mapping : mapping, optional
        Passed on to :func:`~konvergen.registry.ingest.headers.map_headers`.

    Returns
    -------
    (Source, dict)
        The winning source and its header mappings per file.
    """
    headers = {kind: list(h) for kind, h in headers.items()}
    best: tuple[int, Source, dict[str, HeaderMapping]] | None = None
    for source in SOURCES.values():
        mappings = map_source_headers(source, headers, user_mapping=user_mapping)
        score = sum(m.score for m in mappings.values())
        if best is None or score > best[0]:
            best = (score, source, mappings)
    assert best is not None
    return best[1], best[2]


def vocabulary(source: Source, name: str) -> dict[str, str]:
    """``{value_key(raw): canonical}`` for a coded, boolean or sex field of ``source``.

    Canonical codes and labels and the generic words come first; the source's own values
    override them.
    """
    base: dict[str, str] = {}
    if name in BOOL_FIELDS:
        base.update(BOOL_WORDS)
    elif name == "sex":
        base.update(SEX_WORDS)
    elif name == "disability":
        base.update(DISABILITY_WORDS)
    elif name in CODED_FIELDS:
        base.update({value_key(code): code for code in CODE_LISTS.get(name, {})})
        base.update({value_key(k): v for k, v in CANONICAL_LABELS.get(name, {}).items()})
    base.update({value_key(k): v for k, v in source.values.get(name, {}).items()})
    return base
