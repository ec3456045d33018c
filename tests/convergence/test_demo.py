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
