"""Set-wise validation of a family file and a member file with DuckDB over Arrow.

Each rule is one SQL predicate over a typed table; a rule's matching rows become problem
rows ``(file, row_number, field, value, reason)`` in one ``UNION ALL``. A row with at least
one rejection is left out; flags are computed over the accepted rows only. No Python loop
runs over the data.

Nobody is dropped for a bad value: only a row that cannot be placed at all is rejected (no
ID or name, a family outside the region list, a member whose family is not there, a second
row with the same ID). A malformed NIK or KK number, an unreadable birth date or an invalid
desil keeps the row, flags it with the raw value, and keeps what can be represented (see
:func:`konvergen.registry.ingest.nik.malformed_kept`; dates and desil become null).
"""

import datetime as dt
import logging
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from konvergen.registry.ingest import messages as m
from konvergen.registry.ingest import nik
from konvergen.registry.ingest.headers import HeaderMapping
from konvergen.registry.ingest.schema import (
    BOOL_FIELDS,
    CODED_FIELDS,
    FAMILIES,
    FAMILY_SCHEMA,
    FLOAT_FIELDS,
    INPUT_FIELDS,
    MEMBER_SCHEMA,
    MEMBERS,
    PROBLEM_SCHEMA,
    Source,
)
from konvergen.registry.ingest.sources import vocabulary
from konvergen.registry.ingest.values import value_key

log = logging.getLogger(__name__)

# DuckDB's working memory; beyond it the typed tables spill to a temporary directory. At 1M
# families 1 GB costs about 0.7 s of spilling against 2 GB and keeps the peak 0.8 GB lower.
DUCKDB_MEMORY_LIMIT = "1GB"
# Rough bounding box of Indonesia (with a margin) for the coordinates flag.
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.5, 141.5)

_MACROS = r"""
CREATE MACRO num(x) AS TRY_CAST(replace(x, ',', '.') AS DOUBLE);
CREATE MACRO money_text(x) AS regexp_replace(x, '^[Rr][Pp]\.?\s*', '');
CREATE MACRO money(x) AS CASE
    WHEN regexp_full_match(money_text(x), '\d{1,3}(\.\d{3})+(,\d+)?')
    THEN TRY_CAST(replace(replace(money_text(x), '.', ''), ',', '.') AS DOUBLE)
    ELSE num(money_text(x)) END;
CREATE MACRO ymd(y, mo, d) AS
    TRY_CAST(try_strptime(y || '-' || mo || '-' || d, '%Y-%m-%d') AS DATE);
CREATE MACRO month_number(name) AS CASE left(lower(name), 3)
    WHEN 'jan' THEN '1' WHEN 'feb' THEN '2' WHEN 'peb' THEN '2' WHEN 'mar' THEN '3'
    WHEN 'apr' THEN '4' WHEN 'mei' THEN '5' WHEN 'may' THEN '5' WHEN 'jun' THEN '6'
    WHEN 'jul' THEN '7' WHEN 'agu' THEN '8' WHEN 'agt' THEN '8' WHEN 'ags' THEN '8'
    WHEN 'aug' THEN '8' WHEN 'sep' THEN '9' WHEN 'okt' THEN '10' WHEN 'oct' THEN '10'
    WHEN 'nov' THEN '11' WHEN 'nop' THEN '11' WHEN 'des' THEN '12' WHEN 'dec' THEN '12'
    END;
CREATE MACRO century(yy, ref_yy) AS
    CASE WHEN CAST(yy AS INTEGER) <= ref_yy THEN '20' ELSE '19' END || yy;
CREATE MACRO parse_date(s, ref_yy) AS CASE
    -- The usual export format first, parsed directly (three times faster than the split).
    WHEN regexp_full_match(s, '\d\d-\d\d-\d{4}') THEN
        TRY_CAST(try_strptime(s, '%d-%m-%Y') AS DATE)
    WHEN regexp_full_match(s, '\d{1,2}[-/.]\d{1,2}[-/.]\d{4}') THEN ymd(
        regexp_extract(s, '(\d+)$'), regexp_extract(s, '^\d+[-/.](\d+)', 1),
        regexp_extract(s, '^(\d+)'))
    WHEN regexp_full_match(s, '\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T][\d:.]+)?') THEN ymd(
        regexp_extract(s, '^(\d{4})', 1), regexp_extract(s, '^\d{4}[-/.](\d+)', 1),
        regexp_extract(s, '^\d{4}[-/.]\d+[-/.](\d+)', 1))
    WHEN regexp_full_match(s, '\d{1,2}[-/.]\d{1,2}[-/.]\d{2}') THEN ymd(
        century(regexp_extract(s, '(\d+)$'), ref_yy),
        regexp_extract(s, '^\d+[-/.](\d+)', 1), regexp_extract(s, '^(\d+)'))
    WHEN regexp_full_match(s, '\d{8}') THEN ymd(s[1:4], s[5:6], s[7:8])
    -- An Excel serial day number; a bare 4-digit year (1900-2100) is not a date.
    WHEN regexp_full_match(s, '\d{1,5}(\.0+)?') AND TRY_CAST(s AS DOUBLE) BETWEEN 1 AND 80000
        AND NOT TRY_CAST(s AS DOUBLE) BETWEEN 1900 AND 2100
        THEN DATE '1899-12-30' + CAST(TRY_CAST(s AS DOUBLE) AS INTEGER)
    WHEN regexp_full_match(s, '\d{1,2}[\s\-/.]+[A-Za-z]+\.?[\s\-/.]+\d{2}(\d{2})?') THEN ymd(
        CASE WHEN length(regexp_extract(s, '(\d+)$')) = 2
             THEN century(regexp_extract(s, '(\d+)$'), ref_yy)
             ELSE regexp_extract(s, '(\d+)$') END,
        month_number(regexp_extract(s, '([A-Za-z]+)', 1)), regexp_extract(s, '^(\d+)'))
    END;
CREATE MACRO kec_of_region(code) AS replace(left(code, 8), '.', '');
"""


@dataclass
class ValidationResult:
    families: pa.Table
    members: pa.Table
    rejections: pa.Table
    flags: pa.Table
    counts: dict


@contextmanager
def _timed(step: str) -> Iterator[None]:
    """Log a validation step's wall time (``KONVERGEN_LOG_LEVEL=DEBUG``)."""
    start = time.perf_counter()
    yield
    log.debug("%.2fs validation: %s", time.perf_counter() - start, step)


def stage(table: pa.Table, mapping: HeaderMapping) -> pa.Table:
    """Select the mapped columns of a raw table as ``raw_<field>`` (zero copy)."""
    names = ["row_number", *mapping.mapped.values()]
    staged = table.select(names)
    return staged.rename_columns(["row_number", *(f"raw_{f}" for f in mapping.mapped)])


def _with_id_numbers(staged: pa.Table, fields: dict[str, str], reference_year: int) -> pa.Table:
    """Append ``<prefix>_clean`` (valid 16 digits), ``<prefix>_problem``, ``<prefix>_kept``
    (what is kept of a malformed value) and, for the NIK, the decoded sex and birth date
    (null unless the NIK is 16 digits with a real date part)."""
    for field, prefix in fields.items():
        raw = f"raw_{field}"
        if raw not in staged.column_names:
            continue
        digits, problem = nik.clean_id_number(staged.column(raw))
        staged = staged.append_column(f"{prefix}_clean", digits)
        staged = staged.append_column(f"{prefix}_problem", problem)
        staged = staged.append_column(
            f"{prefix}_kept", nik.malformed_kept(staged.column(raw), problem))
        if prefix == "nik":
            sex, born = nik.decode_nik(digits, reference_year=reference_year)
            staged = staged.append_column("nik_sex", sex)
            staged = staged.append_column("nik_birth_date", born)
    return staged


def _clean_text(values: pa.Array) -> pa.Array:
    """Trimmed text; null for blanks and short placeholders (``-``, ``.``, ``?``, ``--``).

    >>> _clean_text(pa.array([" Asep ", "-", "", None, " . ", "N/A"])).to_pylist()
    ['Asep', None, None, None, None, 'N/A']
    """
    trimmed = pc.utf8_trim_whitespace(values)
    placeholder = pc.and_(
        pc.less_equal(pc.utf8_length(trimmed), 3),
        pc.equal(pc.utf8_trim(trimmed, " -_.,/?"), ""),
    )
    return pc.if_else(placeholder, pa.scalar(None, pa.string()), trimmed)


def _needs_cleaning(values: pa.Array) -> bool:
    """Whether :func:`_clean_text` would change any value (no text is copied to find out).

    >>> [_needs_cleaning(pa.array(v)) for v in (["K1", "K2"], ["K1\u00a0"], ["K1", "- -"], [""])]
    [False, True, True, True]
    """
    space = r"[\s\pZ\x{85}\x0b]"  # what utf8_trim_whitespace trims
    suspect = pc.match_substring_regex(values, f"^{space}|{space}$|^[-_.,/? ]{{0,3}}$")
    return bool(pc.any(suspect).as_py())


def _dictionary(indices: pa.Array, values: pa.Array) -> pa.DictionaryArray:
    """``values`` taken at ``indices``, kept dictionary-encoded; a null value becomes a null
    index (the dictionary itself holds no nulls)."""
    indices = pc.if_else(
        pc.take(pc.is_null(values), indices), pa.scalar(None, indices.type), indices
    )
    return pa.DictionaryArray.from_arrays(indices, pc.fill_null(values, ""))


#: Fields with (nearly) one distinct value per row, cleaned without dictionary encoding.
_IDENTIFIER_FIELDS = frozenset({"family_id", "person_id", "nik", "kk_number", "head_nik"})


class _Builder:
    """Generates the SQL for one file from what its header mapping provides."""

    def __init__(self, kind: str, present: set[str], source: Source):
        self.kind = kind
        self.present = present
        self.source = source

    def raw(self, field: str) -> str:
        return f"raw_{field}" if field in self.present else "CAST(NULL AS VARCHAR)"

    def text(self, field: str) -> str:
        return f"t_{field}" if field in self.present else "CAST(NULL AS VARCHAR)"

    def vocab_fields(self) -> list[str]:
        return [
            f
            for f in sorted(self.present)
            if f in CODED_FIELDS or f in BOOL_FIELDS or f in ("sex", "disability")
        ]

    def with_texts_and_codes(self, staged: pa.Table) -> pa.Table:
        """Append ``t_<field>`` (cleaned text) for every field and ``c_<field>`` (canonical
        code) for coded fields, and hold ``raw_<field>`` dictionary-encoded.

        Only the distinct values of a column are cleaned and looked up: a coded column holds
        a few hundred, a name column far fewer than it has rows. The three columns share
        one set of indices, and the cleaned text shares the raw dictionary when cleaning
        changed nothing (IDs, mostly), so the text is held once.
        """
        coded = set(self.vocab_fields())

        def columns(name: str) -> list[tuple[str, pa.Array]]:
            if name in _IDENTIFIER_FIELDS:  # (nearly) one value per row: no dictionary
                # One contiguous copy: the reader's many small buffers hold spare capacity.
                column = staged.column(f"raw_{name}").combine_chunks()
                # Shared with the raw text unless some value needs cleaning (rare for IDs).
                cleaned = _clean_text(column) if _needs_cleaning(column) else column
                return [(f"raw_{name}", column), (f"t_{name}", cleaned)]
            encoded = pc.dictionary_encode(staged.column(f"raw_{name}")).combine_chunks()
            raw = encoded.dictionary
            cleaned = _clean_text(raw)
            if pc.all(pc.equal(pc.fill_null(cleaned, ""), raw)).as_py() is not False:
                cleaned = pc.if_else(pc.is_null(cleaned), pa.scalar(None, pa.string()), raw)
            out = [(f"raw_{name}", encoded),
                   (f"t_{name}", _dictionary(encoded.indices, cleaned))]
            if name in coded:
                vocab = vocabulary(self.source, name)
                codes = pa.array([vocab.get(value_key(v)) for v in raw.to_pylist()],
                                 type=pa.string())
                out.append((f"c_{name}", _dictionary(encoded.indices, codes)))
            return out

        # Arrow's kernels release the GIL: one column per core.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for produced in pool.map(columns, sorted(self.present)):
                for column_name, array in produced:
                    if column_name in staged.column_names:
                        position = staged.column_names.index(column_name)
                        staged = staged.set_column(position, column_name, array)
                    else:
                        staged = staged.append_column(column_name, array)
        return staged

    def coded(self, field: str) -> tuple[str, str]:
        """(output expression, 'unknown value' predicate) for a coded/bool/sex field."""
        if field not in self.present:
            null = "CAST(NULL AS BOOLEAN)" if field in BOOL_FIELDS else "CAST(NULL AS VARCHAR)"
            return null, "false"
        code, text = f"c_{field}", f"t_{field}"
        unknown = f"({text} IS NOT NULL AND {code} IS NULL)"
        if field in BOOL_FIELDS:
            return f"CAST({code} AS BOOLEAN)", unknown
        if field == "sex":
            return code, unknown
        if field == "disability":
            return f"coalesce({code}, {text})", "false"
        return f"coalesce({code}, {text})", unknown


def _problems(kind: str, table: str, rules: Sequence[tuple[str, str | None, str]], record: str):
    """UNION ALL of one SELECT per rule ``(reason, field, predicate)``.

    Problem rows carry no value yet; :func:`_decorate` fetches the raw value afterwards
    from the (few) problem rows, so the typed tables need not keep raw text.
    """
    parts = [
        f"SELECT '{kind}' AS file, row_number, {_lit(field)} AS field, '{reason}' AS reason, "
        f"{record} AS record_id, CAST(NULL AS VARCHAR) AS note FROM {table} WHERE {predicate}"
        for reason, field, predicate in rules
    ] or [
        "SELECT '' AS file, 0 AS row_number, CAST(NULL AS VARCHAR) AS field, '' AS reason, "
        "CAST(NULL AS VARCHAR) AS record_id, CAST(NULL AS VARCHAR) AS note WHERE false"
    ]
    return "\nUNION ALL\n".join(parts)


def _lit(text: str | None) -> str:
    return "CAST(NULL AS VARCHAR)" if text is None else "'" + text.replace("'", "''") + "'"


def _present(rules, builder: _Builder):
    """Keep rules whose field has a column (required fields always have one)."""
    return [r for r in rules if r[1] is None or r[1] in builder.present]


def validate_register(
    *,
    tables: dict[str, pa.Table],
    mappings: dict[str, HeaderMapping],
    source: Source,
    region_codes: pa.Table,
    snapshot_date: dt.date,
) -> ValidationResult:
    """Validate raw family and member tables and build the canonical tables.

    Parameters
    ----------
    tables : dict
        ``{"families": raw, "members": raw}`` string tables from
        :func:`~konvergen.registry.ingest.readers.read_table`. The entries are taken out of
        the dict (consumed), so the raw text is freed before the output tables are built.
    mappings : dict
        ``{"families": HeaderMapping, "members": HeaderMapping}``.
    source : Source
        The adapter whose vocabularies apply.
    region_codes : pyarrow.Table
        One string column ``code`` of valid dotted desa codes.
    snapshot_date : datetime.date
        Birth dates after it are flagged (and not kept); two-digit years are read against it.

    Returns
    -------
    ValidationResult
    """
    ref_year = snapshot_date.year
    fb = _Builder(FAMILIES, set(mappings[FAMILIES].mapped), source)
    mb = _Builder(MEMBERS, set(mappings[MEMBERS].mapped), source)
    f_stage = stage(tables.pop(FAMILIES), mappings[FAMILIES])
    m_stage = stage(tables.pop(MEMBERS), mappings[MEMBERS])
    n_families, n_members = f_stage.num_rows, m_stage.num_rows
    with _timed("ID numbers"):
        f_stage = _with_id_numbers(
            f_stage, {"kk_number": "kk", "head_nik": "head_nik"}, ref_year)
        m_stage = _with_id_numbers(m_stage, {"nik": "nik"}, ref_year)
    with _timed("text cleaning and codes"):
        f_stage = fb.with_texts_and_codes(f_stage)
        m_stage = mb.with_texts_and_codes(m_stage)
    headers = [(k, f, h) for k, mp in mappings.items() for f, h in mp.mapped.items()]

    con = duckdb.connect()
    spill = tempfile.TemporaryDirectory(prefix="konvergen-ingest-")
    try:
        # Typed tables may spill to disk rather than push the process past its memory budget.
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = '{spill.name}'")
        con.execute(_MACROS)
        con.register("f_stage", f_stage)
        con.register("m_stage", m_stage)
        con.register("region_list", region_codes)
        con.register("message_list", m.messages_table())
        columns = ["file", "field", "header"]
        con.register(
            "header_list", pa.table({c: [h[i] for h in headers] for i, c in enumerate(columns)})
        )
        f_columns, m_columns = f_stage.column_names, m_stage.column_names
        with _timed("typed families"):
            _build_families(con, fb, f_columns)
        with _timed("typed members"):
            _build_members(con, mb, m_columns, snapshot_date)
        with _timed("problems"):
            rejections, flags = _problem_tables(con, fb, mb, snapshot_date)
        # Raw text is only needed for the problem values: free it before the big outputs.
        con.unregister("f_stage")
        con.unregister("m_stage")
        del f_stage, m_stage
        pa.default_memory_pool().release_unused()
        with _timed("accepted rows"):
            return _collect(con, rejections, flags, n_families, n_members)
    finally:
        con.close()
        spill.cleanup()


def _optional(columns: list[str], name: str, alias: str, sql_type: str = "VARCHAR") -> str:
    return f"{name} AS {alias}" if name in columns else f"CAST(NULL AS {sql_type}) AS {alias}"


def _build_families(con, fb: _Builder, staged_columns: list[str]) -> None:
    outputs = []
    for field in INPUT_FIELDS[FAMILIES]:
        if field in CODED_FIELDS or field in BOOL_FIELDS:
            expr, unknown = fb.coded(field)
            outputs.append(f"{expr} AS {field}, {unknown} AS unknown_{field}")
        elif field in FLOAT_FIELDS:
            parse = "money" if field == "per_capita_expenditure" else "num"
            value = f"{parse}({fb.text(field)})"
            outputs.append(
                f"CASE WHEN isfinite({value}) THEN {value} END AS {field}, "
                f"({fb.text(field)} IS NOT NULL AND NOT coalesce(isfinite({value}), false)) "
                f"AS bad_{field}"
            )
    count = "num(member_count_text)"
    con.execute(
        f"""
        CREATE TEMP TABLE fam AS
        SELECT base.* EXCLUDE (region_digits, region_dotted, member_count_text),
            region_digits IS NOT NULL AS has_region,
            regexp_full_match(region_digits, '\\d{{10}}') AS region_is_desa,
            CASE WHEN regexp_full_match(region_digits, '\\d{{10}}') THEN region_dotted END
                AS region_code,
            r.code IS NOT NULL AS region_known,
            CASE WHEN desil_text <> '' AND CAST(desil_text AS INTEGER) BETWEEN 1 AND 10
                 THEN CAST(desil_text AS TINYINT) END AS desil,
            CASE WHEN {count} >= 0 AND {count} = floor({count}) AND {count} < 1000
                 THEN CAST({count} AS INTEGER) END AS member_count,
            member_count_text IS NOT NULL AS has_member_count
        FROM (
            SELECT row_number,
                {fb.text("family_id")} AS family_id,
                {_id_columns(staged_columns, "kk", "kk_number")},
                {_id_columns(staged_columns, "head_nik", "head_nik")},
                regexp_replace(regexp_replace({fb.text("region_code")}, '^(\\d+)\\.0+$', '\\1'),
                               '[\\s.]', '', 'g') AS region_digits,
                region_digits[1:2] || '.' || region_digits[3:4] || '.' ||
                    region_digits[5:6] || '.' || region_digits[7:10] AS region_dotted,
                {fb.text("address")} AS address,
                {fb.text("head_name")} AS head_name,
                regexp_extract(lower({fb.text("desil")}),
                               '^(?:desil\\s*)?(\\d{{1,2}})(?:\\.0+)?$', 1) AS desil_text,
                {fb.text("electricity_power")} AS electricity_power,
                {fb.text("member_count")} AS member_count_text,
                {", ".join(outputs)}
            FROM f_stage
        ) base
        LEFT JOIN region_list r ON r.code = region_dotted
        """
    )
    rules = [
        (m.REQUIRED_MISSING, "family_id", "family_id IS NULL"),
        (m.REQUIRED_MISSING, "region_code", "NOT has_region"),
        (m.REGION_NOT_DESA, "region_code", "has_region AND NOT region_is_desa"),
        (m.REGION_UNKNOWN, "region_code", "region_is_desa AND NOT region_known"),
    ]
    con.execute(
        "CREATE TEMP TABLE fam_problems AS "
        + _problems(FAMILIES, "fam", _present(rules, fb), "family_id")
        + "\nUNION ALL\n"
        + _duplicates(FAMILIES, "fam", "family_id", m.DUPLICATE_FAMILY_ID)
    )
    con.execute(
        "CREATE TEMP VIEW fam_acc AS SELECT * FROM fam WHERE row_number NOT IN "
        "(SELECT row_number FROM fam_problems)"
    )


def _id_columns(staged_columns: list[str], prefix: str, name: str) -> str:
    """``name`` (the valid number, else what is kept of a malformed one), ``<name>_ok`` (the
    valid number only, for the rules that read its structure) and ``<prefix>_problem``."""
    if f"{prefix}_clean" not in staged_columns:
        return (f"CAST(NULL AS VARCHAR) AS {name}, CAST(NULL AS VARCHAR) AS {name}_ok, "
                f"CAST(NULL AS VARCHAR) AS {prefix}_problem")
    return (f"coalesce({prefix}_clean, {prefix}_kept) AS {name}, {prefix}_clean AS {name}_ok, "
            f"{prefix}_problem")


def _duplicates(kind: str, table: str, key: str, reason: str) -> str:
    """Rows whose ``key`` already appeared on an earlier row (the first occurrence wins)."""
    return f"""
        SELECT '{kind}', t.row_number, '{key}', '{reason}', t.{key}, CAST(NULL AS VARCHAR)
        FROM {table} t JOIN (
            SELECT {key}, min(row_number) AS first_row FROM {table}
            WHERE {key} IS NOT NULL GROUP BY {key} HAVING count(*) > 1
        ) d USING ({key})
        WHERE t.row_number > d.first_row
    """


def _build_members(con, mb: _Builder, staged_columns: list[str], snapshot_date) -> None:
    snapshot = f"DATE '{snapshot_date.isoformat()}'"
    outputs = []
    for field in INPUT_FIELDS[MEMBERS]:
        if field in CODED_FIELDS or field in BOOL_FIELDS or field in ("sex", "disability"):
            expr, unknown = mb.coded(field)
            outputs.append(f"{expr} AS {field}, {unknown} AS unknown_{field}")
        elif field not in ("birth_date", "nik"):
            outputs.append(f"{mb.text(field)} AS {field}")
    con.execute(
        f"""
        CREATE TEMP TABLE mem AS
        SELECT base.*, f.region_code AS family_region, f.row_number IS NOT NULL AS family_ok,
            CASE WHEN birth_date_read BETWEEN DATE '1900-01-01' AND {snapshot}
                 THEN birth_date_read END AS birth_date
        FROM (
            SELECT row_number,
                {_id_columns(staged_columns, "nik", "nik")},
                {_optional(staged_columns, "nik_sex", "nik_sex")},
                {_optional(staged_columns, "nik_birth_date", "nik_birth_date", "DATE")},
                {mb.text("birth_date")} IS NOT NULL AS has_birth_date,
                parse_date({mb.text("birth_date")}, {snapshot_date.year % 100})
                    AS birth_date_read,
                {", ".join(outputs)}
            FROM m_stage
        ) base
        LEFT JOIN fam_acc f USING (family_id)
        """
    )
    rules = [
        (m.REQUIRED_MISSING, "person_id", "person_id IS NULL"),
        (m.REQUIRED_MISSING, "family_id", "family_id IS NULL"),
        (m.REQUIRED_MISSING, "name", "name IS NULL"),
        (m.FAMILY_REJECTED_OR_MISSING, "family_id", "family_id IS NOT NULL AND NOT family_ok"),
    ]
    con.execute(
        "CREATE TEMP TABLE mem_problems AS "
        + _problems(MEMBERS, "mem", _present(rules, mb), "person_id")
        + "\nUNION ALL\n"
        + _duplicates(MEMBERS, "mem", "person_id", m.DUPLICATE_PERSON_ID)
    )
    # A view: the per-row flag rules read ``mem`` itself and drop the rejected rows from
    # their (small) result, so only four queries filter all the members through it.
    con.execute(
        "CREATE TEMP VIEW mem_acc AS SELECT * FROM mem WHERE row_number NOT IN "
        "(SELECT row_number FROM mem_problems)"
    )


def _family_flags(fb: _Builder) -> str:
    lat, lon = LAT_RANGE, LON_RANGE
    rules = [
        (m.KK_NOT_16_DIGITS, "kk_number", f"kk_problem = '{nik.NOT_16_DIGITS}'"),
        (m.KK_SCIENTIFIC_NOTATION, "kk_number", f"kk_problem = '{nik.SCIENTIFIC_NOTATION}'"),
        (m.HEAD_NIK_INVALID, "head_nik", "head_nik_problem IS NOT NULL"),
        (
            m.KK_REGION_MISMATCH,
            "kk_number",
            "kk_number_ok IS NOT NULL AND left(kk_number_ok, 6) <> kec_of_region(region_code)",
        ),
        (m.DESIL_INVALID, "desil", "desil_text IS NOT NULL AND desil IS NULL"),
        (
            m.COORDINATES_OUT_OF_RANGE,
            "latitude",
            f"(latitude NOT BETWEEN {lat[0]} AND {lat[1]} "
            f"OR longitude NOT BETWEEN {lon[0]} AND {lon[1]})",
        ),
        (m.NUMBER_INVALID, "member_count", "has_member_count AND member_count IS NULL"),
    ]
    rules += [(m.NUMBER_INVALID, f, f"bad_{f}") for f in sorted(FLOAT_FIELDS)]
    rules += [
        (m.CODED_VALUE_UNKNOWN, f, f"unknown_{f}")
        for f in INPUT_FIELDS[FAMILIES]
        if f in CODED_FIELDS or f in BOOL_FIELDS
    ]
    return _accepted_only(_problems(FAMILIES, "fam", _present(rules, fb), "family_id"),
                          "fam_problems")


def _accepted_only(problems: str, rejections: str) -> str:
    """Problem rows of rows that were not rejected. Each rule scans the typed rows once and
    the rejected rows leave the (few) matches afterwards, cheaper than filtering every row
    through the accepted view once per rule."""
    return (f"SELECT * FROM ({problems}) p"
            f" WHERE p.row_number NOT IN (SELECT row_number FROM {rejections})")


def _member_flags(mb: _Builder, snapshot_date: dt.date) -> str:
    snapshot = f"DATE '{snapshot_date.isoformat()}'"
    rules = [
        (m.NIK_NOT_16_DIGITS, "nik", f"nik_problem = '{nik.NOT_16_DIGITS}'"),
        (m.NIK_SCIENTIFIC_NOTATION, "nik", f"nik_problem = '{nik.SCIENTIFIC_NOTATION}'"),
        (m.NIK_MISSING, "nik", "nik IS NULL AND nik_problem IS NULL"),
        (
            m.NIK_REGION_MISMATCH,
            "nik",
            "nik_ok IS NOT NULL AND left(nik_ok, 6) <> kec_of_region(family_region)",
        ),
        (m.NIK_DATE_UNDECODABLE, "nik", "nik_ok IS NOT NULL AND nik_birth_date IS NULL"),
        (
            m.BIRTH_DATE_INVALID,
            "birth_date",
            "has_birth_date AND (birth_date_read IS NULL OR birth_date_read < DATE '1900-01-01')",
        ),
        (m.BIRTH_DATE_FUTURE, "birth_date", f"birth_date_read > {snapshot}"),
        (
            m.NIK_BIRTH_DATE_MISMATCH,
            "birth_date",
            # Day, month and two-digit year only: the NIK does not encode the century.
            "strftime(nik_birth_date, '%d%m%y') <> strftime(birth_date, '%d%m%y')",
        ),
        (m.NIK_SEX_MISMATCH, "sex", "nik_sex <> sex"),
    ]
    rules += [
        (m.CODED_VALUE_UNKNOWN, f, f"unknown_{f}")
        for f in INPUT_FIELDS[MEMBERS]
        if f in CODED_FIELDS or f in BOOL_FIELDS or f == "sex"
    ]
    rules = _present(rules, mb)
    if "nik" not in mb.present:  # no NIK column at all: one header-level fact, not N flags
        rules = [r for r in rules if r[0] != m.NIK_MISSING]
    return (
        _accepted_only(_problems(MEMBERS, "mem", rules, "person_id"), "mem_problems")
        + "\nUNION ALL\n"
        + f"""
        SELECT 'members', row_number, 'nik', '{m.DUPLICATE_NIK}', person_id, NULL
        FROM mem_acc WHERE nik_ok IN (
            SELECT nik_ok FROM mem_acc WHERE nik_ok IS NOT NULL GROUP BY nik_ok
            HAVING count(*) > 1
        )
        """
    )


def _household_flags() -> str:
    """Families without exactly one head, and member counts that disagree."""
    return f"""SELECT * FROM (
        WITH per_family AS (
            SELECT family_id, count(*) AS present,
                   count(*) FILTER (WHERE relation = 'kepala') AS heads
            FROM mem_acc GROUP BY family_id
        )
        SELECT 'families' AS file, f.row_number, CAST(NULL AS VARCHAR) AS field,
            CASE WHEN coalesce(p.heads, 0) = 0 THEN '{m.FAMILY_WITHOUT_HEAD}'
                 ELSE '{m.FAMILY_MULTIPLE_HEADS}' END AS reason,
            f.family_id AS record_id, CAST(coalesce(p.heads, 0) AS VARCHAR) AS note
        FROM fam_acc f LEFT JOIN per_family p USING (family_id)
        WHERE coalesce(p.heads, 0) <> 1
        UNION ALL
        SELECT 'families', f.row_number, 'member_count', '{m.MEMBER_COUNT_MISMATCH}',
            f.family_id, NULL
        FROM fam_acc f LEFT JOIN per_family p USING (family_id)
        WHERE f.member_count IS NOT NULL AND f.member_count <> coalesce(p.present, 0)
    )"""


def _decorate(problems: str, fb: _Builder, mb: _Builder) -> str:
    """Add the original header, the raw value (from the staged Arrow table) and messages.

    A problem without a field (a family without a head) shows its note as the value.
    """
    parts = []
    for kind, builder, staged in ((FAMILIES, fb, "f_stage"), (MEMBERS, mb, "m_stage")):
        arms = " ".join(f"WHEN '{f}' THEN s.raw_{f}" for f in sorted(builder.present))
        parts.append(
            f"SELECT p.*, CASE p.field {arms} END AS raw_value FROM ({problems}) p "
            f"LEFT JOIN {staged} s ON s.row_number = p.row_number WHERE p.file = '{kind}'"
        )
    return f"""
        SELECT p.file, p.row_number, h.header AS "column",
               coalesce(p.note, p.raw_value) AS value, p.reason,
               msg.message_id, msg.message_en, p.record_id
        FROM ({" UNION ALL ".join(parts)}) p
        LEFT JOIN header_list h ON h.file = p.file AND h.field = p.field
        JOIN message_list msg ON msg.reason = p.reason
        ORDER BY p.file, p.row_number, p.reason, "column"
    """


def _problem_tables(con, fb: _Builder, mb: _Builder,
                    snapshot_date: dt.date) -> tuple[pa.Table, pa.Table]:
    con.execute(
        "CREATE TEMP TABLE flag_rows AS "
        + "\nUNION ALL\n".join([_family_flags(fb), _member_flags(mb, snapshot_date),
                                 _household_flags()])
    )
    problems = "SELECT * FROM fam_problems UNION ALL SELECT * FROM mem_problems"
    rejections = _arrow(con, _decorate(problems, fb, mb), PROBLEM_SCHEMA)
    flags = _arrow(con, _decorate("SELECT * FROM flag_rows", fb, mb), PROBLEM_SCHEMA)
    return rejections, flags


def _collect(con, rejections, flags, n_families: int, n_members: int) -> ValidationResult:
    families = _arrow(
        con,
        f"SELECT {', '.join(FAMILY_SCHEMA.names)} FROM fam_acc ORDER BY row_number",
        FAMILY_SCHEMA,
    )
    con.execute("DROP VIEW fam_acc; DROP TABLE fam")
    members = _arrow(
        con,
        f"SELECT {', '.join(MEMBER_SCHEMA.names)} FROM mem_acc",
        MEMBER_SCHEMA,
    ).sort_by("row_number")
    con.execute("DROP VIEW mem_acc; DROP TABLE mem")
    counts = {
        "families_read": n_families,
        "families_accepted": families.num_rows,
        "families_rejected": n_families - families.num_rows,
        "members_read": n_members,
        "members_accepted": members.num_rows,
        "members_rejected": n_members - members.num_rows,
        "rejections": rejections.num_rows,
        "flags": flags.num_rows,
        "rejections_by_reason": _tally(rejections),
        "flags_by_reason": _tally(flags),
    }
    return ValidationResult(families, members, rejections, flags, counts)


def _tally(problems: pa.Table) -> dict[str, int]:
    if problems.num_rows == 0:
        return {}
    counted = problems.group_by("reason").aggregate([("reason", "count")])
    pairs = zip(counted["reason"].to_pylist(), counted["reason_count"].to_pylist(), strict=True)
    return dict(sorted(pairs))


def _arrow(con, sql: str, schema: pa.Schema) -> pa.Table:
    return con.sql(sql).to_arrow_table().cast(schema)
