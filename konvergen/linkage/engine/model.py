"""Training the linkage model on a register, and the serialisable model itself.

The model is a Fellegi-Sunter model run by Splink. Training is unsupervised and uses only
the register:

* ``u`` (how often a level occurs among non-matching pairs) is estimated by Splink's random
  sampling of register pairs; for the identifier levels whose chance agreement is too rare
  to sample (exact NIK, NIK of the same family, NIK one digit apart, same No KK) it is
  computed exactly from the register's value counts;
* ``m`` (how often a level occurs for a list row and its true person) are the field priors
  in :mod:`~konvergen.linkage.engine.comparisons` by default; with
  ``m_estimation="em"`` they are estimated by expectation maximisation on the register
  deduplicated against itself (:func:`estimate_m_em`), level by level, keeping the prior
  wherever EM did not converge, did not observe the level, or gave an implausible value.
  ``trained["m_source"]`` says which parameter came from where;
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
#: How ``m`` is set: the field priors (default) or EM on the register, prior as fallback.
M_PRIOR, M_EM = "prior", "em"
M_ESTIMATIONS = (M_PRIOR, M_EM)
#: Blocking rules of the EM sessions on the register deduplicated against itself. A
#: session cannot estimate the comparisons whose columns its rule uses, so together they
#: leave every comparison free at least once: (1) same birth date and phonetic name (NIK,
#: sex, No KK, desa, address), (2) same kecamatan, both name blocking tokens and birth
#: year (NIK, name, sex, No KK, address), (3) same NIK serial part (name, birth date, sex,
#: No KK, desa, address among persons whose NIKs differ only in the region prefix).
EM_BLOCKING_RULES = (
    "l.birth_date = r.birth_date AND l.name_phon = r.name_phon",
    "l.kec = r.kec AND l.tok_a = r.tok_a AND l.tok_b = r.tok_b AND l.bd_y = r.bd_y",
    "l.nik_tail = r.nik_tail",
)
#: EM pairs per session at most (Splink samples records down to about this many pairs).
EM_MAX_PAIRS = 2e6
#: Estimated m below this are taken as this: in lists no level is rarer than 1 in 1,000
#: among true matches, even when register duplicates never show it (a sex typo).
EM_M_FLOOR = 1e-3

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
    m_estimation: str = M_PRIOR,
    em_rules=EM_BLOCKING_RULES,
    neighbours: pa.Table | None = None,
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
    m_estimation : {"prior", "em"}
        ``"prior"`` keeps the field priors for ``m``; ``"em"`` estimates them by EM on
        the register (see :func:`estimate_m_em`), prior where EM gives nothing usable.
    em_rules : sequence of str
        Blocking rules of the EM sessions (``"em"`` only).
    neighbours : pyarrow.Table, optional
        Neighbouring desa pairs (:func:`~konvergen.linkage.engine.neighbours.neighbour_pairs`)
        so that ``u`` of the "neighbouring desa" level is estimated; pass the same pairs
        when linking.

    Returns
    -------
    LinkageModel
        ``trained["m_estimation"]`` is what was asked, ``trained["m_source"]`` gives for
        every comparison the source (``"em"`` or ``"prior"``) of each non-null level's
        ``m``, ``trained["em"]`` the sessions (rule, iterations, converged, error).
    """
    from splink import Linker

    if m_estimation not in M_ESTIMATIONS:
        raise ValueError(f"unknown m estimation {m_estimation!r}; choose one of "
                         f"{', '.join(M_ESTIMATIONS)}")

    feats = normalise.prepare_register(register, neighbours=neighbours)
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
    if neighbours is None or neighbours.num_rows == 0:
        _neighbour_u_as_kecamatan(trained["comparisons"])
    m_source = {c["output_column_name"]: [M_PRIOR] * (len(c["comparison_levels"]) - 1)
                for c in trained["comparisons"]}
    em_report: dict = {}
    if m_estimation == M_EM:
        # EM runs with the final u (exact identifier u included), so it starts again
        # from the trained settings rather than from the sampling linker.
        em_settings = _clean_settings(trained)
        em_settings["comparisons"] = comparisons.with_dialect(trained["comparisons"], dialect)
        em_linker = Linker(sdf, em_settings, log_level=logging.WARNING)
        em_report = estimate_m_em(em_linker, trained["comparisons"], rules=em_rules,
                                  n_register=feats.num_rows)
        m_source = em_report.pop("m_source")
    import splink

    return LinkageModel(
        settings=_clean_settings(trained),
        register={"persons": feats.num_rows, "families": exact["families"]},
        trained={
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seed": seed, "max_pairs": max_pairs, "backend": backend,
            "splink_version": splink.__version__,
            "u_exact": {k: v for k, v in exact.items() if k != "families"},
            "neighbour_pairs": 0 if neighbours is None else neighbours.num_rows,
            "m_estimation": m_estimation,
            "m_source": m_source,
            **({"em": em_report} if em_report else {}),
        },
    )


def estimate_m_em(linker, comps: list[dict], *, rules=EM_BLOCKING_RULES,
                  n_register: int = 0, max_pairs: float = EM_MAX_PAIRS) -> dict:
    """Estimate ``m`` by expectation maximisation on the register against itself.

    Each rule of ``rules`` is one Splink EM session with ``u`` fixed (already estimated)
    and the match prior free. ``comps`` (the trained comparisons, DuckDB dialect) are
    updated in place, level by level:

    * a session that fails (no pairs, an error) or does not converge within the
      settings' ``max_iterations`` contributes nothing;
    * a comparison whose estimated top level (exact agreement) is not more likely among
      matches than among non-matches (``m <= u``), or is not the most likely level among
      matches, keeps its priors: EM has then found another cluster of pairs (family
      members, namesakes) than persons registered twice;
    * a level no session observed keeps its prior; the estimated levels are scaled so
      that the comparison's ``m`` still sum to one;
    * sessions estimating the same comparison are averaged.

    Returns
    -------
    dict
        ``sessions`` (rule, iterations, converged, estimated comparisons, error),
        ``rejected`` (comparison -> reason) and ``m_source`` (comparison -> ``"em"`` or
        ``"prior"`` per non-null level).
    """
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    max_iter = int(linker._settings_obj.training_settings.max_iterations)
    sessions: list[dict] = []
    estimates: dict[str, dict[int, list[float | None]]] = {}
    for rule in rules:
        info: dict = {"blocking_rule": rule, "iterations": 0, "converged": False,
                      "estimated": [], "error": None}
        sessions.append(info)
        try:
            sess = linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_u_probabilities=True, estimate_without_term_frequencies=True,
                max_pairs=max_pairs if n_register > 2_000 else None)
        except Exception as exc:
            info["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            logger.warning("EM session %r failed: %s", rule, info["error"])
            continue
        history = getattr(sess, "_core_model_settings_history", [])
        info["iterations"] = max(len(history) - 1, 0)
        info["converged"] = 0 < info["iterations"] < max_iter
        if not info["converged"]:
            continue
        for cc in sess.core_model_settings.comparisons:
            name = cc.output_column_name
            info["estimated"].append(name)
            for cl in cc._comparison_levels_excluding_null:
                m = cl._m_probability
                ok = m != LEVEL_NOT_OBSERVED_TEXT and isinstance(m, int | float) \
                    and math.isfinite(m) and m > 0
                estimates.setdefault(name, {}).setdefault(
                    cl.comparison_vector_value, []).append(float(m) if ok else None)
    m_source, rejected = {}, {}
    for comp in comps:
        name = comp["output_column_name"]
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        m_source[name] = [M_PRIOR] * len(non_null)
        found = estimates.get(name)
        if not found:
            continue
        # comparison vector values: the first non-null level is the highest
        n = len(non_null)
        em = []
        for i in range(n):
            vals = [v for v in found.get(n - 1 - i, []) if v is not None]
            em.append(sum(vals) / len(vals) if vals else None)
        top = em[0]
        if top is None or top <= float(non_null[0].get("u_probability") or 0.0):
            rejected[name] = "top level not more frequent among matches than non-matches"
            continue
        if any(v is not None and v > top for v in em[1:]):
            # among true matches, exact agreement is the most common level of every
            # comparison; EM saying otherwise has latched onto another cluster of pairs
            # (family members, namesakes), not onto duplicates
            rejected[name] = "top level not the most frequent among matches"
            continue
        prior_mass = sum(lv["m_probability"] for lv, v in zip(non_null, em, strict=True)
                         if v is None)
        em_mass = sum(v for v in em if v is not None)
        scale = (1.0 - prior_mass) / em_mass if em_mass > 0 else 0.0
        if scale <= 0:
            rejected[name] = "priors of the unobserved levels leave no mass"
            continue
        for i, (lv, v) in enumerate(zip(non_null, em, strict=True)):
            if v is not None:
                lv["m_probability"] = max(v * scale, EM_M_FLOOR)
                m_source[name][i] = M_EM
    return {"sessions": sessions, "rejected": rejected, "m_source": m_source}


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


def _neighbour_u_as_kecamatan(comps: list[dict]) -> None:
    """Without neighbour pairs the "neighbouring desa" level is never seen in training: give
    it the chance agreement of "same kecamatan" (an upper bound), so that a model trained
    without centroids and used with them does not overrate a neighbouring desa."""
    for comp in comps:
        if comp["output_column_name"] != "desa":
            continue
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        labels = [lv.get("label_for_charts") for lv in levels]
        if "neighbouring desa" in labels and "same kecamatan" in labels:
            nb = levels[labels.index("neighbouring desa")]
            nb["u_probability"] = levels[labels.index("same kecamatan")]["u_probability"]


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
