"""The demo region (``make demo``'s own steps at a small size, with the kecamatan
boundaries of the shared reference data) produces an LP2KD 2026 with every chapter filled
from its data: tables and figures in every chapter, nothing missing but what the demo has no
data for, and a PDF with every chapter, the map and the charts."""

import json
from pathlib import Path

from django.core.management import call_command

from konvergen.regions.models import Region
from konvergen.reports import serial, services
from konvergen.reports.document import Chart, Map, Note, Table
from tests.conftest import shared_data
from tests.reports.test_render import _pdf_pages, _pictures_drawn

YEAR = "2026"


def _load_kecamatan_boundaries(code: str) -> int:
    """The kecamatan polygons of one kab/kota from the shared reference data."""
    features = json.loads(shared_data("boundaries", "kecamatan.geojson").read_text())
    rows = {f["properties"]["kode"]: f["geometry"] for f in features["features"]
            if f["properties"]["kode"].startswith(code + ".")}
    for kode, geometry in rows.items():
        Region.objects.filter(code=kode).update(geometry=json.dumps(geometry))
    return len(rows)


def _hold_a_village_deliberation(personas, folder: Path) -> None:
    """The demo has no village verification yet: Cileunyi Kulon records one musdes."""
    import datetime as dt

    from konvergen.verification import services as verification

    minutes = folder / "berita-acara.pdf"
    minutes.write_bytes(b"%PDF-1.4\n")
    verification.musdes_create(
        region_code="32.04.05.2001", held_on=dt.date(2026, 3, 10), place="Balai desa",
        attendees_count=25, attendees="", minutes_file=str(minutes),
        signed_by="Kepala Desa Cileunyi Kulon", acting_user=personas.village_operator)


def test_the_demo_region_produces_an_lp2kd_with_every_chapter_filled(personas, tmp_path):
    call_command("demo-setup", "--region", "32.04")
    call_command("synth", "--region", "32.04", "--families", "1500", "--seed", "1",
                 "--out", str(tmp_path), "--force", "-v0")
    call_command("import-register", "--region", "32.04", "--snapshot-date", "2026-01-15",
                 "--families", str(tmp_path / "p3ke_keluarga.csv"),
                 "--members", str(tmp_path / "p3ke_anggota_keluarga.csv"))
    call_command("demo-programmes", "--region", "32.04", "--lists", str(tmp_path),
                 "--year", YEAR)
    call_command("demo-targets", "--region", "32.04")
    call_command("demo-plans", "--region", "32.04", "--year", YEAR)
    call_command("demo-meetings", "--region", "32.04", "--year", YEAR)
    assert _load_kecamatan_boundaries("32.04") >= 30
    _hold_a_village_deliberation(personas, tmp_path)

    report = services.report_create(region=personas.bandung, year=int(YEAR),
                                    acting_user=personas.tkpk_bandung)
    generation = services.report_generate(report=report, acting_user=personas.tkpk_bandung)
    assert generation.status == "done", generation.error
    document = serial.from_data(generation.content)

    assert len(document.chapters) == 8
    # The demo publishes no extreme-poverty figure, and the scorecard names its winners:
    # every other block is filled from the demo's data.
    allowed = {"Kemiskinan Ekstrem", "Tingkat Kemiskinan (P0, P1, P2)",
               "Kinerja Perangkat Daerah dan Mitra"}
    for chapter in document.chapters:
        generated = [b for s in chapter.sections for b in s.blocks
                     if isinstance(b, Table | Chart | Map)]
        assert generated, chapter.title
        for section in chapter.sections:
            missing = [b.text for b in section.blocks if isinstance(b, Note) and not b.source]
            assert not missing or section.title in allowed, (section.title, missing)
    filled = [t for c in document.chapters for s in c.sections for t in s.blocks
              if isinstance(t, Table)]
    assert all(t.rows for t in filled)
    meetings = next(t for s in document.chapters[5].sections for t in s.blocks
                    if isinstance(t, Table) and t.source == "Catatan rapat TKPK (Konvergen)")
    assert len(meetings.rows) == 6 and meetings.rows[0][1] == "Rapat pleno"
    maps = [b for c in document.chapters for s in c.sections for b in s.blocks
            if isinstance(b, Map)]
    assert len(maps) == 1 and len(maps[0].features) >= 30
    assert sum(f.value is not None for f in maps[0].features) >= 20

    reader, pages = _pdf_pages(Path(generation.pdf_path))
    text = "\n".join(pages)
    for chapter in document.chapters:
        assert f"{chapter.heading()}\n{chapter.title}" in text
    figures = [b for c in document.chapters for s in c.sections for b in s.blocks
               if isinstance(b, Chart | Map)]
    assert sum(_pictures_drawn(p) for p in reader.pages) == len(figures) == 6
    assert "Gambar 2.4 Persentase keluarga miskin ekstrem dan miskin menurut kecamatan" in text
