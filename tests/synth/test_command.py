"""``konvergen synth`` through the front door: regions from the database, built-in figures."""

import json

import pytest
from django.core.management import CommandError, call_command

from konvergen.synth.management.commands import synth as synth_command

pytestmark = pytest.mark.django_db


def test_writes_kabupaten_bandung_with_its_built_in_bps_figures(tmp_path):
    out = tmp_path / "demo"
    call_command("synth", region="32.04", families=2000, seed=4, out=out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region"]["name"] == "Kabupaten Bandung"
    assert manifest["region"]["desa"] == 280 and manifest["region"]["kecamatan"] == 31
    cal = manifest["calibration"]
    assert (cal["target_p0_percent"], cal["poverty_line"], cal["figures_year"]) == (
        7.15, 378819, 2021)
    assert abs(cal["achieved_p0_percent"] - 7.15) < 1.5
    names = {f["name"] for f in manifest["files"]}
    assert {"p3ke_keluarga.csv", "families_truth.csv", "pkh.csv", "pkh_truth.csv"} <= names
    assert all((out / name).exists() for name in names)


def test_other_regions_need_p0_and_poverty_line(tmp_path):
    with pytest.raises(CommandError, match="--p0"):
        call_command("synth", region="11.01", families=100, out=tmp_path / "x")
    call_command("synth", region="3204", families=200, out=tmp_path / "y", p0=20.0,
                 poverty_line=500000)
    manifest = json.loads((tmp_path / "y" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["calibration"]["target_p0_percent"] == 20.0


def test_unknown_kabkota_and_bad_error_rate_are_refused(tmp_path):
    with pytest.raises(CommandError, match="bukan kode kabupaten/kota"):
        call_command("synth", region="32.99", families=100, out=tmp_path / "x", p0=5,
                     poverty_line=400000)
    with pytest.raises(CommandError, match="KIND=RATE"):
        call_command("synth", region="32.04", families=100, out=tmp_path / "x",
                     error_rate=["nik=0.1"])


def test_refuses_when_the_region_list_is_not_loaded(tmp_path, monkeypatch):
    class Empty:
        class objects:
            @staticmethod
            def exists():
                return False

    monkeypatch.setattr(synth_command, "Region", Empty)
    with pytest.raises(CommandError) as err:
        call_command("synth", region="32.04", families=100, out=tmp_path / "x")
    assert str(err.value) == synth_command.REGIONS_NOT_LOADED
