"""DTKS / PBDT exports (Kemensos); DTSEN exports of the same shape read here too."""

from konvergen.registry.ingest.schema import Source
from konvergen.registry.ingest.sources.dtks import codes, columns

SOURCE = Source(
    name="dtks",
    label="DTKS / DTSEN (Kemensos, BPS)",
    columns=columns.COLUMNS,
    ignored=columns.IGNORED,
    ignored_prefixes=columns.IGNORED_PREFIXES,
    values=codes.VALUES,
)
