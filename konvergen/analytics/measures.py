"""Poverty measures: Foster–Greer–Thorbecke and Alkire–Foster. Plain numpy, no Django.

Income poverty as BPS publishes it (P0, P1, P2 against the kab/kota poverty line) is the FGT
family; multidimensional poverty (the global MPI and its national variants) is the Alkire–Foster
adjusted headcount ratio over a deprivation matrix. Every function takes array-likes (lists, numpy
arrays, Arrow arrays) and works in one vectorised pass, so a service can hand it a column of a
million households read from DuckDB.

Definitions, formulas and the worked examples the tests reproduce are in ``docs/measures.md``.
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "AlkireFosterByGroup",
    "AlkireFosterResult",
    "alkire_foster",
    "alkire_foster_by_group",
    "fgt",
]

# A weighted deprivation score is a sum of floats such as 1/6 and 1/18, so a household whose
# deprivations add up to exactly k on paper can land one ulp below k (six twelfths summed give
# 0.49999999999999994). Scores within this distance of k count as reaching it; real weights
# differ by orders of magnitude more, so nobody is made poor by the slack.
SCORE_TOLERANCE = 1e-9
# Indicator weights typed into a form or a config are often rounded (1/6 as 0.1666667).
WEIGHT_SUM_TOLERANCE = 1e-6

# Error messages, kept as constants so callers and tests can match on them.
ERR_NOT_NUMERIC = "must be a numeric array"
ERR_NOT_1D = "must be one-dimensional"
ERR_NOT_2D = "must be a two-dimensional matrix (rows = units, columns = indicators)"
ERR_EMPTY = "is empty"
ERR_NOT_FINITE = "contains NaN or infinite values"
ERR_LENGTH = "length does not match"
ERR_NEGATIVE = "must not be negative"
ERR_ZERO_TOTAL = "must not all be zero"
ERR_ALPHA = "alpha must be a finite number >= 0"
ERR_POVERTY_LINE = "poverty line must be positive"
ERR_WEIGHTS_SUM = "indicator weights must sum to 1"
ERR_K = "k must be a number in (0, 1], a share of the weighted indicators"
ERR_NOT_BINARY = "deprivations must contain only 0 and 1"
ERR_ONE_INPUT = "give either a deprivation matrix or achievements with cutoffs, not both"
ERR_NO_INPUT = "give a deprivation matrix, or achievements with cutoffs"
ERR_CUTOFFS_MISSING = "achievements need cutoffs"
ERR_CUTOFFS_WITHOUT_ACHIEVEMENTS = "cutoffs only apply to achievements"
ERR_CUTOFFS = "cutoffs must be positive"
ERR_GROUPS_MISSING = "group labels must not be missing"
ERR_GROUPS_MIXED = "group labels must be of one comparable type"


def fgt(y: ArrayLike, z: ArrayLike, *, alpha: float, weights: ArrayLike | None = None) -> float:
    """Foster–Greer–Thorbecke poverty measure P_alpha.

    ``P_alpha = sum_i w_i * ((z_i - y_i) / z_i) ** alpha * [y_i < z_i] / sum_i w_i``.
    alpha = 0 is the headcount ratio P0, 1 the poverty gap index P1, 2 the severity index P2.

    Parameters
    ----------
    y : array-like, shape (n,)
        Welfare of each unit, e.g. expenditure per capita per month in rupiah. May be negative
        (the gap then exceeds 1).
    z : float or array-like, shape (n,)
        Poverty line, positive: one value, or one per unit because the line differs per kab/kota.
    alpha : float
        Poverty aversion, any finite number >= 0.
    weights : array-like, shape (n,), optional
        Non-negative population weights: household size, so that the measure counts persons,
        or survey expansion factors. Their scale does not matter.

    Returns
    -------
    float
        The measure as a share (0.08, not 8 %).

    Raises
    ------
    ValueError
        On empty input, mismatched lengths, NaN or infinite values, a poverty line <= 0,
        negative or all-zero weights, or alpha < 0.

    Notes
    -----
    Poor means strictly below the line: a unit with ``y == z`` is not poor, as in
    Foster, Greer and Thorbecke (1984) and the BPS definition.

    Examples
    --------
    The four-person illustration of Haughton and Khandker (2009, ch. 4), poverty line 125:

    >>> fgt([100, 110, 150, 160], 125, alpha=0)
    0.5
    >>> round(fgt([100, 110, 150, 160], 125, alpha=1), 4)
    0.08
    >>> round(fgt([100, 110, 150, 160], 125, alpha=2), 4)
    0.0136

    A line per kab/kota and household size as weights (7 of the 9 persons are poor):

    >>> round(fgt([90, 120, 130], [100, 100, 140], alpha=0, weights=[4, 2, 3]), 4)
    0.7778
    """
    y_arr = _numeric(y, "y", ndim=1)
    n = y_arr.shape[0]
    z_arr = _poverty_line(z, n)
    alpha = _alpha(alpha)
    shares = _shares(weights, n, "weights")
    poor = y_arr < z_arr
    if alpha == 0:
        # 0 ** 0 is 1 in numpy, which would count the non-poor too.
        per_unit = poor.astype(float)
    else:
        per_unit = np.where(poor, (z_arr - y_arr) / z_arr, 0.0) ** alpha
    return float(shares @ per_unit)


@dataclass(frozen=True, eq=False)
class AlkireFosterResult:
    """The Alkire–Foster measures of one population; arrays are read-only.

    Attributes
    ----------
    H : float
        Multidimensional headcount ratio: the population share of the poor.
    A : float
        Intensity: the average deprivation score among the poor (0.0 when nobody is poor).
    M0 : float
        Adjusted headcount ratio, ``H * A`` (the MPI value when the global MPI indicators are used).
    M1, M2 : float or None
        Adjusted poverty gap and adjusted squared gap; None unless achievements were given.
    censored_headcount : numpy.ndarray, shape (d,)
        Per indicator, the population share that is poor and deprived in it.
    uncensored_headcount : numpy.ndarray, shape (d,)
        Per indicator, the population share deprived in it, poor or not.
    contribution : numpy.ndarray, shape (d,)
        Per indicator, its share of M0, ``w_j * censored_headcount_j / M0``; sums to 1 when
        M0 > 0, all zero otherwise.
    scores : numpy.ndarray, shape (n,)
        Weighted deprivation score of each unit, in [0, 1].
    poor : numpy.ndarray of bool, shape (n,)
        Whether each unit is identified as poor (score >= k).
    """

    H: float
    A: float
    M0: float
    M1: float | None
    M2: float | None
    censored_headcount: np.ndarray
    uncensored_headcount: np.ndarray
    contribution: np.ndarray
    scores: np.ndarray
    poor: np.ndarray


@dataclass(frozen=True, eq=False)
class AlkireFosterByGroup:
    """Alkire–Foster measures decomposed by population subgroup; arrays are read-only.

    Each array has one entry per group, in the order of ``groups`` (sorted labels).

    Attributes
    ----------
    groups : numpy.ndarray
        The distinct group labels, sorted.
    H, A, M0 : numpy.ndarray of float
        The measures within each group (0.0 for a group of zero population weight).
    population_share : numpy.ndarray of float
        Each group's share of the population; sums to 1.
    contribution : numpy.ndarray of float
        Each group's share of the total M0, ``population_share * M0 / total.M0``; sums to 1
        when total.M0 > 0, all zero otherwise.
    total : AlkireFosterResult
        The measures of the whole population; ``population_share @ M0 == total.M0``.
    """

    groups: np.ndarray
    H: np.ndarray
    A: np.ndarray
    M0: np.ndarray
    population_share: np.ndarray
    contribution: np.ndarray
    total: AlkireFosterResult


def alkire_foster(
    deprivations: ArrayLike | None = None,
    *,
    achievements: ArrayLike | None = None,
    cutoffs: ArrayLike | None = None,
    weights: ArrayLike,
    k: float,
    population_weights: ArrayLike | None = None,
) -> AlkireFosterResult:
    """Alkire–Foster multidimensional poverty: identification by counting, then M0, M1, M2.

    A unit (person or household) is deprived in indicator j when its entry is 1, or when its
    achievement is strictly below the cutoff ``z_j``. Its score is the weighted sum of its
    deprivations; it is poor when the score is at least ``k``. Deprivations of the non-poor
    are then censored and ``M_alpha = sum_i p_i * sum_j w_j * g_ij ** alpha`` over the poor,
    with ``g_ij`` the normalised gap ``(z_j - x_ij) / z_j`` (or 1 for a 0/1 deprivation)
    and ``p_i`` the population shares.

    Parameters
    ----------
    deprivations : array-like of 0/1 or bool, shape (n, d), optional
        Deprivation matrix, rows = units, columns = indicators.
    achievements : array-like, shape (n, d), optional
        Achievement matrix, non-negative; instead of ``deprivations``, with ``cutoffs``.
        Needed for M1 and M2, which use the size of the shortfall.
    cutoffs : array-like, shape (d,), optional
        Positive deprivation cutoffs ``z_j``: deprived when strictly below.
    weights : array-like, shape (d,)
        Non-negative indicator weights summing to 1 (within 1e-6; they are then rescaled
        to sum to exactly 1). The global MPI uses 1/6 for each health and education
        indicator and 1/18 for each living-standard indicator.
    k : float
        Poverty cutoff as a share of the weighted indicators, in (0, 1]: 1/3 for the global
        MPI. A count cutoff "deprived in c of d equally weighted indicators" is ``k = c / d``.
        A score within 1e-9 of k counts as reaching it, so float sums such as
        1/6 + 3 * 1/18 are not lost to rounding.
    population_weights : array-like, shape (n,), optional
        Non-negative weights of the units: household size, so that the measures count
        persons, or survey expansion factors. Their scale does not matter.

    Returns
    -------
    AlkireFosterResult

    Raises
    ------
    ValueError
        On a missing or doubled input matrix, empty input, mismatched shapes, NaN or infinite
        values, entries other than 0/1 in ``deprivations``, negative achievements, cutoffs
        <= 0, indicator weights not summing to 1, k outside (0, 1], or negative or all-zero
        population weights.

    Examples
    --------
    The four-person, four-dimension illustration of Alkire and Foster (2011), equal weights
    and "poor when deprived in 2 of 4" (k = 2/4):

    >>> y = [[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]]
    >>> r = alkire_foster(achievements=y, cutoffs=[13, 12, 3, 1], weights=[0.25] * 4, k=0.5)
    >>> r.H, r.A, r.M0
    (0.5, 0.75, 0.375)
    >>> r.poor
    array([False,  True,  True, False])
    >>> r.contribution.round(4)
    array([0.1667, 0.3333, 0.1667, 0.3333])

    A 0/1 deprivation matrix with household sizes as population weights:

    >>> g0 = [[1, 1, 0], [0, 0, 1], [0, 0, 0]]
    >>> r = alkire_foster(g0, weights=[0.5, 0.25, 0.25], k=0.5, population_weights=[5, 2, 3])
    >>> r.H, r.A, r.M0, r.M1
    (0.5, 0.75, 0.375, None)
    """
    prepared = _prepare(deprivations, achievements, cutoffs, weights, k, population_weights)
    return _measure(prepared)


def alkire_foster_by_group(
    deprivations: ArrayLike | None = None,
    *,
    achievements: ArrayLike | None = None,
    cutoffs: ArrayLike | None = None,
    weights: ArrayLike,
    k: float,
    population_weights: ArrayLike | None = None,
    groups: ArrayLike,
) -> AlkireFosterByGroup:
    """Alkire–Foster H, A and M0 per subgroup, and each group's contribution to the total M0.

    M0 is subgroup decomposable: ``M0 = sum_g share_g * M0_g`` with ``share_g`` the group's
    population share, so a region's M0 can be split by kecamatan, urban/rural or sex of the
    head of household, and each group's contribution ``share_g * M0_g / M0`` read off.
    Identification uses the same k for everybody, so a unit is poor in its group exactly when
    it is poor in the whole population.

    Parameters
    ----------
    deprivations, achievements, cutoffs, weights, k, population_weights
        As for :func:`alkire_foster`.
    groups : array-like, shape (n,)
        A label per unit (a kecamatan code, "urban"/"rural", ...), none missing, all of one
        comparable type.

    Returns
    -------
    AlkireFosterByGroup

    Raises
    ------
    ValueError
        As :func:`alkire_foster`, and when ``groups`` has the wrong length, a missing
        label (None or NaN) or labels that cannot be sorted together.

    Examples
    --------
    >>> g0 = [[1, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]]
    >>> r = alkire_foster_by_group(
    ...     g0, weights=[0.5, 0.25, 0.25], k=0.5, groups=["rural", "urban", "rural", "urban"]
    ... )
    >>> r.groups
    array(['rural', 'urban'], dtype='<U5')
    >>> r.H, r.M0, r.population_share
    (array([1., 0.]), array([0.875, 0.   ]), array([0.5, 0.5]))
    >>> float(r.population_share @ r.M0) == r.total.M0
    True
    >>> r.contribution
    array([1., 0.])
    """
    prepared = _prepare(deprivations, achievements, cutoffs, weights, k, population_weights)
    total = _measure(prepared)
    labels, inverse = _group_codes(groups, prepared.shares.shape[0])
    m = labels.shape[0]
    shares = prepared.shares
    # One bincount pass per sum instead of a loop over groups: a province has thousands of desa.
    population = np.bincount(inverse, weights=shares, minlength=m)
    poor_population = np.bincount(inverse, weights=shares * total.poor, minlength=m)
    censored_scores = np.bincount(inverse, weights=shares * total.scores * total.poor, minlength=m)
    return AlkireFosterByGroup(
        groups=_frozen(labels),
        H=_frozen(_ratio(poor_population, population)),
        A=_frozen(_ratio(censored_scores, poor_population)),
        M0=_frozen(_ratio(censored_scores, population)),
        population_share=_frozen(population),
        contribution=_frozen(_ratio(censored_scores, np.full(m, total.M0))),
        total=total,
    )


# --- internals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    deprived: np.ndarray  # bool, (n, d)
    gaps: np.ndarray | None  # normalised gaps where deprived, else 0; None without achievements
    weights: np.ndarray  # (d,), sums to 1
    k: float
    shares: np.ndarray  # (n,), population shares summing to 1


def _measure(p: _Prepared) -> AlkireFosterResult:
    scores = p.deprived.astype(float) @ p.weights
    poor = scores >= p.k - SCORE_TOLERANCE
    censored = p.deprived & poor[:, None]
    censored_headcount = p.shares @ censored
    uncensored_headcount = p.shares @ p.deprived
    head = float(p.shares @ poor)
    # Summing over indicators (not units) makes the contributions add up to 1 to the last ulp.
    m0 = float(censored_headcount @ p.weights)
    m1 = m2 = None
    if p.gaps is not None:
        censored_gaps = np.where(censored, p.gaps, 0.0)
        m1 = float(p.shares @ (censored_gaps @ p.weights))
        m2 = float(p.shares @ (censored_gaps**2 @ p.weights))
    contribution = p.weights * censored_headcount / m0 if m0 > 0 else np.zeros_like(p.weights)
    return AlkireFosterResult(
        H=head,
        A=m0 / head if head > 0 else 0.0,
        M0=m0,
        M1=m1,
        M2=m2,
        censored_headcount=_frozen(censored_headcount),
        uncensored_headcount=_frozen(uncensored_headcount),
        contribution=_frozen(contribution),
        scores=_frozen(scores),
        poor=_frozen(poor),
    )


def _prepare(deprivations, achievements, cutoffs, weights, k, population_weights) -> _Prepared:
    if deprivations is not None and achievements is not None:
        raise ValueError(ERR_ONE_INPUT)
    if deprivations is None and achievements is None:
        raise ValueError(ERR_NO_INPUT)
    gaps = None
    if deprivations is not None:
        if cutoffs is not None:
            raise ValueError(ERR_CUTOFFS_WITHOUT_ACHIEVEMENTS)
        matrix = _numeric(deprivations, "deprivations", ndim=2)
        if not np.isin(matrix, (0.0, 1.0)).all():
            raise ValueError(ERR_NOT_BINARY)
        deprived = matrix == 1.0
    else:
        if cutoffs is None:
            raise ValueError(ERR_CUTOFFS_MISSING)
        matrix = _numeric(achievements, "achievements", ndim=2)
        if (matrix < 0).any():
            raise ValueError(f"achievements: {ERR_NEGATIVE}")
        z = _numeric(cutoffs, "cutoffs", ndim=1)
        _check_length(z, matrix.shape[1], "cutoffs")
        if (z <= 0).any():
            raise ValueError(ERR_CUTOFFS)
        deprived = matrix < z
        gaps = np.where(deprived, (z - matrix) / z, 0.0)
    n, d = deprived.shape
    w = _numeric(weights, "weights", ndim=1)
    _check_length(w, d, "weights")
    if (w < 0).any():
        raise ValueError(f"weights: {ERR_NEGATIVE}")
    if abs(w.sum() - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"{ERR_WEIGHTS_SUM} (they sum to {w.sum():.6g})")
    return _Prepared(
        deprived=deprived,
        gaps=gaps,
        weights=w / w.sum(),
        k=_k(k),
        shares=_shares(population_weights, n, "population_weights"),
    )


def _numeric(values: ArrayLike, name: str, *, ndim: int) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: {ERR_NOT_NUMERIC}") from exc
    if arr.ndim != ndim:
        raise ValueError(f"{name}: {ERR_NOT_1D if ndim == 1 else ERR_NOT_2D}")
    if arr.size == 0:
        raise ValueError(f"{name}: {ERR_EMPTY}")
    if not np.isfinite(arr).all():
        # None inside a list or a null in an Arrow array arrives here as NaN.
        raise ValueError(f"{name}: {ERR_NOT_FINITE}")
    return arr


def _check_length(arr: np.ndarray, expected: int, name: str) -> None:
    if arr.shape[0] != expected:
        raise ValueError(f"{name}: {ERR_LENGTH} ({arr.shape[0]} values, expected {expected})")


def _shares(weights: ArrayLike | None, n: int, name: str) -> np.ndarray:
    """Population shares summing to 1: equal without weights, proportional to them otherwise."""
    if weights is None:
        return np.full(n, 1.0 / n)
    w = _numeric(weights, name, ndim=1)
    _check_length(w, n, name)
    if (w < 0).any():
        raise ValueError(f"{name}: {ERR_NEGATIVE}")
    total = w.sum()
    if total <= 0:
        raise ValueError(f"{name}: {ERR_ZERO_TOTAL}")
    return w / total


def _poverty_line(z: ArrayLike, n: int) -> np.ndarray:
    try:
        arr = np.asarray(z, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"z: {ERR_NOT_NUMERIC}") from exc
    if arr.ndim > 1:
        raise ValueError(f"z: {ERR_NOT_1D}")
    if arr.ndim == 1:
        _check_length(arr, n, "z")
    if not np.isfinite(arr).all():
        raise ValueError(f"z: {ERR_NOT_FINITE}")
    if (arr <= 0).any():
        raise ValueError(ERR_POVERTY_LINE)
    return arr


def _alpha(alpha: object) -> float:
    if not isinstance(alpha, Real) or isinstance(alpha, bool):
        raise ValueError(ERR_ALPHA)
    value = float(alpha)
    if not np.isfinite(value) or value < 0:
        raise ValueError(ERR_ALPHA)
    return value


def _k(k: object) -> float:
    if not isinstance(k, Real) or isinstance(k, bool):
        raise ValueError(ERR_K)
    value = float(k)
    # NaN fails both comparisons; a k a hair above 1 is 1 typed as a sum of fractions.
    if not 0 < value <= 1 + SCORE_TOLERANCE:
        raise ValueError(ERR_K)
    return value


def _group_codes(groups: ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    labels = np.asarray(groups)
    if labels.ndim != 1:
        raise ValueError(f"groups: {ERR_NOT_1D}")
    _check_length(labels, n, "groups")
    if labels.dtype.kind == "f":
        missing = np.isnan(labels)
    elif labels.dtype.kind == "O":
        # Elementwise: None, and NaN (the one value unequal to itself) from a float column.
        missing = np.equal(labels, np.array(None, dtype=object)) | (labels != labels)
    else:
        missing = np.zeros(n, dtype=bool)
    if missing.any():
        raise ValueError(ERR_GROUPS_MISSING)
    try:
        return np.unique(labels, return_inverse=True)
    except TypeError as exc:  # e.g. str and int labels mixed in an object array
        raise ValueError(ERR_GROUPS_MIXED) from exc


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (an empty group has no poverty)."""
    out = np.zeros_like(numerator, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr
