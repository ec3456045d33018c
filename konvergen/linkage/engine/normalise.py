"""Features the linkage model compares: names, dates, NIK, KK, desa and address.

Everything is computed set-wise in DuckDB SQL over Arrow tables. Names are normalised once
per *distinct* raw name (names repeat a lot) and joined back.

Register input (one row per person), the table :func:`prepare_register` takes:

=============  ==========  =====================================================
column         type        meaning
=============  ==========  =====================================================
person_id      string      source ID of the person (P3KE "ID Individu")
family_id      string      source ID of the family (P3KE "ID Keluarga P3KE")
nik            string      NIK as imported (cleaned here; invalid means missing)
name           string      full name as imported
sex            string      ``"L"`` or ``"P"``
birth_date     date32      date of birth
kk_number      string      No KK of the family
region_code    string      dotted desa code, e.g. ``32.04.05.2001``
address        string      street / kampung with RT and RW
=============  ==========  =====================================================

List input: any subset of the canonical list fields of
:data:`konvergen.linkage.engine.columns.LIST_FIELDS`, all as strings.

>>> import pyarrow as pa
>>> out = name_features(pa.array(["H. Moh. Yusuf bin Ahmad", "Hj. Siti Aminah, S.Pd."]))
>>> out.column("name_norm").to_pylist()
['MUHAMMAD YUSUF', 'SITI AMINAH']
"""

import contextlib
import functools

import duckdb
import pyarrow as pa

from konvergen.registry.ingest import nik as nik_checks

#: The columns the Splink model sees, in order (both sides carry all of them).
FEATURE_COLUMNS = (
    "unique_id", "nik", "nik_head", "nik_tail", "nik_family", "family_id",
    "name_norm", "name_sorted", "name_phon", "name_tokens", "name_initials", "name_first",
    "tok_a", "tok_b", "tf_name_norm",
    "birth_date", "bd_y", "bd_m", "bd_d", "bd_text", "bd_placeholder",
    "sex", "kk", "desa", "desa_nb", "kec", "kab", "addr_norm", "rt_rw",
)
#: What Splink receives (term frequencies go in as a registered lookup table instead).
SPLINK_COLUMNS = tuple(c for c in FEATURE_COLUMNS if c != "tf_name_norm")
REGISTER_INPUT_COLUMNS = (
    "person_id", "family_id", "nik", "name", "sex", "birth_date", "kk_number",
    "region_code", "address",
)
PREPARED_FLAG = b"konvergen.linkage.prepared"

# -- names ---------------------------------------------------------------------------------
# Each step is (RE2 pattern, replacement) applied to the upper-cased name in this order.
_PREFIX_TITLES = (
    "BAPAK|BPK|BP|IBU|NY|NYONYA|NYI|TN|TUAN|SDR|SDRI|SAUDARA|SAUDARI|H|HJ|HJH|HAJI|HAJJAH|"
    "DRS|DRA|DR|IR|PROF|KH|K\\.H|ALM|ALMH|ALMARHUM|ALMARHUMAH|UST|USTADZ|USTADZAH|KIAI|KYAI"
)
_DEGREES_DOTTED = (
    "S\\.\\s?(PD\\.?\\s?I|PD|AG|SOS|KOM|KEP|KES|KM|HUM|SI|IP|IK|TP|PT|PI|HI|E|H|T|P|FARM|PSI|"
    "STP|ST|SS|AK)|M\\.\\s?(PD|SI|SC|KOM|AG|KES|HUM|M|H|T|E|AP|AK)|A\\.\\s?MD(\\.\\s?[A-Z]+)?|"
    "DR|DRS|DRA|IR"
)
_DEGREES_BARE = "SPD|SPDI|SAG|SSOS|SKOM|SKEP|SKM|SH|SE|SIP|AMD|AMAPD|MPD|MSI|MM|MAG|MKES"
NAME_STEPS: tuple[tuple[str, str], ...] = (
    (",.*$", ""),                                             # "..., S.Pd." degrees
    (f"(\\s+({_DEGREES_DOTTED})\\.?)+$", ""),                 # degrees after the name
    (f"\\s+({_DEGREES_BARE})$", ""),
    ("\\s+(BIN|BINTI|BINTY|BT)\\.?\\s+.*$", ""),              # patronymic
    (f"^(({_PREFIX_TITLES})\\.?\\s+)+", ""),                  # titles and honorifics
    (f"^(({_PREFIX_TITLES})\\.\\s*)+", ""),                   # "H.MUHAMMAD"
    ("['`’‘]", ""),                                            # MA'RUF -> MARUF
    ("[^A-Z]+", " "),
    ("^\\s+|\\s+$", ""),
)
#: Spelling families of the first token, mapped to one canonical spelling.
FIRST_TOKEN_FAMILIES = {
    "MUHAMMAD": (
        "M", "MOH", "MOCH", "MOCHD", "MUH", "MUHD", "MOHD", "MHD", "MUHAMAD", "MOHAMMAD",
        "MOHAMAD", "MOCHAMAD", "MOCHAMMAD", "MUCHAMMAD", "MUCHAMAD", "MUHAMMED", "MOHAMMED",
        "MOHAMED", "MUHAMED", "MUKHAMAD", "MUKHAMMAD", "MUCHAMAT", "MUHAMAT", "MOCHAMAT",
    ),
    "SITI": ("ST", "SITTI"),
    "ABDUL": ("ABD", "ABDL"),
}
#: The same families anywhere in the name (except the one-letter abbreviations).
ANY_TOKEN_FAMILIES = {
    canon: tuple(v for v in variants if len(v) > 2)
    for canon, variants in FIRST_TOKEN_FAMILIES.items()
}
#: Old (pre-1972) spellings inside tokens, per EYD.
OLD_SPELLING = (("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("SJ", "SY"), ("NJ", "NY"), ("CH", "KH"))
#: Tokens too common to block on (used only when the name has another token).
COMMON_TOKENS = (
    "MUHAMMAD", "SITI", "NUR", "NURUL", "ABDUL", "AHMAD", "NI", "I", "PUTU", "MADE", "KADEK",
    "KETUT", "WAYAN", "NYOMAN", "KOMANG", "GEDE", "GUSTI", "AYU", "LUH", "BR", "BORU", "DEWI",
    "SRI", "DAN",
)


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"


def _phonetic_sql(x: str) -> str:
    """A phonetic key of one token, tuned to Indonesian spelling variants."""
    e = x
    for a, b in (("KH", "H"), ("CH", "H"), ("SY", "S"), ("TH", "T"), ("DH", "D"), ("DZ", "Z"),
                 ("PH", "F"), ("F", "P"), ("V", "P"), ("Q", "K"), ("X", "KS"), ("J", "Y"),
                 ("Y", "I"), ("AI", "E"), ("AE", "E"), ("AU", "O"), ("OE", "U")):
        e = f"replace({e}, '{a}', '{b}')"
    e = f"regexp_replace({e}, '(.)H', '\\1', 'g')"  # silent h: AHMAD/ACHMAD -> AMAD
    for ch in "ABCDEFGIKLMNOPRSTUWZ":
        e = f"replace({e}, '{ch}{ch}', '{ch}')"
    e = f"regexp_replace({e}, 'IE$', 'I')"
    return e


@functools.cache
def _common_phonetic() -> str:
    """SQL list literal of the phonetic keys of :data:`COMMON_TOKENS` (computed once)."""
    rows = duckdb.connect().sql(f"SELECT list_transform({_sql_list(COMMON_TOKENS)}, "
                                f"lambda c: {_phonetic_sql('c')})").fetchall()
    return _sql_list(sorted(set(rows[0][0])))


def name_sql(raw: str) -> str:
    """SQL expressions (as a SELECT list) for all name features of column ``raw``."""
    e = f"upper(trim({raw}))"
    for pattern, repl in NAME_STEPS:
        pat = pattern.replace("'", "''")
        e = f"regexp_replace({e}, '{pat}', '{repl}', 'g')"
    tokens = f"string_split(nullif({e}, ''), ' ')"
    first = {v: k for k, vs in FIRST_TOKEN_FAMILIES.items() for v in vs}
    anyt = {v: k for k, vs in ANY_TOKEN_FAMILIES.items() for v in vs}
    spell = "t"
    for a, b in OLD_SPELLING:
        spell = f"replace({spell}, '{a}', '{b}')"

    def case(mapping):
        whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
        return f"CASE t {whens} ELSE {spell} END"

    # Spelling families are looked up on the token as typed, old spelling after that.
    canon = (
        f"list_transform({tokens}, lambda t, i: "
        f"CASE WHEN i = 1 THEN {case(first)} ELSE {case(anyt)} END)"
    )
    return canon


def name_features(names: pa.Array | pa.ChunkedArray, *, con=None) -> pa.Table:
    """Name features of each value of ``names`` (computed once per distinct value).

    Parameters
    ----------
    names : pyarrow.Array of str
        Raw names as typed in a register or list.

    Returns
    -------
    pyarrow.Table
        One row per input value, in order: ``name_norm`` (upper case, titles, degrees,
        patronymic and punctuation removed, spelling families and old spelling unified),
        ``name_sorted`` (its tokens in alphabetical order), ``name_phon`` (sorted phonetic
        keys), ``name_tokens`` (list), ``name_initials``, ``name_first``, ``tok_a`` and
        ``tok_b`` (blocking keys: smallest and largest phonetic token, ignoring very
        common tokens such as SITI or MUHAMMAD when the name has others).

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = name_features(pa.array(["Yusuf Muhamad", "Moch. Jusuf"]))
    >>> t.column("name_sorted").to_pylist(), t.column("name_phon").to_pylist()
    (['MUHAMMAD YUSUF', 'JUSUF MUHAMMAD'], ['IUSUP MUAMAD', 'IUSUP MUAMAD'])
    """
    con = con or duckdb.connect()
    src = pa.table({"raw": names, "_i": pa.array(range(len(names)), pa.int64())})
    con.register("_names_src", src)
    sql = f"""
    WITH d AS (SELECT DISTINCT raw FROM _names_src WHERE raw IS NOT NULL),
    t AS (SELECT raw, {name_sql('raw')} AS tok FROM d),
    f AS (
        SELECT raw, tok,
               list_transform(tok, lambda x: {_phonetic_sql('x')}) AS ph,
               list_filter(list_transform(tok, lambda x: {_phonetic_sql('x')}),
                           lambda x: length(x) > 1
                                     AND NOT list_contains({_common_phonetic()}, x)) AS rare
        FROM t
    )
    SELECT raw,
        nullif(array_to_string(tok, ' '), '') AS name_norm,
        nullif(array_to_string(list_sort(tok), ' '), '') AS name_sorted,
        nullif(array_to_string(list_sort(ph), ' '), '') AS name_phon,
        CASE WHEN len(tok) > 0 THEN tok END AS name_tokens,
        nullif(array_to_string(list_transform(tok, lambda x: x[1]), ''), '') AS name_initials,
        tok[1] AS name_first,
        CASE WHEN len(rare) > 0 THEN list_sort(rare)[1] WHEN len(long) > 0
             THEN list_sort(long)[1] ELSE list_sort(ph)[1] END AS tok_a,
        CASE WHEN len(rare) > 0 THEN list_sort(rare)[-1] WHEN len(long) > 0
             THEN list_sort(long)[-1] ELSE list_sort(ph)[-1] END AS tok_b
    FROM (SELECT *, list_filter(ph, lambda x: length(x) > 1) AS long FROM f)
    """
    con.register("_names_feat", con.sql(sql).to_arrow_table())
    out = con.sql(
        "SELECT f.* EXCLUDE (raw) FROM _names_src s "
        "LEFT JOIN _names_feat f ON s.raw = f.raw ORDER BY s._i"
    ).to_arrow_table()
    con.unregister("_names_src")
    con.unregister("_names_feat")
    return out


# -- dates, NIK, sex, places --------------------------------------------------------------

#: Placeholder birth dates entered when only the year is known.
PLACEHOLDER_DAY_MONTH = ((1, 1), (31, 12), (1, 7))


_MONTHS = (("JANUARI|JAN", 1), ("FEBRUARI|PEBRUARI|FEB|PEB", 2), ("MARET|MAR", 3),
           ("APRIL|APR", 4), ("MEI", 5), ("JUNI|JUN", 6), ("JULI|JUL", 7),
           ("AGUSTUS|AGUSTUS|AGT|AGS|AGU", 8), ("SEPTEMBER|SEPT|SEP", 9),
           ("OKTOBER|OKT", 10), ("NOVEMBER|NOPEMBER|NOV|NOP", 11), ("DESEMBER|DES", 12))


def date_parse_sql(x: str) -> str:
    """Parse text dates as written in Indonesian lists (D-M-Y first; "12 Maret 1975";
    Excel serial numbers)."""
    t = f"upper(trim(CAST({x} AS VARCHAR)))"
    for names, num in _MONTHS:
        t = f"regexp_replace({t}, '\\b({names})\\b', '{num:02d}')"
    t = f"regexp_replace({t}, '^(\\d{{1,2}})\\s+(\\d{{2}})\\s+(\\d{{4}})$', '\\1-\\2-\\3')"
    fmts = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y %H:%M:%S",
            "%Y-%m-%d %H:%M:%S", "%d %m %Y")
    tries = ", ".join(f"CAST(try_strptime({t}, '{f}') AS DATE)" for f in fmts)
    serial = (f"CASE WHEN regexp_full_match({t}, '\\d{{4,5}}(\\.0+)?') THEN "
              f"DATE '1899-12-30' + CAST(CAST({t} AS DOUBLE) AS INTEGER) END")
    return f"coalesce({tries}, {serial})"


def _placeholder_sql(d: str) -> str:
    parts = " OR ".join(f"(day({d}) = {a} AND month({d}) = {b})" for a, b in PLACEHOLDER_DAY_MONTH)
    return f"coalesce({parts}, false)"


SEX_SQL = """CASE
    WHEN upper(trim({x})) IN ('L', 'LK', 'LAKI-LAKI', 'LAKI LAKI', 'LAKILAKI', 'LAKI', 'PRIA',
                              '1', 'M', 'MALE') THEN 'L'
    WHEN upper(trim({x})) IN ('P', 'PR', 'PEREMPUAN', 'WANITA', '2', 'F', 'W', 'FEMALE')
        THEN 'P' END"""


def _code_sql(x: str) -> str:
    """Dotted desa code from a code written with or without dots (else NULL)."""
    digits = f"regexp_replace(CAST({x} AS VARCHAR), '[^0-9]', '', 'g')"
    return (f"CASE WHEN length({digits}) = 10 THEN substr({digits}, 1, 2) || '.' || "
            f"substr({digits}, 3, 2) || '.' || substr({digits}, 5, 2) || '.' || "
            f"substr({digits}, 7, 4) END")


def _common_select(src: str) -> str:
    """Feature expressions shared by register and list; ``src`` holds columns
    nik_clean, name feature columns, birth_date, sex, kk_clean, desa, address."""
    bd = "birth_date"
    return f"""
        nik_clean AS nik,
        substr(nik_clean, 1, 12) AS nik_head,
        substr(nik_clean, 7, 10) AS nik_tail,
        name_norm, name_sorted, name_phon, name_tokens, name_initials, name_first,
        tok_a, tok_b,
        {bd} AS birth_date,
        CAST(year({bd}) AS INTEGER) AS bd_y, CAST(month({bd}) AS INTEGER) AS bd_m,
        CAST(day({bd}) AS INTEGER) AS bd_d,
        strftime({bd}, '%Y%m%d') AS bd_text,
        CASE WHEN {bd} IS NOT NULL THEN {_placeholder_sql(bd)} END AS bd_placeholder,
        sex, kk_clean AS kk, desa, CAST(NULL AS VARCHAR[]) AS desa_nb,
        substr(desa, 1, 8) AS kec, substr(desa, 1, 5) AS kab,
        nullif(trim(regexp_replace(upper(address), '[^A-Z0-9]+', ' ', 'g')), '') AS addr_norm,
        CASE WHEN regexp_matches(upper(address), 'RT\\D{{0,3}}\\d+')
                  AND regexp_matches(upper(address), 'RW\\D{{0,3}}\\d+') THEN
            CAST(CAST(regexp_extract(upper(address), 'RT\\D{{0,3}}(\\d+)', 1) AS INTEGER)
                 AS VARCHAR) || '/' ||
            CAST(CAST(regexp_extract(upper(address), 'RW\\D{{0,3}}(\\d+)', 1) AS INTEGER)
                 AS VARCHAR) END AS rt_rw
    """


def _clean_ids(values) -> pa.Array:
    digits, _ = nik_checks.clean_id_number(values)
    return digits


def nik_features(values, *, reference_year: int | None = None) -> pa.Table:
    """Structure of NIKs as typed: cleaned digits, validity, and what they encode.

    A NIK is valid when, after cleaning (apostrophes, spaces, ``.0``, recoverable
    scientific notation), it has 16 digits whose date part ``DDMMYY`` (day + 40 for
    women) is a real date.

    Returns
    -------
    pyarrow.Table
        ``nik`` (16 digits or null), ``nik_valid``, ``nik_sex`` (``"L"``/``"P"``),
        ``nik_birth_date`` and ``nik_kecamatan`` (dotted ``PP.KK.CC``).

    Examples
    --------
    >>> t = nik_features(["3204055208800001", "'3204051208800001", "3204059908800001"],
    ...                  reference_year=2025)
    >>> t.column("nik_valid").to_pylist(), t.column("nik_sex").to_pylist()
    ([True, True, False], ['P', 'L', None])
    """
    import datetime as dt

    import pyarrow.compute as pc

    year = reference_year or dt.datetime.now(dt.UTC).year
    digits = _clean_ids(values)
    sex, born = nik_checks.decode_nik(digits, reference_year=year)
    prefix = nik_checks.kecamatan_prefix(digits)
    kec = pc.binary_join_element_wise(pc.utf8_slice_codeunits(prefix, 0, 2),
                                      pc.utf8_slice_codeunits(prefix, 2, 4),
                                      pc.utf8_slice_codeunits(prefix, 4, 6), ".")
    valid = pc.fill_null(pc.is_valid(born), False)
    return pa.table({"nik": digits, "nik_valid": valid, "nik_sex": sex,
                     "nik_birth_date": born, "nik_kecamatan": kec})


def is_prepared(table: pa.Table) -> bool:
    """True when ``table`` is already the output of :func:`prepare_register`."""
    return bool(table.schema.metadata and PREPARED_FLAG in table.schema.metadata)


def prepare_register(register: pa.Table, *, con=None,
                     neighbours: pa.Table | None = None) -> pa.Table:
    """Compute the comparison features of a register (see the module docstring).

    Parameters
    ----------
    register : pyarrow.Table
        Persons with the columns of :data:`REGISTER_INPUT_COLUMNS` (missing optional
        columns are treated as empty).
    neighbours : pyarrow.Table, optional
        Neighbouring desa pairs (``desa, neighbour``,
        :func:`~konvergen.linkage.engine.neighbours.neighbour_pairs`); each person gets
        the neighbours of their desa (``desa_nb``). Given for an already prepared
        register, they replace its neighbours.

    Returns
    -------
    pyarrow.Table
        :data:`FEATURE_COLUMNS` plus ``person_id``; ``unique_id`` is ``"r" + row index``.
        ``tf_name_norm`` is the share of register persons with the same normalised name.
        Safe to store and re-use for every list linked against this register.
    """
    if is_prepared(register):
        return register if neighbours is None else with_neighbours(register, neighbours)
    con = con or duckdb.connect()
    n = register.num_rows
    cols = {}
    for c in REGISTER_INPUT_COLUMNS:
        if c in register.column_names:
            cols[c] = register.column(c)
        elif c == "birth_date":
            cols[c] = pa.nulls(n, pa.date32())
        else:
            cols[c] = pa.nulls(n, pa.string())
    if not pa.types.is_date(cols["birth_date"].type):
        cols["birth_date"] = pa.array(cols["birth_date"].to_pylist(), pa.string())
    src = pa.table(cols)
    src = src.append_column("_i", pa.array(range(n), pa.int64()))
    src = src.append_column("nik_clean", _clean_ids(src.column("nik")))
    src = src.append_column("nik_valid", nik_features(src.column("nik")).column("nik_valid"))
    src = src.append_column("kk_clean", _clean_ids(src.column("kk_number")))
    names = name_features(src.column("name"), con=con)
    for c in names.column_names:
        src = src.append_column(c, names.column(c))
    con.register("_reg", src)
    bd = "birth_date" if pa.types.is_date(src.column("birth_date").type) else \
        date_parse_sql("birth_date")
    out = con.sql(f"""
        WITH base AS (
            SELECT * EXCLUDE (birth_date, sex, region_code),
                   {bd} AS birth_date, {SEX_SQL.format(x='sex')} AS sex,
                   {_code_sql('region_code')} AS desa, _i AS rid
            FROM _reg
        ), tf AS (
            SELECT name_norm, count(*) / {max(n, 1)}::DOUBLE AS tf_name_norm
            FROM base WHERE name_norm IS NOT NULL GROUP BY name_norm
        )
        SELECT 'r' || CAST(rid AS VARCHAR) AS unique_id,
               {_common_select('base')}, nik_valid,
               family_id AS nik_family, family_id, tf.tf_name_norm,
               person_id
        FROM base LEFT JOIN tf USING (name_norm)
        ORDER BY rid
    """).to_arrow_table()
    con.unregister("_reg")
    out = _finish(out, extra=("person_id", "nik_valid"))
    return out if neighbours is None else with_neighbours(out, neighbours)


def prepare_list(list_table: pa.Table, register: pa.Table, *, desa_lookup: pa.Table | None = None,
                 con=None, neighbours: pa.Table | None = None) -> pa.Table:
    """Compute the comparison features of a beneficiary list against a prepared register.

    Parameters
    ----------
    list_table : pyarrow.Table
        Canonical list fields (any subset of ``LIST_FIELDS``), one row per list row.
    register : pyarrow.Table
        Output of :func:`prepare_register`; gives the household context (the family of
        the register person holding the list's NIK) and name frequencies.
    desa_lookup : pyarrow.Table, optional
        ``code, name, kecamatan_code`` (plus optional ``kecamatan_name``) of the region's
        desa, to resolve a desa *name* (``nama_desa``) when no code is given.
    neighbours : pyarrow.Table, optional
        Neighbouring desa pairs, as for :func:`prepare_register`.

    Returns
    -------
    pyarrow.Table
        :data:`FEATURE_COLUMNS` plus ``row_number`` (1-based); ``unique_id`` is
        ``"l" + row_number``.
    """
    con = con or duckdb.connect()
    n = list_table.num_rows
    cols = {}
    for c in ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "no_kk", "alamat",
              "kode_wilayah", "nama_desa", "nama_kecamatan"):
        if c in list_table.column_names:
            col = list_table.column(c)
            cols[c] = col if col.type == pa.string() else pa.array(
                [None if v is None else str(v) for v in col.to_pylist()], pa.string())
        else:
            cols[c] = pa.nulls(n, pa.string())
    src = pa.table(cols)
    src = src.append_column("_i", pa.array(range(n), pa.int64()))
    src = src.append_column("nik_clean", _clean_ids(src.column("nik")))
    src = src.append_column("nik_valid", nik_features(src.column("nik")).column("nik_valid"))
    src = src.append_column("kk_clean", _clean_ids(src.column("no_kk")))
    names = name_features(src.column("nama"), con=con)
    for c in names.column_names:
        src = src.append_column(c, names.column(c))
    con.register("_lst", src)
    con.register("_regf", register.select(["nik", "family_id", "name_norm", "tf_name_norm"]))
    desa_expr = _code_sql("kode_wilayah")
    lookup_join = ""
    if desa_lookup is not None and desa_lookup.num_rows:
        con.register("_desa", _desa_keys(desa_lookup))
        lookup_join = """
        LEFT JOIN (SELECT key, any_value(code) AS code, count(*) AS n FROM _desa GROUP BY key)
            dn ON dn.key = b.desa_key
        LEFT JOIN (SELECT key, kec_key, any_value(code) AS code, count(*) AS n FROM _desa
                   GROUP BY key, kec_key) dk ON dk.key = b.desa_key AND dk.kec_key = b.kec_key
        """
        desa_expr = ("coalesce(b.desa0, CASE WHEN dk.n = 1 THEN dk.code END, "
                     "CASE WHEN dn.n = 1 THEN dn.code END)")
    else:
        desa_expr = "b.desa0"
    key = "nullif(trim(regexp_replace(regexp_replace(upper({x}), '^(DESA|KELURAHAN|KEL|DS)\\.?\\s+', ''), '[^A-Z0-9]+', ' ', 'g')), '')"  # noqa: E501
    out = con.sql(f"""
        WITH b AS (
            SELECT *, {date_parse_sql('tanggal_lahir')} AS birth_date,
                   {SEX_SQL.format(x='jenis_kelamin')} AS sex_c,
                   {_code_sql('kode_wilayah')} AS desa0,
                   {key.format(x='nama_desa')} AS desa_key,
                   {key.format(x='nama_kecamatan')} AS kec_key,
                   alamat AS address, _i AS rid
            FROM _lst
        ), r AS (
            SELECT b.* EXCLUDE (sex_c), b.sex_c AS sex, {desa_expr} AS desa FROM b {lookup_join}
        ), holder AS (
            SELECT nik AS h_nik, any_value(family_id) AS h_family FROM _regf
            WHERE nik IS NOT NULL GROUP BY nik
        ), tf AS (
            SELECT name_norm AS tf_key, any_value(tf_name_norm) AS tf FROM _regf
            WHERE name_norm IS NOT NULL GROUP BY name_norm
        )
        SELECT 'l' || CAST(rid + 1 AS VARCHAR) AS unique_id,
               {_common_select('r')}, nik_valid,
               holder.h_family AS nik_family, CAST(NULL AS VARCHAR) AS family_id,
               coalesce(tf.tf, {1.0 / max(register.num_rows, 1)}) AS tf_name_norm,
               CAST(rid + 1 AS BIGINT) AS row_number
        FROM r
        LEFT JOIN holder ON holder.h_nik = r.nik_clean
        LEFT JOIN tf ON tf.tf_key = r.name_norm
        ORDER BY rid
    """).to_arrow_table()
    for t in ("_lst", "_regf", "_desa"):
        with contextlib.suppress(Exception):
            con.unregister(t)
    out = _finish(out, extra=("row_number", "nik_valid"))
    return out if neighbours is None else with_neighbours(out, neighbours)


def with_neighbours(features: pa.Table, neighbours: pa.Table) -> pa.Table:
    """``features`` (prepared register or list) with ``desa_nb`` set from ``neighbours``
    (``desa, neighbour`` pairs): the neighbouring desa of each row's desa, or null."""
    import pyarrow.compute as pc

    from konvergen.linkage.engine.neighbours import neighbour_lists

    lists = neighbour_lists(neighbours)
    idx = pc.index_in(features.column("desa"), value_set=lists.column("desa"))
    nb = pc.take(lists.column("desa_nb"), idx).cast(pa.list_(pa.string()))
    i = features.schema.get_field_index("desa_nb")
    out = features.set_column(i, pa.field("desa_nb", pa.list_(pa.string())), nb)
    return out.replace_schema_metadata(features.schema.metadata)


def _desa_keys(lookup: pa.Table) -> pa.Table:
    names = {c: lookup.column(c) for c in lookup.column_names}
    con = duckdb.connect()
    con.register("_d", pa.table(names))
    kec_name = "kecamatan_name" if "kecamatan_name" in lookup.column_names else "NULL"
    key = "nullif(trim(regexp_replace(regexp_replace(upper({x}), '^(DESA|KELURAHAN|KEL|DS)\\.?\\s+', ''), '[^A-Z0-9]+', ' ', 'g')), '')"  # noqa: E501
    return con.sql(f"""
        SELECT {_code_sql('code')} AS code, {key.format(x='name')} AS key,
               {key.format(x=kec_name)} AS kec_key FROM _d
    """).to_arrow_table()


def _finish(table: pa.Table, *, extra: tuple[str, ...]) -> pa.Table:
    table = table.select([*FEATURE_COLUMNS, *extra])
    meta = {PREPARED_FLAG: b"1"}
    return table.replace_schema_metadata(meta)
