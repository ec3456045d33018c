"""Canonical layout: the headers are the canonical field names themselves.

This is the layout Konvergen writes when it exports a snapshot and the one to use for a
hand-made file: ``families.csv`` with ``family_id, region_code, kk_number, ...`` and
``members.csv`` with ``person_id, family_id, name, nik, ...`` (see
``konvergen.registry.ingest.schema`` for every field). A field name always matches its own
column in every source; listing it as the synonym makes it count when the source is
detected from the headers.
"""

from konvergen.registry.ingest.schema import FAMILIES, INPUT_FIELDS, MEMBERS

COLUMNS: dict[str, dict[str, list[str]]] = {
    FAMILIES: {name: [name] for name in INPUT_FIELDS[FAMILIES]},
    MEMBERS: {name: [name] for name in INPUT_FIELDS[MEMBERS]},
}
IGNORED: dict[str, list[str]] = {FAMILIES: [], MEMBERS: []}
IGNORED_PREFIXES: tuple[str, ...] = ()
