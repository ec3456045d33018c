"""P3KE exports (Kemenko PMK): one family file and one member file per region."""

from konvergen.registry.ingest.schema import Source
from konvergen.registry.ingest.sources.p3ke import codes, columns

SOURCE = Source(
    name="p3ke",
    label="P3KE (Kemenko PMK)",
    columns=columns.COLUMNS,
    ignored=columns.IGNORED,
    ignored_prefixes=columns.IGNORED_PREFIXES,
    values=codes.VALUES,
)
