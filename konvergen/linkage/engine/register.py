"""The register input of the engine, built from the ingest pipeline's canonical tables.

The engine needs one row per person with the family's No KK, desa and address
(see :mod:`konvergen.linkage.engine.normalise`). :func:`register_from_tables` builds it from
the canonical ``families`` and ``members`` tables of
:class:`konvergen.registry.ingest.PreparedRegister`; :func:`read_register_files` reads a
P3KE (or DTKS) export pair through that pipeline.
"""

from pathlib import Path

import duckdb
import pyarrow as pa

from konvergen.linkage.engine import normalise


def register_from_tables(families: pa.Table, members: pa.Table) -> pa.Table:
    """Join canonical member and family tables into the engine's register input.

    Parameters
    ----------
    families : pyarrow.Table
        ``family_id``, ``kk_number``, ``region_code``, ``address`` (more columns ignored).
    members : pyarrow.Table
        ``person_id``, ``family_id``, ``nik``, ``name``, ``sex``, ``birth_date``.

    Returns
    -------
    pyarrow.Table
        Columns of :data:`~konvergen.linkage.engine.normalise.REGISTER_INPUT_COLUMNS`.
    """
    con = duckdb.connect()
    con.register("f", families.select(["family_id", "kk_number", "region_code", "address"]))
    con.register("m", members.select(["person_id", "family_id", "nik", "name", "sex",
                                      "birth_date"]))
    cols = ", ".join(f"{'f.' if c in ('kk_number', 'region_code', 'address') else 'm.'}{c}"
                     for c in normalise.REGISTER_INPUT_COLUMNS)
    return con.sql(f"SELECT {cols} FROM m LEFT JOIN f USING (family_id)").to_arrow_table()


def read_register_files(families_path: Path | str, members_path: Path | str, *,
                        source: str | None = None) -> tuple[pa.Table, pa.Table | None, dict]:
    """Read a register export pair through the ingest pipeline.

    Every desa code present in the family file is accepted as valid (the command has
    no region list to check against); rejected rows are left out.

    Returns
    -------
    register : pyarrow.Table
        The engine's register input.
    desa_lookup : pyarrow.Table or None
        ``code, name, kecamatan_code, kecamatan_name`` from the family file's desa and
        kecamatan name columns (to resolve lists that give a desa name), if it has them.
    counts : dict
        The ingest pipeline's counts (rows read, accepted, rejected).
    """
    from konvergen.registry.ingest import prepare_register
    from konvergen.registry.ingest.headers import header_key
    from konvergen.registry.ingest.readers import read_table

    raw = read_table(families_path)
    keys = {header_key(c): c for c in raw.column_names}
    code_col = next((keys[k] for k in ("kodekemdagri", "kodekemendagri", "kodewilayah",
                                       "kodedesa", "regioncode") if k in keys), None)
    codes = set()
    if code_col:
        codes = {str(v) for v in raw.column(code_col).to_pylist() if v is not None}
    prepared = prepare_register(families_path, members_path, source=source,
                                valid_region_codes=codes)
    register = register_from_tables(prepared.families, prepared.members)
    return register, desa_lookup_from(raw, code_col, keys), prepared.counts


def desa_lookup_from(raw: pa.Table, code_col: str | None, keys: dict) -> pa.Table | None:
    """Distinct (desa code, desa name, kecamatan code, kecamatan name) of a family file."""
    desa_col = next((keys[k] for k in ("desakelurahan", "desa", "namadesa", "kelurahan")
                     if k in keys), None)
    kec_col = next((keys[k] for k in ("kecamatan", "namakecamatan") if k in keys), None)
    if not (code_col and desa_col):
        return None
    con = duckdb.connect()
    con.register("raw", raw)
    kec = f'"{kec_col}"' if kec_col else "NULL"
    code = f'regexp_replace(CAST("{code_col}" AS VARCHAR), \'[^0-9]\', \'\', \'g\')'
    return con.sql(f"""
        SELECT DISTINCT {code} AS code, "{desa_col}" AS name,
               substr({code}, 1, 6) AS kecamatan_code, {kec} AS kecamatan_name
        FROM raw WHERE "{code_col}" IS NOT NULL
    """).to_arrow_table()
