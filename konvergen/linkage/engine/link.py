"""Linking a beneficiary list to the register: deterministic rule, then Fellegi-Sunter.

1. **NIK rule** (``rule="nik_exact"``): the list NIK is valid, held by exactly one register
   person, that person's birth date and sex (when the list has it) agree, and the names
   agree closely (twins share a birth date, sex and often a NIK typed for the wrong one).
   Matched with probability 1.
2. **Probabilistic** (``"probabilistic"``): every other row is compared with the register
   persons sharing a blocking key, scored by Splink with the trained model. The best
   candidate decides; a close runner-up (twins, namesakes) sends the row to review.
   When the best candidate is another member of the family that holds the list's NIK,
   the rule is ``"household"``.

For a list whose unit is the family (``unit="family"``: one row per family, with its No KK
and/or the head's name and NIK, address, desa) the candidates are register *families*: a
family's posterior odds are the sum of its members' (the row is one of them), so a row
whose NIK is another member's, or that has no NIK and no name at all, still finds its
family; twins no longer compete with each other. A valid No KK held by exactly one
register family links the row to it (``rule="kk_exact"``) unless the row's name, NIK or
desa contradicts that family.

The output has one row per list row (see :data:`RESULT_SCHEMA`); review rows carry their
top three candidates with the level and Bayes factor of every field, so a reviewer sees
the evidence for and against.
"""

import logging
import math

import duckdb
import pyarrow as pa

from konvergen.linkage.engine import backends, comparisons, normalise
from konvergen.linkage.engine.model import LinkageModel

MATCHED, REVIEW, UNMATCHED = "matched", "review", "unmatched"
NIK_EXACT, PROBABILISTIC, HOUSEHOLD, KK_EXACT = "nik_exact", "probabilistic", "household", \
    "kk_exact"
UNITS = ("person", "family")

EVIDENCE_TYPE = pa.struct([
    ("field", pa.string()), ("level", pa.string()), ("bayes_factor", pa.float64()),
    ("weight", pa.float64()),
])
CANDIDATE_TYPE = pa.struct([
    ("person_id", pa.string()), ("family_id", pa.string()),
    ("match_probability", pa.float64()), ("match_weight", pa.float64()),
    ("evidence", pa.list_(EVIDENCE_TYPE)),
])
RESULT_SCHEMA = pa.schema([
    ("row_number", pa.int64()), ("person_id", pa.string()), ("family_id", pa.string()),
    ("match_probability", pa.float64()), ("match_weight", pa.float64()),
    ("status", pa.string()), ("rule", pa.string()),
    ("candidates", pa.list_(CANDIDATE_TYPE)),
])
#: Pairs scoring below this match weight are not kept (they cannot reach review).
MIN_KEPT_WEIGHT = -12.0
TOP_K = 3
#: Scored members kept per row before they are summed up into families (``unit="family"``).
FAMILY_MEMBERS_K = 24


def link_list(
    list_table: pa.Table,
    register: pa.Table,
    model: LinkageModel,
    *,
    accept: float | None = None,
    review: float | None = None,
    backend: str = "duckdb",
    spark=None,
    desa_lookup: pa.Table | None = None,
    neighbours: pa.Table | None = None,
    unit: str = "person",
) -> pa.Table:
    """Link every row of a list to at most one register person.

    Parameters
    ----------
    list_table : pyarrow.Table
        Canonical list fields (``nik``, ``nama``, ``tanggal_lahir``, ``jenis_kelamin``,
        ``no_kk``, ``alamat``, ``kode_wilayah``, ``nama_desa``; any subset, as text).
        Row ``i`` of the table is ``row_number`` ``i + 1`` unless the table has its own
        ``row_number`` column (as :func:`konvergen.registry.ingest.readers.read_table` gives).
    register : pyarrow.Table
        Register persons, raw or from :func:`~konvergen.linkage.engine.normalise.prepare_register`
        (prepare once and re-use it for many lists).
    model : LinkageModel
        Trained on this register (or a previous snapshot of it).
    accept, review : float, optional
        Match-probability thresholds; default to ``model.thresholds``.
    backend : {"duckdb", "spark"}
    desa_lookup : pyarrow.Table, optional
        ``code, name, kecamatan_code[, kecamatan_name]`` to resolve ``nama_desa``.
    neighbours : pyarrow.Table, optional
        Neighbouring desa pairs (``desa, neighbour``) for the "neighbouring desa" level
        (:func:`~konvergen.linkage.engine.neighbours.neighbour_pairs`).
    unit : {"person", "family"}
        What a row of the list stands for. ``"family"`` (a list of families by No KK,
        head's name and NIK, address, desa) links each row to a register *family*: see
        :func:`link_families`.

    Returns
    -------
    pyarrow.Table
        :data:`RESULT_SCHEMA`, one row per list row in order.

    Examples
    --------
    >>> import datetime as dt, pyarrow as pa
    >>> from konvergen.linkage.engine.model import train_model
    >>> reg = pa.table({"person_id": ["p1", "p2"], "family_id": ["f1", "f1"],
    ...     "nik": ["3204051201800001", "3204055203850002"], "name": ["Asep", "Siti"],
    ...     "sex": ["L", "P"], "birth_date": [dt.date(1980, 1, 12), dt.date(1985, 3, 12)]})
    >>> model = train_model(reg, max_pairs=1e3)
    >>> out = link_list(pa.table({"nik": ["3204051201800001"], "nama": ["ASEP"],
    ...     "tanggal_lahir": ["12-01-1980"], "jenis_kelamin": ["L"]}), reg, model)
    >>> out.select(["row_number", "person_id", "status", "rule"]).to_pylist()
    [{'row_number': 1, 'person_id': 'p1', 'status': 'matched', 'rule': 'nik_exact'}]
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    th = dict(model.thresholds)
    if accept is not None:
        th["accept"] = accept
    if review is not None:
        th["review"] = review
    con = duckdb.connect()
    reg = normalise.prepare_register(register, con=con, neighbours=neighbours)
    lst = normalise.prepare_list(list_table, reg, desa_lookup=desa_lookup, con=con,
                                 neighbours=neighbours)
    det = deterministic_matches(lst, reg, con=con)
    con.register("lst", lst)
    con.register("det", det)
    rest = con.sql("SELECT * FROM lst WHERE unique_id NOT IN (SELECT unique_id FROM det)"
                   ).to_arrow_table()
    if unit == "family":
        members = score_candidates(rest, reg, model, backend=backend, spark=spark,
                                   top_k=FAMILY_MEMBERS_K)
        cands = family_candidates(members, reg, con=con)
        out = assemble(lst, reg, det, cands, model, th, con=con)
        out = apply_kk_rule(out, lst, reg, members, con=con)
    else:
        cands = score_candidates(rest, reg, model, backend=backend, spark=spark)
        out = assemble(lst, reg, det, cands, model, th, con=con)
    if "row_number" in list_table.column_names:  # as numbered by the file reader
        out = out.set_column(0, "row_number", list_table.column("row_number").cast(pa.int64()))
    return out


def deterministic_matches(lst: pa.Table, reg: pa.Table, *, con=None) -> pa.Table:
    """List rows matched by the NIK rule: ``unique_id`` (list) and ``r_uid`` (register)."""
    con = con or duckdb.connect()
    con.register("_l", lst.select(["unique_id", "nik", "nik_valid", "birth_date", "sex",
                                   "name_sorted", "name_phon", "name_tokens"]))
    con.register("_r", reg.select(["unique_id", "nik", "birth_date", "sex", "name_sorted",
                                   "name_phon", "name_tokens"]))
    out = con.sql("""
        WITH holders AS (
            SELECT nik, any_value(unique_id) AS r_uid, count(*) AS n FROM _r
            WHERE nik IS NOT NULL GROUP BY nik
        )
        SELECT l.unique_id, h.r_uid
        FROM _l l JOIN holders h ON h.nik = l.nik AND h.n = 1
        JOIN _r r ON r.unique_id = h.r_uid
        WHERE l.nik_valid AND l.birth_date = r.birth_date AND coalesce(l.sex = r.sex, true)
          AND (l.name_sorted IS NULL
               OR l.name_phon = r.name_phon
               OR damerau_levenshtein(l.name_sorted, r.name_sorted) <= 1
               OR list_has_all(l.name_tokens, r.name_tokens)
               OR list_has_all(r.name_tokens, l.name_tokens))
    """).to_arrow_table()
    con.unregister("_l")
    con.unregister("_r")
    return out


def family_candidates(members: pa.Table, reg: pa.Table, *, con, top_k: int = TOP_K
                      ) -> pa.Table:
    """Scored member pairs summed up into family candidates.

    A row of a family list stands for one (unknown) member of its family, so the
    family's posterior odds are the sum of its members' odds: ``match_weight`` of a family
    is ``log2(sum(2 ** w))`` over its scored members. Each family keeps its best member's
    ``r_uid`` and per-field weights (the evidence a reviewer sees). Same columns as
    :func:`score_candidates`, ``rank`` over families.
    """
    if members.num_rows == 0:
        return members
    con.register("_m", members)
    con.register("_rf", reg.select(["unique_id", "family_id"]))
    out = con.sql(f"""
        WITH c AS (
            SELECT _m.*, _rf.family_id AS _fam FROM _m JOIN _rf ON _rf.unique_id = _m.r_uid
        ), f AS (
            SELECT l_uid, _fam, max(match_weight) AS top_w,
                   arg_max(r_uid, match_weight) AS best_uid
            FROM c GROUP BY l_uid, _fam
        ), fw AS (
            SELECT f.l_uid, f._fam, f.best_uid,
                   f.top_w + log2(sum(pow(2.0, c.match_weight - f.top_w))) AS fam_w
            FROM f JOIN c ON c.l_uid = f.l_uid AND c._fam = f._fam
            GROUP BY f.l_uid, f._fam, f.best_uid, f.top_w
        ), ranked AS (
            SELECT c.* EXCLUDE (match_weight, match_probability, rank, _fam),
                   fw.fam_w AS match_weight,
                   1.0 / (1.0 + pow(2.0, -fw.fam_w)) AS match_probability,
                   row_number() OVER (PARTITION BY fw.l_uid
                                      ORDER BY fw.fam_w DESC, fw._fam) AS rank
            FROM fw JOIN c ON c.l_uid = fw.l_uid AND c.r_uid = fw.best_uid
        )
        SELECT * FROM ranked WHERE rank <= {int(top_k)}
    """).to_arrow_table()
    con.unregister("_m")
    con.unregister("_rf")
    return out.select(members.column_names).cast(members.schema)


def kk_rule_families(lst: pa.Table, reg: pa.Table, *, con) -> pa.Table:
    """List rows linked to a family by the No KK rule: ``unique_id`` (list), ``family_id``.

    The row's No KK has 16 digits and is held by exactly one register family, and
    nothing in the row contradicts that family: its name (if any) is close to one of the
    family's members (same phonetic key, one letter apart, or one name containing the
    other), its NIK (if held in the register) belongs to that family, and its desa (if
    any) is the family's desa, a neighbouring desa or in the same kecamatan.
    """
    con.register("_kl", lst.select(["unique_id", "kk", "nik_family", "name_sorted",
                                    "name_phon", "name_tokens", "desa", "desa_nb"]))
    con.register("_kr", reg.select(["family_id", "kk", "name_sorted", "name_phon",
                                    "name_tokens", "desa"]))
    out = con.sql("""
        WITH holders AS (
            SELECT kk, any_value(family_id) AS fam, count(DISTINCT family_id) AS n
            FROM _kr WHERE kk IS NOT NULL GROUP BY kk
        ), cand AS (
            SELECT l.*, h.fam FROM _kl l JOIN holders h ON h.kk = l.kk AND h.n = 1
            WHERE length(l.kk) = 16
              AND (l.nik_family IS NULL OR l.nik_family = h.fam)
        ), checks AS (
            SELECT c.unique_id, c.fam,
                   bool_or(c.name_sorted IS NULL OR r.name_phon = c.name_phon
                           OR damerau_levenshtein(r.name_sorted, c.name_sorted) <= 1
                           OR list_has_all(r.name_tokens, c.name_tokens)
                           OR list_has_all(c.name_tokens, r.name_tokens)) AS name_ok,
                   bool_or(c.desa IS NULL OR r.desa = c.desa
                           OR substr(r.desa, 1, 8) = substr(c.desa, 1, 8)
                           OR coalesce(list_contains(c.desa_nb, r.desa), false)) AS desa_ok
            FROM cand c JOIN _kr r ON r.family_id = c.fam
            GROUP BY c.unique_id, c.fam
        )
        SELECT unique_id, fam AS family_id FROM checks WHERE name_ok AND desa_ok
    """).to_arrow_table()
    con.unregister("_kl")
    con.unregister("_kr")
    return out


def apply_kk_rule(out: pa.Table, lst: pa.Table, reg: pa.Table, members: pa.Table, *,
                  con) -> pa.Table:
    """Family-list result with the No KK rule applied to rows the NIK rule left: such a
    row is matched to the KK's family, through its best scored member (or, without one,
    any member)."""
    kk = kk_rule_families(lst, reg, con=con)
    if kk.num_rows == 0:
        return out
    con.register("_out", out)
    con.register("_kk", kk)
    con.register("_lr", lst.select(["unique_id", "row_number"]))
    con.register("_mem", members.select(["l_uid", "r_uid", "match_weight"]))
    con.register("_rp", reg.select(["unique_id", "person_id", "family_id"]))
    res = con.sql("""
        WITH best AS (
            SELECT k.unique_id, arg_max(p.person_id, coalesce(m.match_weight, -1e9)) AS pid
            FROM _kk k JOIN _rp p ON p.family_id = k.family_id
            LEFT JOIN _mem m ON m.l_uid = k.unique_id AND m.r_uid = p.unique_id
            GROUP BY k.unique_id
        ), hit AS (
            SELECT lr.row_number, k.family_id, b.pid
            FROM _kk k JOIN _lr lr USING (unique_id) JOIN best b USING (unique_id)
        )
        SELECT o.row_number,
               CASE WHEN h.row_number IS NOT NULL AND o.rule IS DISTINCT FROM 'nik_exact'
                    THEN h.pid ELSE o.person_id END AS person_id,
               CASE WHEN h.row_number IS NOT NULL AND o.rule IS DISTINCT FROM 'nik_exact'
                    THEN h.family_id ELSE o.family_id END AS family_id,
               CASE WHEN h.row_number IS NOT NULL AND o.rule IS DISTINCT FROM 'nik_exact'
                    THEN 1.0 ELSE o.match_probability END AS match_probability,
               o.match_weight,
               CASE WHEN h.row_number IS NOT NULL THEN 'matched' ELSE o.status END AS status,
               CASE WHEN h.row_number IS NOT NULL AND o.rule IS DISTINCT FROM 'nik_exact'
                    THEN 'kk_exact' ELSE o.rule END AS rule,
               CASE WHEN h.row_number IS NOT NULL THEN NULL ELSE o.candidates END
                   AS candidates
        FROM _out o LEFT JOIN hit h ON h.row_number = o.row_number
        ORDER BY o.row_number
    """).to_arrow_table()
    for t in ("_out", "_kk", "_lr", "_mem", "_rp"):
        con.unregister(t)
    return res.cast(RESULT_SCHEMA)


def score_candidates(lst: pa.Table, reg: pa.Table, model: LinkageModel, *,
                     backend: str = "duckdb", spark=None, top_k: int = TOP_K,
                     rules=comparisons.LINK_BLOCKING_RULES,
                     n_register: int | None = None) -> pa.Table:
    """Top ``top_k`` scored register candidates of each list row (Splink predict).

    Returns a table with ``l_uid``, ``r_uid``, ``rank``, ``match_weight``,
    ``match_probability`` and the ``gamma_*``/``mw_*`` (log2 Bayes factor) columns of
    each comparison.
    """
    from splink import Linker

    if lst.num_rows == 0:
        floats = ["match_weight", "match_probability",
                  *(f"mw_{c}" for c in comparisons.COMPARISON_NAMES),
                  *(f"mw_tf_adj_{c}" for c, _ in comparisons.TF_LEVELS)]
        return pa.table({"l_uid": pa.array([], pa.string()), "r_uid": pa.array([], pa.string()),
                         "rank": pa.array([], pa.int64()),
                         **{c: pa.array([], pa.float64()) for c in floats}})
    dialect = backends.dialect_of(backend)
    api = backends.db_api(backend, spark=spark)
    settings = model.splink_settings(dialect=dialect, n_register=n_register or reg.num_rows,
                                     rules=rules)
    cols = list(normalise.SPLINK_COLUMNS)
    left = backends.register(api, lst.select(cols), "list")
    right = backends.register(api, reg.select(cols), "register")
    linker = Linker(right, settings, log_level=logging.WARNING)
    tf = term_frequencies(reg)
    linker.table_management.register_term_frequency_lookup(
        backends.register(api, tf, "tf_name_norm"), "name_norm")
    pred = linker.inference.predict_between(
        left, right, threshold_match_weight=MIN_KEPT_WEIGHT, warning_mode="never")
    gammas = [f"gamma_{c}" for c in comparisons.COMPARISON_NAMES]
    bfs = [f"mw_{c}" for c in comparisons.COMPARISON_NAMES] + [
        f"mw_tf_adj_{c}" for c, _ in comparisons.TF_LEVELS]
    present = {c.unquote().name for c in pred.columns}
    extra = ", ".join(c for c in gammas + bfs if c in present)
    top = pred.query_sql(f"""
        SELECT * FROM (
            SELECT unique_id_l AS l_uid, unique_id_r AS r_uid, match_weight, match_probability,
                   {extra},
                   row_number() OVER (PARTITION BY unique_id_l
                                      ORDER BY match_weight DESC, unique_id_r) AS rank
            FROM {{this}}
        ) t WHERE rank <= {int(top_k)}
    """)
    out = top.as_pyarrow_table()
    for t in (top, pred):
        t.drop_table_from_database_and_remove_from_cache()
    return out


def term_frequencies(reg: pa.Table) -> pa.Table:
    """The register's name frequency lookup (``name_norm``, ``tf_name_norm``)."""
    con = duckdb.connect()
    con.register("_r", reg.select(["name_norm", "tf_name_norm"]))
    return con.sql("SELECT name_norm, any_value(tf_name_norm) AS tf_name_norm FROM _r "
                   "WHERE name_norm IS NOT NULL GROUP BY name_norm").to_arrow_table()


def level_weights(settings: dict) -> dict[str, list[tuple[float, str]]]:
    """``{comparison: [(match weight, level label), ...]}``: Splink 5 returns each
    comparison's match weight (``mw_*``), from which the level is read back."""
    out = {}
    for comp in settings["comparisons"]:
        rows = []
        for lv in comp["comparison_levels"]:
            if lv.get("is_null_level"):
                rows.append((0.0, "null"))
                continue
            m, u = lv.get("m_probability"), lv.get("u_probability")
            w = math.log2(m / u) if m and u else 0.0
            rows.append((w, lv.get("label_for_charts", "")))
        # non-null levels first, so a level weighing exactly 0 is not taken for "null"
        out[comp["output_column_name"]] = rows[1:] + rows[:1]
    return out


def evidence_sql(settings: dict, columns) -> str:
    """SQL building the per-field evidence list from Splink's ``mw_*`` columns."""
    weights = level_weights(settings)
    names = [c for c in comparisons.COMPARISON_NAMES if f"mw_{c}" in columns]
    if not names:
        return "NULL"

    def label_sql(c):
        whens = " ".join(
            f"WHEN abs(mw_{c} - ({w!r})) < 1e-6 THEN '{lab.replace(chr(39), chr(39) * 2)}'"
            for w, lab in weights[c])
        return f"CASE {whens} END"

    def mw_sql(c):
        tf = f" + coalesce(mw_tf_adj_{c}, 0.0)" if f"mw_tf_adj_{c}" in columns else ""
        return f"(mw_{c}{tf})"

    return "[" + ", ".join(
        f"{{'field': '{c}', 'level': {label_sql(c)}, 'bayes_factor': pow(2.0, {mw_sql(c)}), "
        f"'weight': {mw_sql(c)}}}" for c in names) + "]"


def assemble(lst, reg, det, cands, model, th, *, con) -> pa.Table:
    """Combine deterministic and scored rows into the result table."""
    con.register("_lst", lst.select(["unique_id", "row_number", "nik_family"]))
    con.register("_reg", reg.select(["unique_id", "person_id", "family_id"]))
    con.register("_det", det)
    con.register("_c", cands)
    evidence = evidence_sql(model.settings, cands.column_names)
    household_w = level_weights(model.settings)["nik"][1][0]
    accept_w = _weight(th["accept"])
    review_p = th["review"]
    margin = th["margin"]
    scored = f"""
        WITH c AS (
            SELECT _c.*, _reg.person_id, _reg.family_id,
                   {evidence} AS evidence
            FROM _c JOIN _reg ON _reg.unique_id = _c.r_uid
        ), best AS (
            SELECT l_uid,
                   max(CASE WHEN rank = 1 THEN match_weight END) AS w1,
                   max(CASE WHEN rank = 2 THEN match_weight END) AS w2,
                   list({{'person_id': person_id, 'family_id': family_id,
                          'match_probability': match_probability,
                          'match_weight': match_weight, 'evidence': evidence}}
                        ORDER BY rank) AS candidates
            FROM c GROUP BY l_uid
        ), top1 AS (SELECT * FROM c WHERE rank = 1)
        SELECT l.row_number,
            CASE WHEN d.r_uid IS NOT NULL THEN dr.person_id ELSE t.person_id END AS person_id,
            CASE WHEN d.r_uid IS NOT NULL THEN dr.family_id ELSE t.family_id END AS family_id,
            CASE WHEN d.r_uid IS NOT NULL THEN 1.0
                 ELSE coalesce(t.match_probability, 0.0) END AS match_probability,
            t.match_weight,
            CASE WHEN d.r_uid IS NOT NULL THEN 'matched'
                 WHEN t.match_weight >= {accept_w}
                      AND (b.w2 IS NULL OR b.w1 - b.w2 >= {margin}
                           OR b.w2 < {_weight(review_p)}) THEN 'matched'
                 WHEN t.match_probability >= {review_p} THEN 'review'
                 ELSE 'unmatched' END AS status,
            CASE WHEN d.r_uid IS NOT NULL THEN 'nik_exact'
                 WHEN t.r_uid IS NULL THEN NULL
                 WHEN abs(t.mw_nik - ({household_w!r})) < 1e-6 THEN 'household'
                 ELSE 'probabilistic' END AS rule,
            b.candidates
        FROM _lst l
        LEFT JOIN _det d ON d.unique_id = l.unique_id
        LEFT JOIN _reg dr ON dr.unique_id = d.r_uid
        LEFT JOIN top1 t ON t.l_uid = l.unique_id
        LEFT JOIN best b ON b.l_uid = l.unique_id
    """
    # Unmatched rows keep no person; candidates only where a reviewer needs them.
    out = con.sql(f"""
        SELECT row_number,
            CASE WHEN status <> '{UNMATCHED}' THEN person_id END AS person_id,
            CASE WHEN status <> '{UNMATCHED}' THEN family_id END AS family_id,
            match_probability, match_weight, status, rule,
            CASE WHEN status = '{REVIEW}' THEN candidates END AS candidates
        FROM ({scored}) q ORDER BY row_number
    """).to_arrow_table()
    for t in ("_lst", "_reg", "_det", "_c"):
        con.unregister(t)
    return out.select(RESULT_SCHEMA.names).cast(RESULT_SCHEMA)


def _weight(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def explain_pair(list_record: dict, register_record: dict, model: LinkageModel, *,
                 neighbours: pa.Table | None = None) -> dict:
    """Score one list record against one register person and explain every field.

    Parameters
    ----------
    list_record : dict
        Canonical list fields (``nik``, ``nama``, ``tanggal_lahir``, ...).
    register_record : dict
        One register person (register input columns, ``birth_date`` as a date).
    model : LinkageModel

    Returns
    -------
    dict
        ``match_probability``, ``match_weight`` and ``evidence`` (one entry per field:
        ``field``, ``level``, ``bayes_factor``, ``weight`` = log2 of the Bayes factor).
    """
    reg = normalise.prepare_register(pa.Table.from_pylist([register_record]),
                                     neighbours=neighbours)
    lst = normalise.prepare_list(pa.Table.from_pylist([list_record]), reg,
                                 neighbours=neighbours)
    n = int(model.register.get("persons") or 1)
    cands = score_candidates(lst, reg, model, rules=("1 = 1",), top_k=1, n_register=n)
    th = {**model.thresholds, "review": 0.0, "accept": 1 - 1e-12}
    empty = pa.table({"unique_id": pa.array([], pa.string()), "r_uid": pa.array([], pa.string())})
    row = assemble(lst, reg, empty, cands, model, th, con=duckdb.connect()).to_pylist()[0]
    cand = (row["candidates"] or [{}])[0]
    return {"match_probability": row["match_probability"], "match_weight": row["match_weight"],
            "evidence": cand.get("evidence", [])}
