"""A :class:`~konvergen.reports.document.Document` as JSON-ready data, and back.

A generated report keeps the document it rendered (every figure with its source and as-of
date), so the edition the chair signs off is the edition that is published: publishing sets
the same content again without the DRAFT marks instead of reading the live data a second
time. Dates are ISO strings; a :class:`~decimal.Decimal` cell is ``{"decimal": "…"}`` so it
keeps its exact digits; NaN becomes ``null`` (shown as "..." either way).

Examples
--------
>>> from datetime import date
>>> from konvergen.reports.document import Chapter, Document, Narrative, Section
>>> intro = Section(title="Latar Belakang", blocks=[Narrative(paragraphs=["…"])])
>>> doc = Document(title="LP2KD", subtitle="", region_name="Kabupaten Bandung", year=2026,
...                as_of=date(2027, 2, 1),
...                chapters=[Chapter(number=1, title="PENDAHULUAN", sections=[intro])])
>>> from_data(to_data(doc)) == from_data(to_data(from_data(to_data(doc))))
True
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from konvergen.reports.document import (
    Area,
    Block,
    Cell,
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
)

#: Bumped when the layout below changes; ``from_data`` refuses what it cannot read.
VERSION = 1
ERROR_VERSION = "Stored report content of version {got!r}; this version reads {expected}."
ERROR_BLOCK = "Unknown block type {kind!r}."


def to_data(document: Document) -> dict[str, Any]:
    return {
        "version": VERSION,
        "title": document.title,
        "subtitle": document.subtitle,
        "region_name": document.region_name,
        "year": document.year,
        "as_of": document.as_of.isoformat(),
        "language": document.language,
        "draft": document.draft,
        "issuer": document.issuer,
        "chapters": [
            {
                "number": chapter.number,
                "title": chapter.title,
                "annex": chapter.annex,
                "sections": [
                    {"title": section.title, "blocks": [_block(b) for b in section.blocks]}
                    for section in chapter.sections
                ],
            }
            for chapter in document.chapters
        ],
    }


def from_data(data: dict[str, Any]) -> Document:
    if data.get("version") != VERSION:
        raise ValueError(ERROR_VERSION.format(got=data.get("version"), expected=VERSION))
    return Document(
        title=data["title"],
        subtitle=data["subtitle"],
        region_name=data["region_name"],
        year=data["year"],
        as_of=date.fromisoformat(data["as_of"]),
        language=data["language"],
        draft=data["draft"],
        issuer=data["issuer"],
        chapters=tuple(
            Chapter(
                number=c["number"],
                title=c["title"],
                annex=c.get("annex", False),
                sections=tuple(
                    Section(title=s["title"], blocks=tuple(_unblock(b) for b in s["blocks"]))
                    for s in c["sections"]
                ),
            )
            for c in data["chapters"]
        ),
    )


def _cell(value: Cell) -> Any:
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _uncell(value: Any) -> Cell:
    if isinstance(value, dict):
        return Decimal(value["decimal"])
    return value


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Narrative):
        return {"type": "narrative", "paragraphs": list(block.paragraphs)}
    if isinstance(block, Note):
        return {"type": "note", "text": block.text, "source": block.source,
                "as_of": block.as_of.isoformat() if block.as_of else None}
    if isinstance(block, Table):
        return {
            "type": "table", "caption": block.caption, "source": block.source,
            "as_of": block.as_of.isoformat(), "total_row": block.total_row,
            "columns": [{"title": c.title, "kind": c.kind, "decimals": c.decimals}
                        for c in block.columns],
            "rows": [[_cell(v) for v in row] for row in block.rows],
        }
    if isinstance(block, Chart):
        return {
            "type": "chart", "caption": block.caption, "kind": block.kind,
            "categories": list(block.categories), "source": block.source,
            "as_of": block.as_of.isoformat(), "y_label": block.y_label,
            "decimals": block.decimals,
            "series": [{"name": s.name, "values": [_number(v) for v in s.values]}
                       for s in block.series],
        }
    if isinstance(block, Map):
        return {
            "type": "map", "caption": block.caption, "source": block.source,
            "as_of": block.as_of.isoformat(), "show_labels": block.show_labels,
            "legend": {"title": block.legend.title, "breaks": list(block.legend.breaks),
                       "decimals": block.legend.decimals},
            "features": [
                {"label": f.label, "value": _number(f.value),
                 "point": [f.geometry.lon, f.geometry.lat]
                 if isinstance(f.geometry, Point) else None,
                 "rings": None if isinstance(f.geometry, Point)
                 else [[list(xy) for xy in ring] for ring in f.geometry.rings]}
                for f in block.features
            ],
        }
    raise ValueError(ERROR_BLOCK.format(kind=type(block).__name__))


def _unblock(data: dict[str, Any]) -> Block:
    kind = data.get("type")
    if kind == "narrative":
        return Narrative(paragraphs=tuple(data["paragraphs"]))
    if kind == "note":
        return Note(text=data["text"], source=data["source"],
                    as_of=date.fromisoformat(data["as_of"]) if data["as_of"] else None)
    if kind == "table":
        return Table(
            caption=data["caption"], source=data["source"],
            as_of=date.fromisoformat(data["as_of"]), total_row=data["total_row"],
            columns=tuple(Column(title=c["title"], kind=c["kind"], decimals=c["decimals"])
                          for c in data["columns"]),
            rows=tuple(tuple(_uncell(v) for v in row) for row in data["rows"]),
        )
    if kind == "chart":
        return Chart(
            caption=data["caption"], kind=data["kind"], categories=tuple(data["categories"]),
            source=data["source"], as_of=date.fromisoformat(data["as_of"]),
            y_label=data["y_label"], decimals=data["decimals"],
            series=tuple(Series(name=s["name"], values=tuple(s["values"]))
                         for s in data["series"]),
        )
    if kind == "map":
        legend = data["legend"]
        return Map(
            caption=data["caption"], source=data["source"],
            as_of=date.fromisoformat(data["as_of"]), show_labels=data["show_labels"],
            legend=Legend(title=legend["title"], breaks=tuple(legend["breaks"]),
                          decimals=legend["decimals"]),
            features=tuple(
                MapFeature(
                    label=f["label"], value=f["value"],
                    geometry=Point(*f["point"]) if f["point"] is not None else Area(
                        tuple(tuple((x, y) for x, y in ring) for ring in f["rings"])),
                )
                for f in data["features"]
            ),
        )
    raise ValueError(ERROR_BLOCK.format(kind=kind))
