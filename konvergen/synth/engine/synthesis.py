"""One synthetic region from a desa table and parameters: the whole pipeline.

>>> import pyarrow as pa
>>> desa = pa.table({
...     "code": ["32.04.05.2001", "32.04.05.2002", "32.04.06.1001"],
...     "name": ["Cileunyi Kulon", "Cileunyi Wetan", "Cimenyan"],
...     "kecamatan_code": ["32.04.05", "32.04.05", "32.04.06"],
...     "kecamatan_name": ["Cileunyi", "Cileunyi", "Cimenyan"],
...     "kabkota_code": ["32.04"] * 3, "kabkota_name": ["Kabupaten Bandung"] * 3,
...     "province_code": ["32"] * 3, "province_name": ["Jawa Barat"] * 3})
>>> params = SynthParams(region_code="32.04", families=500, seed=7, p0_percent=7.15,
...                      poverty_line=378819)
>>> result = synthesise(desa, params)
>>> sorted(result.files)[:3]
['baznas.csv', 'baznas_truth.csv', 'bpnt.csv']
>>> abs(result.manifest["calibration"]["achieved_p0_percent"] - 7.15) < 1.0
True
"""

import zlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import vocab
from . import dtsen, formats, lists, population, programmes, welfare
from .params import ERROR_KINDS, SynthParams

GENERATOR_VERSION = "1"


@dataclass
class Synthesis:
    files: dict[str, tuple[pa.Table, str]]   # file name -> (table, delimiter)
    manifest: dict
    population: population.Population
    welfare: welfare.Welfare
    in_register: np.ndarray


def _rng(seed: int, stage: str) -> np.random.Generator:
    """An independent stream per stage, so changing one list does not move the others."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(stage.encode())]))


def select_register(rng, desil: np.ndarray, *, max_desil: int, extra_share: float) -> np.ndarray:
    core = desil <= max_desil
    near = (desil > max_desil) & (desil <= max_desil + 3)
    extra = programmes.top_k(rng, near.astype(np.float64), np.flatnonzero(near),
                             round(core.sum() * extra_share))
    core[extra] = True
    return core


def _ids(geo: population.Geography, pop: population.Population, in_register: np.ndarray):
    kab = geo.kabkota_code.replace(".", "")
    seq = np.cumsum(in_register)
    fam_ids = pc.binary_join_element_wise("P" + kab, population.int_text(seq, 8), "")
    fam_ids = pc.if_else(pa.array(in_register), fam_ids, "")
    per_ids = pc.binary_join_element_wise(
        pc.take(fam_ids, pa.array(pop.per_fam)), population.int_text(pop.per_member_no, 2), "")
    per_ids = pc.if_else(pa.array(in_register[pop.per_fam]), per_ids, "")
    return fam_ids, per_ids


def synthesise(desa: pa.Table, params: SynthParams) -> Synthesis:
    """Simulate the region's families, its register and its programme lists."""
    geo = population.Geography.from_table(desa)
    seed = params.seed
    pop = population.build_population(_rng(seed, "population"), geo, params.families,
                                      params.as_of)
    wf = welfare.simulate_consumption(_rng(seed, "welfare"), geo, pop,
                                      p0_percent=params.p0_percent,
                                      poverty_line=params.poverty_line)
    fam_attr = welfare.family_attributes(_rng(seed, "housing"), pop, wf)
    per_attr = welfare.person_attributes(_rng(seed, "persons"), pop, wf)
    in_register = select_register(_rng(seed, "register"), wf.desil_proxy,
                                  max_desil=params.max_desil,
                                  extra_share=params.register_extra_share)

    ctx = programmes.context(pop, wf, fam_attr, per_attr, in_register)
    selected = programmes.select_beneficiaries(
        _rng(seed, "targeting"), ctx, scale=params.list_scale, overrides=params.error_overrides)
    chosen = {k: np.sort(np.r_[a, b]) for k, (a, b) in selected.items()}
    flags = programmes.register_flags(_rng(seed, "flags"), ctx, chosen)
    pbi = np.zeros(pop.n_families, bool)
    pbi[chosen["pbi_jk"]] = True
    insurance = welfare.health_insurance(_rng(seed, "insurance"), pop, wf,
                                         per_attr["Pekerjaan"], pbi)
    birthplace = population.birthplaces(_rng(seed, "birthplace"), geo, pop)
    fam_ids, per_ids = _ids(geo, pop, in_register)

    reg_families = np.flatnonzero(in_register)
    fam_table, per_table = formats.register_tables(
        geo=geo, pop=pop, families=reg_families, fam_attr=fam_attr, per_attr=per_attr,
        flags=flags, desil=wf.desil_proxy, insurance=insurance, birthplace=birthplace,
        family_ids=fam_ids, person_ids=per_ids, layout=params.layout)
    files = {
        "p3ke_keluarga.csv": (fam_table, ","),
        "p3ke_anggota_keluarga.csv": (per_table, ","),
        "families_truth.csv": (_families_truth(geo, pop, wf, fam_ids, in_register), ","),
    }
    dtsen_info = None
    if params.dtsen:
        export = dtsen.dtsen_export(fam_table, per_table, seed=_rng(seed, "dtsen"),
                                    noise=params.dtsen_noise, as_of=params.as_of)
        files.update(dtsen.dtsen_files(export))
        dtsen_info = {"noise": params.dtsen_noise.as_dict(), "counts": export.counts()}

    list_info = {}
    for prog in programmes.PROGRAMMES:
        rng = _rng(seed, "list:" + prog.key)
        rates = prog.rates.with_overrides(params.error_overrides)
        inside, outside = selected[prog.key]
        families = np.r_[inside, outside]
        person = programmes.recipients(rng, pop, prog.key, families, per_attr)
        rows = lists.base_rows(pop, person, in_register[pop.per_fam[person]])
        fields = formats.LIST_FIELDS[prog.key]
        rows = lists.apply_errors(rng, pop, rows, rates, **fields,
                                  per_family=prog.unit == "person")
        rows = lists.add_duplicates(rng, pop, rows, rates.duplicate)
        rows = lists.order_rows(rng, rows)
        table, delimiter = formats.list_table(prog.key, rows, geo=geo, pop=pop, rng=rng,
                                              year=params.as_of.year)
        files[f"{prog.key}.csv"] = (table, delimiter)
        files[f"{prog.key}_truth.csv"] = (lists.truth_table(rows, fam_ids, per_ids), ",")
        base = len(rows) - int(rows.errors["duplicate"].sum())
        list_info[prog.key] = {
            "label": prog.label, "agency": prog.agency, "unit": prog.unit,
            "rows": len(rows), "rows_before_duplicates": base,
            "families": len(families), "columns": table.column_names,
            "delimiter": delimiter,
            "error_rates": rates.as_dict(),
            "error_counts": {k: int(rows.errors[k].sum()) for k in ERROR_KINDS},
        }

    manifest = {
        "generator": "konvergen synth", "generator_version": GENERATOR_VERSION,
        "region": {"code": geo.kabkota_code, "name": geo.kabkota_name,
                   "province_code": geo.province_code, "province_name": geo.province_name,
                   "kecamatan": len(geo.kec_code), "desa": geo.n_desa},
        "seed": seed,
        "parameters": {"families": params.families, "layout": params.layout,
                       "as_of": params.as_of.isoformat(), "max_desil": params.max_desil,
                       "register_extra_share": params.register_extra_share,
                       "list_scale": params.list_scale,
                       "error_overrides": dict(sorted(params.error_overrides.items())),
                       "dtsen": params.dtsen},
        "counts": {"families": pop.n_families, "persons": pop.n_persons,
                   "register_families": int(in_register.sum()),
                   "register_persons": int(pop.fam_size[in_register].sum())},
        "calibration": {
            "figures_year": params.figures_year, "figures_source": params.figures_source,
            "poverty_line": params.poverty_line, "target_p0_percent": params.p0_percent,
            "achieved_p0_percent": round(wf.achieved_p0, 4),
            "method": "location of log-normal consumption solved as the person-weighted "
                      "P0-quantile (see konvergen.synth.engine.welfare)",
        },
        "lists": list_info,
    }
    if dtsen_info is not None:
        manifest["dtsen"] = dtsen_info
    return Synthesis(files=files, manifest=manifest, population=pop, welfare=wf,
                     in_register=in_register)


def _families_truth(geo, pop, wf, fam_ids, in_register) -> pa.Table:
    ratio = wf.ratio
    status = np.where(ratio < 1.0, 0, np.where(ratio < 1.2, 1, 2))
    codes = np.array([c.replace(".", "") for c in geo.desa_code], dtype=object)
    return pa.table({
        "family_key": pa.array(np.arange(pop.n_families, dtype=np.int64)),
        "ID Keluarga P3KE": fam_ids,
        "Kode Kemdagri": pc.take(pa.array(codes, pa.string()), pa.array(pop.fam_desa)),
        "Jumlah Anggota Keluarga": pa.array(pop.fam_size.astype(np.int64)),
        "pengeluaran_per_kapita": pa.array(np.round(wf.consumption).astype(np.int64)),
        "garis_kemiskinan": pa.array(np.full(pop.n_families, round(wf.poverty_line))),
        "status_kemiskinan": pc.take(pa.array(vocab.STATUS_KEMISKINAN), pa.array(status)),
        "miskin": pa.array(ratio < 1.0),
        "desil_konsumsi": pa.array(wf.desil.astype(np.int64)),
        "desil_proxy": pa.array(wf.desil_proxy.astype(np.int64)),
        "dalam_register": pa.array(in_register),
    })
