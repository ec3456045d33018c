"""Who receives what: programme targeting over the simulated population.

Each programme draws its beneficiaries with weights by the proxy-means desil (what agencies
see, not true consumption) and programme-specific conditions, so lists show the inclusion
and exclusion errors of real targeting. A configurable share of each list comes from
families outside the register ("not in register"). Selection without replacement uses the
Gumbel top-k trick, so it is one vectorised pass.
"""

from dataclasses import dataclass, field

import numpy as np

from .params import ErrorRates
from .population import HEAD, SPOUSE, Population
from .welfare import Welfare

JOB_PEDAGANG, JOB_WIRASWASTA = 11, 12


@dataclass(frozen=True)
class Programme:
    key: str            # file stem
    label: str
    agency: str
    unit: str           # "family" (one recipient per family) or "person" (every member)
    share: float        # beneficiary families as a share of all families in the region
    rates: ErrorRates
    columns: tuple[str, ...] = field(default=())


PROGRAMMES = (
    Programme("pkh", "Program Keluarga Harapan (PKH)", "Kementerian Sosial / Dinas Sosial",
              "family", 0.09, ErrorRates(missing_nik=0.02, mistyped_nik=0.02,
                                         not_in_register=0.05, name_variant=0.10)),
    Programme("bpnt", "Bantuan Pangan Non Tunai (BPNT/Sembako)", "Dinas Sosial",
              "family", 0.14, ErrorRates()),
    Programme("pbi_jk", "PBI Jaminan Kesehatan", "BPJS Kesehatan / Dinas Sosial",
              "person", 0.22, ErrorRates(missing_nik=0.03, mistyped_nik=0.02,
                                         other_member_nik=0.01, name_variant=0.12)),
    Programme("rtlh", "Rehabilitasi Rumah Tidak Layak Huni (RTLH)", "Dinas Perkim",
              "family", 0.004, ErrorRates(missing_nik=0.08, name_variant=0.15)),
    Programme("modal_usaha", "Bantuan Modal Usaha Mikro", "Dinas Koperasi dan UKM",
              "family", 0.006, ErrorRates(missing_nik=0.12, not_in_register=0.10,
                                          name_variant=0.18)),
    Programme("baznas", "Bantuan Zakat Produktif dan Konsumtif", "BAZNAS Kabupaten/Kota",
              "family", 0.01, ErrorRates(missing_nik=0.35, name_variant=0.20, title=0.60,
                                         not_in_register=0.08)),
    Programme("csr", "Program CSR Peduli Desa", "Mitra CSR (swasta)",
              "family", 0.004, ErrorRates(missing_nik=0.0, mistyped_nik=0.0,
                                          other_member_nik=0.0, name_variant=0.20,
                                          swapped_date=0.04, not_in_register=0.10)),
)


def _desil_weight(desil: np.ndarray, table) -> np.ndarray:
    return np.asarray(table, np.float64)[desil - 1]


def top_k(rng, weights: np.ndarray, candidates: np.ndarray, k: int) -> np.ndarray:
    """Draw ``k`` of ``candidates`` (family indices) without replacement, proportional to
    ``weights[candidates]`` (Gumbel top-k); sorted."""
    w = weights[candidates]
    ok = w > 0
    candidates, w = candidates[ok], w[ok]
    k = min(k, len(candidates))
    if k <= 0:
        return np.empty(0, np.int64)
    key = np.log(w) + rng.gumbel(size=len(w))
    return np.sort(candidates[np.argpartition(-key, k - 1)[:k]])


@dataclass
class Context:
    """Family-level facts the targeting rules use."""

    desil: np.ndarray
    in_register: np.ndarray
    has_component: np.ndarray   # PKH components: young child, pupil, elder, disabled
    poor_house: np.ndarray
    own_house: np.ndarray
    business: np.ndarray
    elderly_or_female_head: np.ndarray
    muslim: np.ndarray
    desa: np.ndarray
    n_desa: int


def context(pop: Population, welfare: Welfare, fam_attr: dict, per_attr: dict,
            in_register: np.ndarray) -> Context:
    F = pop.n_families
    age = pop.per_age

    def any_member(mask):
        return np.bincount(pop.per_fam[mask], minlength=F) > 0

    component = any_member((age < 6) | ((age < 21) & (per_attr["Partisipasi Sekolah"] == 1))
                           | (age >= 60) | (per_attr["Disabilitas"] > 0))
    floor, wall, roof = (fam_attr["Jenis Lantai"], fam_attr["Jenis Dinding"],
                         fam_attr["Jenis Atap"])
    poor_house = np.isin(floor, (6, 7, 8)) | np.isin(wall, (1, 3, 4, 5)) | np.isin(roof, (5, 6))
    job = per_attr["Pekerjaan"]
    adult = (pop.per_rel == HEAD) | (pop.per_rel == SPOUSE)
    business = any_member(adult & ((job == JOB_PEDAGANG) | (job == JOB_WIRASWASTA)))
    head = pop.head_index
    return Context(
        desil=welfare.desil_proxy, in_register=in_register, has_component=component,
        poor_house=poor_house, own_house=fam_attr["Kepemilikan Rumah"] == 0,
        business=business,
        elderly_or_female_head=(age[head] >= 60) | pop.per_female[head],
        muslim=pop.fam_muslim, desa=pop.fam_desa, n_desa=int(pop.fam_desa.max()) + 1,
    )


def _weights(rng, key: str, ctx: Context, chosen: dict[str, np.ndarray]) -> np.ndarray:
    F = len(ctx.desil)
    d = ctx.desil
    if key == "pkh":
        w = _desil_weight(d, (12, 7, 3.5, 1.2, .35, .12, .04, .02, .01, .01))
        return w * np.where(ctx.has_component, 1.0, 0.1)
    if key == "bpnt":
        w = _desil_weight(d, (10, 7, 4.5, 2, .6, .25, .08, .03, .01, .01))
        pkh = np.zeros(F, bool)
        pkh[chosen.get("pkh", [])] = True
        return w * np.where(pkh, 2.5, 1.0)
    if key == "pbi_jk":
        return _desil_weight(d, (10, 8, 6, 4, 1.5, .7, .3, .1, .05, .02))
    if key == "rtlh":
        w = _desil_weight(d, (6, 4, 2.5, 1.2, .3, .1, .03, .01, .01, .01))
        return w * ctx.own_house * np.where(ctx.poor_house, 5.0, 0.3)
    if key == "modal_usaha":
        w = _desil_weight(d, (1.5, 2, 2.5, 2.5, 1.5, .8, .4, .2, .1, .05))
        return w * np.where(ctx.business, 1.0, 0.15)
    if key == "baznas":
        w = _desil_weight(d, (8, 5, 3, 1.5, .4, .1, .03, .01, .01, .01))
        return w * ctx.muslim * np.where(ctx.elderly_or_female_head, 2.0, 1.0)
    if key == "csr":
        n_sites = max(2, round(ctx.n_desa * 0.015))
        sites = rng.choice(ctx.n_desa, size=min(n_sites, ctx.n_desa), replace=False)
        w = _desil_weight(d, (4, 3.5, 3, 2.5, 1.5, .6, .3, .1, .05, .05))
        return w * np.isin(ctx.desa, sites)
    raise ValueError(key)


def select_beneficiaries(rng, ctx: Context, *, scale: float = 1.0,
                         overrides: dict[str, float] | None = None,
                         ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each programme: (families from the register, families outside it)."""
    F = len(ctx.desil)
    reg, out = np.flatnonzero(ctx.in_register), np.flatnonzero(~ctx.in_register)
    chosen: dict[str, np.ndarray] = {}
    result = {}
    for prog in PROGRAMMES:
        rates = prog.rates.with_overrides(overrides or {})
        w = _weights(rng, prog.key, ctx, chosen)
        n = max(1, round(F * prog.share * scale))
        if prog.key == "csr":
            n = min(n, int((w > 0).sum()))
        n_out = round(n * rates.not_in_register)
        inside = top_k(rng, w, reg, n - n_out)
        outside = top_k(rng, w, out, n_out)
        chosen[prog.key] = np.sort(np.r_[inside, outside])
        result[prog.key] = (inside, outside)
    return result


def register_flags(rng, ctx: Context, chosen: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Programme receipt flags of the register (True = "Ya"), slightly out of date."""
    F = len(ctx.desil)

    def member(key):
        m = np.zeros(F, bool)
        m[chosen[key]] = True
        return m

    def stale(flag, p):
        return flag ^ (rng.random(F) < p)

    pkh, bpnt = member("pkh"), member("bpnt")
    return {
        "Penerima PKH": stale(pkh, 0.04),
        "Penerima BPNT": stale(bpnt, 0.05),
        "Penerima SEMBAKO": stale(bpnt, 0.08),
        "Penerima BPUM": ctx.business & (ctx.desil <= 6) & (rng.random(F) < 0.25),
        "Penerima BST": (ctx.desil <= 5) & ~pkh & ~bpnt & (rng.random(F) < 0.15),
    }


def recipients(rng, pop: Population, key: str, families: np.ndarray,
               per_attr: dict) -> np.ndarray:
    """Person index of each listed recipient (for "person" programmes: every member)."""
    if key == "pbi_jk":
        sizes = pop.fam_size[families].astype(np.int64)
        starts = np.repeat(pop.fam_start[families], sizes)
        within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return starts + within
    head = pop.fam_start[families]
    second = head + 1
    has_spouse = (pop.fam_size[families] > 1) & (pop.per_rel[np.minimum(second, pop.n_persons - 1)]
                                                 == SPOUSE)
    spouse = np.where(has_spouse, second, head)
    if key == "pkh":  # paid to the mother
        return np.where(pop.per_female[head], head, spouse)
    if key in ("bpnt", "csr"):
        return np.where(rng.random(len(families)) < 0.6, head, spouse)
    if key == "modal_usaha":
        job = per_attr["Pekerjaan"]
        spouse_runs = has_spouse & np.isin(job[spouse], (JOB_PEDAGANG, JOB_WIRASWASTA))
        head_runs = np.isin(job[head], (JOB_PEDAGANG, JOB_WIRASWASTA))
        return np.where(spouse_runs & ~head_runs, spouse, head)
    return head  # rtlh, baznas

