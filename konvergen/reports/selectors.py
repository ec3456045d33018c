"""Reads of the reports pages: the reports a user may see, a report's outline, generations
and sign-off history, and which edition of a report a user may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from konvergen.accounts import access
from konvergen.regions.models import Level, Region
from konvergen.reports import build, services
from konvergen.reports.document import LABELS
from konvergen.reports.generators import GENERATORS
from konvergen.reports.models import (
    Generation,
    OutlineBlock,
    OutlineChapter,
    OutlineSection,
    Report,
    ReportEvent,
    State,
)
from konvergen.reports.outline import fill


def reports_for(user, *, region: Region | None = None):
    """Reports the user may read (``access.reports_q``), newest year first."""
    qs = Report.objects.filter(access.reports_q(user)).select_related("region", "final")
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("region_id", "-year")


def index_regions(user) -> list[Region]:
    """The kab/kota of the user's ``lp2kd`` scope (with the whole country: those that have
    a report)."""
    if not access.has_feature(user, "lp2kd"):
        return []
    regions = Region.objects.filter(level=Level.KABKOTA)
    if access.is_country_wide(user, feature="lp2kd"):
        regions = regions.filter(code__in=Report.objects.values("region_id"))
    else:
        regions = access.visible(user, regions, feature="lp2kd")
    return list(regions.order_by("code"))


def is_team(user, report: Report) -> bool:
    """Does the user draft or sign off ``report`` (and so see its drafts)?"""
    return (access.may_on_report(user, report, "lp2kd_manage")
            or access.may_on_report(user, report, "lp2kd_approve"))


def edition_for(user, report: Report, generation_id: str | None = None) -> Generation | None:
    """The generation whose files the user opens: one named by id (drafts: the TKPK only);
    else the published edition, else the edition under sign-off, else the latest draft."""
    team = is_team(user, report)
    if generation_id:
        try:
            generation = report.generations.get(pk=int(generation_id),
                                                status=Generation.Status.DONE)
        except (Generation.DoesNotExist, ValueError):
            return None
        if generation.kind != Generation.Kind.FINAL and not team:
            return None
        return generation
    if report.final_id:
        return report.final
    if not team:
        return None
    if report.edition_id:
        return report.edition
    return report.generations.filter(kind=Generation.Kind.DRAFT,
                                     status=Generation.Status.DONE).first()


@dataclass
class BlockRow:
    block: object
    label: str
    excerpt: str


def outline_rows(report: Report) -> list:
    """The outline for the page: chapters with numbered sections and labelled blocks."""
    chapters = build.outline_of(report)
    out = []
    for number, chapter in enumerate(chapters, start=1):
        prefix = LABELS[report.language].annex_mark if chapter.annex else str(number)  # type: ignore[index]
        sections = []
        for index, section in enumerate(chapter.sections.all()):
            blocks = []
            for block in section.blocks.all():
                generator = GENERATORS.get(block.generator)
                label = str(generator.label) if generator else block.get_kind_display()
                excerpt = fill(block.text, region_name=report.region.name,
                               year=report.year)[:240] if block.text else ""
                blocks.append(BlockRow(block=block, label=label, excerpt=excerpt))
            sections.append({"section": section, "number": f"{prefix}.{index + 1}",
                             "blocks": blocks})
        out.append({"chapter": chapter, "number": number, "sections": sections})
    return out


def generations(report: Report, *, team: bool) -> list[Generation]:
    qs = report.generations.select_related("created_by").defer("content")
    if not team:
        qs = qs.filter(kind=Generation.Kind.FINAL, status=Generation.Status.DONE)
    return list(qs[:20])


def history(report: Report) -> list[ReportEvent]:
    events = list(ReportEvent.objects.filter(report=report).select_related("actor"))
    labels = dict(State.choices)
    for e in events:
        e.state_label = labels.get(e.to_state, e.to_state)  # type: ignore[attr-defined]
    return events


def steps_for(user, report: Report) -> list[str]:
    """The sign-off steps the user may take on the report now."""
    if report.state == State.PUBLISHED or services.running(report) is not None:
        return []
    out = []
    for action, (sources, _target, features, _label) in services.STEPS.items():
        if report.state in sources and any(access.may_on_report(user, report, f)
                                           for f in features):
            out.append(action)
    return out


def generator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Content a block may have, grouped by kind, for the "add a block" list."""
    from konvergen.reports.models import BlockKind

    groups: dict[str, list[tuple[str, str]]] = {}
    for name, generator in sorted(GENERATORS.items(), key=lambda kv: str(kv[1].label)):
        groups.setdefault(generator.kind, []).append((name, str(generator.label)))
    return [(str(BlockKind(kind).label), groups[kind]) for kind in BlockKind.values
            if kind in groups]


def report_for(user, report_id):
    """An LP2KD report the user may read (``access.reports_q``), else Http404 (the same as
    for a report that does not exist)."""
    return access.get_visible(Report.objects.select_related("region", "edition", "final"),
                              access.reports_q(user), report_id)


# --- reads of the outline editor and the progress poll --------------------------------------

def latest_generation(report: Report) -> Generation | None:
    """The report's latest generation, without its content (the progress poll)."""
    return report.generations.defer("content").first()


def outline_target(report: Report, op: str, target: int):
    """The chapter, section or block an outline operation names, within the report, or
    ``None``."""
    model: Any
    if op == "section_add":
        model, where = OutlineChapter, {"report": report}
    elif op.startswith("section_") or op == "block_add":
        model, where = OutlineSection, {"chapter__report": report}
    else:
        model, where = OutlineBlock, {"section__chapter__report": report}
    return model.objects.filter(pk=target, **where).first()


def outline_block(report: Report, block_id: int):
    """One block of the report's outline with its section and chapter, or ``None``."""
    return OutlineBlock.objects.select_related("section__chapter").filter(
        pk=block_id, section__chapter__report=report).first()
