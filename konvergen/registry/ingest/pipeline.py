"""Prepare a target-register snapshot from a family file and a member file.

>>> import pyarrow as pa, tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "keluarga.csv").write_text(
...     "ID Keluarga P3KE;Kode Kemdagri;No KK;Desil Kesejahteraan\\n"
...     "K1;3204052001;3204051201800001;1\\n")
>>> _ = (tmp / "anggota.csv").write_text(
...     "ID Keluarga P3KE;ID Individu;Nama;NIK;Jenis Kelamin;"
...     "Hubungan dengan Kepala Keluarga;Tanggal Lahir\\n"
...     "K1;I1;Asep;3204051201800001;Laki-laki;Kepala Keluarga;12-01-1980\\n")
>>> result = prepare_register(tmp / "keluarga.csv", tmp / "anggota.csv",
...                           valid_region_codes={"32.04.05.2001"})
>>> result.source, result.counts["families_accepted"], result.counts["members_accepted"]
('p3ke', 1, 1)
>>> result.members.column("nik_sex").to_pylist()
['L']
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from konvergen.regions.codes import DESA, level_of, normalise_code
from konvergen.registry.ingest.headers import unknown_targets
from konvergen.registry.ingest.readers import IngestHeaderError, read_table
from konvergen.registry.ingest.schema import FAMILIES, INPUT_FIELDS, MEMBERS
from konvergen.registry.ingest.sources import detect_source, get_source, map_source_headers
from konvergen.registry.ingest.validate import validate_register

_WIB = dt.timezone(dt.timedelta(hours=7))


@dataclass
class PreparedRegister:
    """Canonical tables of one snapshot, ready to be stored.

    Attributes
    ----------
    source : str
        Name of the source adapter used (``"p3ke"``, ``"dtsen"``, ``"dtks"``, ``"canonical"``).
    families, members : pyarrow.Table
        Accepted rows in the canonical schema (``schema.FAMILY_SCHEMA`` / ``MEMBER_SCHEMA``),
        ordered by ``row_number``.
    rejections, flags : pyarrow.Table
        One row per problem (``schema.PROBLEM_SCHEMA``); rejected rows are not in
        ``families``/``members``; flags concern accepted rows only.
    header_report : dict
        Per file (``"families"``, ``"members"``): ``mapped`` ``{field: original header}``,
        ``unknown``, ``ignored``, ``missing_required`` and ``missing_optional``; plus
        ``"source_detected"`` (bool).
    counts : dict
        Rows read, accepted and rejected per file, problem totals and tallies by reason.
    """

    source: str
    families: pa.Table
    members: pa.Table
    rejections: pa.Table
    flags: pa.Table
    header_report: dict
    counts: dict


def prepare_register(
    families_path: Path | str,
    members_path: Path | str,
    *,
    source: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    valid_region_codes: pa.Array | pa.ChunkedArray | Iterable[str],
    snapshot_date: dt.date | None = None,
    families_sheet: str | None = None,
    members_sheet: str | None = None,
) -> PreparedRegister:
    """Read, recognise, map and validate a family file and a member file.

    Parameters
    ----------
    families_path, members_path : path
        CSV or spreadsheet exports (see :func:`~konvergen.registry.ingest.readers.read_table`).
    source : str, optional
        Adapter name; detected from the headers when omitted.
    mapping : mapping, optional
        The user's ``{"Original Header": "canonical_field"}`` (``""`` drops a column),
        applied to whichever file has that header.
    valid_region_codes : pyarrow.Array or set of str
        Desa/kelurahan codes that exist (with or without dots); other levels are ignored.
    snapshot_date : datetime.date, optional
        Date of the snapshot (default: today in WIB); later birth dates are rejected.
    families_sheet, members_sheet : str, optional
        Worksheet names for spreadsheet files (first sheet by default).

    Returns
    -------
    PreparedRegister

    Raises
    ------
    IngestFileError
        A file cannot be read.
    IngestHeaderError
        Required columns are missing; ``error.report`` holds the header report.
    ValueError
        Unknown source name or a mapping to a field that does not exist.
    """
    if mapping:
        bad = unknown_targets(mapping, {*INPUT_FIELDS[FAMILIES], *INPUT_FIELDS[MEMBERS]})
        if bad:
            raise ValueError(f"Mapping to unknown fields: {', '.join(bad)}")
    snapshot_date = snapshot_date or dt.datetime.now(_WIB).date()
    tables = {
        FAMILIES: read_table(families_path, sheet=families_sheet),
        MEMBERS: read_table(members_path, sheet=members_sheet),
    }
    headers = {
        kind: [c for c in table.column_names if c != "row_number"]
        for kind, table in tables.items()
    }
    if source is None:
        adapter, mappings = detect_source(headers, user_mapping=mapping)
    else:
        adapter = get_source(source)
        mappings = map_source_headers(adapter, headers, user_mapping=mapping)
    report: dict[str, object] = {kind: mp.report() for kind, mp in mappings.items()}
    report["source_detected"] = source is None
    for kind, path in ((FAMILIES, families_path), (MEMBERS, members_path)):
        if mappings[kind].missing_required:
            raise IngestHeaderError(path, mappings[kind].missing_required, report)

    result = validate_register(
        tables=tables,  # consumed: the raw text is released as soon as possible
        mappings=mappings,
        source=adapter,
        region_codes=region_code_table(valid_region_codes),
        snapshot_date=snapshot_date,
    )
    return PreparedRegister(
        source=adapter.name,
        families=result.families,
        members=result.members,
        rejections=result.rejections,
        flags=result.flags,
        header_report=report,
        counts=result.counts,
    )


def region_code_table(codes: pa.Array | pa.ChunkedArray | Iterable[str]) -> pa.Table:
    """Normalise valid region codes to a one-column table of dotted desa codes.

    >>> region_code_table({"3204052001", "32.04.05", None}).column("code").to_pylist()
    ['32.04.05.2001']
    """
    if isinstance(codes, pa.ChunkedArray | pa.Array):
        codes = codes.to_pylist()
    dotted = {normalise_code(c) for c in codes if c is not None}
    desa = sorted(c for c in dotted if c is not None and level_of(c) == DESA)
    return pa.table({"code": pa.array(desa, type=pa.string())})
