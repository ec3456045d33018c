"""The canonical layout (headers are canonical field names, values canonical codes)."""

from konvergen.registry.ingest.schema import Source
from konvergen.registry.ingest.sources.canonical import codes, columns

SOURCE = Source(
    name="canonical",
    label="Konvergen canonical layout",
    columns=columns.COLUMNS,
    ignored=columns.IGNORED,
    ignored_prefixes=columns.IGNORED_PREFIXES,
    values=codes.VALUES,
)
