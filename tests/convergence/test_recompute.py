"""The dashboard's numbers equal an independent recomputation from the exported CSVs.

A small synthetic region gets the national catalogue and a deterministic spread of
interventions (planned ones too, and help to families outside a programme's desil range);
the figures the dashboard shows are then recomputed here in plain Python from nothing but
``export-families``, ``export-interventions`` and the target statuses ``convergence --json``
names."""

import csv
import datetime as dt
import json
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from konvergen.convergence.services import convergence_refresh
from konvergen.programs.models import Intervention, Programme
from konvergen.programs.services import programme_catalogue_load
from konvergen.registry.models import Family, Person

YEAR = 2026
STATUSES = ["delivered", "completed", "planned", "stopped"]


@pytest.fixture(scope="module")
def synth_folder(tmp_path_factory, django_db_setup, django_db_blocker):
    folder = tmp_path_factory.mktemp("synth-convergence")
    with django_db_blocker.unblock():
        call_command("synth", "--region", "32.04", "--families", "600", "--seed", "5",
                     "--out", str(folder), "-v0")
    return folder


@pytest.fixture
def demo_region(personas, synth_folder):
    from konvergen.registry.services import dataset_get_or_create, register_import

    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    register_import(
        dataset=dataset,
        families_path=synth_folder / "p3ke_keluarga.csv",
        members_path=synth_folder / "p3ke_anggota_keluarga.csv",
        snapshot_date=dt.date(YEAR, 1, 15),
        acting_user=personas.admin,
    )
    programme_catalogue_load(
        region=personas.bandung, year_start=YEAR, year_end=YEAR, acting_user=personas.admin
    )
    programmes = list(Programme.objects.order_by("code"))
    families = list(Family.objects.filter(dataset=dataset).order_by("pk"))
    heads = dict(Person.objects.filter(dataset=dataset, relation__in=["head", "kepala"])
                 .values_list("family_id", "pk"))
    rows = []
    for n, family in enumerate(families):
        if n % 4 == 3:
            continue  # a quarter of the families get nothing
        for k in range(1 + n % 3):
            programme = programmes[(n * 7 + k * 3) % len(programmes)]
            rows.append(Intervention(
                programme=programme, family=family, person_id=heads.get(family.pk),
                year=YEAR if n % 11 else YEAR - 1, status=STATUSES[(n + k) % 4],
                value=100_000 * (1 + k),
            ))
    Intervention.objects.bulk_create(rows)
    convergence_refresh(region_code="32.04", acting_user=personas.admin)
    return dataset


def _read(text: str) -> list[dict]:
    return list(csv.DictReader(StringIO(text)))


def recompute(families: list[dict], interventions: list[dict], target: set[str],
              received: set[str], year: int) -> dict:
    """The convergence figures from the two CSVs only."""
    fams = {f["family_id"]: f for f in families}
    need_codes = [c[len("need_"):] for c in families[0] if c.startswith("need_")]
    got: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    reached_any: set[str] = set()
    for row in interventions:
        if int(row["period"]) != year or row["status"] not in received:
            continue
        if row["family_id"] not in fams:
            continue
        reached_any.add(row["family_id"])
        for need in filter(None, row["programme_needs"].split(";")):
            got[row["family_id"]][need].add(row["programme_code"])
    is_target = {fid for fid, f in fams.items() if f["status"] in target}
    coverage = {}
    for code in need_codes:
        deprived = {fid for fid in is_target if fams[fid][f"need_{code}"] == "1"}
        coverage[code] = {
            "target_deprived": len(deprived),
            "target_covered": sum(1 for fid in deprived if got[fid].get(code)),
        }
    overlap = {fid for fid, needs in got.items() if any(len(p) >= 2 for p in needs.values())}
    return {
        "target_families": len(is_target),
        "reached_families": len(is_target & reached_any),
        "unreached_families": len(is_target - reached_any),
        "overlap_families": len(overlap),
        "nontarget_reached": len(reached_any - is_target),
        "coverage": coverage,
    }


def test_dashboard_equals_a_recomputation_from_the_exports(personas, demo_region, tmp_path):
    out = StringIO()
    call_command("convergence", "--region", "32.04", "--period", str(YEAR), "--json",
                 stdout=out)
    figures = json.loads(out.getvalue())
    call_command("export-families", "--out", str(tmp_path / "f.csv"), stdout=StringIO())
    call_command("export-interventions", "--out", str(tmp_path / "i.csv"), stdout=StringIO())
    expected = recompute(
        _read((tmp_path / "f.csv").read_text(encoding="utf-8")),
        _read((tmp_path / "i.csv").read_text(encoding="utf-8")),
        set(figures["target_statuses"]),
        set(figures["received_statuses"]),
        YEAR,
    )
    assert expected["reached_families"] > 0 and expected["unreached_families"] > 0
    assert expected["overlap_families"] > 0 and expected["nontarget_reached"] >= 0

    response = personas.client_for(personas.tkpk_bandung).get(
        reverse("convergence:dashboard", args=["32.04"]), {"year": YEAR}
    )
    assert response.status_code == 200
    data = response.context["data"]
    shown = {key: data["total"][key] for key in (
        "target_families", "reached_families", "unreached_families", "overlap_families",
        "nontarget_reached",
    )}
    shown["coverage"] = {
        n["indicator"]: {"target_deprived": n["target_deprived"],
                         "target_covered": n["target_covered"]}
        for n in data["needs"]
    }
    assert shown == expected
    # The command prints the same figures.
    assert {k: figures[k] for k in shown if k != "coverage"} == {
        k: v for k, v in expected.items() if k != "coverage"
    }
    content = response.content.decode()
    assert f'id="n-reached">{expected["reached_families"]:,}'.replace(",", ".") in content \
        or f'id="n-reached">{expected["reached_families"]:,}' in content


def test_the_exports_follow_their_contract(personas, demo_region, tmp_path):
    call_command("export-families", "--out", str(tmp_path / "f.csv"), stdout=StringIO())
    call_command("export-interventions", "--out", str(tmp_path / "i.csv"), stdout=StringIO())
    families = _read((tmp_path / "f.csv").read_text(encoding="utf-8"))
    interventions = _read((tmp_path / "i.csv").read_text(encoding="utf-8"))
    assert len(families) == Family.objects.filter(dataset=demo_region).count()
    assert {"family_id", "desa_code", "desil", "status", "need_water"} <= set(families[0])
    assert len(interventions) == Intervention.objects.count()
    assert {"programme_code", "family_id", "person_id", "period", "status", "value"} <= set(
        interventions[0])
    person_units = {p.code for p in Programme.objects.filter(target_unit="person")}
    for row in interventions:
        assert bool(row["person_id"]) == (row["programme_code"] in person_units) or not row[
            "person_id"]
