"""DTKS / PBDT exports (Kemensos)."""

from konvergen.registry.ingest.schema import Source
from konvergen.registry.ingest.sources.dtks import codes, columns

SOURCE = Source(
    name="dtks",
    label="DTKS / PBDT (Kemensos)",
    columns=columns.COLUMNS,
    ignored=columns.IGNORED,
    ignored_prefixes=columns.IGNORED_PREFIXES,
    values=codes.VALUES,
)
