"""Header matching: normalised keys, synonyms, the user's own mapping, and the report.

Headers are compared by :func:`header_key`, which ignores case, spaces and punctuation, so
``"No. KK"``, ``"NO_KK"`` and ``"no kk"`` are the same column.

>>> header_key(" No. KK ")
'nokk'
>>> m = map_headers(["No KK", "Nama Desa", "ID Keluarga P3KE"],
...                 {"kk_number": ["Nomor KK", "No KK"], "family_id": ["ID Keluarga P3KE"]},
...                 required=("family_id",))
>>> m.mapped
{'kk_number': 'No KK', 'family_id': 'ID Keluarga P3KE'}
>>> m.unknown
['Nama Desa']
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
IGNORE = "-"  # map a header to this (or to "") to drop it without reporting it as unknown


def header_key(header: str) -> str:
    """Return the comparison key of a header: lower case letters and digits only."""
    return _NOT_ALNUM.sub("", str(header).lower())


@dataclass
class HeaderMapping:
    """The outcome of matching one file's headers.

    Attributes
    ----------
    mapped : dict
        ``{canonical field: original header}`` in canonical field order.
    unknown : list of str
        Headers that matched nothing (kept out of the import; a user may map them).
    ignored : list of str
        Headers the source knows but does not import, or the user chose to drop.
    missing_required, missing_optional : list of str
        Canonical fields with no column in the file.
    """

    mapped: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    own_matches: int = 0

    @property
    def score(self) -> int:
        """How well the headers fit a source: columns matched by the source's own headers
        (a bare canonical field name fits every source, so it does not count)."""
        return self.own_matches

    def report(self) -> dict:
        """The mapping as plain data for the header report."""
        return {
            "mapped": dict(self.mapped),
            "unknown": list(self.unknown),
            "ignored": list(self.ignored),
            "missing_required": list(self.missing_required),
            "missing_optional": list(self.missing_optional),
        }


def parse_mapping_args(pairs: Iterable[str]) -> dict[str, str]:
    """Turn command-line ``--map "Header=field"`` strings into a user mapping.

    >>> parse_mapping_args(["Kode Desa Baru=region_code", "Catatan="])
    {'Kode Desa Baru': 'region_code', 'Catatan': ''}
    """
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.rpartition("=")
        if not sep or not header.strip():
            raise ValueError(f"Expected 'Header=field', got {pair!r}")
        mapping[header.strip()] = target.strip()
    return mapping


def map_headers(
    headers: Iterable[str],
    synonyms: Mapping[str, list[str]],
    *,
    required: Iterable[str] = (),
    fields: Iterable[str] | None = None,
    user_mapping: Mapping[str, str | None] | None = None,
    ignored: Iterable[str] = (),
    ignored_prefixes: Iterable[str] = (),
) -> HeaderMapping:
    """Match a file's headers to canonical fields.

    Parameters
    ----------
    headers : iterable of str
        The file's headers in file order.
    synonyms : mapping
        ``{field: [synonyms, best first]}``; the field name itself always matches too.
    required : iterable of str
        Fields that must be present.
    fields : iterable of str, optional
        All canonical fields of the file, for the missing-optional report and to validate
        user mappings; defaults to the keys of ``synonyms``.
    user_mapping : mapping, optional
        ``{original header: field}``; wins over synonyms. A target of ``""``, ``None`` or
        ``"-"`` drops the column. Targets that are not fields of this file are left alone
        (the same mapping is applied to the family and the member file).
    ignored, ignored_prefixes : iterable of str
        Known headers (or header-key prefixes) to leave out silently.

    Returns
    -------
    HeaderMapping
        When two headers claim one field, the one with the better synonym wins and the
        other is reported as unknown.
    """
    headers = list(headers)
    all_fields = list(fields) if fields is not None else list(synonyms)
    field_set = set(all_fields)
    user = {header_key(h): t for h, t in (user_mapping or {}).items()}
    ignored_keys = {header_key(h) for h in ignored}
    prefixes = tuple(header_key(p) for p in ignored_prefixes)

    # key -> (field, rank): synonyms rank 1, 2, ... in order; a bare field name ranks 0.
    lookup: dict[str, tuple[str, int]] = {}
    for name in all_fields:
        for rank, synonym in enumerate(synonyms.get(name, []), start=1):
            lookup.setdefault(header_key(synonym), (name, rank))
    for name in all_fields:
        lookup.setdefault(header_key(name), (name, 0))

    result = HeaderMapping()
    claims: dict[str, tuple[int, int, str]] = {}  # field -> (priority, position, header)
    for position, header in enumerate(headers):
        key = header_key(header)
        if key in user:
            target = user[key]
            if target in (None, "", IGNORE):
                result.ignored.append(header)
                continue
            if target in field_set:
                _claim(claims, result, target, (-1, position, header))
                continue
        if key in lookup:
            name, rank = lookup[key]
            result.own_matches += rank > 0
            _claim(claims, result, name, (rank, position, header))
        elif key in ignored_keys or (prefixes and key.startswith(prefixes)):
            result.ignored.append(header)
        else:
            result.unknown.append(header)

    result.mapped = {name: claims[name][2] for name in all_fields if name in claims}
    required = list(required)
    result.missing_required = [n for n in required if n not in claims]
    result.missing_optional = [n for n in all_fields if n not in claims and n not in required]
    return result


def _claim(claims: dict, result: HeaderMapping, name: str, claim: tuple[int, int, str]) -> None:
    current = claims.get(name)
    if current is None or claim < current:
        if current is not None:
            result.unknown.append(current[2])
        claims[name] = claim
    else:
        result.unknown.append(claim[2])


def unknown_targets(user_mapping: Mapping[str, str | None], fields: Iterable[str]) -> list[str]:
    """Targets of a user mapping that are no canonical field at all (a typo, most likely)."""
    known = set(fields) | {"", IGNORE}
    return sorted({t for t in user_mapping.values() if t is not None and t not in known})
