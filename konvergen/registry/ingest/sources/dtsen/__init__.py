"""DTSEN exports (Data Tunggal Sosial dan Ekonomi Nasional, BPS; Inpres 4/2025)."""

from konvergen.registry.ingest.schema import Source
from konvergen.registry.ingest.sources.dtsen import codes, columns

SOURCE = Source(
    name="dtsen",
    label="DTSEN (BPS)",
    columns=columns.COLUMNS,
    ignored=columns.IGNORED,
    ignored_prefixes=columns.IGNORED_PREFIXES,
    values=codes.VALUES,
)
