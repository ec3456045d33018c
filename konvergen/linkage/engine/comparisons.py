"""Splink comparisons and blocking rules carrying the Indonesian knowledge.

Every comparison reads the feature columns of :mod:`konvergen.linkage.engine.normalise`, so the
SQL stays small: equality on precomputed keys plus a few string distances. The SQL is
generated per backend dialect (DuckDB or Spark) because the array and similarity functions
are named differently.

The ``m`` values given here are *priors*: the chance that a list row and its true register
person fall in each level. They describe how agency lists are typed in the field (a
missing or mistyped NIK, the NIK of another family member, name spelling families, a
swapped day and month, a placeholder date, a previous desa). The ``u`` values (chance
among non-matching pairs) are always estimated from the register itself.

>>> [c["output_column_name"] for c in comparisons("duckdb")]
['nik', 'name', 'birth_date', 'sex', 'kk', 'desa', 'address']
"""

from dataclasses import dataclass

#: Levels of each comparison: (label, m prior). The first level is the null level.
_PRIORS: dict[str, tuple[tuple[str, float], ...]] = {
    "nik": (
        ("null", 0.0), ("exact", 0.90), ("household: NIK of another family member", 0.025),
        ("one digit wrong or two swapped", 0.035), ("different", 0.04),
    ),
    "name": (
        ("null", 0.0), ("exact", 0.74), ("same words or sounds", 0.10),
        ("one letter typed wrong", 0.06),
        ("part of the name or initials", 0.05), ("every word similar (Jaro-Winkler >= 0.88)", 0.03),
        ("different", 0.02),
    ),
    "birth_date": (
        ("null", 0.0), ("exact", 0.90), ("day and month swapped", 0.03),
        ("placeholder date, same year", 0.02), ("one digit wrong", 0.03),
        ("different", 0.02),
    ),
    "sex": (("null", 0.0), ("same", 0.985), ("different", 0.015)),
    "kk": (("null", 0.0), ("same No KK", 0.86), ("different", 0.14)),
    "desa": (
        ("null", 0.0), ("same desa", 0.94), ("neighbouring desa", 0.025),
        ("same kecamatan", 0.012), ("same kab/kota", 0.013), ("different", 0.01),
    ),
    "address": (
        ("null", 0.0), ("same address", 0.55), ("same RT/RW in the same desa", 0.25),
        ("different", 0.20),
    ),
}

COMPARISON_NAMES = tuple(_PRIORS)

#: Inside the register, duplicates look different from list errors: a person registered
#: twice mostly has two different NIKs, and sharing a family, No KK or address says nothing
#: about being the same person (twins share all three). So deduplication re-weights NIK
#: (household level neutral) and leaves out the family-level comparisons.
DEDUPE_NIK_M = (0.30, None, 0.15, 0.55)  # exact, household (m = u), near, different
DEDUPE_DROPPED = ("kk", "address")


@dataclass(frozen=True)
class _Dialect:
    jw: str
    dl: str
    contains: str  # format with a (list), x: "a contains x"
    subset: str  # format with a, b: "every element of b is in a"
    every_word: str  # format with a, b, t: "every word of a is similar to a word of b"


_DIALECTS = {
    "duckdb": _Dialect(
        "jaro_winkler_similarity", "damerau_levenshtein", "list_contains({a}, {x})",
        "list_has_all({a}, {b})",
        "list_bool_and(list_transform({a}, lambda x: list_bool_or(list_transform({b}, "
        "lambda y: jaro_winkler_similarity(x, y) >= {t}))))"),
    "spark": _Dialect(
        "jaro_winkler", "damerau_levenshtein", "array_contains({a}, {x})",
        "size(array_except({b}, {a})) = 0",
        "forall({a}, x -> exists({b}, y -> jaro_winkler(x, y) >= {t}))"),
}


def _null(*cols: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)


def _conditions(dialect: str) -> dict[str, list[str]]:
    d = _DIALECTS[dialect]
    subset = (f"({d.subset.format(a='name_tokens_l', b='name_tokens_r')} OR "
              f"{d.subset.format(a='name_tokens_r', b='name_tokens_l')})")
    return {
        "nik": [
            _null("nik"),
            "nik_l = nik_r",
            "(nik_family_l = family_id_r OR nik_family_r = family_id_l)",
            f"{d.dl}(nik_l, nik_r) <= 1",
            "ELSE",
        ],
        "name": [
            _null("name_norm"),
            "name_norm_l = name_norm_r",
            "name_sorted_l = name_sorted_r OR name_phon_l = name_phon_r",
            f"{d.dl}(name_sorted_l, name_sorted_r) <= 1",
            f"{subset} OR (name_first_l = name_first_r AND name_initials_l = name_initials_r)",
            f"{d.every_word.format(a='name_tokens_l', b='name_tokens_r', t=0.88)} AND "
            f"{d.every_word.format(a='name_tokens_r', b='name_tokens_l', t=0.88)}",
            "ELSE",
        ],
        "birth_date": [
            _null("birth_date"),
            "birth_date_l = birth_date_r AND NOT bd_placeholder_l",
            "bd_d_l = bd_m_r AND bd_m_l = bd_d_r AND bd_y_l = bd_y_r AND bd_d_l <> bd_m_l",
            "(bd_placeholder_l OR bd_placeholder_r) AND bd_y_l = bd_y_r",
            f"{d.dl}(bd_text_l, bd_text_r) <= 1",
            "ELSE",
        ],
        "sex": [_null("sex"), "sex_l = sex_r", "ELSE"],
        "kk": [_null("kk"), "kk_l = kk_r", "ELSE"],
        "desa": [_null("desa"), "desa_l = desa_r",
                 f"coalesce({d.contains.format(a='desa_nb_l', x='desa_r')}, false)",
                 "kec_l = kec_r", "kab_l = kab_r", "ELSE"],
        "address": [
            _null("addr_norm"),
            "addr_norm_l = addr_norm_r AND desa_l = desa_r",
            "rt_rw_l = rt_rw_r AND desa_l = desa_r",
            "ELSE",
        ],
    }


#: Comparison levels that get a term-frequency adjustment (common names such as SITI
#: AMINAH or MUHAMMAD YUSUF agree by chance more often).
TF_LEVELS = {("name", 1): "name_norm"}


def comparisons(dialect: str = "duckdb") -> list[dict]:
    """Splink comparison dicts with prior ``m`` values (no ``u`` yet).

    Parameters
    ----------
    dialect : {"duckdb", "spark"}

    Returns
    -------
    list of dict
        In Splink's settings format (``output_column_name``, ``comparison_levels``).
    """
    out = []
    conds = _conditions(dialect)
    for name, levels in _PRIORS.items():
        rows = []
        for i, ((label, m), sql) in enumerate(zip(levels, conds[name], strict=True)):
            level: dict[str, object] = {"sql_condition": sql, "label_for_charts": label}
            if i == 0:
                level["is_null_level"] = True
            else:
                level["m_probability"] = m
            if (name, i) in TF_LEVELS:
                level["tf_adjustment_column"] = TF_LEVELS[(name, i)]
                level["tf_adjustment_weight"] = 1.0
            rows.append(level)
        out.append({
            "output_column_name": name,
            "comparison_description": name,
            "comparison_levels": rows,
        })
    return out


def with_dialect(comparison_list: list[dict], dialect: str) -> list[dict]:
    """The same comparisons (with their trained m/u) with SQL for another dialect."""
    fresh = {c["output_column_name"]: c for c in comparisons(dialect)}
    out = []
    for comp in comparison_list:
        if len(comp["comparison_levels"]) != len(fresh[comp["output_column_name"]][
                "comparison_levels"]):
            # a model stored before a level was added (the desa comparison before
            # "neighbouring desa"): its own SQL is kept, it is the same in every dialect
            out.append(comp)
            continue
        new = {**comp, "comparison_levels": []}
        for level, target in zip(comp["comparison_levels"],
                                 fresh[comp["output_column_name"]]["comparison_levels"],
                                 strict=True):
            new["comparison_levels"].append({**level, "sql_condition": target["sql_condition"]})
        out.append(new)
    return out


#: Candidate pairs between a list (l) and the register (r). A list row is compared with
#: every register person sharing at least one of these keys.
LINK_BLOCKING_RULES = (
    "l.nik = r.nik",
    "l.nik_family = r.family_id",              # household context: the NIK's family
    "l.kk = r.kk",
    "l.nik_head = r.nik_head",                 # NIK typo in the serial
    "l.nik_tail = r.nik_tail",                 # NIK typo in the kecamatan part
    "l.kec = r.kec AND l.birth_date = r.birth_date",
    "l.desa = r.desa AND l.tok_a = r.tok_a",
    "l.desa = r.desa AND l.tok_b = r.tok_b",
    "l.birth_date = r.birth_date AND l.tok_a = r.tok_a",
    "l.birth_date = r.birth_date AND l.tok_b = r.tok_b",
    "l.kec = r.kec AND l.name_phon = r.name_phon AND l.bd_y = r.bd_y",
)

#: Candidate pairs inside the register (duplicate persons).
DEDUPE_BLOCKING_RULES = (
    "l.nik = r.nik",
    "l.nik_tail = r.nik_tail",
    "l.birth_date = r.birth_date AND l.tok_a = r.tok_a",
    "l.birth_date = r.birth_date AND l.tok_b = r.tok_b",
    "l.kec = r.kec AND l.name_phon = r.name_phon AND l.bd_y = r.bd_y",
)


def blocking_rules(rules) -> list[dict]:
    """Blocking rules in Splink's settings format."""
    return [{"blocking_rule": r} for r in rules]
