"""Beneficiary list rows with the errors real lists have, and their truth.

A list starts as the true facts of its recipients (NIK, name, birth date, sex, KK, address);
errors are then drawn per row at the programme's rates (see :mod:`.params`) for the columns
the list has, duplicates are appended, rows are ordered by desa, and the truth records for
every row which person and family it really is and which errors were applied.
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import names as name_gen
from .params import ERROR_KINDS, ErrorRates
from .population import Population, date_parts

NIK_DIGITS = 16
_POW = 10 ** np.arange(NIK_DIGITS - 1, -1, -1, dtype=np.int64)


@dataclass
class ListRows:
    person: np.ndarray
    family: np.ndarray
    in_register: np.ndarray
    nik: pa.Array          # text ("" when missing)
    name: pa.Array         # title case, with variants/titles applied
    day: np.ndarray
    month: np.ndarray
    year: np.ndarray
    female: np.ndarray
    kk: np.ndarray
    desa: np.ndarray
    rt: np.ndarray
    rw: np.ndarray
    house_no: np.ndarray
    errors: dict[str, np.ndarray]  # kind -> row mask
    variant_kind: np.ndarray       # name-variant sub-kind per row ("" for none)

    def __len__(self) -> int:
        return len(self.person)

    def take(self, idx: np.ndarray) -> "ListRows":
        ia = pa.array(idx)
        return ListRows(
            person=self.person[idx], family=self.family[idx], in_register=self.in_register[idx],
            nik=pc.take(self.nik, ia), name=pc.take(self.name, ia), day=self.day[idx],
            month=self.month[idx], year=self.year[idx], female=self.female[idx],
            kk=self.kk[idx], desa=self.desa[idx], rt=self.rt[idx], rw=self.rw[idx],
            house_no=self.house_no[idx],
            errors={k: m[idx] for k, m in self.errors.items()},
            variant_kind=self.variant_kind[idx],
        )


def nik_digits(nik: np.ndarray) -> np.ndarray:
    return (nik[:, None] // _POW[None, :]) % 10


def mistype(rng, nik: np.ndarray) -> np.ndarray:
    """One substituted digit, or two adjacent different digits transposed (half each)."""
    d = nik_digits(nik)
    n = len(nik)
    rows = np.arange(n)
    # the first digit is left alone: a leading zero would shorten the number
    pos = rng.integers(1, NIK_DIGITS - 1, n)
    a, b = d[rows, pos], d[rows, pos + 1]
    transpose = (rng.random(n) < 0.5) & (a != b)
    d[rows[transpose], pos[transpose]] = b[transpose]
    d[rows[transpose], pos[transpose] + 1] = a[transpose]
    sub = ~transpose
    spos = rng.integers(1, NIK_DIGITS, n)[sub]
    d[rows[sub], spos] = (d[rows[sub], spos] + rng.integers(1, 10, int(sub.sum()))) % 10
    return (d * _POW[None, :]).sum(axis=1)


def base_rows(pop: Population, person: np.ndarray, in_register: np.ndarray) -> ListRows:
    fam = pop.per_fam[person].astype(np.int64)
    d, m, y = date_parts(pop.per_birth[person])
    n = len(person)
    return ListRows(
        person=person, family=fam, in_register=in_register,
        nik=pc.cast(pa.array(pop.per_nik[person]), pa.string()),
        name=pc.take(pop.per_name, pa.array(person)), day=d, month=m, year=y,
        female=pop.per_female[person], kk=pop.fam_kk[fam], desa=pop.fam_desa[fam],
        rt=pop.fam_rt[fam], rw=pop.fam_rw[fam], house_no=pop.fam_house_no[fam],
        errors={k: np.zeros(n, bool) for k in ERROR_KINDS},
        variant_kind=np.full(n, "", dtype=object),
    )


def _scaled(rate: float, eligible: np.ndarray) -> float:
    share = eligible.mean() if len(eligible) else 0.0
    return min(1.0, rate / share) if share > 0 else 0.0


def apply_errors(rng, pop: Population, rows: ListRows, rates: ErrorRates, *,
                 has_nik: bool, has_kk: bool, has_address: bool, has_date: bool,
                 per_family: bool = False) -> ListRows:
    """Inject errors in place of the true values (rates are shares of the list's rows).

    With ``per_family`` (lists of every member) an old KK or an old address affects all
    members of a family alike."""
    n = len(rows)

    def family_draw():
        return rng.random(pop.n_families)[rows.family] if per_family else rng.random(n)

    err = rows.errors
    err["not_in_register"] = ~rows.in_register
    if has_nik:
        size = pop.fam_size[rows.family]
        eligible = size > 1
        other = eligible & (rng.random(n) < _scaled(rates.other_member_nik, eligible))
        u = rng.random(n) * max(1e-9, 1.0 - other.mean())
        missing = ~other & (u < rates.missing_nik)
        typo = ~other & ~missing & (u < rates.missing_nik + rates.mistyped_nik)
        nik = pop.per_nik[rows.person].copy()
        member = pop.per_member_no[rows.person].astype(np.int64) - 1
        shift = 1 + np.floor(rng.random(n) * np.maximum(size - 1, 1)).astype(np.int64)
        partner = pop.fam_start[rows.family] + (member + shift) % np.maximum(size, 1)
        nik[other] = pop.per_nik[partner[other]]
        nik[typo] = mistype(rng, nik[typo])
        text = pc.cast(pa.array(nik), pa.string())
        blank = pc.take(pa.array(["", "", "", "", "", "", "", "", "-", "0"]),
                        pa.array(rng.integers(0, 10, n)))
        rows.nik = pc.if_else(pa.array(missing), blank, text)
        err["missing_nik"], err["mistyped_nik"], err["other_member_nik"] = missing, typo, other
    if has_date:
        eligible = (rows.day <= 12) & (rows.day != rows.month)
        swap = eligible & (rng.random(n) < _scaled(rates.swapped_date, eligible))
        rows.day, rows.month = (np.where(swap, rows.month, rows.day),
                                np.where(swap, rows.day, rows.month))
        err["swapped_date"] = swap
    if has_kk:
        old = family_draw() < rates.old_kk
        rows.kk = np.where(old, pop.fam_kk_old[rows.family], rows.kk)
        err["old_kk"] = old
    if has_address:
        moved = family_draw() < rates.moved
        f = rows.family
        rows.desa = np.where(moved, pop.fam_prev_desa[f], rows.desa)
        rows.rt = np.where(moved, pop.fam_prev_rt[f], rows.rt)
        rows.rw = np.where(moved, pop.fam_prev_rw[f], rows.rw)
        err["moved"] = moved
    _vary_names(rng, pop, rows, rng.random(n) < rates.name_variant)
    titled = rng.random(n) < rates.title
    if titled.any():
        idx = pa.array(np.flatnonzero(titled))
        new = name_gen.add_titles(rng, pc.take(rows.name, idx), rows.female[titled],
                                  pop.fam_muslim[rows.family[titled]])
        rows.name = _put(rows.name, titled, new)
        err["title"] = titled
    return rows


def _put(values: pa.Array, mask: np.ndarray, new: pa.Array) -> pa.Array:
    """``values`` with the rows under ``mask`` replaced by ``new`` (in order)."""
    out = values.to_numpy(zero_copy_only=False).astype(object)
    out[mask] = np.array(new.to_pylist(), dtype=object)
    return pa.array(out, pa.string())


def _vary_names(rng, pop: Population, rows: ListRows, chosen: np.ndarray) -> None:
    if not chosen.any():
        return
    new, kinds = name_gen.name_variants(rng, pc.take(rows.name, pa.array(np.flatnonzero(chosen))))
    rows.name = _put(rows.name, chosen, new)
    rows.variant_kind[chosen] = np.array(kinds, dtype=object)
    rows.errors["name_variant"] = rows.errors["name_variant"] | chosen


def add_duplicates(rng, pop: Population, rows: ListRows, rate: float) -> ListRows:
    """Append copies of a share ``rate`` of rows; 40 % of the copies are spelled differently."""
    k = round(len(rows) * rate)
    if k == 0:
        return rows
    src = np.sort(rng.choice(len(rows), size=k, replace=False))
    copies = rows.take(src)
    copies.errors["duplicate"] = np.ones(k, bool)
    respell = (rng.random(k) < 0.4) & ~copies.errors["name_variant"]
    _vary_names(rng, pop, copies, respell)
    return _concat(rows, copies)


def _concat(a: ListRows, b: ListRows) -> ListRows:
    def cat(x, y):
        if isinstance(x, pa.Array):
            return pa.concat_arrays([x, y])
        return np.concatenate([x, y])

    return ListRows(**{  # type: ignore[arg-type]
        f: ({k: np.concatenate([a.errors[k], b.errors[k]]) for k in a.errors}
            if f == "errors" else cat(getattr(a, f), getattr(b, f)))
        for f in a.__dataclass_fields__
    })


def order_rows(rng, rows: ListRows) -> ListRows:
    """Lists come sorted by desa; within a desa the order is arbitrary."""
    return rows.take(np.lexsort((rng.random(len(rows)), rows.desa)))


def truth_table(rows: ListRows, family_ids: pa.Array, person_ids: pa.Array) -> pa.Table:
    n = len(rows)
    kinds = np.full(n, "", dtype=object)
    for kind in ERROR_KINDS:
        mask = rows.errors[kind]
        kinds[mask] = np.where(kinds[mask] == "", kind, kinds[mask] + ";" + kind)
    fam_id = pc.take(family_ids, pa.array(rows.family))
    per_id = pc.take(person_ids, pa.array(rows.person))
    reg = pa.array(rows.in_register)
    return pa.table({
        "row_number": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "ID Individu": pc.if_else(reg, per_id, ""),
        "ID Keluarga P3KE": pc.if_else(reg, fam_id, ""),
        "errors": pa.array(kinds, pa.string()),
        "name_variant_kind": pa.array(rows.variant_kind, pa.string()),
        "family_key": pa.array(rows.family, pa.int64()),
        "person_key": pa.array(rows.person, pa.int64()),
    })
