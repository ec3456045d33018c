"""The poverty measures of the welfare engine: Foster–Greer–Thorbecke and Alkire–Foster. No Django.

:func:`~konvergen.welfare.engine.compute.classify` identifies the multidimensionally poor
(Alkire–Foster counting: a family's weighted deprivation score at least ``k``) and
:func:`~konvergen.welfare.engine.compute.aggregate` stores, per region, additive
person-weighted sums, so that the figures of several snapshots (two kabupaten of one
province) add up. This module turns those sums into the measures a page shows:

- FGT (Foster, Greer and Thorbecke 1984): ``P_alpha = sum_i n_i * g_i ** alpha / sum_i n_i``
  over the families with an expenditure figure, ``g_i = (z - y_i) / z`` for the poor
  (strictly below the line ``z``), 0 otherwise; ``n_i`` the family's persons.
- Alkire–Foster (2011): the headcount ``H`` (share of persons in MPI-poor families), the
  intensity ``A`` (their average score) and the adjusted headcount ``M0 = H * A``. An
  indicator's contribution to M0, ``w_j * censored headcount_j / M0``, follows from the need
  rows' ``censored_persons``.

The worked examples of both papers are checked in ``tests/welfare/test_measures.py``;
definitions and formulas are in ``docs/measures.md``.
"""

from collections.abc import Mapping

# A weighted deprivation score is a sum of floats such as 1/6 and 1/18, so a family whose
# deprivations add up to exactly k on paper can land one ulp below k (six twelfths summed give
# 0.49999999999999994). Scores within this distance of k count as reaching it; real weights
# differ by orders of magnitude more, so nobody is made poor by the slack.
SCORE_TOLERANCE = 1e-9

#: The measures :func:`poverty_measures` returns, by key.
MEASURE_KEYS = ("mpi_h", "mpi_a", "mpi_m0", "fgt_p0", "fgt_p1", "fgt_p2")


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, None when there is nothing to divide by.

    >>> ratio(1, 4), ratio(0, 0)
    (0.25, None)
    """
    if not denominator:
        return None
    return numerator / denominator


def poverty_measures(sums: Mapping[str, float]) -> dict[str, float | None]:
    """MPI H, A, M0 and FGT P0, P1, P2 from a region's summed columns (``aggregate``'s
    ``persons``, ``mpi_poor_persons``, ``mpi_score_persons``, ``consumption_persons``,
    ``fgt0_persons`` … ``fgt2_persons``; a missing column counts as 0). A measure is None
    when its denominator is 0 (no persons, nobody poor for A, no expenditure figures).

    The four-person illustration of Haughton and Khandker (2009, ch. 4), poverty line 125,
    expenditures 100, 110, 150, 160: gaps 1/5 and 3/25.

    >>> m = poverty_measures({"consumption_persons": 4, "fgt0_persons": 2,
    ...                       "fgt1_persons": 1 / 5 + 3 / 25,
    ...                       "fgt2_persons": (1 / 5) ** 2 + (3 / 25) ** 2})
    >>> m["fgt_p0"], round(m["fgt_p1"], 4), round(m["fgt_p2"], 4)
    (0.5, 0.08, 0.0136)

    Alkire and Foster (2011): four persons, two poor with scores 1/2 and 1.

    >>> m = poverty_measures({"persons": 4, "mpi_poor_persons": 2, "mpi_score_persons": 1.5})
    >>> m["mpi_h"], m["mpi_a"], m["mpi_m0"]
    (0.5, 0.75, 0.375)
    """
    persons = sums.get("persons", 0)
    poor = sums.get("mpi_poor_persons", 0)
    score = sums.get("mpi_score_persons", 0)
    consumption = sums.get("consumption_persons", 0)
    return {
        "mpi_h": ratio(poor, persons),
        "mpi_a": ratio(score, poor),
        "mpi_m0": ratio(score, persons),
        "fgt_p0": ratio(sums.get("fgt0_persons", 0), consumption),
        "fgt_p1": ratio(sums.get("fgt1_persons", 0), consumption),
        "fgt_p2": ratio(sums.get("fgt2_persons", 0), consumption),
    }
