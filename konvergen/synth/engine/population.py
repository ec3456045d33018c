"""Families and persons of a region: composition, ages, names, NIK, No KK and addresses.

Everything is drawn for all families at once with numpy; persons are stored family by
family, the head first, then spouse, children (eldest first), in-laws, grandchildren, parents
and other relatives.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from konvergen.regions.codes import is_kelurahan

from . import names as name_gen
from .names_data import OTHER_BIRTHPLACES, PLACE_PARTS

DESA_COLUMNS = ("code", "name", "kecamatan_code", "kecamatan_name", "kabkota_code",
                "kabkota_name", "province_code", "province_name")

# Indices into vocab.HUBUNGAN and vocab.STATUS_KAWIN.
HEAD, SPOUSE, CHILD, INLAW, GRANDCHILD, PARENT, PARENT_INLAW, OTHER = range(8)
BELUM_KAWIN, KAWIN, CERAI_HIDUP, CERAI_MATI = range(4)

_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass
class Geography:
    """The desa of one kab/kota, sorted by code, with their kecamatan."""

    desa_code: np.ndarray       # dotted codes (object)
    desa_name: np.ndarray
    desa_kec: np.ndarray        # index into kec_*
    desa_is_kelurahan: np.ndarray
    kec_code: np.ndarray
    kec_name: np.ndarray
    kec_prefix: np.ndarray      # int64, 6 digits (PPKKCC)
    kabkota_code: str
    kabkota_name: str
    province_code: str
    province_name: str

    @classmethod
    def from_table(cls, table: pa.Table) -> "Geography":
        missing = [c for c in DESA_COLUMNS if c not in table.column_names]
        if missing:
            raise ValueError(f"desa table lacks columns: {', '.join(missing)}")
        if table.num_rows == 0:
            raise ValueError("desa table is empty")
        table = table.sort_by("code")
        cols = {c: np.array(table.column(c).to_pylist(), dtype=object) for c in DESA_COLUMNS}
        kec_codes, first, kec_idx = np.unique(cols["kecamatan_code"], return_index=True,
                                              return_inverse=True)
        kab = set(cols["kabkota_code"])
        if len(kab) != 1:
            raise ValueError("desa table must hold exactly one kab/kota")
        prefix = np.array([int(c.replace(".", "")) for c in kec_codes], dtype=np.int64)
        return cls(
            desa_code=cols["code"], desa_name=cols["name"], desa_kec=kec_idx.astype(np.int32),
            desa_is_kelurahan=np.array([is_kelurahan(c) for c in cols["code"]]),
            kec_code=kec_codes, kec_name=cols["kecamatan_name"][first], kec_prefix=prefix,
            kabkota_code=cols["kabkota_code"][0], kabkota_name=cols["kabkota_name"][0],
            province_code=cols["province_code"][0], province_name=cols["province_name"][0],
        )

    @property
    def n_desa(self) -> int:
        return len(self.desa_code)


@dataclass
class Population:
    # families
    fam_desa: np.ndarray
    fam_prev_desa: np.ndarray
    fam_rt: np.ndarray
    fam_rw: np.ndarray
    fam_prev_rt: np.ndarray
    fam_prev_rw: np.ndarray
    fam_house_no: np.ndarray
    fam_size: np.ndarray
    fam_start: np.ndarray
    fam_culture: np.ndarray
    fam_muslim: np.ndarray
    fam_kk: np.ndarray
    fam_kk_old: np.ndarray
    # persons
    per_fam: np.ndarray
    per_rel: np.ndarray
    per_female: np.ndarray
    per_birth: np.ndarray       # datetime64[D]
    per_age: np.ndarray
    per_marital: np.ndarray
    per_nik: np.ndarray         # int64, 16 digits
    per_nik_kec: np.ndarray     # kecamatan index of first registration
    per_born_elsewhere: np.ndarray
    per_member_no: np.ndarray
    per_name: pa.Array

    @property
    def n_families(self) -> int:
        return len(self.fam_desa)

    @property
    def n_persons(self) -> int:
        return len(self.per_fam)

    @property
    def head_index(self) -> np.ndarray:
        return self.fam_start


def date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day, month and year of datetime64[D] values."""
    y = days.astype("datetime64[Y]")
    m = days.astype("datetime64[M]")
    day = (days - m.astype("datetime64[D]")).astype(np.int64) + 1
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    return day, month, y.astype(np.int64) + 1970


def assign_serials(rng, keys: np.ndarray) -> np.ndarray:
    """Serial numbers 1.. unique within each key, with small random gaps (others registered
    on the same day in the same kecamatan who are not in the data)."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    inc = rng.geometric(0.6, len(keys)).astype(np.int64)
    cum = np.cumsum(inc)
    start = np.r_[True, sk[1:] != sk[:-1]]
    base = np.maximum.accumulate(np.where(start, cum - inc, 0))
    serial = np.empty_like(cum)
    serial[order] = cum - base
    if serial.max(initial=0) > 9999:
        raise ValueError("more than 9999 registrations on one day in one kecamatan")
    return serial


def _ddmmyy(days: np.ndarray, female: np.ndarray | None = None) -> np.ndarray:
    d, m, y = date_parts(days)
    if female is not None:
        d = d + 40 * female.astype(np.int64)
    return d * 10_000 + m * 100 + (y % 100)


def build_population(rng, geo: Geography, n_families: int, as_of: dt.date) -> Population:
    """Draw ``n_families`` families with their members for the desa in ``geo``."""
    F = n_families
    as_of_d = np.datetime64(as_of, "D")

    # -- where families live: desa sizes vary, kelurahan are denser ---------------------
    w = rng.lognormal(0.0, 0.5, geo.n_desa) * np.where(geo.desa_is_kelurahan, 1.5, 1.0)
    fam_desa = np.sort(rng.choice(geo.n_desa, size=F, p=w / w.sum())).astype(np.int32)
    n_rw = 3 + rng.integers(0, 13, geo.n_desa)
    n_rt = 3 + rng.integers(0, 7, geo.n_desa)

    def rt_rw(desa):
        return ((1 + np.floor(rng.random(F) * n_rt[desa])).astype(np.int16),
                (1 + np.floor(rng.random(F) * n_rw[desa])).astype(np.int16))

    fam_rt, fam_rw = rt_rw(fam_desa)
    # previous address: another desa, usually in the same kecamatan
    kec = geo.desa_kec
    kec_lo = np.searchsorted(kec, np.arange(len(geo.kec_code)))
    kec_n = np.bincount(kec, minlength=len(geo.kec_code))
    fk = kec[fam_desa]
    same = kec_lo[fk] + np.floor(rng.random(F) * kec_n[fk]).astype(np.int64)
    same = np.where((same == fam_desa) & (kec_n[fk] > 1),
                    kec_lo[fk] + (same - kec_lo[fk] + 1) % kec_n[fk], same)
    other = rng.integers(0, geo.n_desa, F)
    fam_prev_desa = np.where(rng.random(F) < 0.7, same, other).astype(np.int32)
    fam_prev_rt, fam_prev_rw = rt_rw(fam_prev_desa)
    fam_house_no = rng.integers(1, 160, F).astype(np.int16)

    # -- household type and head ---------------------------------------------------------
    single = rng.random(F) < 0.09
    head_female = np.where(single, rng.random(F) < 0.55, rng.random(F) < 0.11)
    has_spouse = ~single & np.where(head_female, rng.random(F) < 0.03, rng.random(F) < 0.93)
    head_age = 21 + rng.gamma(3.2, 7.5, F)
    head_age = np.where(head_female, 28 + rng.gamma(3.0, 9.0, F), head_age)
    young_single = single & ~head_female & (rng.random(F) < 0.5)
    head_age = np.where(young_single, 19 + rng.gamma(2.0, 3.0, F), head_age)
    head_age = np.clip(np.floor(head_age), 17, 95).astype(np.int64)
    gap = np.round(rng.normal(4.0, 3.5, F)).astype(np.int64)
    spouse_age = np.clip(np.where(head_female, head_age + gap, head_age - gap), 16, 95)
    mother_age = np.where(has_spouse & ~head_female, spouse_age,
                          np.where(head_female, head_age, head_age - 4))

    lam = np.interp(mother_age, [16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 95],
                    [0.2, 0.7, 1.3, 1.8, 2.1, 2.3, 2.3, 2.0, 1.4, 0.9, 0.5, 0.3, 0.15])
    n_child = np.minimum(rng.poisson(lam * np.where(has_spouse, 1.0, 0.8)), 8)
    n_child = np.where(single, 0, n_child)
    alone = ~single & ~has_spouse & (n_child == 0)
    n_child = np.where(alone & (mother_age >= 20), 1, n_child)

    # extended members
    r = rng.random((F, 4))
    has_parent = ~single & (head_age <= 58) & (r[:, 0] < 0.07)
    has_grand = ~single & (head_age >= 42) & (r[:, 1] < 0.12)
    n_grand = np.where(has_grand, 1 + (r[:, 2] < 0.4), 0)
    has_inlaw = has_grand & (r[:, 3] < 0.5)
    has_other = ~single & ((rng.random(F) < 0.025) | (alone & (mother_age < 20)))

    # -- persons: one block per member type, then sorted family by family ----------------
    fam_idx = np.arange(F, dtype=np.int64)
    blocks = []

    def block(fams, rel, age, female):
        blocks.append((fams, np.full(len(fams), rel, np.int8), age.astype(np.int64),
                       female.astype(bool)))

    block(fam_idx, HEAD, head_age, head_female)
    sp = fam_idx[has_spouse]
    block(sp, SPOUSE, spouse_age[has_spouse], ~head_female[has_spouse])
    cf = np.repeat(fam_idx, n_child)
    m_age = mother_age[cf]
    young_parent = np.where(has_spouse, np.minimum(head_age, spouse_age), head_age)[cf]
    hi = np.maximum(1, np.minimum(np.minimum(m_age, young_parent) - 16, 45))
    lo = np.minimum(np.maximum(0, m_age - 45), hi)
    block(cf, CHILD, np.floor(lo + rng.random(len(cf)) * (hi - lo + 1)).clip(0, 60),
          rng.random(len(cf)) < 0.485)
    inl = fam_idx[has_inlaw]
    ia = 20 + np.floor(rng.random(len(inl)) * np.maximum(1, np.minimum(head_age[inl] - 38, 30)))
    block(inl, INLAW, ia, rng.random(len(inl)) < 0.6)
    gf = np.repeat(fam_idx, n_grand)
    ga = np.floor(rng.random(len(gf)) * np.minimum(18, head_age[gf] - 37))
    block(gf, GRANDCHILD, ga, rng.random(len(gf)) < 0.485)
    pf = fam_idx[has_parent]
    p_age = np.minimum(head_age[pf] + 20 + np.floor(rng.random(len(pf)) * 16), 99)
    mertua = has_spouse[pf] & (rng.random(len(pf)) < 0.4)
    pf_par = np.where(mertua, PARENT_INLAW, PARENT)
    of = fam_idx[has_other]
    oa = np.where(alone[of], 15 + np.floor(rng.random(len(of)) * 50),
                  5 + np.floor(rng.random(len(of)) * 65))

    per_fam = np.concatenate([b[0] for b in blocks] + [pf, of])
    per_rel = np.concatenate([b[1] for b in blocks] + [pf_par.astype(np.int8),
                                                       np.full(len(of), OTHER, np.int8)])
    per_age = np.concatenate([b[2] for b in blocks] + [p_age.astype(np.int64),
                                                       oa.astype(np.int64)])
    per_female = np.concatenate([b[3] for b in blocks] + [rng.random(len(pf)) < 0.7,
                                                          rng.random(len(of)) < 0.5])
    rank = np.array([0, 1, 2, 3, 4, 5, 5, 6])[per_rel] * 1000 + (200 - per_age)
    order = np.lexsort((rank, per_fam))
    per_fam, per_rel = per_fam[order].astype(np.int32), per_rel[order]
    per_age, per_female = per_age[order], per_female[order]
    P = len(per_fam)
    fam_size = np.bincount(per_fam, minlength=F).astype(np.int16)
    fam_start = np.r_[0, np.cumsum(fam_size)[:-1]].astype(np.int64)
    per_member_no = (np.arange(P) - fam_start[per_fam] + 1).astype(np.int16)

    # birth dates consistent with the ages on the reference date
    offset = np.floor((per_age + rng.random(P) * 0.999) * 365.2425).astype(np.int64)
    per_birth = as_of_d - offset
    per_age = _age_on(per_birth, as_of_d)

    # marital status
    fam_head_female = head_female[per_fam]
    marital = np.full(P, BELUM_KAWIN, np.int8)
    u = rng.random(P)
    is_head = per_rel == HEAD
    marital[is_head & has_spouse[per_fam]] = KAWIN
    lone_head = is_head & ~has_spouse[per_fam]
    young = per_age < 30
    p_widowed = np.where(fam_head_female[lone_head], 0.7, 0.5)
    marital[lone_head] = np.where(
        young[lone_head] & (u[lone_head] < 0.7), BELUM_KAWIN,
        np.where(rng.random(int(lone_head.sum())) < p_widowed, CERAI_MATI, CERAI_HIDUP))
    marital[(per_rel == SPOUSE) | (per_rel == INLAW)] = KAWIN
    adult_child = (per_rel == CHILD) & (per_age >= 20)
    marital[adult_child & (u < 0.08)] = CERAI_HIDUP
    parents = (per_rel == PARENT) | (per_rel == PARENT_INLAW)
    marital[parents] = np.where(u[parents] < 0.75, CERAI_MATI, KAWIN)
    marital[(per_rel == OTHER) & (per_age >= 25)] = np.where(
        u[(per_rel == OTHER) & (per_age >= 25)] < 0.5, KAWIN, CERAI_MATI)

    # culture and religion (naming follows the head's family)
    cult_idx, cult_w = name_gen.culture_mix(geo.province_code, geo.kabkota_code)
    fam_culture = cult_idx[rng.choice(len(cult_idx), size=F, p=cult_w)]
    fam_muslim = rng.random(F) < name_gen.MUSLIM_SHARE[fam_culture]
    per_culture = fam_culture[per_fam].copy()
    married_in = (per_rel == SPOUSE) | (per_rel == INLAW) | (per_rel == PARENT_INLAW)
    swap = married_in & (rng.random(P) < 0.12)
    per_culture[swap] = cult_idx[rng.choice(len(cult_idx), size=int(swap.sum()), p=cult_w)]

    # -- NIK: kecamatan of first registration + birth date (+40 for women) + serial ------
    fam_kec = geo.desa_kec[fam_desa]
    moved_before = rng.random(F) < 0.08  # registered where they lived before
    nik_kec = np.where(moved_before[per_fam] & (per_age >= 3),
                       geo.desa_kec[fam_prev_desa][per_fam], fam_kec[per_fam])
    elsewhere = (married_in | parents | (per_rel == OTHER)) & (rng.random(P) < 0.3)
    nik_kec = np.where(elsewhere, rng.integers(0, len(geo.kec_code), P), nik_kec)
    nik_key = geo.kec_prefix[nik_kec] * 1_000_000 + _ddmmyy(per_birth, per_female)
    per_nik = nik_key * 10_000 + assign_serials(rng, nik_key)

    # -- No KK: current card and the one before it --------------------------------------
    years = rng.random(F) * np.clip(head_age - 17, 1, 15)
    issue = as_of_d - np.floor(years * 365.2425).astype(np.int64)
    old_issue = issue - np.floor((1 + rng.random(F) * 7) * 365.2425).astype(np.int64)
    kk_keys = np.concatenate([
        geo.kec_prefix[fam_kec] * 1_000_000 + _ddmmyy(issue),
        geo.kec_prefix[geo.desa_kec[fam_prev_desa]] * 1_000_000 + _ddmmyy(old_issue),
    ])
    kk = kk_keys * 10_000 + assign_serials(rng, kk_keys)

    # -- names -------------------------------------------------------------------------
    surname_idx = np.where(rng.random(F) < name_gen.P_SURNAME[fam_culture],
                           name_gen.draw_surname_index(rng, fam_culture), -1)
    carries = (per_rel == HEAD) | (per_rel == CHILD) | (per_rel == GRANDCHILD)
    own = np.where(rng.random(P) < name_gen.P_SURNAME[per_culture],
                   name_gen.draw_surname_index(rng, per_culture), -1)
    per_surname = np.where(carries & ~(is_head & per_female), surname_idx[per_fam], own)
    head_first = name_gen.draw_names(
        rng, culture=fam_culture, female=head_female, muslim=fam_muslim,
        surname_idx=np.full(F, -1))
    names = name_gen.draw_names(
        rng, culture=per_culture, female=per_female, muslim=fam_muslim[per_fam],
        surname_idx=per_surname,
        father_name=pc.take(name_gen.first_token(head_first), pa.array(per_fam)),
        child_of_male_head=(per_rel == CHILD) & ~fam_head_female,
    )
    # the head's given name must match the one used in "bin/binti" of the children
    head_given = pc.take(head_first, pa.array(per_fam))
    names = _replace_heads(names, head_given, per_surname, is_head)

    return Population(
        fam_desa=fam_desa, fam_prev_desa=fam_prev_desa, fam_rt=fam_rt, fam_rw=fam_rw,
        fam_prev_rt=fam_prev_rt, fam_prev_rw=fam_prev_rw, fam_house_no=fam_house_no,
        fam_size=fam_size, fam_start=fam_start, fam_culture=fam_culture,
        fam_muslim=fam_muslim, fam_kk=kk[:F], fam_kk_old=kk[F:],
        per_fam=per_fam, per_rel=per_rel, per_female=per_female, per_birth=per_birth,
        per_age=per_age, per_marital=marital, per_nik=per_nik,
        per_nik_kec=nik_kec.astype(np.int32), per_born_elsewhere=elsewhere,
        per_member_no=per_member_no, per_name=names,
    )


def _replace_heads(names, head_given, per_surname, is_head):
    """Heads are named "<given> [<surname>]" from the family draw."""
    surname = name_gen.surname_from_index(per_surname)
    full = pc.utf8_trim_whitespace(pc.binary_join_element_wise(head_given, surname, " "))
    return pc.if_else(pa.array(is_head), full, names)


def _age_on(birth: np.ndarray, on: np.datetime64) -> np.ndarray:
    bd, bm, by = date_parts(birth)
    od, om, oy = date_parts(np.array([on]))
    before = (bm > om[0]) | ((bm == om[0]) & (bd > od[0]))
    return (oy[0] - by - before).astype(np.int64)


def format_date(days: np.ndarray, fmt: str) -> pa.Array:
    """Dates as text: ``fmt`` is one of "DD-MM-YYYY", "DD/MM/YYYY", "YYYY-MM-DD"."""
    d, m, y = date_parts(days)
    return format_dmy(d, m, y, fmt)


def format_dmy(d, m, y, fmt: str) -> pa.Array:
    def pad(values, width):
        return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")

    dd, mm, yyyy = pad(d, 2), pad(m, 2), pad(y, 4)
    if fmt == "YYYY-MM-DD":
        return pc.binary_join_element_wise(yyyy, mm, dd, "-")
    sep = "/" if fmt == "DD/MM/YYYY" else "-"
    return pc.binary_join_element_wise(dd, mm, yyyy, sep)


def int_text(values: np.ndarray, width: int = 0) -> pa.Array:
    out = pc.cast(pa.array(values), pa.string())
    return pc.utf8_lpad(out, width, "0") if width else out


def addresses(geo: Geography, desa: np.ndarray, rt: np.ndarray, rw: np.ndarray,
              house_no: np.ndarray) -> pa.Array:
    """Register-style addresses: "KP. CIBEUREUM RT 003 RW 005" in a desa, a street in a
    kelurahan; the kampung name is fixed per desa and RW."""
    culture = name_gen.culture_mix(geo.province_code, geo.kabkota_code)[0][0]
    key = name_gen.CULTURE_NAMES[culture]
    parts = PLACE_PARTS.get(key, PLACE_PARTS["default"])
    word = {"sunda": "KP.", "jawa": "DUSUN"}.get(key, "LINGKUNGAN")
    place = pc.take(pa.array([p.upper() for p in parts]),
                    pa.array((desa.astype(np.int64) * 7919 + rw * 31) % len(parts)))
    rt_rw = pc.binary_join_element_wise("RT", int_text(rt, 3), "RW", int_text(rw, 3), " ")
    village = pc.binary_join_element_wise(word, place, rt_rw, " ")
    street = pc.binary_join_element_wise("JL.", place, "NO.", int_text(house_no), rt_rw, " ")
    return pc.if_else(pa.array(geo.desa_is_kelurahan[desa]), street, village)


def birthplaces(rng, geo: Geography, pop: Population) -> pa.Array:
    """Tempat lahir: the kab/kota for people registered here, often elsewhere for others."""
    home = geo.kabkota_name.upper().replace("KABUPATEN ", "").replace("KOTA ", "").strip()
    other = pc.take(pa.array(OTHER_BIRTHPLACES),
                    pa.array(rng.integers(0, len(OTHER_BIRTHPLACES), pop.n_persons)))
    away = pop.per_born_elsewhere & (rng.random(pop.n_persons) < 0.6)
    return pc.if_else(pa.array(away), other, home)
