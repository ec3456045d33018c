"""Reading a file of intervention status updates and deciding each row, set-wise.

No Django here: the service hands in the file's rows (an Arrow table of strings, from
``registry.ingest.readers.read_table``), the column mapping and the programme's current
interventions (Arrow tables), and gets back the accepted updates and the rejected rows
with an error code, the field it concerns and the values for the message. Everything runs
as DuckDB SQL over the Arrow tables: no Python loop over rows.

A row names its intervention by ``intervention_id``, or by ``nik`` (the person's, else
their family's intervention) or ``kk_number`` (the family's), optionally narrowed by
``year``; it gives the new ``status`` and optionally the ``date`` of that status, the
``item``, ``quantity``, ``value`` (Rp), ``note`` and, to cancel, a ``reason``. A row that
asks for what the intervention already is changes nothing, so running a file twice is safe.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from konvergen.registry.ingest.headers import HeaderMapping, map_headers
from konvergen.registry.ingest.nik import clean_id_number
from konvergen.registry.ingest.values import value_key

FIELDS = [
    "intervention_id", "nik", "kk_number", "programme", "year", "status", "date", "item",
    "quantity", "value", "note", "reason",
]
SYNONYMS: dict[str, list[str]] = {
    "intervention_id": ["ID Intervensi", "Intervention ID", "ID Intervention", "ID"],
    "nik": ["NIK", "NIK Penerima", "Nomor Induk Kependudukan", "NIK Penerima Manfaat"],
    "kk_number": ["No KK", "Nomor KK", "No Kartu Keluarga", "Nomor Kartu Keluarga", "KK"],
    "programme": ["Kode Program", "Programme code", "Program", "Programme", "Kode"],
    "year": ["Tahun", "Periode", "Year", "Period", "Tahun Anggaran"],
    "status": ["Status", "Status Intervensi", "Status Penyaluran", "Status Bantuan"],
    "date": ["Tanggal", "Tanggal Status", "Tanggal Penyaluran", "Tgl", "Date"],
    "item": ["Barang", "Jenis Bantuan", "Bantuan", "Uraian", "Item", "Item given"],
    "quantity": ["Jumlah", "Kuantitas", "Volume", "Banyaknya", "Quantity", "Qty"],
    "value": ["Nilai", "Nilai Rp", "Nilai Bantuan", "Nominal", "Rupiah", "Value", "Value Rp"],
    "note": ["Catatan", "Keterangan", "Ket", "Note", "Notes"],
    "reason": ["Alasan", "Alasan Batal", "Alasan Pembatalan", "Reason"],
}
STATUS_WORDS: dict[str, str] = {
    value_key(w): code
    for code, words in {
        "planned": ["planned", "plan", "rencana", "direncanakan", "terencana"],
        "delivered": ["delivered", "disalurkan", "tersalur", "sudah disalurkan", "diterima",
                      "diberikan", "tersalurkan", "salur"],
        "completed": ["completed", "complete", "selesai", "tuntas", "sudah selesai"],
        "cancelled": ["cancelled", "canceled", "cancel", "batal", "dibatalkan"],
    }.items()
    for w in words
}
#: The lifecycle (the same as ``models.TRANSITIONS``, kept here so this module needs no
#: Django): (from, to) pairs allowed.
TRANSITIONS = {
    ("planned", "delivered"), ("planned", "cancelled"),
    ("delivered", "completed"), ("delivered", "cancelled"),
}
DATE_FIELD = {"planned": "planned_on", "delivered": "delivered_on",
              "completed": "completed_on", "cancelled": "cancelled_on"}
#: Which date each status must not precede.
PREVIOUS_DATE = {"delivered": "planned_on", "completed": "delivered_on"}

INTERVENTIONS_SCHEMA = pa.schema([
    ("id", pa.int64()), ("family_id", pa.int64()), ("person_id", pa.int64()),
    ("year", pa.int64()), ("status", pa.string()), ("planned_on", pa.date32()),
    ("delivered_on", pa.date32()), ("completed_on", pa.date32()),
    ("cancelled_on", pa.date32()), ("item", pa.string()), ("units", pa.float64()),
    ("value", pa.float64()), ("note", pa.string()), ("cancel_reason", pa.string()),
])
PERSONS_SCHEMA = pa.schema([("nik", pa.string()), ("person_id", pa.int64()),
                            ("family_id", pa.int64())])
FAMILIES_SCHEMA = pa.schema([("kk_number", pa.string()), ("family_id", pa.int64())])


def map_columns(headers, user_mapping: Mapping[str, str] | None = None) -> HeaderMapping:
    """Match the file's headers to :data:`FIELDS` (case/space-insensitive, synonyms; the
    user's ``{header: field}`` wins). ``status`` is required, and one of the identifiers."""
    return map_headers(headers, SYNONYMS, required=("status",), fields=FIELDS,
                       user_mapping=user_mapping)


def missing_identifier(mapping: Mapping[str, str]) -> bool:
    return not any(f in mapping for f in ("intervention_id", "nik", "kk_number"))


def canonical(table: pa.Table, mapping: Mapping[str, str]) -> pa.Table:
    """The file as canonical string columns (null where a field is not mapped), with
    cleaned ``nik_digits``/``kk_digits`` (null when missing or malformed)."""
    n = table.num_rows
    cols = {"row_number": table.column("row_number")}
    for field in FIELDS:
        header = mapping.get(field)
        if header and header in table.column_names:
            col = table.column(header).combine_chunks()
            cols[field] = pc.utf8_trim_whitespace(col.cast(pa.string()))
        else:
            cols[field] = pa.nulls(n, pa.string())
    for field, out in (("nik", "nik_digits"), ("kk_number", "kk_digits")):
        digits, _problem = clean_id_number(cols[field])
        cols[out] = digits
    return pa.table(cols)


_MACROS = r"""
CREATE OR REPLACE MACRO blank(x) AS x IS NULL OR trim(x) = '';
CREATE OR REPLACE MACRO amount(x) AS CASE
    WHEN blank(x) THEN NULL
    WHEN regexp_full_match(regexp_replace(x, '^[Rr][Pp]\.?\s*', ''), '\d{1,3}(\.\d{3})+(,\d+)?')
    THEN TRY_CAST(replace(replace(regexp_replace(x, '^[Rr][Pp]\.?\s*', ''), '.', ''), ',', '.')
                  AS DOUBLE)
    ELSE TRY_CAST(replace(regexp_replace(x, '^[Rr][Pp]\.?\s*', ''), ',', '.') AS DOUBLE) END;
CREATE OR REPLACE MACRO d3(y, m, d) AS
    TRY_CAST(try_strptime(y || '-' || m || '-' || d, '%Y-%m-%d') AS DATE);
CREATE OR REPLACE MACRO month_of(name) AS CASE left(lower(name), 3)
    WHEN 'jan' THEN '1' WHEN 'feb' THEN '2' WHEN 'peb' THEN '2' WHEN 'mar' THEN '3'
    WHEN 'apr' THEN '4' WHEN 'mei' THEN '5' WHEN 'may' THEN '5' WHEN 'jun' THEN '6'
    WHEN 'jul' THEN '7' WHEN 'agu' THEN '8' WHEN 'agt' THEN '8' WHEN 'aug' THEN '8'
    WHEN 'sep' THEN '9' WHEN 'okt' THEN '10' WHEN 'oct' THEN '10' WHEN 'nov' THEN '11'
    WHEN 'nop' THEN '11' WHEN 'des' THEN '12' WHEN 'dec' THEN '12' END;
CREATE OR REPLACE MACRO a_date(s) AS CASE
    WHEN regexp_full_match(s, '\d{1,2}[-/.]\d{1,2}[-/.]\d{4}') THEN d3(
        regexp_extract(s, '(\d+)$'), regexp_extract(s, '^\d+[-/.](\d+)', 1),
        regexp_extract(s, '^(\d+)'))
    WHEN regexp_full_match(s, '\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T][\d:.]+)?') THEN d3(
        regexp_extract(s, '^(\d{4})', 1), regexp_extract(s, '^\d{4}[-/.](\d+)', 1),
        regexp_extract(s, '^\d{4}[-/.]\d+[-/.](\d+)', 1))
    WHEN regexp_full_match(s, '\d{1,5}(\.0+)?')
        AND TRY_CAST(s AS DOUBLE) BETWEEN 20000 AND 80000
        THEN DATE '1899-12-30' + CAST(TRY_CAST(s AS DOUBLE) AS INTEGER)
    WHEN regexp_full_match(s, '\d{1,2}[\s\-/.]+[A-Za-z]+\.?[\s\-/.]+\d{4}') THEN d3(
        regexp_extract(s, '(\d+)$'), month_of(regexp_extract(s, '([A-Za-z]+)', 1)),
        regexp_extract(s, '^(\d+)'))
    END;
"""


@dataclass
class Decision:
    """The outcome of one file: ``accepted`` rows (one per intervention, with its new
    values and ``changed``), ``rejected`` rows (``row_number``, ``field``, ``code`` and the
    message values ``value``, ``current``, ``new``, ``previous``, ``prev_date``,
    ``n``, ``first_row``)."""

    accepted: pa.Table
    rejected: pa.Table


def decide(
    rows: pa.Table,
    *,
    interventions: pa.Table,
    persons: pa.Table,
    families: pa.Table,
    programme_code: str,
    today: dt.date,
) -> Decision:
    """Decide every row of ``rows`` (from :func:`canonical`) against the programme's
    ``interventions`` (:data:`INTERVENTIONS_SCHEMA`, only those the user may change), the
    ``persons`` holding the file's NIKs and the ``families`` holding its KK numbers."""
    con = duckdb.connect()
    try:
        con.execute("SET threads = 2")
        con.execute(_MACROS)
        status_map = pa.table({"word": list(STATUS_WORDS), "code": list(STATUS_WORDS.values())})
        allowed = pa.table({"from_status": [a for a, _ in TRANSITIONS],
                            "to_status": [b for _, b in TRANSITIONS]})
        for name, table in (("f", rows), ("iv", interventions), ("pn", persons),
                            ("fk", families), ("words", status_map), ("allowed", allowed)):
            con.register(name, table)
        con.execute(_TYPED_SQL, [programme_code.lower()])
        con.execute(_RESOLVE_SQL)
        con.execute(_DECIDE_SQL, [today, today])
        accepted = con.sql(
            "SELECT row_number, id, new_status, status_date, item, quantity, new_value, note, "
            "reason, changed FROM decided WHERE code IS NULL ORDER BY row_number"
        ).to_arrow_table()
        rejected = con.sql(
            "SELECT row_number, field, code, msg_value AS value, current_status AS current, "
            "new_status AS new, previous, prev_date, n, first_row FROM decided "
            "WHERE code IS NOT NULL ORDER BY row_number"
        ).to_arrow_table()
    finally:
        con.close()
    return Decision(accepted=accepted, rejected=rejected)


# Typed values and the errors found in the row itself (first error wins, in field order).
_TYPED_SQL = r"""
CREATE TEMP TABLE typed AS
SELECT f.row_number,
       f.intervention_id, f.nik, f.kk_number, f.programme, f.year AS year_raw, f.status,
       f.date AS date_raw, f.quantity AS quantity_raw, f.value AS value_raw,
       f.nik_digits, f.kk_digits,
       TRY_CAST(regexp_replace(f.intervention_id, '\.0+$', '') AS BIGINT) AS iid,
       TRY_CAST(regexp_replace(f.year, '\.0+$', '') AS BIGINT) AS year,
       w.code AS new_status,
       a_date(f.date) AS new_date,
       amount(f.quantity) AS quantity, amount(f.value) AS value,
       NULLIF(f.item, '') AS item, NULLIF(f.note, '') AS note, NULLIF(f.reason, '') AS reason,
       CASE
         WHEN NOT blank(f.programme) AND lower(f.programme) <> ? THEN 'other_programme'
         WHEN NOT blank(f.intervention_id)
              AND TRY_CAST(regexp_replace(f.intervention_id, '\.0+$', '') AS BIGINT) IS NULL
              THEN 'bad_id'
         WHEN blank(f.intervention_id) AND blank(f.nik) AND blank(f.kk_number) THEN 'no_id'
         WHEN blank(f.intervention_id) AND NOT blank(f.nik) AND f.nik_digits IS NULL
              THEN 'bad_nik'
         WHEN blank(f.intervention_id) AND blank(f.nik) AND f.kk_digits IS NULL
              THEN 'bad_kk'
         WHEN NOT blank(f.year) AND TRY_CAST(regexp_replace(f.year, '\.0+$', '') AS BIGINT)
              NOT BETWEEN 2000 AND 2100 THEN 'bad_year'
         WHEN blank(f.status) THEN 'no_status'
         WHEN w.code IS NULL THEN 'bad_status'
         WHEN NOT blank(f.date) AND a_date(f.date) IS NULL THEN 'bad_date'
         WHEN NOT blank(f.quantity) AND (amount(f.quantity) IS NULL OR amount(f.quantity) < 0)
              THEN 'bad_quantity'
         WHEN NOT blank(f.value) AND (amount(f.value) IS NULL OR amount(f.value) < 0
              OR amount(f.value) >= 1e15) THEN 'bad_value'
       END AS code
FROM f
LEFT JOIN words w
       ON w.word = trim(regexp_replace(lower(f.status), '[^0-9a-z]+', ' ', 'g'));
"""

# Candidates of each row, best identification first: the id; the person's NIK; the NIK's
# family (interventions to the family as a whole); the KK's family.
_RESOLVE_SQL = r"""
CREATE TEMP TABLE cand AS
WITH c AS (
  SELECT t.row_number, i.id, 1 AS level FROM typed t JOIN iv i ON i.id = t.iid
  WHERE t.code IS NULL
  UNION ALL
  SELECT t.row_number, i.id, 2 FROM typed t JOIN pn p ON p.nik = t.nik_digits
  JOIN iv i ON i.person_id = p.person_id
  WHERE t.code IS NULL AND t.iid IS NULL AND (t.year IS NULL OR i.year = t.year)
  UNION ALL
  SELECT t.row_number, i.id, 3 FROM typed t JOIN pn p ON p.nik = t.nik_digits
  JOIN iv i ON i.family_id = p.family_id AND i.person_id IS NULL
  WHERE t.code IS NULL AND t.iid IS NULL AND (t.year IS NULL OR i.year = t.year)
  UNION ALL
  SELECT t.row_number, i.id, 4 FROM typed t JOIN fk k ON k.kk_number = t.kk_digits
  JOIN iv i ON i.family_id = k.family_id
  WHERE t.code IS NULL AND t.iid IS NULL AND (t.year IS NULL OR i.year = t.year)
), best AS (
  SELECT DISTINCT row_number, id FROM c
  QUALIFY level = min(level) OVER (PARTITION BY row_number)
)
SELECT row_number, min(id) AS id, count(*) AS n FROM best GROUP BY row_number;
"""

# The lifecycle, the dates, and what would change.
_DECIDE_SQL = r"""
CREATE TEMP TABLE decided AS
WITH r AS (
  SELECT t.*, c.id AS matched_id, coalesce(cn.n, 0) AS n_matches,
         i.status AS current_status, i.planned_on, i.delivered_on, i.completed_on,
         i.cancelled_on, i.item AS cur_item, i.units AS cur_units, i.value AS cur_value,
         i.note AS cur_note, i.cancel_reason AS cur_reason,
         -- The date the row gives its status: its own, else today for a new status.
         coalesce(t.new_date, CASE WHEN t.new_status IS DISTINCT FROM i.status
                                   THEN CAST(? AS DATE) END) AS status_date
  FROM typed t
  LEFT JOIN cand c ON c.row_number = t.row_number AND c.n = 1
  LEFT JOIN iv i ON i.id = c.id
  LEFT JOIN (SELECT row_number, n FROM cand) cn ON cn.row_number = t.row_number
), r2 AS (
  SELECT r.*,
         CASE r.new_status WHEN 'planned' THEN planned_on WHEN 'delivered' THEN delivered_on
              WHEN 'completed' THEN completed_on WHEN 'cancelled' THEN cancelled_on
         END AS cur_status_date,
         CASE r.new_status WHEN 'delivered' THEN planned_on WHEN 'completed' THEN delivered_on
              WHEN 'cancelled' THEN greatest(planned_on, delivered_on) END AS prev_date_v,
         CASE r.new_status WHEN 'delivered' THEN 'planned' WHEN 'completed' THEN 'delivered'
              WHEN 'cancelled' THEN CASE WHEN delivered_on IS NOT NULL THEN 'delivered'
                                         ELSE 'planned' END END AS previous_v,
         coalesce(r.reason, r.note) AS new_reason
  FROM r
), r3 AS (
  SELECT r2.*,
         CASE
           WHEN code IS NOT NULL THEN code
           WHEN matched_id IS NULL AND n_matches > 1 THEN 'ambiguous'
           WHEN matched_id IS NULL AND iid IS NOT NULL THEN 'id_not_found'
           WHEN matched_id IS NULL THEN 'not_found'
           WHEN new_status = current_status AND current_status = 'cancelled' AND (
                (item IS NOT NULL AND item IS DISTINCT FROM cur_item)
                OR (quantity IS NOT NULL AND quantity IS DISTINCT FROM cur_units)
                OR (value IS NOT NULL AND value IS DISTINCT FROM cur_value)
                OR (new_date IS NOT NULL AND new_date IS DISTINCT FROM cancelled_on))
                THEN 'final'
           WHEN new_status <> current_status AND NOT EXISTS (
                SELECT 1 FROM allowed a WHERE a.from_status = current_status
                AND a.to_status = new_status) THEN 'bad_transition'
           WHEN status_date > CAST(? AS DATE) THEN 'future_date'
           WHEN status_date < prev_date_v THEN 'date_order'
           WHEN new_status = 'cancelled' AND current_status <> 'cancelled'
                AND new_reason IS NULL THEN 'no_reason'
         END AS code1
  FROM r2
), r4 AS (
  -- One row per intervention: among the rows that would be accepted, the first wins.
  SELECT r3.*,
         CASE WHEN code1 IS NULL AND row_number() OVER (
                PARTITION BY matched_id, code1 IS NULL ORDER BY row_number) > 1
              THEN 'duplicate' ELSE code1 END AS code2,
         min(row_number) OVER (PARTITION BY matched_id, code1 IS NULL) AS first_row_v
  FROM r3
)
SELECT row_number, matched_id AS id, new_status, status_date, item, quantity,
       value AS new_value, note,
       CASE WHEN new_status = 'cancelled' AND current_status <> 'cancelled'
            THEN new_reason END AS reason,
       (new_status IS DISTINCT FROM current_status
        OR (status_date IS NOT NULL AND status_date IS DISTINCT FROM cur_status_date)
        OR (item IS NOT NULL AND item IS DISTINCT FROM cur_item)
        OR (quantity IS NOT NULL AND quantity IS DISTINCT FROM cur_units)
        OR (value IS NOT NULL AND value IS DISTINCT FROM cur_value)
        OR (note IS NOT NULL AND new_status <> 'cancelled' AND note IS DISTINCT FROM cur_note)
       ) AS changed,
       code2 AS code,
       CASE
         WHEN code2 IN ('other_programme') THEN 'programme'
         WHEN code2 IN ('bad_id', 'no_id', 'id_not_found', 'duplicate') AND iid IS NOT NULL
              THEN 'intervention_id'
         WHEN code2 IN ('bad_id', 'no_id') THEN 'intervention_id'
         WHEN code2 IN ('bad_nik') THEN 'nik'
         WHEN code2 IN ('bad_kk') THEN 'kk_number'
         WHEN code2 IN ('ambiguous', 'not_found', 'duplicate')
              THEN CASE WHEN nik_digits IS NOT NULL THEN 'nik' ELSE 'kk_number' END
         WHEN code2 = 'bad_year' THEN 'year'
         WHEN code2 IN ('no_status', 'bad_status', 'bad_transition', 'final') THEN 'status'
         WHEN code2 IN ('bad_date', 'future_date', 'date_order') THEN 'date'
         WHEN code2 = 'bad_quantity' THEN 'quantity'
         WHEN code2 = 'bad_value' THEN 'value'
         WHEN code2 = 'no_reason' THEN 'reason'
       END AS field,
       CASE
         WHEN code2 IN ('other_programme') THEN programme
         WHEN code2 IN ('bad_id', 'id_not_found') THEN intervention_id
         WHEN code2 = 'bad_nik' THEN nik
         WHEN code2 = 'bad_kk' THEN kk_number
         WHEN code2 = 'bad_year' THEN year_raw
         WHEN code2 IN ('no_status', 'bad_status', 'bad_transition', 'final') THEN status
         WHEN code2 = 'bad_date' THEN date_raw
         WHEN code2 IN ('future_date', 'date_order') THEN CAST(status_date AS VARCHAR)
         WHEN code2 = 'bad_quantity' THEN quantity_raw
         WHEN code2 = 'bad_value' THEN value_raw
         WHEN code2 IN ('ambiguous', 'not_found', 'duplicate')
              THEN coalesce(intervention_id, nik, kk_number)
       END AS msg_value,
       current_status, previous_v AS previous, CAST(prev_date_v AS VARCHAR) AS prev_date,
       n_matches AS n, first_row_v AS first_row
FROM r4;
"""
