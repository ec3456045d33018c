"""Helpers for the targets tests: the official files (read where they are), more regions."""

import csv

import pytest

from tests.conftest import TEST_PROVINCES, shared_data

GK_KABKOTA = ("bps-gk-kabkota", "garis_kemiskinan_kabkota_2024_2025.csv")
JATENG = ("bps-kemiskinan-jateng", "kemiskinan_jateng_2020_2025.csv")
PROVINSI = ("bps-kemiskinan-provinsi", "kemiskinan_provinsi_2015_2025_long.csv")
P0_2021 = ("bps-p0-kabkota-2021", "p0_kabkota_2021.csv")
P0_2021_RAW = ("bps-p0-kabkota-2021", "klasifikasi_tingkat_kemiskinan_kabkota_2021_raw.csv")


def rows_of(parts, delimiter=",") -> list[dict]:
    with open(shared_data(*parts), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def load_all_kabkota() -> None:
    """Every province and kab/kota of the country (the test database holds Jawa Barat)."""
    from konvergen.regions.services import region_list_load
    from konvergen.regions.sources import kemendagri_csv

    table = kemendagri_csv.read_regions(shared_data("wilayah", "wilayah.csv"))
    codes = table.column("code").to_pylist()
    keep = [i for i, c in enumerate(codes) if c.count(".") <= 1
            and c.split(".")[0] not in TEST_PROVINCES]
    region_list_load(table=table.take(keep), version_label="kab/kota", source="wilayah.csv")


def load_bps_codes() -> None:
    from konvergen.regions.services import region_bps_codes_set

    pairs = [(r["kode_bps"], r["kode_kemendagri"]) for r in
             rows_of(("wilayah", "crosswalk_bps_kemendagri_kabkota.csv"))]
    region_bps_codes_set(pairs=pairs)


@pytest.fixture
def catalogue(db):
    from konvergen.targets.services import indicator_catalogue_load

    indicator_catalogue_load()

