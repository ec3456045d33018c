"""An official ``kode,nama`` file as a user provides it (codes with or without dots)."""

from pathlib import Path

import duckdb
import pyarrow as pa

from konvergen.regions.codes import normalise_code


class RegionFileError(ValueError):
    pass


def read_regions(path: Path) -> pa.Table:
    con = duckdb.connect()
    try:
        rel = con.read_csv(str(path), all_varchar=True, header=True)
    except duckdb.Error as exc:
        raise RegionFileError(f"Cannot read {path}: {exc}") from exc
    columns = {c.strip().lower(): c for c in rel.columns}
    if "kode" not in columns or "nama" not in columns:
        raise RegionFileError(
            f"{path}: expected columns 'kode,nama', found {', '.join(rel.columns)}"
        )
    table = rel.select(f'"{columns["kode"]}" AS kode, "{columns["nama"]}" AS nama').arrow()
    if hasattr(table, "read_all"):
        table = table.read_all()
    codes, names, bad = [], [], []
    for i, (kode, nama) in enumerate(
        zip(table.column("kode").to_pylist(), table.column("nama").to_pylist(), strict=True),
        start=2,
    ):
        code = normalise_code(kode)
        if code is None or not (nama or "").strip():
            bad.append(i)
            continue
        codes.append(code)
        names.append(nama.strip())
    if bad:
        raise RegionFileError(
            f"{path}: {len(bad)} rows have no valid code or name (lines {bad[:10]}...)"
        )
    n = len(codes)
    return pa.table(
        {
            "code": codes,
            "name": names,
            "latitude": pa.nulls(n, pa.float64()),
            "longitude": pa.nulls(n, pa.float64()),
            "population": pa.nulls(n, pa.int64()),
            "area_km2": pa.nulls(n, pa.float64()),
        }
    )
