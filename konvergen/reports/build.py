"""Building the :class:`~konvergen.reports.document.Document` of a report from its outline and
live data, and rendering it to PDF, DOCX and the preview HTML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from konvergen.reports.document import Block, Chapter, Document, Narrative, Section
from konvergen.reports.generators import GENERATORS, Context
from konvergen.reports.models import BlockKind, OutlineBlock, OutlineChapter, Report
from konvergen.reports.outline import fill

ERROR_BLOCK = "%(section)s, %(generator)s: %(error)s"

Progress = Callable[[str, int], None]


class BlockError(Exception):
    """A generator failed; the message names the section and the generator."""


def outline_of(report: Report) -> list[OutlineChapter]:
    """The report's chapters with their sections and blocks (three queries)."""
    return list(OutlineChapter.objects.filter(report=report).prefetch_related(
        "sections__blocks"))


def paragraphs(block: OutlineBlock, report: Report) -> list[str]:
    text = fill(block.text, region_name=report.region.name, year=report.year)
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def build_document(report: Report, *, today: dt.date | None = None,
                   progress: Progress | None = None) -> Document:
    """The report as a draft document, every table, chart and map from live data."""
    with translation.override(report.language):
        ctx = Context(region=report.region, year=report.year, language=report.language,
                      today=today or timezone.localdate())
        outline = outline_of(report)
        total = sum(len(s.blocks.all()) for c in outline for s in c.sections.all()) or 1
        done = 0
        chapters = []
        for number, chapter in enumerate(outline, start=1):
            sections = []
            for section in chapter.sections.all():
                blocks: list[Block] = []
                for block in section.blocks.all():
                    blocks += _blocks(block, report, ctx, section.title)
                    done += 1
                    if progress is not None:
                        progress(section.title[:60], 5 + 55 * done // total)
                sections.append(Section(title=section.title, blocks=blocks))
            chapters.append(Chapter(number=number, title=chapter.title, sections=sections,
                                    annex=chapter.annex))
        return Document(
            title=_("LP2KD"),
            subtitle=_("Report on the Implementation of Regional Poverty Alleviation"),
            region_name=report.region.name, year=report.year, as_of=ctx.today,
            chapters=chapters, language=report.language,  # type: ignore[arg-type]
            draft=True,
            issuer=_("Poverty Alleviation Coordination Team (TKPK) of %(region)s") % {
                "region": report.region.name})


def _blocks(block: OutlineBlock, report: Report, ctx: Context, section: str) -> list[Block]:
    if block.kind == BlockKind.NARRATIVE:
        texts = paragraphs(block, report)
        return [Narrative(paragraphs=texts)] if texts else []
    generator = GENERATORS.get(block.generator)
    if generator is None:
        raise BlockError(ERROR_BLOCK % {"section": section, "generator": block.generator,
                                        "error": _("unknown content")})
    try:
        return generator.build(ctx, {**generator.params, **(block.params or {})})
    except Exception as exc:
        raise BlockError(ERROR_BLOCK % {"section": section, "generator": block.generator,
                                        "error": exc}) from exc


@dataclass
class Rendered:
    pdf: bytes
    docx: bytes
    html: str


def render(document: Document, *, progress: Progress | None = None) -> Rendered:
    """PDF, DOCX and the self-contained preview HTML (figures drawn once for PDF and HTML).

    The renderers are imported here, not at module level: WeasyPrint and matplotlib are
    heavy, and every page and command loads this module through the URL map."""
    from konvergen.reports.render_docx import render_docx
    from konvergen.reports.render_pdf import pdf_from_html, render_html

    html = render_html(document)
    if progress is not None:
        progress("pdf", 70)
    pdf = pdf_from_html(html)
    if progress is not None:
        progress("docx", 90)
    return Rendered(pdf=pdf, docx=render_docx(document), html=html)
