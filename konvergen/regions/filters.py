"""Queryset filters on Kemendagri region codes ("within a region").

A region covers its own code and every code starting with its code and a dot; the empty code
``""`` stands for the whole country. These filters say nothing about who may see what: the
user's scope is applied by ``konvergen.accounts.access`` (which builds on ``within_q``).
"""

from collections.abc import Iterable

from django.db.models import Q

from konvergen.regions.codes import descendant_prefix, lineage

#: The whole country as a region code.
WHOLE_COUNTRY = ""

#: A filter keeping every row. Not ``Q()``: an empty Q vanishes when combined, so
#: ``Q() | other`` would be ``other`` alone and narrow a whole-country filter to ``other``.
ALL_ROWS = ~Q(pk__in=[])


def within_q(codes: str | Iterable[str], field: str = "code") -> Q:
    """A filter keeping rows whose region code ``field`` lies within ``codes`` (one code or
    several; ``ALL_ROWS`` when one is the whole country, so it may be combined with ``|``
    and ``&``; no row for no code)."""
    if isinstance(codes, str):
        codes = [codes]
    q = Q(pk__in=[])
    for code in codes:
        if code == WHOLE_COUNTRY:
            return ALL_ROWS
        q |= Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})
    return q


def overlap_q(code: str, field: str = "code") -> Q:
    """A filter keeping rows whose region code ``field`` is ``code``, a region above it or
    one below it ("in, above or below": a programme of the province reaches a desa, and a
    desa's programme is part of its kabupaten's picture).

    >>> overlap_q("32.04", "region_id")
    <Q: (OR: ('region_id__in', ['32', '32.04']), ('region_id__startswith', '32.04.'))>
    """
    return Q(**{f"{field}__in": lineage(code)}) | Q(
        **{f"{field}__startswith": descendant_prefix(code)}
    )
