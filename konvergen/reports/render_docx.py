"""Render a :class:`~konvergen.reports.document.Document` to Word (DOCX) with python-docx.

The DOCX is the editable edition: the TKPK secretariat revises the narrative in Word before
the report is approved. So it uses Word's own machinery wherever there is one — built-in
heading styles (the navigation pane and the table of contents work), a real TOC field,
PAGE fields in the footer, named paragraph styles for captions and source lines, table
header rows that repeat across pages — rather than formatting by hand.

Layout: a cover page (no page number), the table of contents (roman page numbers), then the
chapters in a second section numbered from 1. A draft carries a red banner in every page
header and a large DRAFT mark on the cover.

Word cannot know page numbers until it lays the document out, so the TOC field is stored
with its entries but without page numbers and marked dirty: Word fills the numbers in when
it opens the file (after asking to update fields); LibreOffice via Tools ▸ Update.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, time

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from konvergen.reports.charts import chart_png, map_png
from konvergen.reports.document import (
    CaptionCounter,
    Chapter,
    Chart,
    Document,
    Map,
    Narrative,
    Note,
    Table,
    section_number,
    source_line,
)

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans
TEXT_WIDTH = Cm(15.5)  # A4 less the 3 cm binding margin and the 2.5 cm right margin
FIGURE_WIDTH = Cm(15)
DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)
HEADER_FILL = "D9D9D9"

#: Paragraph styles added to Word's built-in ones; named so a reviewer can restyle them.
STYLE_SOURCE = "Source Line"
STYLE_NOTE = "Note"
STYLE_FIGURE = "Figure"
STYLE_TABLE_TEXT = "Table Text"
STYLE_DRAFT = "Draft Banner"
STYLE_COVER = "Cover"
#: Word's own names for its table-of-contents levels.
STYLE_TOC = ("toc 1", "toc 2")

#: Zip entries get a fixed timestamp, so the same document gives the same bytes.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def render_docx(document: Document) -> bytes:
    """Render ``document`` as DOCX bytes (the same bytes for the same document).

    Examples
    --------
    >>> from datetime import date
    >>> from konvergen.reports.document import Chapter, Document, Narrative, Section
    >>> report = Document(
    ...     title="LP2KD", subtitle="Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah",
    ...     region_name="Kabupaten Bandung", year=2024, as_of=date(2025, 3, 31),
    ...     chapters=[Chapter(number=1, title="PENDAHULUAN", sections=[
    ...         Section(title="Latar Belakang", blocks=[Narrative(paragraphs=["…"])])])])
    >>> render_docx(report)[:2]
    b'PK'
    """
    word = docx.Document()
    _set_up_styles(word, document)

    front = word.sections[0]
    _set_up_page(front)
    front.different_first_page_header_footer = True  # the cover shows no page number
    _page_numbering(front, fmt="lowerRoman")
    if document.draft:
        _draft_banner(front.header.paragraphs[0], document)
        _draft_banner(front.first_page_header.paragraphs[0], document)
    _page_field(front.footer.paragraphs[0])

    _cover(word, document)
    _contents(word, document)

    # The body inherits the front matter's header and footer; only the numbering restarts.
    body = word.add_section(WD_SECTION.NEW_PAGE)
    body.different_first_page_header_footer = False
    _page_numbering(body, fmt="decimal")
    for index, chapter in enumerate(document.chapters):
        _chapter(word, document, chapter, new_page=index > 0)

    _properties(word, document)
    _update_fields_on_open(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


# --- Styles and page set-up --------------------------------------------------------------


def _set_up_styles(word, document: Document) -> None:
    styles = word.styles
    normal = styles["Normal"]
    _font(normal, size=11)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), _language_tag(document))
    normal.element.get_or_add_rPr().append(language)  # Word spell-checks in this language

    body = styles["Body Text"]
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.space_after = Pt(6)
    body.paragraph_format.line_spacing = 1.15

    for name, size, align in (
        ("Heading 1", 14, WD_ALIGN_PARAGRAPH.CENTER),
        ("Heading 2", 12, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        style = styles[name]
        _font(style, size=size, bold=True)
        style.paragraph_format.alignment = align
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(12 if name == "Heading 1" else 6)

    caption = styles["Caption"]
    _font(caption, size=10, bold=True)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)

    for name, points, italic in (
        (STYLE_SOURCE, 8.5, True),
        (STYLE_NOTE, 8.5, False),
        (STYLE_TABLE_TEXT, 9, False),
        (STYLE_FIGURE, 11, False),
        (STYLE_DRAFT, 9, False),
        (STYLE_COVER, 14, False),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _font(style, size=points, italic=italic)
        style.paragraph_format.space_after = Pt(0 if name == STYLE_TABLE_TEXT else 2)
    styles[STYLE_SOURCE].paragraph_format.space_after = Pt(10)
    styles[STYLE_FIGURE].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles[STYLE_FIGURE].paragraph_format.keep_with_next = True
    styles[STYLE_COVER].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    draft = styles[STYLE_DRAFT]
    draft.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    draft.font.bold = True
    draft.font.color.rgb = DRAFT_RED

    for level, name in enumerate(STYLE_TOC):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.paragraph_format.left_indent = Cm(0.8 * level)
        style.paragraph_format.space_before = Pt(6 if level == 0 else 0)
        style.paragraph_format.space_after = Pt(2)
        style.paragraph_format.tab_stops.add_tab_stop(
            TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        style.font.bold = level == 0


def _font(style, *, size: float, bold: bool = False, italic: bool = False) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    # The template's headings name theme fonts, which would win over the font set here.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:cs"), FONT)


def _language_tag(document: Document) -> str:
    return "id-ID" if document.language == "id" else "en-GB"


def _set_up_page(section) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.2)


def _page_numbering(section, *, fmt: str) -> None:
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:fmt"), fmt)
    numbering.set(qn("w:start"), "1")
    section._sectPr.append(numbering)


# --- Fields ---------------------------------------------------------------------------------


def _field_char(paragraph, kind: str, *, dirty: bool = False) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(char)


def _instruction(paragraph, text: str) -> None:
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {text} "
    paragraph.add_run()._r.append(instruction)


def _page_field(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field_char(paragraph, "begin")
    _instruction(paragraph, "PAGE")
    _field_char(paragraph, "separate")
    paragraph.add_run("1")
    _field_char(paragraph, "end")


def _update_fields_on_open(word) -> None:
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)


# --- Front matter ----------------------------------------------------------------------------


def _draft_banner(paragraph, document: Document) -> None:
    paragraph.style = STYLE_DRAFT
    paragraph.add_run(document.labels.draft_banner)


def _cover(word, document: Document) -> None:
    labels = document.labels

    def line(text: str, *, size: float, bold: bool = False, before: float = 0):
        paragraph = word.add_paragraph(style=STYLE_COVER)
        paragraph.paragraph_format.space_before = Pt(before)
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        return run

    line(document.title, size=26, bold=True, before=96)
    line(document.subtitle, size=15, before=12)
    line(document.region_name, size=18, bold=True, before=48)
    line(f"{labels.year} {document.year}", size=15, before=6)
    if document.draft:
        line(labels.draft_mark, size=54, bold=True, before=72).font.color.rgb = DRAFT_RED
    if document.issuer:
        line(document.issuer, size=13, before=48 if document.draft else 120)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _contents(word, document: Document) -> None:
    """A TOC field whose stored result lists the headings, so the page reads well even
    before Word has filled in the page numbers."""
    title = word.add_paragraph(style=STYLE_COVER)
    title.add_run(document.labels.contents).bold = True
    title.paragraph_format.space_after = Pt(18)

    entries: list[tuple[int, str]] = []
    for chapter in document.chapters:
        entries.append((0, f"{chapter.heading(document.language)} {chapter.title}"))
        entries += [
            (1, f"{section_number(chapter, i, document.language)} {section.title}")
            for i, section in enumerate(chapter.sections)
        ]
    first = word.add_paragraph(style=STYLE_TOC[0])
    _field_char(first, "begin", dirty=True)
    _instruction(first, r'TOC \o "1-2" \h \z \u')
    _field_char(first, "separate")
    paragraph = first
    for index, (level, text) in enumerate(entries):
        if index:
            paragraph = word.add_paragraph(style=STYLE_TOC[level])
        paragraph.add_run(text)
    _field_char(paragraph, "end")


# --- Body ---------------------------------------------------------------------------------------


def _chapter(word, document: Document, chapter: Chapter, *, new_page: bool) -> None:
    language = document.language
    heading = word.add_paragraph(style="Heading 1")
    heading.paragraph_format.page_break_before = new_page
    heading.add_run(chapter.heading(language))
    heading.add_run().add_break()
    heading.add_run(chapter.title)
    counter = CaptionCounter(chapter, language)
    for index, section in enumerate(chapter.sections):
        number = section_number(chapter, index, language)
        word.add_paragraph(f"{number} {section.title}", style="Heading 2")
        for block in section.blocks:
            label = counter.label(block) or ""
            if isinstance(block, Narrative):
                for text in block.paragraphs:
                    word.add_paragraph(text, style="Body Text")
            elif isinstance(block, Table):
                _table(word, document, block, label)
            elif isinstance(block, Chart | Map):
                _figure(word, document, block, label)
            elif isinstance(block, Note):
                _note(word, document, block)


def _caption(word, label: str, caption: str, *, keep_with_next: bool) -> None:
    paragraph = word.add_paragraph(style="Caption")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = keep_with_next
    paragraph.add_run(f"{label} ")
    paragraph.add_run(caption).bold = False


def _table(word, document: Document, table: Table, label: str) -> None:
    language = document.language
    # Captions go over tables and under figures, as Indonesian reports set them.
    _caption(word, label, table.caption, keep_with_next=True)
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = word.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Text columns (names of kecamatan, strategies) get twice the room of number columns.
    weights = [1 if column.numeric else 2 for column in table.columns]
    widths = [int(TEXT_WIDTH * weight / sum(weights)) for weight in weights]
    grid.autofit = False
    for grid_column, width in zip(grid.columns, widths, strict=True):
        grid_column.width = width  # LibreOffice reads the grid, Word the cells
    rows = grid.rows
    header = rows[0]
    _row_property(header, "w:tblHeader")  # repeated at the top of every page
    for cell, column, width in zip(header.cells, table.columns, widths, strict=True):
        cell.width = width
        _shade(cell, HEADER_FILL)
        paragraph = cell.paragraphs[0]
        paragraph.style = STYLE_TABLE_TEXT
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(column.title).bold = True
    formatted = table.formatted_rows(language)
    last = len(formatted) - 1
    for index, (row, values) in enumerate(zip(rows[1:], formatted, strict=True)):
        _row_property(row, "w:cantSplit")
        bold = table.total_row and index == last
        for cell, column, text, width in zip(row.cells, table.columns, values, widths, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.style = STYLE_TABLE_TEXT
            if column.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.add_run(text).bold = bold
    word.add_paragraph(source_line(table.source, table.as_of, language), style=STYLE_SOURCE)


def _row_property(row, tag: str) -> None:
    element = OxmlElement(tag)
    if tag == "w:tblHeader":
        element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _figure(word, document: Document, block: Chart | Map, label: str) -> None:
    language = document.language
    if isinstance(block, Chart):
        png = chart_png(block, language=language)
    else:
        png = map_png(block, language=language)
    picture = word.add_paragraph(style=STYLE_FIGURE)
    picture.add_run().add_picture(io.BytesIO(png), width=FIGURE_WIDTH)
    _caption(word, label, block.caption, keep_with_next=True)
    word.add_paragraph(source_line(block.source, block.as_of, language), style=STYLE_SOURCE)


def _note(word, document: Document, note: Note) -> None:
    if note.text:
        paragraph = word.add_paragraph(style=STYLE_NOTE)
        paragraph.add_run(f"{document.labels.note}: ").italic = True
        paragraph.add_run(note.text)
    if note.source and note.as_of is not None:
        line = source_line(note.source, note.as_of, document.language)
        word.add_paragraph(line, style=STYLE_SOURCE)


# --- Package ------------------------------------------------------------------------------------


def _properties(word, document: Document) -> None:
    properties = word.core_properties
    stamp = datetime.combine(document.as_of, time(), tzinfo=UTC)
    properties.title = f"{document.title} {document.region_name} {document.year}"
    properties.subject = document.subtitle
    properties.author = document.issuer or "Konvergen"
    properties.last_modified_by = "Konvergen"
    properties.language = _language_tag(document)
    properties.content_status = "Draft" if document.draft else "Final"
    properties.created = properties.modified = stamp
    properties.revision = 1


def _fixed_timestamps(package: bytes) -> bytes:
    """Rewrite the zip with fixed entry dates (python-docx stamps the time of saving)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry.filename))
    return output.getvalue()
