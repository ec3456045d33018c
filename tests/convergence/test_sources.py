"""Done-when of "one register across sources": a DTSEN export of the families a region holds
from P3KE leaves every family, target, reached/unreached and welfare figure unchanged within
the linkage error (run on SQLite by ``make test-sqlite`` and on PostgreSQL by
``make test-postgres``)."""

import datetime as dt
import json

import pyarrow.csv as pacsv
from django.core.management import call_command
from django.db.models import Sum

from konvergen.registry.models import Family, FamilyAlias, Person, Snapshot
from konvergen.registry.services import register_import
from konvergen.welfare.models import RegionSummary
from tests.conftest import import_synth_register

WELFARE = ["families", "persons", "families_extreme", "families_poor", "families_vulnerable",
           "families_not_poor", "persons_extreme", "persons_poor", "persons_vulnerable",
           "mpi_poor_families"]
CONVERGENCE = ["target_families", "reached_families", "unreached_families"]


def figures(capsys) -> dict:
    capsys.readouterr()
    call_command("convergence", "--region", "32.04", "--period", "2026", "--json")
    result = json.loads(capsys.readouterr().out)
    head = Snapshot.objects.order_by("-snapshot_date", "-id").first()
    welfare = RegionSummary.objects.filter(snapshot=head, region_code="32.04").aggregate(
        **{k: Sum(k) for k in WELFARE})
    return {**{k: result[k] for k in CONVERGENCE}, **welfare,
            "current_families": Family.objects.filter(is_current=True).count(),
            "current_persons": Person.objects.filter(is_current=True).count()}


def test_a_dtsen_export_of_the_same_families_changes_no_figure(personas, tmp_path, capsys):
    # The DTSEN export carries the generator's realistic identifier noise (KK renewed, NIK
    # typos, some families missing) but the same desil, so any change is a linkage error.
    call_command("synth", "--region", "32.04", "--families", "3000", "--seed", "3",
                 "--dtsen", "--dtsen-noise", "desil_changed=0", "--out", str(tmp_path), "-v0")
    dataset = import_synth_register(personas.bandung, tmp_path)
    call_command("demo-setup", "--region", "32.04")
    call_command("demo-programmes", "--region", "32.04", "--lists", str(tmp_path),
                 "--year", "2026")
    before = figures(capsys)
    assert before["target_families"] > 0 and before["reached_families"] > 0

    outcome = register_import(
        dataset=dataset, source="dtsen", families_path=tmp_path / "dtsen_keluarga.csv",
        members_path=tmp_path / "dtsen_anggota_keluarga.csv",
        # The same date: welfare ages people to the snapshot date, and a child turning
        # school age between two dates is a real change, not a linkage error.
        snapshot_date=dt.date(2026, 1, 15))
    assert outcome.snapshot.source == "dtsen" and outcome.snapshot.dataset_id == dataset.pk
    after = figures(capsys)

    # The linkage error, against the generator's ground truth.
    truth = pacsv.read_csv(tmp_path / "dtsen_truth.csv",
                           convert_options=pacsv.ConvertOptions(
        column_types={"ID DTSEN": "string", "ID Keluarga P3KE": "string"},
        strings_can_be_null=True))
    expected = {d: p for p, d in zip(truth.column("ID Keluarga P3KE").to_pylist(),
                                     truth.column("ID DTSEN").to_pylist(), strict=True)
                if d}
    linked = dict(FamilyAlias.objects.filter(source="dtsen").values_list(
        "source_id", "family__source_id"))
    wrong = [d for d, p in linked.items() if expected.get(d) != p]
    missed = [d for d in expected if d not in linked]
    errors = len(wrong) + len(missed)
    assert len(expected) >= 0.99 * before["current_families"]  # (almost) every family
    assert errors <= 0.005 * len(expected), (len(wrong), len(missed))
    # Every figure moves by at most the families the linkage got wrong (persons: 8 each).
    for key, value in before.items():
        slack = errors * (8 if "persons" in key else 1)
        assert abs(after[key] - value) <= slack, (key, value, after[key], errors)
    # Nothing doubled: the families DTSEN holds were already in the register.
    assert after["current_families"] == before["current_families"] + len(missed)
