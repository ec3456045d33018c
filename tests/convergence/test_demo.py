"""The demo's programme step: every synthetic list becomes a programme's beneficiaries."""

import json

from django.core.management import call_command

from konvergen.programs.models import Intervention, Programme
from tests.conftest import import_synth_register


def test_demo_programmes_fill_the_convergence_figures(personas, tmp_path, capsys):
    call_command("synth", "--region", "32.04", "--families", "3000", "--seed", "3",
                 "--out", str(tmp_path), "-v0")
    import_synth_register(personas.bandung, tmp_path)
    call_command("demo-setup", "--region", "32.04")
    call_command("demo-programmes", "--region", "32.04", "--lists", str(tmp_path),
                 "--year", "2026")
    codes = set(Programme.objects.filter(interventions__isnull=False).values_list(
        "code", flat=True))
    assert {"pkh", "bpnt", "pbi-jk", "modal-usaha", "zakat-konsumtif", "csr-sanitasi"} <= codes
    before = Intervention.objects.count()
    call_command("demo-programmes", "--region", "32.04", "--lists", str(tmp_path),
                 "--year", "2026")
    assert Intervention.objects.count() == before  # running it again changes nothing
    capsys.readouterr()
    call_command("convergence", "--region", "32.04", "--period", "2026", "--json")
    figures = json.loads(capsys.readouterr().out)
    assert 0 < figures["reached_families"] <= figures["target_families"]
    assert figures["unreached_families"] == figures["target_families"] - figures[
        "reached_families"]


def test_the_demo_path_dashboard_equals_a_recomputation_from_the_exports(personas, tmp_path,
                                                                          capsys):
    """``make demo``'s own steps (demo-setup, synth, the P3KE and then the DTSEN import,
    demo-programmes; the region list is the test subset), then the dashboard against the
    exported CSVs."""
    import csv

    from django.urls import reverse

    from tests.convergence.test_recompute import recompute

    year = "2026"
    call_command("demo-setup", "--region", "32.04")
    call_command("synth", "--region", "32.04", "--families", "3000", "--seed", "1",
                 "--dtsen", "--out", str(tmp_path), "--force", "-v0")
    call_command("import-register", "--region", "32.04", "--snapshot-date", "2026-01-15",
                 "--families", str(tmp_path / "p3ke_keluarga.csv"),
                 "--members", str(tmp_path / "p3ke_anggota_keluarga.csv"))
    call_command("import-register", "--region", "32.04", "--snapshot-date", "2026-03-01",
                 "--source", "dtsen", "--families", str(tmp_path / "dtsen_keluarga.csv"),
                 "--members", str(tmp_path / "dtsen_anggota_keluarga.csv"))
    call_command("demo-programmes", "--region", "32.04", "--lists", str(tmp_path),
                 "--year", year)
    capsys.readouterr()
    call_command("convergence", "--region", "32.04", "--period", year, "--json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["target_desil"] == [None, None]
    call_command("export-families", "--out", str(tmp_path / "f.csv"))
    call_command("export-interventions", "--out", str(tmp_path / "i.csv"))

    def read(name):
        with (tmp_path / name).open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    interventions = read("i.csv")
    assert any(r["group_id"] for r in interventions)  # the demo's KUBE groups
    expected = recompute(read("f.csv"), interventions, set(figures["target_statuses"]),
                         set(figures["received_statuses"]), int(year))
    assert expected["reached_families"] > 0 and expected["unreached_families"] > 0
    assert expected["overlap_families"] > 0

    response = personas.client_for(personas.tkpk_bandung).get(
        reverse("convergence:dashboard", args=["32.04"]), {"year": year})
    data = response.context["data"]
    shown = {key: data["total"][key] for key in (
        "target_families", "reached_families", "unreached_families", "overlap_families",
        "nontarget_reached")}
    shown["coverage"] = {
        n["indicator"]: {"target_deprived": n["target_deprived"],
                         "target_covered": n["target_covered"]}
        for n in data["needs"]
    }
    assert shown == expected
    assert {k: figures[k] for k in shown if k != "coverage"} == {
        k: v for k, v in expected.items() if k != "coverage"}
    assert data["total"]["stage_group"] > 0  # the KUBE groups' members' families
