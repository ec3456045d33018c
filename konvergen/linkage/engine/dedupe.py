"""Probable duplicate persons inside the register itself.

One person registered under two NIKs, a member listed twice, a family registered twice
after a move: the same model scores pairs of register persons that share a blocking key
(:data:`~konvergen.linkage.engine.comparisons.DEDUPE_BLOCKING_RULES`). Pairs of persons
in the same family (twins, namesakes across generations) are scored like any other pair, so
only strong evidence (name *and* birth date *and* more) makes them candidates.
"""

import logging

import duckdb
import pyarrow as pa

from konvergen.linkage.engine import backends, comparisons, normalise
from konvergen.linkage.engine.link import evidence_sql
from konvergen.linkage.engine.model import LinkageModel

#: Prior share of register persons that have a duplicate.
DEFAULT_DUPLICATE_SHARE = 0.01


def dedupe_register(
    register: pa.Table,
    model: LinkageModel,
    *,
    threshold: float = 0.5,
    duplicate_share: float = DEFAULT_DUPLICATE_SHARE,
    backend: str = "duckdb",
    spark=None,
    neighbours: pa.Table | None = None,
) -> pa.Table:
    """Candidate duplicate pairs of register persons, with probabilities and evidence.

    Parameters
    ----------
    register : pyarrow.Table
        Register persons, raw or prepared.
    model : LinkageModel
        Trained on this register.
    threshold : float
        Minimum match probability of a returned pair.
    duplicate_share : float
        Prior share of persons registered twice.
    backend : {"duckdb", "spark"}
    neighbours : pyarrow.Table, optional
        Neighbouring desa pairs for the "neighbouring desa" level.

    Returns
    -------
    pyarrow.Table
        ``person_id_l``, ``person_id_r``, ``family_id_l``, ``family_id_r``,
        ``match_probability``, ``match_weight``, ``kind`` (``"same_nik"``,
        ``"same_family"`` or ``"other_family"``) and ``evidence`` (per field: level,
        Bayes factor, weight), strongest first.

    Examples
    --------
    >>> import datetime as dt, pyarrow as pa
    >>> from konvergen.linkage.engine.model import train_model
    >>> reg = pa.table({"person_id": ["a", "b", "c"], "family_id": ["f1", "f2", "f3"],
    ...     "nik": ["3204051201800001", "3204051201800002", "3204055203850001"],
    ...     "name": ["Asep Saepudin", "Asep Saefudin", "Siti"], "sex": ["L", "L", "P"],
    ...     "birth_date": [dt.date(1980, 1, 12)] * 2 + [dt.date(1985, 3, 12)],
    ...     "region_code": ["32.04.05.2001"] * 3})
    >>> pairs = dedupe_register(reg, train_model(reg, max_pairs=1e3), threshold=0.0)
    >>> pairs.select(["person_id_l", "person_id_r", "kind"]).to_pylist()
    [{'person_id_l': 'a', 'person_id_r': 'b', 'kind': 'other_family'}]
    """
    from splink import Linker

    reg = normalise.prepare_register(register, neighbours=neighbours)
    dialect = backends.dialect_of(backend)
    api = backends.db_api(backend, spark=spark)
    settings = model.splink_settings(dialect=dialect, n_register=reg.num_rows,
                                     rules=comparisons.DEDUPE_BLOCKING_RULES,
                                     purpose="dedupe", share=duplicate_share)
    sdf = backends.register(api, reg.select(list(normalise.SPLINK_COLUMNS)), "register")
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    from konvergen.linkage.engine.link import term_frequencies

    linker.table_management.register_term_frequency_lookup(
        backends.register(api, term_frequencies(reg), "tf_name_norm"), "name_norm")
    pred = linker.inference.predict_within(sdf, threshold_match_probability=threshold,
                                           warning_mode="never")
    mw = [f"mw_{c}" for c in comparisons.COMPARISON_NAMES] + [
        f"mw_tf_adj_{c}" for c, _ in comparisons.TF_LEVELS]
    present = {c.unquote().name for c in pred.columns}
    scored = pred.query_sql(
        "SELECT unique_id_l AS l_uid, unique_id_r AS r_uid, match_weight, match_probability, "
        + ", ".join(c for c in mw if c in present) + " FROM {this}").as_pyarrow_table()
    pred.drop_table_from_database_and_remove_from_cache()

    con = duckdb.connect()
    con.register("_c", scored)
    con.register("_reg", reg.select(["unique_id", "person_id", "family_id", "nik"]))
    ev = evidence_sql(settings, scored.column_names)
    return con.sql(f"""
        SELECT a.person_id AS person_id_l, b.person_id AS person_id_r,
               a.family_id AS family_id_l, b.family_id AS family_id_r,
               c.match_probability, c.match_weight,
               CASE WHEN a.nik = b.nik THEN 'same_nik'
                    WHEN a.family_id = b.family_id THEN 'same_family'
                    ELSE 'other_family' END AS kind,
               {ev} AS evidence
        FROM _c c JOIN _reg a ON a.unique_id = c.l_uid JOIN _reg b ON b.unique_id = c.r_uid
        ORDER BY c.match_weight DESC, person_id_l, person_id_r
    """).to_arrow_table()


def duplicate_families(pairs: pa.Table, *, min_persons: int = 2,
                       min_probability: float = 0.9) -> pa.Table:
    """Families that look registered twice: at least ``min_persons`` of their members
    pair with members of one other family.

    Returns ``family_id_l``, ``family_id_r``, ``persons`` (number of person pairs) and
    ``mean_probability``.
    """
    con = duckdb.connect()
    con.register("p", pairs.select(["family_id_l", "family_id_r", "match_probability"]))
    return con.sql(f"""
        SELECT least(family_id_l, family_id_r) AS family_id_l,
               greatest(family_id_l, family_id_r) AS family_id_r,
               count(*) AS persons, avg(match_probability) AS mean_probability
        FROM p WHERE family_id_l <> family_id_r AND match_probability >= {min_probability}
        GROUP BY 1, 2 HAVING count(*) >= {int(min_persons)}
        ORDER BY persons DESC, mean_probability DESC
    """).to_arrow_table()
