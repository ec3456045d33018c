"""The generated LP2KD as a reader gets it: the published PDF read page by page (cover,
contents, every chapter on its own page, numbered tables with their sources, the figures
drawn), the draft marked DRAFT on every page, and the DOCX opened by LibreOffice."""

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from konvergen.reports import serial, services
from konvergen.reports.document import Chart, Map, Table, source_line
from tests.reports.test_render import _footer_number, _pdf_pages, _pictures_drawn

YEAR = 2026
CHAPTERS = [
    ("BAB I", "PENDAHULUAN"), ("BAB II", "KONDISI UMUM DAN PROFIL KEMISKINAN"),
    ("BAB III", "KEBIJAKAN DAN STRATEGI"), ("BAB IV", "PELAKSANAAN PROGRAM DAN KEGIATAN"),
    ("BAB V", "KONVERGENSI SASARAN"), ("BAB VI", "KELEMBAGAAN DAN TATA KELOLA TKPK"),
    ("BAB VII", "PERMASALAHAN, REKOMENDASI DAN PENUTUP"), ("LAMPIRAN", "TABEL PENDUKUNG"),
]


def _blocks(content: dict, kind):
    document = serial.from_data(content)
    return [(chapter, b) for chapter in document.chapters for s in chapter.sections
            for b in s.blocks if isinstance(b, kind)]


def test_the_published_pdf_page_by_page(personas, bandung_data):
    secretariat, chair = personas.tkpk_bandung, personas.tkpk_chair
    report = services.report_create(region=personas.bandung, year=YEAR,
                                    acting_user=secretariat)
    draft = services.report_generate(report=report, acting_user=secretariat)
    assert draft.status == "done", draft.error
    services.report_submit(report=report, acting_user=secretariat)
    services.report_approve(report=report, acting_user=chair)
    report = services.report_publish(report=report, acting_user=chair)
    final = report.final
    assert final.status == "done", final.error
    path = Path(final.pdf_path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == final.pdf_sha256

    reader, pages = _pdf_pages(path)
    cover = pages[0]
    for text in ("LP2KD", "Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah",
                 "Kabupaten Bandung", "Tahun 2026",
                 "Tim Koordinasi Penanggulangan Kemiskinan (TKPK) Kabupaten Bandung"):
        assert text in cover
    assert not any("DRAFT" in page for page in pages)

    # The contents list every chapter; each chapter starts a page of its own, in order.
    contents = "\n".join(pages[1:4])
    starts = []
    for heading, title in CHAPTERS:
        assert f"{heading} {title}" in contents
        found = [i for i, page in enumerate(pages) if page.lstrip().startswith(
            f"{heading}\n{title}")]
        assert len(found) == 1, (heading, found)
        starts.append(found[0])
    assert starts == sorted(starts)
    body = pages[starts[0]:]
    assert [_footer_number(p) for p in body] == [str(n) for n in range(1, len(body) + 1)]

    # Every table has its numbered caption, and its source line under it (on the same
    # page, or on the page where a long table ends).
    flat = [" ".join(p.split()) for p in pages]
    tables = _blocks(final.content, Table)
    assert len(tables) >= 25
    counters: dict[str, int] = {}
    for chapter, table in tables:
        prefix = "L" if chapter.annex else str(chapter.number)
        counters[prefix] = counters.get(prefix, 0) + 1
        label = f"Tabel {prefix}.{counters[prefix]} {' '.join(table.caption.split()[:5])}"
        at = next((i for i, p in enumerate(flat) if label in p), None)
        assert at is not None, label
        line = " ".join(source_line(table.source, table.as_of).split())
        assert any(line in p for p in flat[at:at + 12]), (label, line)
    text = "\n".join(pages)
    assert "Sumber: BPS (bps-p0.csv)" in text
    assert "Sumber: Data sasaran P3KE (Konvergen) (per 15-01-2026)" in text
    assert "Kabupaten Bandung" in text and "700.000.000" in text and "280.000.000" in text

    # Every chart is drawn as a picture on the page of its caption.
    figures = _blocks(final.content, Chart | Map)
    assert len(figures) == 5
    for number, page in enumerate(pages):
        if re.search(r"Gambar \d+\.\d+", page):
            assert _pictures_drawn(reader.pages[number]), page[:200]
    assert sum(_pictures_drawn(p) for p in reader.pages) == len(figures)

    # The draft that was approved says DRAFT on every page; its numbers are the same.
    _reader, draft_pages = _pdf_pages(Path(report.edition.pdf_path))
    assert all("DRAFT" in page for page in draft_pages)
    assert len(draft_pages) == len(pages)


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed")
def test_the_docx_opens_in_libreoffice(personas, bandung_data, tmp_path):
    report = services.report_create(region=personas.bandung, year=YEAR,
                                    acting_user=personas.tkpk_bandung)
    draft = services.report_generate(report=report, acting_user=personas.tkpk_bandung)
    assert draft.status == "done", draft.error
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: no clash with another
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), draft.docx_path],
                   check=True, capture_output=True, timeout=240)
    converted = tmp_path / "lo" / (Path(draft.docx_path).stem + ".pdf")
    assert converted.exists(), "LibreOffice did not write a PDF"
    reader, pages = _pdf_pages(converted)
    text = "\n".join(pages)
    for _heading, title in CHAPTERS:
        assert title in text
    for expected in ("Sumber: Data sasaran P3KE (Konvergen) (per 15-01-2026)",
                     "700.000.000", "DRAFT — belum disahkan"):
        assert expected in text
    assert sum(_pictures_drawn(p) for p in reader.pages) == 5
