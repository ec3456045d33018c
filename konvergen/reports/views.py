"""LP2KD pages: thin views (access check, selector or service, template)."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.regions.models import Level
from konvergen.reports import selectors, services
from konvergen.reports.forms import (
    CreateForm,
    GenerateForm,
    NarrativeForm,
    OutlineForm,
    ParamsForm,
    StepForm,
)
from konvergen.reports.models import BlockKind

FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _may_manage(user, report) -> bool:
    return access.may_on_report(user, report, "lp2kd_manage")


@login_required
@require_GET
def index(request):
    """The kab/kota whose reports the user may read, with their reports."""
    access.require_feature(request.user, "lp2kd")
    reports = list(selectors.reports_for(request.user))
    by_region: dict[str, list] = {}
    for report in reports:
        by_region.setdefault(report.region_id, []).append(report)
    regions = selectors.index_regions(request.user)
    return render(request, "reports/index.html", {
        "rows": [(r, by_region.get(r.code, [])) for r in regions]})


@login_required
@require_http_methods(["GET", "POST"])
def region(request, code: str):
    """A kab/kota's reports by year; the secretariat starts the report of a year here."""
    region = access.access_region(request.user, code, feature="lp2kd")
    if region.level != Level.KABKOTA:
        raise Http404(access.NOT_FOUND)
    can_manage = access.in_scope(request.user, region.code, feature="lp2kd_manage")
    if request.method == "POST" and not can_manage:
        raise Http404(access.NOT_FOUND)
    form = CreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                region=region, year=form.cleaned_data["year"],
                language=form.cleaned_data["language"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Report created with its outline."))
            return redirect("reports:report", report_id=report.pk)
    return render(request, "reports/region.html", {
        "region": region, "reports": selectors.reports_for(request.user, region=region),
        "form": form if can_manage else None})


def _page_context(request, report) -> dict:
    user = request.user
    team = selectors.is_team(user, report)
    running = services.running(report)
    latest = services.latest_draft(report) if team else None
    return {
        "report": report, "team": team,
        "can_edit": team and _may_manage(user, report) and report.is_editable,
        "outline": selectors.outline_rows(report),
        "generations": selectors.generations(report, team=team),
        "running": running, "latest": latest,
        "stale": bool(latest and report.outline_changed_at
                      and latest.created_at < report.outline_changed_at),
        "edition": selectors.edition_for(user, report),
        "steps": selectors.steps_for(user, report),
        "history": selectors.history(report),
        "choices": selectors.generator_choices(),
    }


@login_required
@require_GET
def report(request, report_id: int):
    report = selectors.report_for(request.user, report_id)
    return render(request, "reports/report.html", _page_context(request, report))


@login_required
@require_POST
def generate(request, report_id: int):
    report = selectors.report_for(request.user, report_id)
    if not _may_manage(request.user, report):
        raise Http404(access.NOT_FOUND)
    if not GenerateForm(request.POST).is_valid():
        messages.error(request, _("Nothing was generated."))
    else:
        try:
            services.report_generate(report=report, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The draft is being generated."))
    return redirect("reports:report", report_id=report.pk)


@login_required
@require_GET
def status(request, report_id: int):
    """The latest generation's progress, for the page to poll."""
    report = selectors.report_for(request.user, report_id)
    team = selectors.is_team(request.user, report)
    generation = selectors.latest_generation(report) if team else report.final
    if generation is None:
        return JsonResponse({"status": "", "progress": 0, "stage": "", "finished": True})
    return JsonResponse({"status": generation.status, "progress": generation.progress,
                         "stage": generation.stage, "finished": generation.finished,
                         "error": generation.error})


def _edition(request, report):
    generation = selectors.edition_for(request.user, report, request.GET.get("generation"))
    if generation is None:
        raise Http404(access.NOT_FOUND)
    return generation


@login_required
@require_GET
@xframe_options_sameorigin
def preview(request, report_id: int):
    """The edition's HTML, as the PDF is set from it (for the page's preview frame)."""
    report = selectors.report_for(request.user, report_id)
    generation = _edition(request, report)
    try:
        html = Path(generation.html_path).read_text(encoding="utf-8")
    except OSError:
        raise Http404(access.NOT_FOUND) from None
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The preview's own styles and inlined figures only: no script, nothing fetched.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; " \
        "img-src data:; frame-ancestors 'self'"
    return response


@login_required
@require_GET
def download(request, report_id: int, fmt: str):
    report = selectors.report_for(request.user, report_id)
    if fmt not in FILE_TYPES:
        raise Http404(access.NOT_FOUND)
    generation = _edition(request, report)
    path = Path(getattr(generation, f"{fmt}_path") or "")
    if not path.is_file():
        raise Http404(access.NOT_FOUND)
    response = FileResponse(path.open("rb"), content_type=FILE_TYPES[fmt], as_attachment=True,
                            filename=path.name)
    response["X-Content-SHA256"] = getattr(generation, f"{fmt}_sha256")
    return response


@login_required
@require_POST
def step(request, report_id: int):
    report = selectors.report_for(request.user, report_id)
    if not selectors.is_team(request.user, report):
        raise Http404(access.NOT_FOUND)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect("reports:report", report_id=report.pk)
    try:
        services.report_step(report=report, action=form.cleaned_data["action"],
                             note=form.cleaned_data["note"], acting_user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The publication is being prepared.")
                         if form.cleaned_data["action"] == "publish"
                         else _("Sign-off recorded."))
    return redirect("reports:report", report_id=report.pk)


def _outline_target(report, op: str, target: int):
    """The chapter, section or block an outline operation names, within the report."""
    obj = selectors.outline_target(report, op, target)
    if obj is None:
        raise Http404(access.NOT_FOUND)
    return obj


@login_required
@require_POST
def outline(request, report_id: int):
    report = selectors.report_for(request.user, report_id)
    if not _may_manage(request.user, report):
        raise Http404(access.NOT_FOUND)
    form = OutlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed."))
        return redirect("reports:report", report_id=report.pk)
    op, data = form.cleaned_data["op"], form.cleaned_data
    obj = _outline_target(report, op, data["target"])
    user = request.user
    try:
        if op == "section_add":
            services.report_section_add(report=report, chapter=obj, title=data["title"],
                                        acting_user=user)
        elif op == "section_rename":
            services.report_section_rename(report=report, section=obj, title=data["title"],
                                           acting_user=user)
        elif op in ("section_up", "section_down"):
            services.report_section_move(report=report, section=obj, acting_user=user,
                                         direction=-1 if op == "section_up" else 1)
        elif op == "section_remove":
            services.report_section_remove(report=report, section=obj, acting_user=user)
        elif op == "block_add":
            services.report_block_add(report=report, section=obj, acting_user=user,
                                      generator=data["generator"],
                                      text=_("[Write the text here.]"))
        elif op in ("block_up", "block_down"):
            services.report_block_move(report=report, block=obj, acting_user=user,
                                       direction=-1 if op == "block_up" else 1)
        else:
            services.report_block_remove(report=report, block=obj, acting_user=user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Outline saved."))
    return redirect(f"{_report_url(report)}#outline")


def _report_url(report) -> str:
    return reverse("reports:report", kwargs={"report_id": report.pk})


@login_required
@require_http_methods(["GET", "POST"])
def block(request, report_id: int, block_id: int):
    """Edit a narrative's text, or the settings of a generated block (its indicators)."""
    from konvergen.targets.selectors import indicators

    report = selectors.report_for(request.user, report_id)
    if not _may_manage(request.user, report):
        raise Http404(access.NOT_FOUND)
    block = selectors.outline_block(report, block_id)
    if block is None:
        raise Http404(access.NOT_FOUND)
    narrative = block.kind == BlockKind.NARRATIVE
    if narrative:
        form: NarrativeForm | ParamsForm = NarrativeForm(
            request.POST or None, initial={"text": block.text})
    else:
        language = report.language
        choices = [(i.code, i.name(language)) for i in indicators()]
        form = ParamsForm(request.POST or None, generator=block.generator, indicators=choices,
                          initial=block.params)
    if request.method == "POST" and form.is_valid():
        try:
            if narrative:
                services.report_block_edit(report=report, block=block,
                                           text=form.cleaned_data["text"],
                                           acting_user=request.user)
            else:
                services.report_block_edit(report=report, block=block,
                                           params=dict(form.cleaned_data),
                                           acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{_report_url(report)}#block-{block.pk}")
    return render(request, "reports/block.html", {
        "report": report, "block": block, "form": form, "narrative": narrative,
        "locked": not report.is_editable,
        "generator": selectors.GENERATORS.get(block.generator)})

