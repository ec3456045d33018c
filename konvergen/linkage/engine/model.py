"""Training the linkage model on a register, and the serialisable model itself.

The model is a Fellegi-Sunter model run by Splink. Training is unsupervised and uses only
the register:

* ``u`` (how often a level occurs among non-matching pairs) is estimated by Splink's random
  sampling of register pairs; for the identifier levels whose chance agreement is too rare
  to sample (exact NIK, NIK of the same family, NIK one digit apart, same No KK) it is
  computed exactly from the register's value counts;
* ``m`` (how often a level occurs for a list row and its true person) starts from the field
  priors in :mod:`~konvergen.linkage.engine.comparisons`;
* the name term frequencies come from the register at link time.

The trained model is a JSON-able dict (:meth:`LinkageModel.to_dict`) holding the full
Splink settings, so linking a new list never retrains.

>>> import datetime as dt, pyarrow as pa
>>> reg = pa.table({"person_id": ["p1", "p2"], "family_id": ["f1", "f2"],
...     "nik": ["3204051201800001", "3204055203850002"], "name": ["Asep", "Siti"],
...     "sex": ["L", "P"], "birth_date": [dt.date(1980, 1, 12), dt.date(1985, 3, 12)],
...     "kk_number": ["3204050101100001", "3204050101100002"],
...     "region_code": ["32.04.05.2001", "32.04.05.2002"], "address": [None, None]})
>>> model = train_model(reg, seed=1, max_pairs=1e3)
>>> LinkageModel.from_dict(model.to_dict()).thresholds["accept"]
0.99
"""

import datetime as dt
import logging
import math
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from konvergen.linkage.engine import backends, comparisons, normalise

FORMAT = "konvergen.linkage.model/1"
DEFAULT_THRESHOLDS = {
    "accept": 0.99,   # match probability at or above which a list row is matched
    "review": 0.30,   # at or above this (and below accept) it goes to review
    "margin": 3.0,    # a runner-up within this many match-weight units forces review
}
#: Share of list rows expected to be in the register (the prior of a match).
DEFAULT_P_LISTED = 0.9

logger = logging.getLogger(__name__)


@dataclass
class LinkageModel:
    """A trained model: Splink settings with m/u, thresholds and provenance.

    Attributes
    ----------
    settings : dict
        Splink settings (DuckDB dialect) with trained ``m_probability``/``u_probability``.
    thresholds : dict
        ``accept`` and ``review`` match probabilities and the ``margin`` (match weight)
        under which a close runner-up sends a row to review. Configurable per region.
    register : dict
        Size of the register it was trained on (``persons``, ``families``).
    trained : dict
        When, how (seed, sampled pairs, backend) and with which Splink version.
    p_listed : float
        Prior share of list rows that are in the register.
    """

    settings: dict
    thresholds: dict = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    register: dict = field(default_factory=dict)
    trained: dict = field(default_factory=dict)
    p_listed: float = DEFAULT_P_LISTED

    def to_dict(self) -> dict:
        """JSON-serialisable form (store it, version it, pass it to :meth:`from_dict`)."""
        return {
            "format": FORMAT,
            "settings": self.settings,
            "thresholds": dict(self.thresholds),
            "register": dict(self.register),
            "trained": dict(self.trained),
            "p_listed": self.p_listed,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "LinkageModel":
        if data.get("format") != FORMAT:
            raise ValueError(f"not a linkage model (format {data.get('format')!r})")
        return cls(
            settings=data["settings"],
            thresholds={**DEFAULT_THRESHOLDS, **data.get("thresholds", {})},
            register=data.get("register", {}),
            trained=data.get("trained", {}),
            p_listed=float(data.get("p_listed", DEFAULT_P_LISTED)),
        )

    def with_thresholds(self, **thresholds) -> "LinkageModel":
        """A copy with other thresholds (e.g. a region's own accept/review)."""
        unknown = set(thresholds) - set(DEFAULT_THRESHOLDS)
        if unknown:
            raise ValueError(f"unknown thresholds: {', '.join(sorted(unknown))}")
        return LinkageModel(self.settings, {**self.thresholds, **thresholds}, self.register,
                            self.trained, self.p_listed)

    def splink_settings(self, *, dialect: str, n_register: int, rules,
                        purpose: str = "link", share: float | None = None) -> dict:
        """Settings for one run: dialect, link type, blocking rules and the match prior
        (``share`` of records expected to have a match among ``n_register``; default
        :attr:`p_listed`)."""
        s = dict(self.settings)
        s["comparisons"] = comparisons.with_dialect(self.settings["comparisons"], dialect)
        if purpose == "dedupe":
            s["comparisons"] = _for_dedupe(s["comparisons"])
        # Lists are scored with predict_between(list, register): the roles already keep
        # pairs between the two sides, and "dedupe_only" avoids Splink's link_only
        # source-dataset filter, a join on concatenated keys that is slow in DuckDB.
        s["link_type"] = "dedupe_only"
        s["blocking_rules_to_generate_predictions"] = comparisons.blocking_rules(rules)
        share = self.p_listed if share is None else share
        s["probability_two_random_records_match"] = min(share / max(n_register, 1), 0.5)
        s["retain_matching_columns"] = False
        s["retain_intermediate_calculation_columns"] = True
        s.pop("sql_dialect", None)
        s.pop("linker_uid", None)
        return s


def _for_dedupe(comps: list[dict]) -> list[dict]:
    """Comparisons re-weighted for duplicates inside the register (see
    :data:`~konvergen.linkage.engine.comparisons.DEDUPE_NIK_M`)."""
    out = []
    for comp in comps:
        name = comp["output_column_name"]
        if name in comparisons.DEDUPE_DROPPED:
            continue
        if name == "nik":
            levels = [dict(lv) for lv in comp["comparison_levels"]]
            non_null = [lv for lv in levels if not lv.get("is_null_level")]
            for lv, m in zip(non_null, comparisons.DEDUPE_NIK_M, strict=True):
                lv["m_probability"] = lv["u_probability"] if m is None else m
            comp = {**comp, "comparison_levels": levels}
        out.append(comp)
    return out


def base_settings(dialect: str = "duckdb") -> dict:
    """Untrained Splink settings (priors for m, no u)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons.comparisons(dialect),
        "blocking_rules_to_generate_predictions": comparisons.blocking_rules(
            comparisons.DEDUPE_BLOCKING_RULES),
        "probability_two_random_records_match": 1e-6,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "em_convergence": 0.001,
        "max_iterations": 20,
    }


def train_model(
    register: pa.Table,
    *,
    backend: str = "duckdb",
    seed: int = 0,
    max_pairs: float = 5e6,
    spark=None,
) -> LinkageModel:
    """Estimate the model from a register (unsupervised).

    Parameters
    ----------
    register : pyarrow.Table
        Register persons (see :mod:`~konvergen.linkage.engine.normalise` for the columns),
        raw or already prepared.
    backend : {"duckdb", "spark"}
        Where Splink samples pairs.
    seed : int
        Seed of the random pair sample (same seed and register give the same model).
    max_pairs : float
        Number of random register pairs sampled to estimate ``u``.
    spark : pyspark.sql.SparkSession, optional
        Session for the Spark backend.

    Returns
    -------
    LinkageModel
    """
    from splink import Linker

    feats = normalise.prepare_register(register)
    dialect = backends.dialect_of(backend)
    api = backends.db_api(backend, spark=spark)
    sdf = backends.register(api, _splink_input(feats), "register")
    settings = base_settings(dialect)
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    trained = linker.misc.save_model_to_json()
    # Store the DuckDB dialect; other dialects are regenerated from it.
    trained["comparisons"] = comparisons.with_dialect(trained["comparisons"], "duckdb")
    exact = identifier_u(feats)
    _fix_rare_u(trained["comparisons"], exact, floor=1.0 / max_pairs)
    import splink

    return LinkageModel(
        settings=_clean_settings(trained),
        register={"persons": feats.num_rows, "families": exact["families"]},
        trained={
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seed": seed, "max_pairs": max_pairs, "backend": backend,
            "splink_version": splink.__version__,
            "u_exact": {k: v for k, v in exact.items() if k != "families"},
        },
    )


def _splink_input(feats: pa.Table) -> pa.Table:
    return feats.select(list(normalise.SPLINK_COLUMNS))


def identifier_u(feats: pa.Table) -> dict:
    """Chance agreement of identifier levels among non-matching register pairs, exactly.

    Returns ``nik_exact`` (1/N: a NIK is held by one person), ``nik_household`` (two
    random persons in one family), ``nik_near`` (NIKs one digit/transposition apart),
    ``kk_exact`` (same No KK) and ``families``.
    """
    con = duckdb.connect()
    con.register("f", feats.select(["nik", "nik_head", "nik_tail", "family_id", "kk"]))

    def one(sql: str) -> tuple:
        row = con.execute(sql).fetchone()
        assert row is not None  # an aggregate query always returns one row
        return row

    n = max(feats.num_rows, 2)
    pairs = n * (n - 1)
    fam = one("SELECT count(DISTINCT family_id), sum(c * (c - 1)) FROM "
              "(SELECT family_id, count(*) c FROM f GROUP BY family_id)")
    kk = one("SELECT sum(c * (c - 1)) FROM (SELECT kk, count(*) c FROM f "
             "WHERE kk IS NOT NULL GROUP BY kk)")[0] or 0
    near = one("""
        WITH p AS (
            SELECT a.nik AS x, b.nik AS y FROM f a JOIN f b
              ON a.nik_head = b.nik_head AND a.nik < b.nik
            UNION
            SELECT a.nik, b.nik FROM f a JOIN f b ON a.nik_tail = b.nik_tail AND a.nik < b.nik
        ) SELECT count(*) FROM p WHERE damerau_levenshtein(x, y) = 1
    """)[0] or 0
    n_nik = one("SELECT count(nik) FROM f")[0] or 1
    return {
        "nik_exact": 1.0 / max(n_nik, 1),
        "nik_household": (fam[1] or 0) / pairs,
        "nik_near": 2.0 * near / max(n_nik * (n_nik - 1), 1),
        "kk_exact": kk / pairs,
        "families": int(fam[0] or 0),
    }


def _fix_rare_u(comps: list[dict], exact: dict, *, floor: float) -> None:
    """Replace sampled u of identifier levels by exact values; floor unobserved levels."""
    override = {("nik", 1): "nik_exact", ("nik", 2): "nik_household",
                ("nik", 3): "nik_near", ("kk", 1): "kk_exact"}
    for comp in comps:
        name = comp["output_column_name"]
        levels = comp["comparison_levels"]
        for i, level in enumerate(levels):
            if level.get("is_null_level"):
                continue
            key = override.get((name, i))
            if key is not None:
                level["u_probability"] = max(exact[key], floor * 1e-3)
            u = level.get("u_probability")
            if not isinstance(u, int | float) or not math.isfinite(u) or u <= 0:
                level["u_probability"] = floor
        # keep the non-null u summing to one: the ELSE level absorbs the difference
        total_other = sum(lv["u_probability"] for lv in levels[1:-1] if not lv.get("is_null_level"))
        levels[-1]["u_probability"] = max(1.0 - total_other, floor)


def _clean_settings(settings: dict) -> dict:
    keep = dict(settings)
    for key in ("sql_dialect", "linker_uid"):
        keep.pop(key, None)
    return keep


def match_weight_histogram(result: pa.Table, *, bins: int = 40, lo: float = -20.0,
                           hi: float = 40.0, thresholds: dict | None = None) -> dict:
    """Histogram of the best match weight per list row, to choose thresholds.

    Parameters
    ----------
    result : pyarrow.Table
        Output of :func:`~konvergen.linkage.engine.link.link_list` (``match_weight``).
    bins, lo, hi
        Equal-width bins between ``lo`` and ``hi`` (values outside are clipped in).
    thresholds : dict, optional
        ``accept``/``review`` probabilities to mark on the chart.

    Returns
    -------
    dict
        JSON-able ``edges``, ``counts``, ``accept_weight``, ``review_weight`` and a
        Vega-Lite ``chart`` spec.
    """
    w = result.column("match_weight").to_numpy(zero_copy_only=False).astype(float)
    w = np.clip(w[np.isfinite(w)], lo, hi - 1e-9)
    counts, edges = np.histogram(w, bins=bins, range=(lo, hi))
    thresholds = thresholds or DEFAULT_THRESHOLDS

    def weight(p):
        return math.log2(p / (1 - p))

    out = {
        "edges": [round(float(e), 3) for e in edges],
        "counts": [int(c) for c in counts],
        "accept_weight": weight(thresholds["accept"]),
        "review_weight": weight(thresholds["review"]),
    }
    values = [{"from": out["edges"][i], "to": out["edges"][i + 1], "rows": out["counts"][i]}
              for i in range(bins)]
    rules = [{"weight": out["accept_weight"], "threshold": "accept"},
             {"weight": out["review_weight"], "threshold": "review"}]
    out["chart"] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "layer": [
            {"data": {"values": values}, "mark": "bar",
             "encoding": {"x": {"field": "from", "bin": {"binned": True}, "type": "quantitative",
                                "title": "match weight"},
                          "x2": {"field": "to"},
                          "y": {"field": "rows", "type": "quantitative", "title": "list rows"}}},
            {"data": {"values": rules}, "mark": "rule",
             "encoding": {"x": {"field": "weight", "type": "quantitative"},
                          "color": {"field": "threshold", "type": "nominal"}}},
        ],
    }
    return out
