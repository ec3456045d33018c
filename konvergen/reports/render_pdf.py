"""Render a :class:`~konvergen.reports.document.Document` to PDF: HTML and CSS set by WeasyPrint.

The PDF is the edition that is signed, published and archived, so it is laid out by CSS
paged media rather than by a word processor: a cover page without a number, the table of
contents in roman numerals with real page numbers (``target-counter``), the chapters
numbered from 1, tables whose header row repeats on each page, and a DRAFT banner and
watermark on every page of a draft. Headings become the PDF's bookmarks.

Charts and maps are the same PNGs the DOCX embeds (see :mod:`konvergen.reports.charts`);
captions and source lines are text, so the PDF can be searched and copied from.

WeasyPrint needs Pango from the operating system (Debian: ``libpango-1.0-0`` and
``libpangoft2-1.0-0``) and the fonts named in :data:`FONT_STACK` (``fonts-liberation2``,
falling back to ``fonts-dejavu-core``).
"""

from __future__ import annotations

import base64
from html import escape

import weasyprint

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

FONT_STACK = '"Liberation Sans", Arial, "DejaVu Sans", sans-serif'

STYLESHEET = """
@page {
  size: A4;
  margin: 2.5cm 2.5cm 2.5cm 3cm;
  @bottom-center { content: counter(page, lower-roman); font-size: 9pt; }
}
@page cover { @bottom-center { content: none; } }
@page body { @bottom-center { content: counter(page); } }
@page :nth(1 of body) { counter-reset: page 1; }

html { font-family: FONT_STACK; font-size: 11pt; line-height: 1.4; color: #000; }
body { margin: 0; }

.cover { page: cover; text-align: center; padding-top: 3cm; }
.cover .title { font-size: 26pt; font-weight: bold; margin: 0; }
.cover .subtitle { font-size: 15pt; margin: 0.5cm 0 0; }
.cover .region { font-size: 18pt; font-weight: bold; margin: 2cm 0 0; }
.cover .year { font-size: 15pt; margin: 0.2cm 0 0; }
.cover .draft-mark { font-size: 54pt; font-weight: bold; color: #c00000; margin: 2.5cm 0 0; }
.cover .issuer { font-size: 13pt; margin: 2cm 0 0; }

.contents { break-before: page; }
.contents .contents-title { text-align: center; font-weight: bold; font-size: 14pt;
  margin: 0 0 0.8cm; }
.contents ol { list-style: none; margin: 0; padding: 0; }
.contents li { margin: 0; }
.contents li.level-1 { font-weight: bold; margin-top: 6pt; }
.contents li.level-2 { padding-left: 0.8cm; }
.contents a { color: inherit; text-decoration: none; }
.contents a::after { content: leader(".") target-counter(attr(href), page); }

main { page: body; }
h1 { text-align: center; font-size: 14pt; margin: 0 0 0.8cm; break-after: avoid;
  bookmark-level: 1; }
h1 .chapter-number, h1 .chapter-title { display: block; }
.chapter + .chapter { break-before: page; }
h2 { font-size: 12pt; margin: 14pt 0 6pt; break-after: avoid; bookmark-level: 2; }
p.text { text-align: justify; margin: 0 0 6pt; orphans: 2; widows: 2; }

.caption { font-weight: bold; font-size: 10pt; text-align: center; margin: 8pt 0 3pt; }
.caption .caption-text { font-weight: normal; }
.table-caption { break-after: avoid; }
.source { font-size: 8.5pt; font-style: italic; margin: 2pt 0 10pt; break-before: avoid; }
.note { font-size: 8.5pt; margin: 2pt 0 2pt; }
.note .note-label { font-style: italic; }

table { width: 100%; border-collapse: collapse; font-size: 9pt; }
thead { display: table-header-group; }
th, td { border: 0.5pt solid #404040; padding: 2pt 4pt; vertical-align: top; }
th { background: #d9d9d9; text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
tr.total td { font-weight: bold; }

figure { margin: 10pt 0 0; break-inside: avoid; }
figure img { display: block; width: 15cm; margin: 0 auto; }
figure figcaption .source { text-align: left; }

.watermark { position: fixed; top: 11cm; left: 0; width: 15.5cm; text-align: center;
  font-size: 110pt; font-weight: bold; color: rgba(192, 0, 0, 0.12);
  transform: rotate(-45deg); z-index: -1; }
""".replace("FONT_STACK", FONT_STACK)


def render_pdf(document: Document) -> bytes:
    """Render ``document`` as PDF bytes (the same bytes for the same document).

    Examples
    --------
    >>> from datetime import date
    >>> from konvergen.reports.document import Chapter, Document, Narrative, Section
    >>> report = Document(
    ...     title="LP2KD", subtitle="Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah",
    ...     region_name="Kabupaten Bandung", year=2024, as_of=date(2025, 3, 31),
    ...     chapters=[Chapter(number=1, title="PENDAHULUAN", sections=[
    ...         Section(title="Latar Belakang", blocks=[Narrative(paragraphs=["…"])])])])
    >>> render_pdf(report)[:5]
    b'%PDF-'
    """
    return pdf_from_html(render_html(document))


def pdf_from_html(html: str) -> bytes:
    """Set the HTML of :func:`render_html` as PDF: for callers that keep the HTML too (a
    preview), so the figures are drawn once."""
    return weasyprint.HTML(string=html).write_pdf()


def render_html(document: Document) -> str:
    """The HTML the PDF is set from (self-contained: images are inlined), for preview."""
    labels = document.labels
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{document.language}"><head><meta charset="utf-8">',
        f"<title>{_e(f'{document.title} {document.region_name} {document.year}')}</title>",
        f'<meta name="author" content="{_e(document.issuer or "Konvergen")}">',
        f'<meta name="description" content="{_e(document.subtitle)}">',
        f'<meta name="dcterms.created" content="{document.as_of.isoformat()}">',
        f"<style>{STYLESHEET}{_draft_css(document)}</style></head><body>",
    ]
    if document.draft:
        parts.append(f'<div class="watermark" aria-hidden="true">{_e(labels.draft_mark)}</div>')
    parts.append(_cover(document))
    parts.append(_contents(document))
    parts.append("<main>")
    parts += [_chapter(document, chapter) for chapter in document.chapters]
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _e(text: str) -> str:
    return escape(text, quote=True)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _draft_css(document: Document) -> str:
    if not document.draft:
        return ""
    banner = _css_string(document.labels.draft_banner)
    return (
        f"@page {{ @top-center {{ content: {banner}; color: #c00000; font-weight: bold;"
        " font-size: 9pt; } }"
    )


def _cover(document: Document) -> str:
    labels = document.labels
    lines = [
        '<section class="cover">',
        f'<p class="title">{_e(document.title)}</p>',
        f'<p class="subtitle">{_e(document.subtitle)}</p>',
        f'<p class="region">{_e(document.region_name)}</p>',
        f'<p class="year">{_e(labels.year)} {document.year}</p>',
    ]
    if document.draft:
        lines.append(f'<p class="draft-mark">{_e(labels.draft_mark)}</p>')
    if document.issuer:
        lines.append(f'<p class="issuer">{_e(document.issuer)}</p>')
    lines.append("</section>")
    return "\n".join(lines)


def _chapter_id(chapter: Chapter) -> str:
    return f"bab-{chapter.number}"


def _section_id(chapter: Chapter, index: int) -> str:
    return f"bab-{chapter.number}-{index + 1}"


def _contents(document: Document) -> str:
    lines = [
        '<nav class="contents">',
        f'<p class="contents-title">{_e(document.labels.contents)}</p><ol>',
    ]
    for chapter in document.chapters:
        heading = f"{chapter.heading(document.language)} {chapter.title}"
        lines.append(
            f'<li class="level-1"><a href="#{_chapter_id(chapter)}">{_e(heading)}</a></li>'
        )
        for index, section in enumerate(chapter.sections):
            text = f"{section_number(chapter, index, document.language)} {section.title}"
            lines.append(
                f'<li class="level-2"><a href="#{_section_id(chapter, index)}">{_e(text)}</a></li>'
            )
    lines.append("</ol></nav>")
    return "\n".join(lines)


def _chapter(document: Document, chapter: Chapter) -> str:
    language = document.language
    parts = [
        f'<section class="chapter" id="{_chapter_id(chapter)}">',
        f'<h1><span class="chapter-number">{_e(chapter.heading(language))}</span> '
        f'<span class="chapter-title">{_e(chapter.title)}</span></h1>',
    ]
    counter = CaptionCounter(chapter, language)
    for index, section in enumerate(chapter.sections):
        parts.append(f'<section id="{_section_id(chapter, index)}">')
        number = section_number(chapter, index, language)
        parts.append(f"<h2>{_e(number)} {_e(section.title)}</h2>")
        for block in section.blocks:
            label = counter.label(block) or ""
            if isinstance(block, Narrative):
                parts += [f'<p class="text">{_e(text)}</p>' for text in block.paragraphs]
            elif isinstance(block, Table):
                parts.append(_table(document, block, label))
            elif isinstance(block, Chart | Map):
                parts.append(_figure(document, block, label))
            elif isinstance(block, Note):
                parts.append(_note(document, block))
        parts.append("</section>")
    parts.append("</section>")
    return "\n".join(parts)


def _caption(label: str, caption: str, css_class: str) -> str:
    return (
        f'<p class="caption {css_class}">{_e(label)} '
        f'<span class="caption-text">{_e(caption)}</span></p>'
    )


def _table(document: Document, table: Table, label: str) -> str:
    language = document.language
    header = "".join(f"<th>{_e(column.title)}</th>" for column in table.columns)
    rows = []
    formatted = table.formatted_rows(language)
    for index, values in enumerate(formatted):
        total = table.total_row and index == len(formatted) - 1
        cells = "".join(
            f'<td class="num">{_e(text)}</td>' if column.numeric else f"<td>{_e(text)}</td>"
            for column, text in zip(table.columns, values, strict=True)
        )
        rows.append(f'<tr class="total">{cells}</tr>' if total else f"<tr>{cells}</tr>")
    return "\n".join(
        [
            # Captions go over tables and under figures, as Indonesian reports set them.
            _caption(label, table.caption, "table-caption"),
            f"<table><thead><tr>{header}</tr></thead><tbody>",
            *rows,
            "</tbody></table>",
            f'<p class="source">{_e(source_line(table.source, table.as_of, language))}</p>',
        ]
    )


def _figure(document: Document, block: Chart | Map, label: str) -> str:
    language = document.language
    if isinstance(block, Chart):
        png = chart_png(block, language=language)
    else:
        png = map_png(block, language=language)
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(block.caption)}">'
        f"<figcaption>{_caption(label, block.caption, 'figure-caption')}"
        f'<p class="source">{_e(source_line(block.source, block.as_of, language))}</p>'
        "</figcaption></figure>"
    )


def _note(document: Document, note: Note) -> str:
    parts = []
    if note.text:
        parts.append(
            f'<p class="note"><span class="note-label">{_e(document.labels.note)}:</span> '
            f"{_e(note.text)}</p>"
        )
    if note.source and note.as_of is not None:
        line = source_line(note.source, note.as_of, document.language)
        parts.append(f'<p class="source">{_e(line)}</p>')
    return "\n".join(parts)
