"""Pure ingest pipeline of the target register (no Django).

Read a family file and a member file, recognise the source layout, map headers, validate
set-wise with DuckDB and return canonical Arrow tables plus rejections and flags. The entry
point is :func:`konvergen.registry.ingest.pipeline.prepare_register`.
"""

from konvergen.registry.ingest.pipeline import PreparedRegister, prepare_register
from konvergen.registry.ingest.readers import IngestFileError, IngestHeaderError

__all__ = ["IngestFileError", "IngestHeaderError", "PreparedRegister", "prepare_register"]
