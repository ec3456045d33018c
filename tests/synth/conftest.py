"""A small literal desa table (three kecamatan of Kabupaten Bandung) and a shared synthesis."""

import pyarrow as pa
import pytest

from konvergen.synth.engine import SynthParams, synthesise, write_synthesis

DESA = [
    ("32.04.05.2001", "Cileunyi Kulon", "32.04.05", "Cileunyi"),
    ("32.04.05.2002", "Cileunyi Wetan", "32.04.05", "Cileunyi"),
    ("32.04.05.1001", "Cibiru Hilir", "32.04.05", "Cileunyi"),
    ("32.04.06.2001", "Mekarsaluyu", "32.04.06", "Cimenyan"),
    ("32.04.06.2002", "Mandalamekar", "32.04.06", "Cimenyan"),
    ("32.04.07.2001", "Cilengkrang", "32.04.07", "Cilengkrang"),
    ("32.04.07.2002", "Girimekar", "32.04.07", "Cilengkrang"),
]
KECAMATAN_PREFIXES = {"320405", "320406", "320407"}


def desa_table(rows=DESA, kab=("32.04", "Kabupaten Bandung"), prov=("32", "Jawa Barat")):
    n = len(rows)
    return pa.table({
        "code": [r[0] for r in rows], "name": [r[1] for r in rows],
        "kecamatan_code": [r[2] for r in rows], "kecamatan_name": [r[3] for r in rows],
        "kabkota_code": [kab[0]] * n, "kabkota_name": [kab[1]] * n,
        "province_code": [prov[0]] * n, "province_name": [prov[1]] * n,
    })


def params(**kw):
    base = dict(region_code="32.04", families=20_000, seed=11, p0_percent=7.15,
                poverty_line=378819, figures_year=2021)
    base.update(kw)
    return SynthParams(**base)


@pytest.fixture(scope="session")
def synthesis():
    return synthesise(desa_table(), params())


@pytest.fixture(scope="session")
def written(synthesis, tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    manifest = write_synthesis(synthesis, out)
    return out, manifest
