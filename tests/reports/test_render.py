"""The LP2KD renderers, through the front door: a small report with every kind of block,
rendered to PDF and DOCX on disk, read back with pypdf and python-docx, and opened by
LibreOffice as a reader would.
"""

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pypdf import PdfReader
from pypdf.generic import ContentStream

from konvergen.reports.charts import chart_png, map_png
from konvergen.reports.document import (
    ERROR_CELL_TYPE,
    ERROR_NO_SOURCE,
    ERROR_ROW_WIDTH,
    ERROR_SERIES_LENGTH,
    Area,
    Chapter,
    Chart,
    Column,
    Document,
    Legend,
    Map,
    MapFeature,
    Narrative,
    Note,
    Point,
    Section,
    Series,
    Table,
    format_number,
    geometry_from_geojson,
    source_line,
)
from konvergen.reports.render_docx import STYLE_SOURCE, render_docx
from konvergen.reports.render_pdf import render_pdf

BPS = "BPS Kabupaten Bandung"
BPS_AS_OF = date(2024, 3, 31)
BPS_LINE = "Sumber: BPS Kabupaten Bandung (per 31-03-2024)"
P3KE = "P3KE Kemenko PMK"
P3KE_AS_OF = date(2024, 6, 30)
P3KE_LINE = "Sumber: P3KE Kemenko PMK (per 30-06-2024)"
APBD = "Bappeda Kabupaten Bandung"
APBD_AS_OF = date(2024, 12, 31)
APBD_LINE = "Sumber: Bappeda Kabupaten Bandung (per 31-12-2024)"


def _square(lon: float, lat: float, size: float = 0.1) -> Area:
    ring = ((lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size))
    return Area((ring,))


def lp2kd(*, draft: bool = True) -> Document:
    """A small LP2KD of Kabupaten Bandung with a narrative, two tables, a line and a bar
    chart, a map and notes, over three chapters."""
    poverty_table = Table(
        caption="Persentase dan jumlah penduduk miskin Kabupaten Bandung, 2020–2024",
        columns=[
            Column(title="Tahun"),
            Column(title="Penduduk miskin (jiwa)", kind="number"),
            Column(title="P0", kind="percent", decimals=2),
            Column(title="Garis kemiskinan (Rp/kapita/bulan)", kind="number"),
        ],
        rows=[
            ["2020", 263_600, 7.15, 413_210],
            ["2021", 273_100, 7.41, 431_842],
            ["2022", 256_500, 6.80, 462_507],
            ["2023", 242_450, 6.40, 489_337.5],
            ["2024", None, 6.225, 511_920],
        ],
        source=BPS,
        as_of=BPS_AS_OF,
    )
    budget_table = Table(
        caption="Anggaran dan realisasi program penanggulangan kemiskinan menurut strategi",
        columns=[
            Column(title="Strategi"),
            Column(title="Anggaran (Rp)", kind="number"),
            Column(title="Realisasi (Rp)", kind="number"),
            Column(title="Capaian", kind="percent", decimals=1),
        ],
        rows=[
            ["Mengurangi beban pengeluaran", 1_234_567_890, Decimal("1100000000.50"), 89.1],
            ["Meningkatkan pendapatan", 2_500_000_000, 2_125_000_000, 85.0],
            ["Mengurangi kantong kemiskinan", 750_000_000, 600_000_000, 80.0],
            ["Jumlah", 4_484_567_890, 3_825_000_000.5, 85.3],
        ],
        source=APBD,
        as_of=APBD_AS_OF,
        total_row=True,
    )
    trend = Chart(
        caption="Perkembangan persentase penduduk miskin (P0), 2020–2024",
        kind="line",
        categories=["2020", "2021", "2022", "2023", "2024"],
        series=[
            Series(name="Kabupaten Bandung", values=[7.15, 7.41, 6.80, 6.40, 6.23]),
            Series(name="Jawa Barat", values=[7.88, 8.40, 7.98, 7.62, None]),
        ],
        source=BPS,
        as_of=BPS_AS_OF,
        y_label="P0 (%)",
        decimals=2,
    )
    families = Chart(
        caption="Keluarga desil 1 menurut kecamatan",
        kind="bar",
        categories=["Baleendah", "Banjaran", "Cileunyi", "Dayeuhkolot", "Margahayu"],
        series=[Series(name="Keluarga desil 1", values=[12_034, 8_450, 9_870, 15_320, 4_300])],
        source=P3KE,
        as_of=P3KE_AS_OF,
        y_label="Keluarga",
    )
    pockets = Map(
        caption="Sebaran persentase keluarga miskin ekstrem menurut kecamatan",
        features=[
            MapFeature(geometry=_square(107.5, -7.1), value=2.4, label="Baleendah"),
            MapFeature(geometry=_square(107.6, -7.1), value=6.1, label="Banjaran"),
            MapFeature(geometry=_square(107.5, -7.0), value=11.8, label="Cileunyi"),
            MapFeature(geometry=_square(107.6, -7.0), value=None, label="Dayeuhkolot"),
            MapFeature(geometry=Point(107.55, -6.95), value=8.0, label="Soreang"),
        ],
        legend=Legend(title="Miskin ekstrem (%)", breaks=[5, 10]),
        source=P3KE,
        as_of=P3KE_AS_OF,
    )
    return Document(
        title="LP2KD",
        subtitle="Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah",
        region_name="Kabupaten Bandung",
        year=2024,
        as_of=date(2025, 3, 31),
        issuer="Tim Koordinasi Penanggulangan Kemiskinan Daerah Kabupaten Bandung",
        draft=draft,
        chapters=[
            Chapter(
                number=1,
                title="PENDAHULUAN",
                sections=[
                    Section(
                        title="Latar Belakang",
                        blocks=[
                            Narrative(
                                paragraphs=[
                                    "Penanggulangan kemiskinan merupakan prioritas pembangunan "
                                    "daerah yang dikoordinasikan oleh TKPK.",
                                    "Laporan ini disusun sesuai Permendagri Nomor 53 Tahun 2020.",
                                ]
                            ),
                            Note(text="Angka tahun 2024 bersifat sementara."),
                        ],
                    ),
                    Section(
                        title="Dasar Hukum",
                        blocks=[Narrative(paragraphs=["Peraturan Presiden Nomor 96 Tahun 2015."])],
                    ),
                ],
            ),
            Chapter(
                number=2,
                title="KONDISI KEMISKINAN DAERAH",
                sections=[
                    Section(
                        title="Tingkat Kemiskinan",
                        blocks=[
                            Narrative(paragraphs=["Tingkat kemiskinan terus menurun sejak 2021."]),
                            poverty_table,
                            trend,
                        ],
                    ),
                    Section(
                        title="Sebaran Kemiskinan",
                        blocks=[
                            families,
                            pockets,
                            Note(
                                text="Kecamatan tanpa data belum memutakhirkan P3KE.",
                                source=P3KE,
                                as_of=P3KE_AS_OF,
                            ),
                        ],
                    ),
                ],
            ),
            Chapter(
                number=3,
                title="PELAKSANAAN PROGRAM",
                sections=[Section(title="Anggaran dan Realisasi", blocks=[budget_table])],
            ),
        ],
    )


# --- Formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1_234_567, 0, "1.234.567"),
        (1_234_567.891, 2, "1.234.567,89"),
        (6.225, 2, "6,23"),  # half up on the decimal digits, not on the binary float
        (2.5, 0, "3"),
        (-1_234.5, 1, "-1.234,5"),
        (-0.04, 1, "0,0"),
        (Decimal("1100000000.50"), 0, "1.100.000.001"),
        (0, 2, "0,00"),
        (None, 0, "..."),
        (float("nan"), 1, "..."),
    ],
)
def test_numbers_are_written_the_indonesian_way(value, decimals, expected):
    assert format_number(value, decimals=decimals) == expected


def test_numbers_in_an_english_report_use_english_marks():
    assert format_number(1_234_567.891, decimals=2, language="en") == "1,234,567.89"


def test_a_source_line_names_the_source_and_the_date_of_the_figures():
    assert source_line(BPS, BPS_AS_OF) == BPS_LINE
    assert source_line(BPS, BPS_AS_OF, "en") == "Source: BPS Kabupaten Bandung (as of 31-03-2024)"


def test_table_cells_are_formatted_by_their_column():
    result = lp2kd().chapters[1].sections[0].blocks[1].formatted_rows()
    expected_2023 = ["2023", "242.450", "6,40%", "489.338"]
    assert result[3] == expected_2023
    assert result[4] == ["2024", "...", "6,23%", "511.920"]


def test_a_figure_without_a_source_is_refused():
    with pytest.raises(ValueError, match=re.escape(ERROR_NO_SOURCE)):
        Table(
            caption="Tanpa sumber",
            columns=[Column(title="A")],
            rows=[],
            source=" ",
            as_of=BPS_AS_OF,
        )
    with pytest.raises(ValueError, match=re.escape(ERROR_NO_SOURCE)):
        Note(text="Angka sementara.", source=BPS)


def test_a_table_refuses_ragged_rows_and_text_in_number_columns():
    columns = [Column(title="Desa"), Column(title="KK", kind="number")]
    with pytest.raises(
        ValueError, match=re.escape(ERROR_ROW_WIDTH.format(row=1, got=1, expected=2))
    ):
        Table(caption="x", columns=columns, rows=[["Sukamaju"]], source=BPS, as_of=BPS_AS_OF)
    with pytest.raises(
        ValueError, match=re.escape(ERROR_CELL_TYPE.format(row=1, column="KK", value="12"))
    ):
        Table(caption="x", columns=columns, rows=[["Sukamaju", "12"]], source=BPS, as_of=BPS_AS_OF)


def test_a_chart_refuses_a_series_that_does_not_match_its_categories():
    message = ERROR_SERIES_LENGTH.format(name="P0", got=1, expected=2)
    with pytest.raises(ValueError, match=re.escape(message)):
        Chart(
            caption="x",
            kind="line",
            categories=["2023", "2024"],
            series=[Series(name="P0", values=[6.4])],
            source=BPS,
            as_of=BPS_AS_OF,
        )


def test_legend_classes_put_a_value_on_a_break_in_the_class_above():
    legend = Legend(title="P0 (%)", breaks=[5, 10], decimals=1)
    assert legend.class_labels() == ["< 5,0", "5,0 – < 10,0", "≥ 10,0"]
    assert [legend.class_of(v) for v in (4.99, 5, 9.99, 10, 25)] == [0, 1, 1, 2, 2]


def test_geojson_polygons_and_points_become_map_geometry():
    polygon = {
        "type": "MultiPolygon",
        "coordinates": [[[(107.5, -7.1), (107.6, -7.1), (107.6, -7.0), (107.5, -7.1)]]],
    }
    result = geometry_from_geojson(polygon)
    assert result == Area(((((107.5, -7.1), (107.6, -7.1), (107.6, -7.0), (107.5, -7.1))),))
    assert geometry_from_geojson({"type": "Point", "coordinates": [107.5, -7.0]}) == Point(
        107.5, -7.0
    )


def test_charts_and_maps_are_png_and_the_same_every_time():
    chapter = lp2kd().chapters[1]
    trend, pockets = chapter.sections[0].blocks[2], chapter.sections[1].blocks[1]
    png = chart_png(trend)
    assert png.startswith(b"\x89PNG")
    assert png == chart_png(trend)
    assert map_png(pockets) == map_png(pockets)


# --- PDF ------------------------------------------------------------------------------------


def _pdf_pages(path: Path) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(path)
    return reader, [page.extract_text() for page in reader.pages]


def _page_with(pages: list[str], text: str) -> int:
    found = [i for i, page in enumerate(pages) if text in page]
    assert found, f"{text!r} is on no page"
    return found[0]


def _pictures_drawn(page) -> int:
    """Images the page's content actually paints. Not ``page.images``: WeasyPrint and
    LibreOffice give every page one resource dictionary listing the whole document's images."""

    def count(stream, resources) -> int:
        xobjects = resources.get("/XObject", {}) if resources else {}
        total = 0
        for operands, operator in ContentStream(stream, page.pdf).operations:
            if operator != b"Do":
                continue
            xobject = xobjects[operands[0]].get_object()
            if xobject["/Subtype"] == "/Image":
                total += 1
            elif xobject["/Subtype"] == "/Form":
                total += count(xobject, xobject.get("/Resources"))
        return total

    return count(page.get_contents(), page["/Resources"])


def _footer_number(page_text: str) -> str:
    return page_text.strip().splitlines()[-1].strip()


@pytest.fixture(scope="module")
def draft_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "lp2kd.pdf"
    path.write_bytes(render_pdf(lp2kd()))
    return path


def test_pdf_opens_with_a_cover_and_a_table_of_contents(draft_pdf):
    _, pages = _pdf_pages(draft_pdf)
    cover = pages[0]
    for text in ("LP2KD", "Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah",
                 "Kabupaten Bandung", "Tahun 2024", "DRAFT"):  # fmt: skip
        assert text in cover
    contents = pages[1]
    assert "DAFTAR ISI" in contents
    for text in ("BAB I PENDAHULUAN", "1.2 Dasar Hukum", "BAB II KONDISI KEMISKINAN DAERAH",
                 "BAB III PELAKSANAAN PROGRAM"):  # fmt: skip
        assert text in contents
    assert _footer_number(contents) == "ii"


def test_pdf_table_of_contents_points_at_the_pages_the_chapters_are_on(draft_pdf):
    _, pages = _pdf_pages(draft_pdf)
    listed = dict(re.findall(r"(BAB [IVX]+) [A-Z ]+?\s*\.{3,}\s*(\d+)", pages[1]))
    assert set(listed) == {"BAB I", "BAB II", "BAB III"}
    assert listed["BAB I"] == "1"
    for heading, number in listed.items():
        page = next(p for p in pages[2:] if _footer_number(p) == number)
        assert re.search(rf"^{heading}$", page, re.MULTILINE), (heading, number)


def test_pdf_chapters_start_on_their_own_pages(draft_pdf):
    _, pages = _pdf_pages(draft_pdf)
    chapter_pages = [
        _page_with(pages, "PENDAHULUAN\n1.1"),
        _page_with(pages, "KONDISI KEMISKINAN DAERAH\n2.1"),
        _page_with(pages, "PELAKSANAAN PROGRAM\n3.1"),
    ]
    assert chapter_pages == sorted(set(chapter_pages))
    assert chapter_pages[0] == 2


def test_pdf_tables_show_indonesian_numbers_with_their_source(draft_pdf):
    _, pages = _pdf_pages(draft_pdf)
    poverty = pages[_page_with(pages, "Tabel 2.1 Persentase dan jumlah penduduk miskin")]
    for text in ("263.600", "7,15%", "489.338", "6,23%", "...", BPS_LINE):
        assert text in poverty
    budget = pages[_page_with(pages, "Tabel 3.1 Anggaran dan realisasi")]
    for text in ("1.234.567.890", "1.100.000.001", "4.484.567.890", "85,3%", APBD_LINE):
        assert text in budget


def test_pdf_pages_with_figures_carry_the_pictures_captions_and_sources(draft_pdf):
    reader, pages = _pdf_pages(draft_pdf)
    captions = {
        "Gambar 2.1 Perkembangan persentase penduduk miskin (P0), 2020–2024": BPS_LINE,
        "Gambar 2.2 Keluarga desil 1 menurut kecamatan": P3KE_LINE,
        "Gambar 2.3 Sebaran persentase keluarga miskin ekstrem menurut kecamatan": P3KE_LINE,
    }
    figure_pages = set()
    for caption, line in captions.items():
        index = _page_with(pages, caption)
        assert line in pages[index]
        assert _pictures_drawn(reader.pages[index]), f"no picture on the page of {caption!r}"
        figure_pages.add(index)
    drawn = [_pictures_drawn(page) for page in reader.pages]
    assert sum(drawn[i] for i in figure_pages) == sum(drawn) == 3


def test_pdf_notes_and_page_numbers(draft_pdf):
    _, pages = _pdf_pages(draft_pdf)
    assert "Catatan: Angka tahun 2024 bersifat sementara." in pages[2]
    assert "Catatan: Kecamatan tanpa data belum memutakhirkan P3KE." in "".join(pages)
    assert [_footer_number(p) for p in pages[2:]] == [str(n) for n in range(1, len(pages) - 1)]


def test_every_page_of_a_draft_says_so_and_a_published_report_does_not(draft_pdf, tmp_path):
    _, pages = _pdf_pages(draft_pdf)
    assert all("DRAFT — belum disahkan" in page for page in pages)

    published = tmp_path / "lp2kd-final.pdf"
    published.write_bytes(render_pdf(lp2kd(draft=False)))
    _, final_pages = _pdf_pages(published)
    assert not any("DRAFT" in page for page in final_pages)
    assert "BAB I" in final_pages[2]


def test_pdf_bookmarks_follow_the_chapters(draft_pdf):
    reader = PdfReader(draft_pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [t.split()[:2] for t in titles] == [["BAB", "I"], ["BAB", "II"], ["BAB", "III"]]


def test_the_same_report_renders_to_the_same_pdf(draft_pdf):
    assert render_pdf(lp2kd()) == draft_pdf.read_bytes()


# --- DOCX -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def draft_docx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "lp2kd.docx"
    path.write_bytes(render_docx(lp2kd()))
    return path


def _cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_headings_are_words_own_so_the_contents_and_navigation_work(draft_docx):
    word = docx.Document(draft_docx)
    headings = [
        (p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "BAB I\nPENDAHULUAN"),
        ("Heading 2", "1.1 Latar Belakang"),
        ("Heading 2", "1.2 Dasar Hukum"),
        ("Heading 1", "BAB II\nKONDISI KEMISKINAN DAERAH"),
        ("Heading 2", "2.1 Tingkat Kemiskinan"),
        ("Heading 2", "2.2 Sebaran Kemiskinan"),
        ("Heading 1", "BAB III\nPELAKSANAAN PROGRAM"),
        ("Heading 2", "3.1 Anggaran dan Realisasi"),
    ]
    body = word.element.body.xml
    assert 'TOC \\o "1-2"' in body
    contents = [p.text for p in word.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert contents[:2] == ["BAB I PENDAHULUAN", "1.1 Latar Belakang"]


def test_docx_tables_hold_formatted_right_aligned_numbers(draft_docx):
    word = docx.Document(draft_docx)
    poverty, budget = word.tables
    result = _cell_texts(poverty)
    assert result[0] == [
        "Tahun",
        "Penduduk miskin (jiwa)",
        "P0",
        "Garis kemiskinan (Rp/kapita/bulan)",
    ]
    assert result[1] == ["2020", "263.600", "7,15%", "413.210"]
    assert result[5] == ["2024", "...", "6,23%", "511.920"]
    assert _cell_texts(budget)[1][1:] == ["1.234.567.890", "1.100.000.001", "89,1%"]
    row = poverty.rows[1].cells
    assert row[0].paragraphs[0].alignment is None
    assert {c.paragraphs[0].alignment for c in row[1:]} == {WD_ALIGN_PARAGRAPH.RIGHT}
    assert all(run.bold for run in budget.rows[-1].cells[1].paragraphs[0].runs)
    assert "w:tblHeader" in poverty.rows[0]._tr.xml


def test_docx_figures_are_inline_pictures_with_captions_and_sources(draft_docx):
    word = docx.Document(draft_docx)
    assert len(word.inline_shapes) == 3
    texts = [p.text for p in word.paragraphs]
    for caption in (
        "Tabel 2.1 Persentase dan jumlah penduduk miskin Kabupaten Bandung, 2020–2024",
        "Gambar 2.1 Perkembangan persentase penduduk miskin (P0), 2020–2024",
        "Gambar 2.2 Keluarga desil 1 menurut kecamatan",
        "Gambar 2.3 Sebaran persentase keluarga miskin ekstrem menurut kecamatan",
        "Tabel 3.1 Anggaran dan realisasi program penanggulangan kemiskinan menurut strategi",
    ):
        assert caption in texts
    sources = [p.text for p in word.paragraphs if p.style.name == STYLE_SOURCE]
    assert sources == [BPS_LINE, BPS_LINE, P3KE_LINE, P3KE_LINE, P3KE_LINE, APBD_LINE]
    picture = texts.index("Gambar 2.1 Perkembangan persentase penduduk miskin (P0), 2020–2024") - 1
    assert word.paragraphs[picture]._p.xpath(".//pic:pic")


def test_docx_pages_are_numbered_and_a_draft_says_so_in_every_header(draft_docx):
    word = docx.Document(draft_docx)
    front, body = word.sections
    assert front.different_first_page_header_footer  # no number on the cover
    assert "PAGE" in front.footer._element.xml
    assert body.footer.is_linked_to_previous
    assert 'w:fmt="lowerRoman"' in front._sectPr.xml
    assert 'w:fmt="decimal"' in body._sectPr.xml and 'w:start="1"' in body._sectPr.xml
    assert front.header.paragraphs[0].text == "DRAFT — belum disahkan, jangan dikutip"
    assert front.first_page_header.paragraphs[0].text == front.header.paragraphs[0].text
    assert word.core_properties.content_status == "Draft"

    published = docx.Document(io.BytesIO(render_docx(lp2kd(draft=False))))
    assert "DRAFT" not in published.sections[0].header._element.xml
    assert not any("DRAFT" in p.text for p in published.paragraphs)
    assert published.core_properties.content_status == "Final"


def test_the_same_report_renders_to_the_same_docx(draft_docx):
    assert render_docx(lp2kd()) == draft_docx.read_bytes()


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_opens_the_docx_and_prints_it(draft_docx, tmp_path):
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: no clash with another soffice
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(draft_docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / "lp2kd.pdf"
    assert converted.exists(), "LibreOffice did not write a PDF (is libreoffice-writer installed?)"
    reader, pages = _pdf_pages(converted)
    text = "\n".join(pages)
    for expected in (
        "PENDAHULUAN",
        "KONDISI KEMISKINAN DAERAH",
        "1.234.567.890",
        "6,23%",
        BPS_LINE,
    ):
        assert expected in text
    assert sum(_pictures_drawn(page) for page in reader.pages) == 3
