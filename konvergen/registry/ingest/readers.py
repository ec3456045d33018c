"""Read a CSV or spreadsheet export into an Arrow table of strings.

Every column comes back as text exactly as written (blank cells as null), plus a 1-based
``row_number`` counting data rows (the header is not counted; fully blank rows are skipped
and not counted). CSV goes through DuckDB's reader; XLSX/XLS/ODS through python-calamine,
converted to Arrow column by column in chunks.
"""

import datetime as dt
import math
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_DELIMITERS = (",", ";", "\t", "|")
_CHUNK_ROWS = 65_536


class IngestFileError(ValueError):
    """A file cannot be read at all; the message is in Indonesian, then English."""

    def __init__(self, path: Path | str, detail_id: str, detail_en: str):
        self.path = str(path)
        name = Path(path).name
        super().__init__(
            f"Berkas tidak dapat dibaca ({name}): {detail_id} / "
            f"The file cannot be read ({name}): {detail_en}"
        )


class IngestHeaderError(IngestFileError):
    """The headers miss required columns; ``report`` holds the header report to show."""

    def __init__(self, path: Path | str, missing: list[str], report: dict):
        self.report = report
        self.missing = missing
        fields = ", ".join(missing)
        super().__init__(
            path,
            f"kolom wajib tidak ditemukan: {fields} (petakan kolom dengan --map)",
            f"required columns not found: {fields} (map columns with --map)",
        )


def read_table(path: Path | str, *, sheet: str | None = None) -> pa.Table:
    """Read a CSV or spreadsheet file into strings plus ``row_number``.

    Parameters
    ----------
    path : path
        A ``.csv``/``.txt``/``.tsv`` file (delimiter ``,`` ``;`` tab or ``|``, UTF-8 or
        Latin-1) or an ``.xlsx``/``.xlsm``/``.xlsb``/``.xls``/``.ods`` workbook.
    sheet : str, optional
        Worksheet name; the first sheet by default.

    Returns
    -------
    pyarrow.Table
        One string column per header (original header text) and an int64 ``row_number``.

    Raises
    ------
    IngestFileError
        Missing, empty, binary or otherwise unreadable file, or a file without data rows.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestFileError(path, "berkas tidak ditemukan", "file not found")
    with path.open("rb") as handle:
        head = handle.read(65_536)
    if not head.strip():
        raise IngestFileError(path, "berkas kosong", "the file is empty")
    suffix = path.suffix.lower()
    is_zip_or_ole = head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))
    if suffix in SHEET_SUFFIXES or (suffix not in CSV_SUFFIXES and is_zip_or_ole):
        table = _read_sheet(path, sheet)
    else:
        if is_zip_or_ole or b"\x00" in head:
            raise IngestFileError(
                path, "bukan berkas CSV atau Excel", "not a CSV or Excel file"
            )
        table = _read_csv(path, head)
    if table.num_rows == 0:
        raise IngestFileError(path, "tidak ada baris data", "there are no data rows")
    return table


# --- CSV -----------------------------------------------------------------------------------


def sniff_delimiter(first_line: str) -> str:
    """The delimiter used in a header line: the most frequent of ``,`` ``;`` tab ``|``
    outside quotes (comma on a tie or when there is none)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first on ties


def _read_csv(path: Path, head: bytes) -> pa.Table:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    delimiter = sniff_delimiter(text.splitlines()[0] if text else "")
    last_error: Exception | None = None
    for encoding in ("utf-8", "latin-1"):
        con = duckdb.connect()
        try:
            rel = con.sql(
                "SELECT * FROM read_csv($path, all_varchar = true, header = true, "
                "delim = $delim, quote = '\"', escape = '\"', encoding = $encoding, "
                "null_padding = true)",
                params={"path": str(path), "delim": delimiter, "encoding": encoding},
            )
            table = rel.to_arrow_table()
        except duckdb.Error as exc:
            last_error = exc
            if "unicode" in str(exc).lower() or "utf" in str(exc).lower():
                continue  # not UTF-8: try Latin-1 (covers Windows-1252 exports well enough)
            break
        finally:
            con.close()
        return _finish(_strip_bom(table))
    first = str(last_error).splitlines()[0] if last_error else ""
    raise IngestFileError(path, f"format CSV tidak dikenali ({first})", f"bad CSV ({first})")


def _strip_bom(table: pa.Table) -> pa.Table:
    names = table.column_names
    if names and names[0].startswith("\ufeff"):
        return table.rename_columns([names[0].lstrip("\ufeff"), *names[1:]])
    return table


# --- spreadsheets --------------------------------------------------------------------------


def _read_sheet(path: Path, sheet: str | None) -> pa.Table:
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        name = sheet if sheet is not None else workbook.sheet_names[0]
        if name not in workbook.sheet_names:
            raise IngestFileError(
                path,
                f"lembar {name!r} tidak ada (ada: {', '.join(workbook.sheet_names)})",
                f"sheet {name!r} not found (found: {', '.join(workbook.sheet_names)})",
            )
        rows = workbook.get_sheet_by_name(name).iter_rows()
        header = next(rows, None)
    except IngestFileError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise IngestFileError(
            path, f"bukan lembar kerja yang sah ({exc})", f"not a valid workbook ({exc})"
        ) from exc
    if header is None:
        raise IngestFileError(path, "lembar kerja kosong", "the sheet is empty")
    names = _unique_headers([_cell_text(v) or "" for v in header])
    width = len(names)
    chunks: list[list[pa.Array]] = []
    chunk: list[list] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK_ROWS:
            chunks.append(_columns_of(chunk, width))
            chunk = []
    if chunk:
        chunks.append(_columns_of(chunk, width))
    columns = [
        pa.chunked_array([c[i] for c in chunks], type=pa.string()) for i in range(width)
    ]
    table = pa.table(columns, names=names) if width else pa.table({})
    # Drop rows where every cell is blank (calamine pads ragged sheets with empty strings).
    if table.num_rows and width:
        any_value = pc.is_valid(table.column(0))
        for column in table.columns[1:]:
            any_value = pc.or_(any_value, pc.is_valid(column))
        table = table.filter(any_value)
    return _finish(table)


def _columns_of(rows: list[list], width: int) -> list[pa.Array]:
    """Transpose one chunk of rows into string arrays (blank cells become null)."""
    columns = list(zip(*rows, strict=False)) if rows else []
    out = []
    for i in range(width):
        values = columns[i] if i < len(columns) else (None,) * len(rows)
        try:
            array = pa.array(values, type=pa.string())  # fast path: all cells are text
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            array = pa.array([_cell_text(v) for v in values], type=pa.string())
        blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(array), ""), False)
        out.append(pc.if_else(blank, pa.scalar(None, pa.string()), array))
    return out


def _cell_text(value) -> str | None:
    """A spreadsheet cell as the text a person would see in a CSV export."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))  # IDs and codes stored as numbers
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _unique_headers(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _finish(table: pa.Table) -> pa.Table:
    """Cast to plain strings and append the 1-based data ``row_number``."""
    names = [n if n != "row_number" else "row_number (file)" for n in table.column_names]
    table = table.rename_columns(names).cast(pa.schema([(n, pa.string()) for n in names]))
    numbers = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
    return table.append_column("row_number", numbers)
