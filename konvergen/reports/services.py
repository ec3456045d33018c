"""Writes of the reports app: a region's LP2KD, its outline and texts, its generation and its
sign-off. Every function runs in one transaction with its audit row and asks
``accounts.access`` who may do it.

The sign-off (who does what):

* the TKPK secretariat (``lp2kd_manage``) creates the report, edits its outline and texts,
  generates the draft and **submits** it: ``draft → review``. Submitting fixes the edition
  under review (the latest draft generation, which must be newer than the last outline
  change);
* the TKPK chair (``lp2kd_approve``) **approves** it (``review → approved``) and then
  **publishes** it: the approved edition is set again without the DRAFT marks, its PDF and
  DOCX stored with their SHA-256, and the report becomes ``published``, dated and frozen;
* either may **return** a report under review or approved to ``draft``, with a comment.

Only a draft may be edited or generated; a published report is never changed, generated or
returned again, by anyone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core import jobs
from konvergen.regions.models import Level
from konvergen.reports import build, serial
from konvergen.reports.generators import GENERATORS
from konvergen.reports.models import (
    BlockKind,
    Generation,
    OutlineBlock,
    OutlineChapter,
    OutlineSection,
    Report,
    ReportEvent,
    State,
)
from konvergen.reports.outline import DEFAULT

log = logging.getLogger(__name__)

NOT_YOURS = _("You may not do this for this report.")
NOT_A_KABKOTA = _("An LP2KD belongs to a kabupaten/kota.")
REPORT_EXISTS = _("This region already has an LP2KD for this year.")
BAD_YEAR = _("Choose a year between 2000 and 2100.")
LOCKED = _("The report is %(state)s: its outline and texts cannot be changed. Return it to "
           "draft first.")
FROZEN = _("The report is published: it cannot be changed, generated or returned again.")
INVALID_STEP = _("A report that is %(state)s cannot be %(action)s.")
NOTE_REQUIRED = _("Write a comment saying what must be corrected.")
NO_DRAFT = _("Generate the draft first.")
STALE_DRAFT = _("The outline or a text changed after the last draft was generated: "
                "generate the draft again first.")
BUSY = _("The report is being generated; wait until it has finished.")
UNKNOWN_GENERATOR = _("Unknown content: %(name)s.")
BAD_PARAMS = _("These settings cannot be used: %(detail)s.")
TEXT_REQUIRED = _("The text cannot be empty.")
TITLE_REQUIRED = _("The title cannot be empty.")
LAST_SECTION = _("A chapter keeps at least one section.")

#: A generation queued or running for longer than this is taken as lost (a restarted server).
STALE_JOB = dt.timedelta(minutes=30)

#: action -> (states it may start from, state it leads to, features that may do it, label)
STEPS = {
    "submit": ({State.DRAFT}, State.REVIEW, ("lp2kd_manage",), _("submitted")),
    "approve": ({State.REVIEW}, State.APPROVED, ("lp2kd_approve",), _("approved")),
    "return": ({State.REVIEW, State.APPROVED}, State.DRAFT,
               ("lp2kd_manage", "lp2kd_approve"), _("returned")),
    "publish": ({State.APPROVED}, State.PUBLISHED, ("lp2kd_approve",), _("published")),
}


class ReportError(ValidationError):
    """A refused write; its message is translated when shown."""


def _require(user, report: Report, *features: str) -> None:
    if not any(access.may_on_report(user, report, f) for f in features):
        raise ReportError(NOT_YOURS, code="not_yours")


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _label(state: str) -> str:
    return str(State(state).label)


# --- The report and its outline ---------------------------------------------------------------


def report_create(*, region, year: int, acting_user, language: str = "id") -> Report:
    """A draft LP2KD of kab/kota ``region`` for ``year``, with the outline and texts of the
    region's latest earlier report, or the default outline."""
    if region.level != Level.KABKOTA:
        raise ReportError(NOT_A_KABKOTA, code="not_kabkota")
    if not 2000 <= year <= 2100:
        raise ReportError(BAD_YEAR, code="bad_year")
    if not access.in_scope(acting_user, region.code, feature="lp2kd_manage"):
        raise ReportError(NOT_YOURS, code="not_yours")
    with transaction.atomic():
        if Report.objects.filter(region=region, year=year).exists():
            raise ReportError(REPORT_EXISTS, code="exists")
        report = Report.objects.create(region=region, year=year, language=language,
                                       created_by=_user(acting_user))
        earlier = Report.objects.filter(region=region, year__lt=year).order_by("-year").first()
        if earlier is not None:
            _copy_outline(earlier, report)
        else:
            _seed_outline(report)
        audit_record(actor=acting_user, action="reports.report_create", obj=report,
                     region_code=region.code,
                     changes={"year": year, "language": language,
                              "outline_from": earlier.pk if earlier else "default"})
    return report


def _seed_outline(report: Report) -> None:
    with translation.override(report.language):
        for c, chapter in enumerate(DEFAULT):
            row = OutlineChapter.objects.create(report=report, position=c,
                                                title=str(chapter.title), annex=chapter.annex)
            sections = OutlineSection.objects.bulk_create([
                OutlineSection(chapter=row, position=s, title=str(section.title))
                for s, section in enumerate(chapter.sections)])
            OutlineBlock.objects.bulk_create([
                OutlineBlock(section=srow, position=b, kind=block.kind,
                             generator=block.generator, text=str(block.text),
                             params=dict(block.params))
                for srow, section in zip(sections, chapter.sections, strict=True)
                for b, block in enumerate(section.blocks)])


def _copy_outline(source: Report, report: Report) -> None:
    for chapter in build.outline_of(source):
        row = OutlineChapter.objects.create(report=report, position=chapter.position,
                                            title=chapter.title, annex=chapter.annex)
        old = list(chapter.sections.all())
        sections = OutlineSection.objects.bulk_create([
            OutlineSection(chapter=row, position=s.position, title=s.title) for s in old])
        OutlineBlock.objects.bulk_create([
            OutlineBlock(section=new, position=b.position, kind=b.kind, generator=b.generator,
                         text=b.text, params=b.params)
            for new, section in zip(sections, old, strict=True) for b in section.blocks.all()])


def _editable(user, report: Report) -> Report:
    """The report locked for update, if the user may edit it and it is a draft."""
    _require(user, report, "lp2kd_manage")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == State.PUBLISHED:
        raise ReportError(FROZEN, code="frozen")
    if report.state != State.DRAFT:
        raise ReportError(LOCKED, code="locked", params={"state": _label(report.state)})
    return report


def _outline_changed(report: Report, user, action: str, obj, changes: dict) -> None:
    report.outline_changed_at = timezone.now()
    report.save(update_fields=["outline_changed_at", "updated_at"])
    audit_record(actor=user, action=f"reports.{action}", obj=obj, region_code=report.region_id,
                 object_repr=f"{report}: {obj}"[:200], changes={"report": report.pk, **changes})


def _renumber(rows) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _moved(rows: list, row, direction: int) -> list:
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ReportError(TITLE_REQUIRED, code="title")
    return title[:200]


def report_section_add(*, report: Report, chapter: OutlineChapter, title: str,
                       acting_user) -> OutlineSection:
    """A new section at the end of ``chapter`` (with no block yet)."""
    title = _title(title)
    with transaction.atomic():
        report = _editable(acting_user, report)
        count = OutlineSection.objects.filter(chapter=chapter).count()
        section = OutlineSection.objects.create(chapter=chapter, position=count, title=title)
        _outline_changed(report, acting_user, "section_add", section,
                         {"chapter": chapter.pk, "title": title})
    return section


def report_section_rename(*, report: Report, section: OutlineSection, title: str,
                          acting_user) -> OutlineSection:
    title = _title(title)
    with transaction.atomic():
        report = _editable(acting_user, report)
        before = section.title
        section.title = title
        section.save(update_fields=["title"])
        _outline_changed(report, acting_user, "section_rename", section,
                         {"title": [before, title]})
    return section


def report_section_move(*, report: Report, section: OutlineSection, direction: int,
                        acting_user) -> None:
    """Move ``section`` one place up (``direction`` < 0) or down within its chapter."""
    with transaction.atomic():
        report = _editable(acting_user, report)
        rows = _moved(list(OutlineSection.objects.filter(chapter_id=section.chapter_id)),
                      section, direction)
        _renumber(rows)
        _outline_changed(report, acting_user, "section_move", section,
                         {"direction": "up" if direction < 0 else "down"})


def report_section_remove(*, report: Report, section: OutlineSection, acting_user) -> None:
    with transaction.atomic():
        report = _editable(acting_user, report)
        siblings = list(OutlineSection.objects.filter(chapter_id=section.chapter_id))
        if len(siblings) <= 1:
            raise ReportError(LAST_SECTION, code="last_section")
        blocks = list(section.blocks.values("kind", "generator", "text"))
        _outline_changed(report, acting_user, "section_remove", section,
                         {"title": section.title, "blocks": blocks})
        removed = section.pk
        section.delete()
        _renumber([s for s in siblings if s.pk != removed])


def _clean_params(name: str, params: dict | None) -> dict:
    """A generator's settings checked against what it takes (indicator codes, a limit)."""
    from konvergen.targets.models import Indicator

    generator = GENERATORS[name]
    params = dict(params or {})
    unknown = set(params) - set(generator.params)
    if unknown:
        raise ReportError(BAD_PARAMS, code="params",
                          params={"detail": ", ".join(sorted(unknown))})
    known = set(Indicator.objects.values_list("code", flat=True))
    if "codes" in params:
        codes = [str(c) for c in params["codes"] or []]
        if not codes or set(codes) - known:
            raise ReportError(BAD_PARAMS, code="params",
                              params={"detail": ", ".join(sorted(set(codes) - known)) or "-"})
        params["codes"] = codes
    if "code" in params and params["code"] not in known:
        raise ReportError(BAD_PARAMS, code="params", params={"detail": str(params["code"])})
    if "limit" in params:
        try:
            limit = int(params["limit"])
        except (TypeError, ValueError):
            limit = 0
        if not 1 <= limit <= 50:
            raise ReportError(BAD_PARAMS, code="params", params={"detail": "limit"})
        params["limit"] = limit
    return params


def report_block_add(*, report: Report, section: OutlineSection, generator: str = "",
                     text: str = "", params: dict | None = None,
                     acting_user) -> OutlineBlock:
    """A block at the end of ``section``: narrative ``text`` (``generator`` empty), or the
    named generator's table, chart or map with its default settings (or ``params``)."""
    if generator:
        if generator not in GENERATORS:
            raise ReportError(UNKNOWN_GENERATOR, code="generator", params={"name": generator})
        kind = GENERATORS[generator].kind
        params = _clean_params(generator, {**GENERATORS[generator].params, **(params or {})})
        text = ""
    else:
        kind, params = BlockKind.NARRATIVE, {}
        text = (text or "").strip()
        if not text:
            raise ReportError(TEXT_REQUIRED, code="text")
    with transaction.atomic():
        report = _editable(acting_user, report)
        count = OutlineBlock.objects.filter(section=section).count()
        block = OutlineBlock.objects.create(section=section, position=count, kind=kind,
                                            generator=generator, text=text, params=params)
        _outline_changed(report, acting_user, "block_add", block,
                         {"section": section.pk, "kind": kind, "generator": generator})
    return block


def report_block_edit(*, report: Report, block: OutlineBlock, text: str | None = None,
                      params: dict | None = None, acting_user) -> OutlineBlock:
    """Change a narrative block's text, or a generated block's settings."""
    with transaction.atomic():
        report = _editable(acting_user, report)
        changes: dict = {}
        if block.kind == BlockKind.NARRATIVE:
            new_text = (text or "").strip()
            if not new_text:
                raise ReportError(TEXT_REQUIRED, code="text")
            changes["text"] = [block.text, new_text]
            block.text = new_text
        else:
            new_params = _clean_params(block.generator, params)
            changes["params"] = [block.params, new_params]
            block.params = new_params
        block.save(update_fields=["text", "params"])
        _outline_changed(report, acting_user, "block_edit", block, changes)
    return block


def report_block_move(*, report: Report, block: OutlineBlock, direction: int,
                      acting_user) -> None:
    with transaction.atomic():
        report = _editable(acting_user, report)
        rows = _moved(list(OutlineBlock.objects.filter(section_id=block.section_id)), block,
                      direction)
        _renumber(rows)
        _outline_changed(report, acting_user, "block_move", block,
                         {"direction": "up" if direction < 0 else "down"})


def report_block_remove(*, report: Report, block: OutlineBlock, acting_user) -> None:
    with transaction.atomic():
        report = _editable(acting_user, report)
        _outline_changed(report, acting_user, "block_remove", block,
                         {"kind": block.kind, "generator": block.generator,
                          "text": block.text, "params": block.params})
        section_id = block.section_id
        block.delete()
        _renumber(list(OutlineBlock.objects.filter(section_id=section_id)))


# --- Generation -------------------------------------------------------------------------------


def latest_draft(report: Report) -> Generation | None:
    return report.generations.filter(kind=Generation.Kind.DRAFT).order_by(
        "-created_at", "-id").first()


def running(report: Report) -> Generation | None:
    """A generation of the report still queued or running (not one lost long ago)."""
    return report.generations.filter(
        status__in=[Generation.Status.QUEUED, Generation.Status.RUNNING],
        created_at__gte=timezone.now() - STALE_JOB).first()


def report_generate(*, report: Report, acting_user) -> Generation:
    """Queue the generation of the draft from live data (a background job; tests run it
    inline). The job records its progress, files and checksums, or its error."""
    with transaction.atomic():
        report = _editable(acting_user, report)
        if running(report) is not None:
            raise ReportError(BUSY, code="busy")
        generation = Generation.objects.create(report=report, kind=Generation.Kind.DRAFT,
                                               created_by=_user(acting_user))
        audit_record(actor=acting_user, action="reports.generate", obj=report,
                     region_code=report.region_id, changes={"generation": generation.pk})
        jobs.start(generation_run, generation.pk, kind="reports.generate",
                   region_code=report.region_id)
    generation.refresh_from_db()  # done already when the job ran inline
    return generation


def _write(generation: Generation, rendered: build.Rendered) -> dict:
    report = generation.report
    folder = (Path(settings.UPLOAD_DIR) / "reports" / report.region_id / str(report.year)
              / f"{generation.pk}-{generation.kind}")
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"LP2KD-{report.region_id}-{report.year}"
    if generation.kind == Generation.Kind.DRAFT:
        stem += "-draft"
    out: dict = {}
    for ext, content in (("pdf", rendered.pdf), ("docx", rendered.docx),
                         ("html", rendered.html.encode("utf-8"))):
        path = folder / f"{stem}.{ext}"
        with open(path, "xb") as handle:  # never overwrite: each generation has its folder
            handle.write(content)
        out[f"{ext}_path"] = str(path)
        if ext != "html":
            out[f"{ext}_sha256"] = hashlib.sha256(content).hexdigest()
            out[f"{ext}_size"] = len(content)
    return out


def generation_run(generation_id: int) -> None:
    """Build (a draft) or set again (the final edition) and render a report; on success the
    final edition publishes the report. Failures are recorded on the generation."""
    generation = Generation.objects.select_related("report__region", "report__edition",
                                                   "created_by").get(pk=generation_id)
    report = generation.report
    started = time.perf_counter()

    def progress(stage: str, pct: int) -> None:
        Generation.objects.filter(pk=generation.pk).update(
            stage=stage[:60], progress=min(pct, 99), status=Generation.Status.RUNNING)

    progress("start", 1)
    try:
        if generation.kind == Generation.Kind.FINAL:
            edition = report.edition
            if edition is None:
                raise ValueError("no approved edition")
            document = replace(serial.from_data(edition.content), draft=False,
                               as_of=timezone.localdate())
        else:
            document = build.build_document(report, progress=progress)
        rendered = build.render(document, progress=progress)
        files = _write(generation, rendered)
    except Exception as exc:  # recorded for the page; the report is left as it was
        log.exception("LP2KD generation %s failed", generation.pk)
        Generation.objects.filter(pk=generation.pk).update(
            status=Generation.Status.FAILED, error=str(exc)[:5000],
            finished_at=timezone.now(), seconds=time.perf_counter() - started)
        return
    with transaction.atomic():
        Generation.objects.filter(pk=generation.pk).update(
            status=Generation.Status.DONE, stage="done", progress=100,
            content=serial.to_data(document), finished_at=timezone.now(),
            seconds=round(time.perf_counter() - started, 2), **files)
        generation.refresh_from_db()
        checksums = {"pdf_sha256": generation.pdf_sha256,
                     "docx_sha256": generation.docx_sha256}
        if generation.kind == Generation.Kind.FINAL:
            _published(generation, checksums)
        else:
            audit_record(actor=generation.created_by, action="reports.generated", obj=report,
                         region_code=report.region_id,
                         changes={"generation": generation.pk, **checksums,
                                  "seconds": generation.seconds})


def generation_run_failed(generation_id: int, *, error: str) -> None:
    """The queue gave up on a generation (its worker died on the last attempt): the page
    shows it failed instead of running for ever."""
    Generation.objects.filter(
        pk=generation_id, status__in=[Generation.Status.QUEUED, Generation.Status.RUNNING]
    ).update(status=Generation.Status.FAILED, error=error[-5000:], finished_at=timezone.now())


jobs.register_failure_handler(generation_run, generation_run_failed)


def _published(generation: Generation, checksums: dict) -> None:
    report = Report.objects.select_for_update().get(pk=generation.report_id)
    if report.state != State.APPROVED:  # returned meanwhile: keep the files, publish nothing
        return
    user = generation.created_by
    report.state, report.final = State.PUBLISHED, generation
    report.published_at, report.published_by = timezone.now(), user
    report.save(update_fields=["state", "final", "published_at", "published_by", "updated_at"])
    ReportEvent.objects.create(report=report, action="publish", from_state=State.APPROVED,
                               to_state=State.PUBLISHED, actor=user)
    audit_record(actor=user, action="reports.publish", obj=report,
                 region_code=report.region_id,
                 changes={"state": [State.APPROVED, State.PUBLISHED],
                          "generation": generation.pk, **checksums})


# --- Sign-off --------------------------------------------------------------------------------


def report_submit(*, report: Report, note: str = "", acting_user) -> Report:
    return report_step(report=report, action="submit", note=note, acting_user=acting_user)


def report_approve(*, report: Report, note: str = "", acting_user) -> Report:
    return report_step(report=report, action="approve", note=note, acting_user=acting_user)


def report_return(*, report: Report, note: str, acting_user) -> Report:
    return report_step(report=report, action="return", note=note, acting_user=acting_user)


def report_publish(*, report: Report, note: str = "", acting_user) -> Report:
    """Queue the published edition; the report is published when its files are stored."""
    return report_step(report=report, action="publish", note=note, acting_user=acting_user)


def report_step(*, report: Report, action: str, note: str = "", acting_user) -> Report:
    """One sign-off step (``STEPS``), with its event and audit row."""
    if action not in STEPS:
        raise ReportError(INVALID_STEP, code="invalid_step",
                          params={"state": _label(report.state), "action": action})
    sources, target, features, label = STEPS[action]
    _require(acting_user, report, *features)
    note = (note or "").strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("region").get(pk=report.pk)
        if report.state == State.PUBLISHED:
            raise ReportError(FROZEN, code="frozen")
        if report.state not in sources:
            raise ReportError(INVALID_STEP, code="invalid_step",
                              params={"state": _label(report.state), "action": str(label)})
        if action == "return" and not note:
            raise ReportError(NOTE_REQUIRED, code="note_required")
        if running(report) is not None:
            raise ReportError(BUSY, code="busy")
        changes: dict = {"state": [report.state, target], "note": note}
        if action == "publish":
            generation = Generation.objects.create(report=report, kind=Generation.Kind.FINAL,
                                                   created_by=_user(acting_user))
            audit_record(actor=acting_user, action="reports.publish_requested", obj=report,
                         region_code=report.region_id,
                         changes={**changes, "generation": generation.pk,
                                  "edition": report.edition_id})
            jobs.start(generation_run, generation.pk, kind="reports.publish",
                       region_code=report.region_id)
            return Report.objects.get(pk=report.pk)  # published already when run inline
        now, user = timezone.now(), _user(acting_user)
        fields = ["state", "updated_at"]
        if action == "submit":
            draft = latest_draft(report)
            if draft is None or draft.status != Generation.Status.DONE:
                raise ReportError(NO_DRAFT, code="no_draft")
            if report.outline_changed_at and draft.created_at < report.outline_changed_at:
                raise ReportError(STALE_DRAFT, code="stale")
            report.edition, report.submitted_at, report.submitted_by = draft, now, user
            fields += ["edition", "submitted_at", "submitted_by"]
            changes["edition"] = draft.pk
        elif action == "approve":
            report.approved_at, report.approved_by = now, user
            fields += ["approved_at", "approved_by"]
        else:  # return
            report.edition, report.approved_at, report.approved_by = None, None, None
            fields += ["edition", "approved_at", "approved_by"]
        from_state = report.state
        report.state = target
        report.save(update_fields=fields)
        ReportEvent.objects.create(report=report, action=action, from_state=from_state,
                                   to_state=target, note=note, actor=user)
        audit_record(actor=acting_user, action=f"reports.{action}", obj=report,
                     region_code=report.region_id, changes=changes)
    return report
