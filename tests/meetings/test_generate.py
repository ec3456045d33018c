"""Chapter VI of the LP2KD lists the TKPK's meetings of the year: the table's rows are the
region's meetings of that year (date, kind, title, decisions, attendees) with their source
and as-of date; a year without meetings says so; a report whose outline predates the
meetings block still builds, and gets the block by "Add a block"."""

import datetime as dt

import pytest
from django.utils import timezone

from konvergen.meetings import selectors
from konvergen.meetings import services as meetings
from konvergen.reports import build, serial, services
from konvergen.reports.document import Note, Table
from konvergen.reports.generators.governance import DECISIONS_SUMMARY
from konvergen.reports.models import OutlineBlock
from tests.meetings.fixtures import YEAR, held_meetings

TODAY = dt.date(YEAR + 1, 2, 1)
SECTION = {"id": "Rapat Koordinasi dan Pelaporan", "en": "Coordination meetings and reporting"}
CAPTION = "Rapat TKPK Kabupaten Bandung, 2026"


def _chapter_6(document):
    chapter = document.chapters[5]
    assert chapter.heading() == "BAB VI"
    return chapter


def _section(document, language="id"):
    return next(s for s in _chapter_6(document).sections if s.title == SECTION[language])


def _meetings_table(document, language="id") -> Table | None:
    return next((b for b in _section(document, language).blocks
                 if isinstance(b, Table) and b.columns[0].title in ("Tanggal", "Date")), None)


def _build(personas, year=YEAR, language="id"):
    report = services.report_create(region=personas.bandung, year=year, language=language,
                                    acting_user=personas.tkpk_bandung)
    return report, build.build_document(report, today=TODAY)


def test_chapter_6_lists_the_years_meetings_with_source_and_date(personas):
    held = held_meetings(personas)
    _report, document = _build(personas)
    table = _meetings_table(document)
    assert table is not None and table.caption == CAPTION
    assert [c.title for c in table.columns] == [
        "Tanggal", "Jenis rapat", "Rapat", "Keputusan", "Peserta"]
    assert [list(r) for r in table.rows] == [
        ["12-02-2026", "Rapat pleno", "Rapat Pleno Penetapan Sasaran",
         "Data sasaran P3KE ditetapkan; Rencana aksi paling lambat Februari", 42],
        ["22-04-2026", "Rapat koordinasi (rakor)", "Rapat Koordinasi Triwulan I",
         "Percepatan rehabilitasi RTLH bagi desil 1", 35],
        ["24-07-2026", "Rapat koordinasi (rakor)", "Rapat Koordinasi Triwulan II", "–", 38],
        ["25-11-2026", "Rapat evaluasi", "Rapat Evaluasi Tahunan",
         "Capaian dirangkum sebagai bahan LP2KD", 40],
    ]
    # The rows are the selector's meetings: not Cirebon's, not last year's.
    expected = selectors.meetings_of_year(personas.bandung, YEAR)
    assert [r[2] for r in table.rows] == [m.title for m in expected]
    assert held["cirebon"] not in expected and held["last_year"] not in expected
    assert table.source == "Catatan rapat TKPK (Konvergen)"
    assert table.as_of == max(timezone.localdate(m.updated_at) for m in expected)
    note = _section(document).blocks[_section(document).blocks.index(table) + 1]
    assert isinstance(note, Note) and note.source == table.source
    assert note.text == ("4 rapat diselenggarakan pada tahun 2026: rapat koordinasi (rakor) 2, "
                         "rapat pleno 1, rapat evaluasi 1.")
    # The meetings come before the quarterly reporting in the section, after its text.
    kinds = [type(b).__name__ for b in _section(document).blocks]
    assert kinds[:3] == ["Narrative", "Table", "Note"]
    assert "Pada tahun 2026 TKPK Kabupaten Bandung menyelenggarakan rapat-rapat" in (
        _section(document).blocks[0].paragraphs[0])
    # Chapter I counts them among the data sources.
    sources = next(s for s in document.chapters[0].sections if s.title == "Sumber Data")
    rows = {r[0]: list(r[1:]) for r in sources.blocks[0].rows}
    assert rows["Rapat TKPK"] == ["4 rapat", table.as_of.strftime("%d-%m-%Y")]
    # The stored content reads back the same.
    assert serial.to_data(serial.from_data(serial.to_data(document))) == serial.to_data(
        document)


def test_an_english_report_lists_them_in_english(personas):
    held_meetings(personas)
    _report, document = _build(personas, language="en")
    table = _meetings_table(document, "en")
    assert table.caption == "Meetings of the TKPK of Kabupaten Bandung, 2026"
    assert [r[1] for r in table.rows] == [
        "Plenary meeting (rapat pleno)", "Coordination meeting (rakor)",
        "Coordination meeting (rakor)", "Evaluation meeting"]
    assert table.source == "TKPK meeting records (Konvergen)"


def test_long_decisions_are_summarised_on_one_line(personas):
    decisions = "\n".join(f"- Keputusan nomor {n} tentang percepatan program" for n in range(20))
    meetings.meeting_create(region=personas.bandung, acting_user=personas.tkpk_bandung,
                            data={"held_on": dt.date(YEAR, 5, 5), "kind": "technical",
                                  "title": "Rapat Pokja", "decisions": decisions,
                                  "attendees": 12})
    _report, document = _build(personas)
    [row] = _meetings_table(document).rows
    assert len(row[3]) == DECISIONS_SUMMARY and row[3].endswith("…")
    assert row[3].startswith("Keputusan nomor 0 tentang percepatan program; Keputusan nomor 1")
    assert row[1] == "Rapat teknis atau kelompok kerja"


def test_a_year_without_meetings_says_so_and_the_report_still_builds(personas):
    held_meetings(personas)
    _report, document = _build(personas, year=YEAR + 1)
    assert _meetings_table(document) is None
    notes = [b.text for b in _section(document).blocks if isinstance(b, Note)]
    assert notes == ["Belum ada rapat TKPK Kabupaten Bandung tahun 2027 yang dicatat."]


@pytest.mark.parametrize("kind", ["draft", "next_year"])
def test_a_report_with_the_outline_before_meetings_still_builds(personas, kind):
    """A report made before the meetings block (its outline has none), and next year's
    report copying that outline: both build, without the table, until the block is added."""
    held_meetings(personas)
    old = services.report_create(region=personas.bandung, year=YEAR - 1,
                                 acting_user=personas.tkpk_bandung)
    OutlineBlock.objects.filter(section__chapter__report=old,
                                generator="meetings_held").delete()
    report = old
    if kind == "next_year":
        report = services.report_create(region=personas.bandung, year=YEAR,
                                        acting_user=personas.tkpk_bandung)
        assert not OutlineBlock.objects.filter(section__chapter__report=report,
                                               generator="meetings_held").exists()
    document = build.build_document(report, today=TODAY)
    assert _meetings_table(document) is None
    assert [b for b in _section(document).blocks if isinstance(b, Table)]  # reporting

    section = OutlineBlock.objects.get(section__chapter__report=report,
                                       generator="reporting_compliance").section
    services.report_block_add(report=report, section=section, generator="meetings_held",
                              acting_user=personas.tkpk_bandung)
    table = _meetings_table(build.build_document(report, today=TODAY))
    assert table is not None and len(table.rows) == (1 if report.year == YEAR - 1 else 4)
