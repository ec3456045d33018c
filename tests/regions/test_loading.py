"""Loading the region master data: the default list, official CSVs, BPS codes, boundaries."""

import json

import pytest
from django.core.management import call_command

from konvergen.audit.models import AuditEntry
from konvergen.regions.models import Level, Region
from tests.conftest import shared_data


def _counts():
    return {lvl: Region.objects.filter(level=lvl, is_active=True).count() for lvl in Level.values}


@pytest.mark.slow
@pytest.mark.django_db
def test_default_list_has_every_level_and_loading_twice_changes_nothing(capsys):
    call_command("regions", "load")
    counts = _counts()
    assert counts[Level.PROVINCE] == 38
    assert counts[Level.KABKOTA] == 514
    assert counts[Level.KECAMATAN] == 7285
    assert counts[Level.DESA] >= 83000
    audit_rows = AuditEntry.objects.filter(action="regions.load").count()
    capsys.readouterr()

    call_command("regions", "load")
    assert "0 added, 0 renamed, 0 retired" in capsys.readouterr().out
    assert _counts() == counts
    assert AuditEntry.objects.filter(action="regions.load").count() == audit_rows

    bandung = Region.objects.get(code="32.04")
    assert bandung.kind == "kabupaten" and bandung.latitude is not None
    assert Region.objects.get(code="32.04.05.2001").parent_id == "32.04.05"


@pytest.mark.slow
@pytest.mark.django_db
def test_kecamatan_boundaries_attach_to_every_kecamatan(capsys):
    call_command("regions", "load")
    call_command(
        "regions",
        "import-boundaries",
        str(shared_data("boundaries", "kecamatan.geojson")),
        "--level",
        "kecamatan",
    )
    assert "0 unmatched" in capsys.readouterr().out
    assert Region.objects.filter(level=Level.KECAMATAN).exclude(geometry="").count() == 7285
    geometry = json.loads(Region.objects.get(code="32.04.05").geometry)
    assert geometry["type"] in {"Polygon", "MultiPolygon"}

    call_command("regions", "stats", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert stats["kecamatan"] == {"count": 7285, "with_polygon": 7285, "with_bps_code": 0}

    # Idempotent: nothing to update the second time.
    call_command(
        "regions",
        "import-boundaries",
        str(shared_data("boundaries", "kecamatan.geojson")),
        "--level",
        "kecamatan",
    )
    assert "0 updated" in capsys.readouterr().out


@pytest.mark.django_db
def test_boundaries_report_codes_that_do_not_match(tmp_path, capsys):
    feature = {
        "type": "Feature",
        "properties": {"kode": "99.99.99", "nama": "Nowhere"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[107, -7], [107.1, -7], [107.1, -6.9], [107, -7]]],
        },
    }
    known = dict(feature, properties={"kode": "32.04.05", "nama": "Cileunyi"})
    path = tmp_path / "kec.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature, known]}))
    call_command("regions", "import-boundaries", str(path), "--level", "kecamatan")
    out = capsys.readouterr().out
    assert "1 matched" in out and "1 unmatched" in out and "unmatched 99.99.99" in out
    assert Region.objects.get(code="32.04.05").geometry


@pytest.mark.django_db
def test_official_csv_reports_added_renamed_and_retired(tmp_path, capsys):
    rows = [
        line
        for line in shared_data("wilayah", "wilayah.csv").read_text().splitlines()
        if line.startswith("32.04") or line.startswith("32,")
    ]
    header = "kode,nama"
    changed = []
    for line in rows:
        code, name = line.split(",", 1)
        if code == "32.04.05.2001":
            name = "Cileunyi Kulon Baru"  # renamed by the decree
        if code == "32.04.05.2002":
            continue  # retired
        changed.append(f"{code.replace('.', '')},{name}")  # a file without dots
    changed.append("3204052999,Desa Pemekaran")  # added
    path = tmp_path / "kepmendagri.csv"
    path.write_text("\n".join([header, *changed]) + "\n")

    call_command("regions", "load", "--csv", str(path), "--version-label", "Kepmendagri 2026")
    out = capsys.readouterr().out
    assert "1 added, 1 renamed" in out
    # 32.04.05.2002 plus every other kab/kota of Jawa Barat missing from this one-kabupaten
    # file would be retired; the loader retires only within the provinces the file covers.
    retired = set(Region.objects.filter(is_active=False).values_list("code", flat=True))
    assert "32.04.05.2002" in retired
    assert Region.objects.get(code="32.04.05.2001").name == "Cileunyi Kulon Baru"
    new = Region.objects.get(code="32.04.05.2999")
    assert (new.kind, new.parent_id, new.level) == ("desa", "32.04.05", 4)
    entry = AuditEntry.objects.filter(action="regions.load").latest("id")
    assert entry.changes["added"] == 1 and entry.changes["renamed"] == 1


@pytest.mark.django_db
def test_unreadable_csv_is_a_clear_error_and_changes_nothing(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_text("code;name\n32;Jawa Barat\n")
    before = Region.objects.count()
    with pytest.raises(CommandError, match="kode,nama"):
        call_command("regions", "load", "--csv", str(path))
    assert Region.objects.count() == before


@pytest.mark.django_db
def test_bps_codes_from_the_crosswalk(capsys):
    call_command(
        "regions", "import-bps", str(shared_data("wilayah", "crosswalk_bps_kemendagri_kabkota.csv"))
    )
    out = capsys.readouterr().out
    assert Region.objects.get(code="32.04").bps_code == "3204"
    assert Region.objects.get(code="32").bps_code == "3200"
    # Outside the provinces loaded for tests the crosswalk's codes are unknown and reported.
    assert "unknown Kemendagri codes" in out


@pytest.mark.django_db
@pytest.mark.parametrize(("driver", "suffix"), [("GPKG", ".gpkg"), ("ESRI Shapefile", ".shp")])
def test_boundaries_from_geopackage_and_shapefile(tmp_path, capsys, driver, suffix):
    """The same polygons written as a GeoPackage and a Shapefile (the field named KODE_KEC,
    given with --code-field) attach like GeoJSON does."""
    import numpy as np
    import shapely
    from pyogrio import raw

    polygons = [shapely.box(107.70, -6.95, 107.75, -6.90), shapely.box(107.75, -6.95,
                                                                        107.80, -6.90)]
    path = tmp_path / f"kecamatan{suffix}"
    raw.write(str(path), np.array(shapely.to_wkb(polygons), dtype=object),
              [np.array(["32.04.05", "32.04.06"], dtype=object)], ["KODE_KEC"],
              driver=driver, geometry_type="Polygon", crs="EPSG:4326")
    call_command("regions", "import-boundaries", str(path), "--level", "kecamatan",
                 "--code-field", "KODE_KEC")
    assert "2 matched" in capsys.readouterr().out
    cileunyi = Region.objects.get(code="32.04.05")
    assert json.loads(cileunyi.geometry)["type"] == "Polygon"
