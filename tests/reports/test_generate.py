"""The LP2KD document built from known data: every chapter of the default outline, numbers
equal to what the apps' selectors give, real as-of dates, set-wise reads, and the stored
content read back exactly."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from konvergen.convergence import selectors as convergence
from konvergen.plans import meeting
from konvergen.regions.models import Level, Region
from konvergen.reports import build, serial, services
from konvergen.reports.document import Chart, Map, Narrative, Note, Table
from konvergen.welfare.models import RuleSet

YEAR = 2026
TODAY = dt.date(2027, 2, 1)


@pytest.fixture
def document(personas, bandung_data):
    # Small cells are hidden in a published report; here k = 1 so every count shows.
    RuleSet.objects.create(region=personas.bandung, year=YEAR, small_cell_k=1)
    report = services.report_create(region=personas.bandung, year=YEAR,
                                    acting_user=personas.tkpk_bandung)
    return build.build_document(report, today=TODAY)


def _section(document, title):
    return next(s for c in document.chapters for s in c.sections if s.title == title)


def _table(document, title) -> Table:
    return next(b for b in _section(document, title).blocks if isinstance(b, Table))


def _rows(table: Table) -> dict:
    return {row[0]: list(row[1:]) for row in table.rows}


def test_every_chapter_of_the_default_outline_is_built(document):
    assert [(c.heading(), c.title) for c in document.chapters] == [
        ("BAB I", "PENDAHULUAN"), ("BAB II", "KONDISI UMUM DAN PROFIL KEMISKINAN"),
        ("BAB III", "KEBIJAKAN DAN STRATEGI"), ("BAB IV", "PELAKSANAAN PROGRAM DAN KEGIATAN"),
        ("BAB V", "KONVERGENSI SASARAN"), ("BAB VI", "KELEMBAGAAN DAN TATA KELOLA TKPK"),
        ("BAB VII", "PERMASALAHAN, REKOMENDASI DAN PENUTUP"), ("LAMPIRAN", "TABEL PENDUKUNG")]
    assert document.draft and document.as_of == TODAY
    assert document.subtitle == "Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah"
    for chapter in document.chapters:
        figures = [b for s in chapter.sections for b in s.blocks
                   if isinstance(b, Table | Chart | Map)]
        assert figures, f"{chapter.title} has no table or figure"
    background = _section(document, "Latar Belakang").blocks[0]
    assert isinstance(background, Narrative)
    assert background.paragraphs[0].startswith("Penanggulangan kemiskinan di Kabupaten Bandung")
    assert "tahun 2026" in background.paragraphs[0]
    # Notes: no extreme-poverty figure, no kecamatan boundaries for the map, the targets
    # read off the trajectory, the scorecard's winners.
    notes = {s.title for c in document.chapters for s in c.sections
             for b in s.blocks if isinstance(b, Note) and not b.source}
    assert notes == {"Kemiskinan Ekstrem", "Data Sasaran menurut Kecamatan",
                     "Tingkat Kemiskinan (P0, P1, P2)", "Kinerja Perangkat Daerah dan Mitra"}


def test_plan_tables_add_up_as_the_meeting_pack(document):
    rows = meeting.plan_aggregates("32.04", YEAR, 4)
    grouped = meeting.grouped(rows, 1)
    total = meeting.Figures()
    for figures in grouped.values():
        total.add(figures)
    table = _table(document, "Rencana dan Realisasi menurut Strategi dan Perangkat Daerah")
    assert table.total_row
    assert list(table.rows[-1]) == ["Total", "", 3, 700_000_000.0, 280_000_000.0, 40.0, 40.0]
    assert (total.items, total.budget, total.realised) == (3, 700_000_000, 280_000_000)
    by_org = {(r[0], r[1]): r[2:] for r in table.rows[:-1]}
    assert by_org[("Mengurangi beban pengeluaran", "Dinsos")] == [
        1, 400_000_000.0, 200_000_000.0, 50.0, 50.0]
    assert by_org[("Meningkatkan pendapatan dan kemampuan", "Dinsos")] == [
        1, 100_000_000.0, 30_000_000.0, 30.0, 20.0]
    tags = _rows(_table(document, "Penandaan Belanja"))
    assert tags["Langsung"][:3] == [2, 600_000_000.0, 250_000_000.0]
    assert tags["Penunjang"][:3] == [1, 100_000_000.0, 30_000_000.0]
    funding = _rows(_table(document, "Sumber Pendanaan"))
    assert funding["APBD kabupaten/kota"] == [3, 700_000_000.0, 280_000_000.0, 40.0]
    strategy = _rows(_table(document, "Strategi Penanggulangan Kemiskinan"))
    assert strategy["Mengurangi beban pengeluaran"] == [
        grouped["burden"].items, grouped["burden"].budget, pytest.approx(600 / 7)]


def test_register_and_convergence_tables_equal_the_stored_figures(document, bandung_data):
    figures = convergence.region_figures("32.04", YEAR)
    total = figures["total"]
    run = figures["runs"][0]
    conv = _table(document, "Capaian Konvergensi")
    values = _rows(conv)
    assert values["Keluarga sasaran"] == [total["target_families"], 100.0]
    assert values["Keluarga sasaran yang dijangkau sedikitnya satu program"][0] == \
        total["reached_families"] == 1
    assert values["Keluarga sasaran yang belum dijangkau program mana pun"][0] == \
        total["unreached_families"] == 2
    assert conv.as_of == timezone.localdate(run.computed_at)
    assert conv.source == ("Konvergensi data sasaran dan intervensi program (Konvergen)")
    desil = _rows(_table(document, "Data Sasaran menurut Desil"))
    assert {d: v[0] for d, v in desil.items()} == {"1": 1, "2": 1, "3": 1, "Total": 3}
    assert desil["1"][2:4] == [1, 1]  # desil 1: a target family, reached
    assert desil["Total"][2:] == [3, 1, pytest.approx(100 / 3)]
    status = _table(document, "Kemiskinan Ekstrem")
    assert status.as_of == dt.date(2026, 1, 15)
    assert status.source == "Data sasaran P3KE (Konvergen)"
    counts = _rows(status)
    assert [counts[s][0] for s in ("Miskin ekstrem", "Miskin", "Rentan", "Total")] == [
        1, 1, 1, 3]
    kecamatan = _rows(_table(document, "Konvergensi menurut Kecamatan"))
    assert kecamatan["Cileunyi"][:3] == [3, 1, 2]
    assert kecamatan["Total"][:3] == [3, 1, 2]


def test_indicator_tables_carry_the_official_figures_and_their_period(document):
    table = _table(document, "Tingkat Kemiskinan (P0, P1, P2)")
    p0 = _rows(table)["Persentase penduduk miskin (P0)"]
    # Unit, year, realised, 2026 on the trajectory (no target set for 2026), achievement
    # against the 2025 trajectory (6,0), status, province, national.
    assert p0 == ["%", "2025", "6,20", "5,60", pytest.approx((2 * 6.0 - 6.2) / 6.0 * 100),
                  "Perlu perhatian", "7,02", "8,47"]
    note = _section(document, "Tingkat Kemiskinan (P0, P1, P2)").blocks[2]
    assert isinstance(note, Note) and "trayektori" in note.text
    assert table.as_of == dt.date(2025, 6, 30)  # the RPJMD's date, later than March 2025
    assert table.source == "BPS (bps-p0.csv); RPJMD Kabupaten Bandung 2025–2029"
    trajectory = _rows(_table(document, "Target dan Trayektori"))
    assert trajectory["2024"][:4] == [6.4, None, 6.4, 6.4]
    assert trajectory["2026"][2] == pytest.approx(5.6)
    assert trajectory["2029"][1] == 4.4
    chart = next(b for b in _section(document, "Tingkat Kemiskinan (P0, P1, P2)").blocks
                 if isinstance(b, Chart))
    assert chart.as_of == dt.date(2025, 3, 31)
    realised = next(s for s in chart.series if s.name == "Realisasi")
    assert list(realised.values[:3]) == [6.8, 6.4, 6.2]


def test_governance_tables_come_from_the_plans_and_the_villages(document):
    musdes = _table(document, "Musyawarah Desa dan Verifikasi Data")
    assert musdes.as_of == dt.date(2026, 2, 3)
    desa = Region.objects.filter(code__startswith="32.04.05.", level=Level.DESA,
                                 is_active=True).count()
    # Desa of Cileunyi, of them one held a deliberation, one deliberation, one proposal.
    assert _rows(musdes)["Cileunyi"][:4] == [desa, 1, 1, 1]
    sources = _rows(_table(document, "Sumber Data"))
    assert sources["Data sasaran"] == ["P3KE", "15-01-2026"]
    assert sources["Musyawarah desa (musdes)"] == ["1 musyawarah", "03-02-2026"]
    obstacles = _table(document, "Permasalahan")
    assert ["Dinsos", "2", "Data penerima belum padan.", "Verifikasi ulang bersama desa."] in [
        list(r) for r in obstacles.rows]
    meetings, reporting = [b for b in _section(document, "Rapat Koordinasi dan Pelaporan").blocks
                           if isinstance(b, Table)]
    assert [r[2] for r in meetings.rows] == [
        "Rapat Pleno Penetapan Sasaran", "Rapat Koordinasi Triwulan I",
        "Rapat Koordinasi Triwulan II", "Rapat Evaluasi Tahunan"]
    assert meetings.source == "Catatan rapat TKPK (Konvergen)"
    compliance = _rows(reporting)
    assert list(compliance) == ["I", "II", "III", "IV"]
    scorecard = _table(document, "Kinerja Perangkat Daerah dan Mitra")
    assert {r[1] for r in scorecard.rows} >= {"Dinas Sosial", "Dinas Kesehatan"}
    assert [r[0] for r in scorecard.rows] == sorted(r[0] for r in scorecard.rows)


def test_the_stored_content_reads_back_as_the_same_document(document):
    data = serial.to_data(document)
    assert serial.to_data(serial.from_data(data)) == data
    import json

    assert json.loads(json.dumps(data)) == data


def test_generation_reads_aggregates_not_families(personas, bandung_data):
    report = services.report_create(region=personas.bandung, year=YEAR,
                                    acting_user=personas.tkpk_bandung)
    with CaptureQueriesContext(connection) as queries:
        build.build_document(report, today=TODAY)
    family_tables = ("registry_family\"", "registry_personrecord", "registry_familyrecord",
                     "welfare_familywelfare")
    for query in queries.captured_queries:
        sql = query["sql"]
        assert not any(t in sql for t in family_tables), sql
        if "convergence_familyconvergence" in sql:
            assert "GROUP BY" in sql or "COUNT(" in sql, sql
    assert len(queries) < 150
