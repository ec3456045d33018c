"""One identity: linking beneficiary lists and register snapshots to the same persons.

The record-linkage computation lives in :mod:`konvergen.linkage.engine` (no Django; Arrow
tables in, Arrow tables out, Splink on DuckDB or Spark underneath). The ``link`` management
command links a list file to register files without storing anything.
"""
