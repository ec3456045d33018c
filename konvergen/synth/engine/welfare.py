"""Latent welfare: per-capita consumption calibrated to a published P0, deciles, and the
housing, asset and person attributes that follow from it.

Consumption model (log scale, per family ``i`` in desa ``d`` of kecamatan ``k``)::

    log c_i = mu + u_k + v_d + 0.12 * kelurahan_d - 0.30 * log(size_i)
              - 0.06 * female_head_i + e_i

with ``u_k ~ N(0, 0.15)``, ``v_d ~ N(0, 0.12)`` (so poverty clusters in places) and
``e_i ~ N(0, 0.42)``. ``mu`` is then solved so that the share of *persons* living in
families below the poverty line equals the target P0: it is the person-weighted P0-quantile
of the other terms, subtracted from log(line) — exact up to one family's weight.

Attributes are drawn with probabilities given at the poverty line and at three times the
line, interpolated on log(c / line) (extrapolated up to one step below and two above).

>>> import numpy as np
>>> weighted_quantile(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 1, 1, 1]), 0.5)
2.5
"""

from dataclasses import dataclass

import numpy as np

from .. import vocab
from .population import CHILD, HEAD, Geography, Population, date_parts

CHUNK = 1 << 19


@dataclass
class Welfare:
    consumption: np.ndarray   # Rp per capita per month, per family
    poverty_line: float
    target_p0: float          # percent of persons
    achieved_p0: float        # percent of persons
    desil: np.ndarray         # decile of true consumption (person-weighted, within region)
    desil_proxy: np.ndarray   # decile of the proxy-means score (what registers show)

    @property
    def ratio(self) -> np.ndarray:
        return self.consumption / self.poverty_line

    @property
    def grade(self) -> np.ndarray:
        """Interpolation position: 0 at the line, 1 at three times the line."""
        return np.clip(np.log(self.ratio) / np.log(3.0), -1.0, 2.0)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The value below which a share ``q`` of the total weight lies (midpoint between the
    two values that straddle it)."""
    order = np.argsort(values, kind="stable")
    v, cw = values[order], np.cumsum(weights[order], dtype=np.float64)
    cw /= cw[-1]
    i = int(np.searchsorted(cw, q, side="right"))
    if i <= 0:
        return float(v[0]) - 1e-9
    if i >= len(v):
        return float(v[-1]) + 1e-9
    return float((v[i - 1] + v[i]) / 2)


def weighted_deciles(score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Decile 1..10 of each unit, ranking by score with person weights (1 = lowest)."""
    order = np.argsort(score, kind="stable")
    w = weights[order].astype(np.float64)
    mid = (np.cumsum(w) - w / 2) / w.sum()
    out = np.empty(len(score), np.int8)
    out[order] = np.minimum(np.floor(mid * 10).astype(np.int8) + 1, 10)
    return out


def simulate_consumption(rng, geo: Geography, pop: Population, *, p0_percent: float,
                         poverty_line: float, proxy_noise: float = 0.45) -> Welfare:
    F = pop.n_families
    u_kec = rng.normal(0.0, 0.15, len(geo.kec_code))
    v_desa = rng.normal(0.0, 0.12, geo.n_desa)
    size = pop.fam_size.astype(np.float64)
    female_head = pop.per_female[pop.head_index]
    z = (u_kec[geo.desa_kec[pop.fam_desa]] + v_desa[pop.fam_desa]
         + 0.12 * geo.desa_is_kelurahan[pop.fam_desa] - 0.30 * np.log(size)
         - 0.06 * female_head + rng.normal(0.0, 0.42, F))
    mu = np.log(poverty_line) - weighted_quantile(z, size, p0_percent / 100.0)
    consumption = np.exp(mu + z)
    poor = consumption < poverty_line
    achieved = 100.0 * size[poor].sum() / size.sum()
    proxy = np.log(consumption) + rng.normal(0.0, proxy_noise, F)
    return Welfare(
        consumption=consumption, poverty_line=float(poverty_line), target_p0=p0_percent,
        achieved_p0=float(achieved), desil=weighted_deciles(consumption, size),
        desil_proxy=weighted_deciles(proxy, size),
    )


def draw_graded(rng, grade: np.ndarray, at_line, at_3x) -> np.ndarray:
    """Index of a category for each unit; probabilities ``at_line`` (grade 0) and ``at_3x``
    (grade 1) are interpolated log-linearly. Zeros stay (almost) impossible."""
    lp = np.log(np.maximum(np.asarray(at_line, np.float64), 1e-9))
    lr = np.log(np.maximum(np.asarray(at_3x, np.float64), 1e-9))
    out = np.empty(len(grade), np.int8)
    for s in range(0, len(grade), CHUNK):
        g = grade[s:s + CHUNK, None]
        logits = lp[None, :] + g * (lr - lp)[None, :]
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        cum = np.cumsum(p, axis=1)
        u = rng.random(len(g))[:, None] * cum[:, -1:]
        out[s:s + CHUNK] = np.minimum((cum < u).sum(axis=1), len(lp) - 1)
    return out


# Probabilities aligned with the vocab tuples: (at the poverty line, at three times it).
HOUSING = {
    "Kepemilikan Rumah": (vocab.KEPEMILIKAN_RUMAH,
                          (.78, .07, .13, .002, .018), (.80, .14, .04, .015, .005)),
    "Jenis Atap": (vocab.JENIS_ATAP, (.01, .78, .07, .09, .01, .01, .02, .01),
                   (.08, .80, .03, .08, .005, .001, .001, .003)),
    "Jenis Dinding": (vocab.JENIS_DINDING, (.55, .08, .12, .20, .01, .03, .01),
                      (.95, .01, .03, .01, .002, .002, .002)),
    "Jenis Lantai": (vocab.JENIS_LANTAI,
                     (.001, .35, .01, .12, .01, .30, .02, .07, .11, .009),
                     (.03, .80, .02, .07, .01, .06, .001, .005, .003, .001)),
    "Sumber Penerangan": (vocab.SUMBER_PENERANGAN, (.97, .02, .01), (.995, .004, .001)),
    "Bahan Bakar Memasak": (vocab.BAHAN_BAKAR_MEMASAK,
                            (.005, .005, .75, .002, .01, .001, .003, .22, .004),
                            (.02, .15, .78, .01, .002, .001, .001, .02, .016)),
    "Sumber Air Minum": (vocab.SUMBER_AIR_MINUM,
                         (.01, .18, .08, .25, .20, .08, .10, .06, .02, .005, .005),
                         (.08, .45, .15, .22, .06, .005, .03, .003, .001, .001, .001)),
}
_DAYA = ((.55, .35, .04, .005, .001, .055), (.08, .45, .32, .10, .04, .01))
_KLOSET = ((.80, .08, .05, .07), (.97, .02, .005, .005))
_BAB_YES = (0.80, 0.985)
_SAVINGS_YES = (0.12, 0.55)


def _yes(rng, grade, at_line, at_3x) -> np.ndarray:
    lo, hi = np.log(at_line / (1 - at_line)), np.log(at_3x / (1 - at_3x))
    return rng.random(len(grade)) < 1.0 / (1.0 + np.exp(-(lo + grade * (hi - lo))))


def family_attributes(rng, pop: Population, welfare: Welfare) -> dict[str, np.ndarray]:
    """Codes (indices into the vocab tuples) and numbers of the housing/asset columns."""
    g = welfare.grade
    out = {name: draw_graded(rng, g, p, r) for name, (_, p, r) in HOUSING.items()}
    pln = out["Sumber Penerangan"] == 0
    daya = draw_graded(rng, g, *_DAYA)
    out["Daya Listrik"] = np.where(pln, daya, len(vocab.DAYA_LISTRIK) - 1).astype(np.int8)
    bab = _yes(rng, g, *_BAB_YES)
    out["Memiliki Fasilitas Buang Air Besar"] = np.where(bab, 0, 1).astype(np.int8)
    out["Jenis Kloset"] = np.where(bab, draw_graded(rng, g, *_KLOSET), 4).astype(np.int8)
    out["Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya"] = np.where(
        _yes(rng, g, *_SAVINGS_YES), 0, 1).astype(np.int8)
    area = 36.0 * welfare.ratio ** 0.35 * pop.fam_size ** 0.2 * rng.lognormal(0, 0.3, len(g))
    out["Luas Lantai (m2)"] = np.clip(np.round(area), 9, 400).astype(np.int16)
    under5 = np.bincount(pop.per_fam[pop.per_age < 5], minlength=pop.n_families) > 0
    p_stunt = np.where(under5, np.clip(0.55 - 0.35 * g, 0.1, 0.7), 0.02)
    out["Resiko Stunting"] = np.where(rng.random(len(g)) < p_stunt, 0, 1).astype(np.int8)
    return out


_EDU_CUTS = np.array([-1.41, -0.74, 0.33, 0.84, 1.75, 1.88, 2.05, 3.09, 3.72])
#: Occupation of working-age adults (vocab.PEKERJAAN order).
_JOBS = ((.08, 0, 0, 0, .14, .14, .02, .01, .22, .08, .04, .09, .06, .07, .002, .005, .02, .03),
         (.04, 0, 0, .01, .08, .02, .02, .005, .05, .03, .04, .12, .18, .28, .06, .04, .002,
          .03))
_DISABILITY_TYPES = np.array([0.45, 0.15, 0.12, 0.23, 0.05])
_CHRONIC_TYPES = np.array([.40, .12, .12, .08, .07, .04, .05, .02, .02, .08])
P_PADAN = 0.93


def _pick(rng, n, weights) -> np.ndarray:
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def person_attributes(rng, pop: Population, welfare: Welfare) -> dict[str, np.ndarray]:
    """Education, school participation, occupation, disability, chronic illness, Padan
    Dukcapil — as indices into the vocab tuples."""
    P = pop.n_persons
    g = welfare.grade[pop.per_fam]
    age = pop.per_age
    _, _, birth_year = date_parts(pop.per_birth)

    # school participation
    p_school = np.select(
        [age < 5, age < 7, age < 13, age < 16, age < 19, age < 25],
        [0.0, 0.5, 0.985, np.clip(0.88 + 0.06 * g, 0.6, 0.99),
         np.clip(0.62 + 0.15 * g, 0.3, 0.97), np.clip(0.10 + 0.15 * g, 0.02, 0.5)], 0.0)
    in_school = rng.random(P) < p_school

    # education attained: ordered probit on welfare and birth cohort
    latent = 1.0 * g + 0.035 * (birth_year - 1975) + rng.normal(0.0, 1.0, P)
    edu = np.searchsorted(_EDU_CUTS, latent).astype(np.int8)
    by_age = np.select([age < 7, age < 13, age < 16, age < 19, age < 23], [0, 1, 2, 3, 4], 9)
    edu = np.where(in_school, np.minimum(by_age, 4), np.minimum(edu, by_age)).astype(np.int8)
    edu = np.where((age >= 7) & (age < 13) & ~in_school, np.minimum(edu, 1), edu)
    school = np.where(in_school, 1, np.where(edu == 0, 0, 2)).astype(np.int8)

    # occupation
    job = draw_graded(rng, g, *_JOBS)
    u = rng.random(P)
    female_not_head = pop.per_female & (pop.per_rel != HEAD)
    job = np.where(female_not_head & (u < 0.55), 1, job)
    job = np.where((age >= 58) & (job == 14), 3, job)
    job = np.where((age >= 65) & (u < 0.55), 0, job)
    job = np.where(age < 15, 0, job)
    job = np.where(in_school & (age >= 5), 2, job)
    job = np.where((pop.per_rel == CHILD) & (age >= 15) & (age < 20) & ~in_school & (u < 0.5),
                   0, job).astype(np.int8)

    # disability and chronic illness
    p_dis = (0.012 + 0.0005 * age) * np.where(g < 0, 1.3, 1.0)
    dis = np.where(rng.random(P) < p_dis, 1 + _pick(rng, P, _DISABILITY_TYPES), 0)
    p_chr = np.select([age < 40, age < 60], [0.02, 0.15], 0.35)
    chronic = np.where(rng.random(P) < p_chr, 1 + _pick(rng, P, _CHRONIC_TYPES), 0)
    padan = np.where(rng.random(P) < P_PADAN, 0, 1).astype(np.int8)
    return {
        "Pendidikan": edu, "Partisipasi Sekolah": school, "Pekerjaan": job,
        "Disabilitas": dis.astype(np.int8), "Penyakit Kronis": chronic.astype(np.int8),
        "Padan Dukcapil": padan,
    }


def health_insurance(rng, pop: Population, welfare: Welfare, job: np.ndarray,
                     pbi_family: np.ndarray) -> np.ndarray:
    """Jaminan Kesehatan (vocab.JAMINAN_KESEHATAN index); PBI JKN when the family is in the
    PBI-JK list, otherwise by welfare and employment."""
    g = welfare.grade[pop.per_fam]
    employed = (job == 13) | (job == 14) | (job == 15)
    ins = np.where(employed & (rng.random(pop.n_persons) < 0.8), 2,
                   draw_graded(rng, g, (0, .15, .02, .05, .78), (0, .55, .10, .03, .32)))
    return np.where(pbi_family[pop.per_fam], 0, ins).astype(np.int8)
