import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core import jobs, panels
from konvergen.core.uploads import save_upload
from konvergen.core.xlsx import xlsx_response
from konvergen.regions import selectors as region_selectors
from konvergen.regions.models import Region
from konvergen.registry import selectors
from konvergen.registry.diff import DIFF_COLUMNS, KINDS, diff_rows
from konvergen.registry.forms import ImportForm
from konvergen.registry.models import ImportIssue, ImportJob, Snapshot, Source
from konvergen.registry.services import (
    RegisterImportError,
    dataset_authority_set,
    dataset_get_or_create,
    import_job_create,
    import_job_run,
)

EXPORT_LIMIT = 200_000


@login_required
def register_home(request):
    access.require_feature(request.user, "register")
    return render(
        request,
        "registry/home.html",
        {
            "snapshots": selectors.snapshots_for(request.user)[:20],
            "jobs": selectors.import_jobs_for(request.user)[:10],
            "can_import": access.has_feature(request.user, "register_import"),
            "datasets": selectors.datasets_for(request.user, feature="register_import")
            if access.has_feature(request.user, "register_import") else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dataset_authority(request, dataset_id: int):
    """Which source the region trusts first for its families' current values."""
    dataset = selectors.dataset_for(request.user, dataset_id, feature="register_import")
    error = None
    if request.method == "POST":
        order = [s for s in request.POST.getlist("order") if s]
        try:
            dataset_authority_set(dataset=dataset, order=order, acting_user=request.user)
        except RegisterImportError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Source order saved; the figures are being recomputed."))
            return redirect("registry:authority", dataset_id=dataset.pk)
    order = dataset.authority_order
    held = selectors.dataset_sources_held(dataset)
    return render(request, "registry/authority.html", {
        "dataset": dataset, "error": error,
        "rows": [{"position": n, "source": s, "label": Source(s).label, "held": s in held,
                  "choices": [(m, Source(m).label) for m in Source.values]}
                 for n, s in enumerate(order, start=1)],
    })


def _import_regions(user) -> list[Region]:
    return selectors.import_regions(user)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    access.require_feature(request.user, "register_import")
    regions = _import_regions(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        region = next(r for r in regions if r.code == form.cleaned_data["region"])
        dataset = dataset_get_or_create(
            source=form.cleaned_data["source"], region=region, acting_user=request.user
        )
        folder = Path(settings.UPLOAD_DIR) / uuid.uuid4().hex
        job = import_job_create(
            dataset=dataset,
            families_path=save_upload(form.cleaned_data["families"], folder),
            members_path=save_upload(form.cleaned_data["members"], folder),
            options={
                "source": form.cleaned_data["source"],
                "snapshot_date": form.cleaned_data["snapshot_date"].isoformat(),
                "mapping": form.cleaned_data["mapping"],
            },
            acting_user=request.user,
        )
        jobs.start(import_job_run, job.pk, kind="register.import", region_code=region.code)
        return redirect("registry:import-job", job_id=job.pk)
    return render(request, "registry/import_form.html", {"form": form})


def _job(user, job_id) -> ImportJob:
    return selectors.import_job_for(user, job_id)


@login_required
def import_job(request, job_id: int):
    job = _job(request.user, job_id)
    return render(
        request, "registry/import_job.html", {"job": job, **_snapshot_context(job.snapshot)}
    )


@login_required
def import_job_status(request, job_id: int):
    job = _job(request.user, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "stage": job.stage,
            "progress": job.progress,
            "error": job.error,
            "finished": job.finished_at is not None,
        }
    )


def _snapshot_context(snapshot: Snapshot | None) -> dict:
    if snapshot is None:
        return {}
    english = (get_language() or "id").startswith("en")
    reasons = selectors.snapshot_issue_messages(snapshot, english=english)
    counts = snapshot.counts or {}

    def labelled(kind, by_reason):
        return [
            (reason, reasons.get((kind, reason), reason), n)
            for reason, n in sorted((by_reason or {}).items(), key=lambda x: -x[1])
        ]

    by_desa = (snapshot.diff or {}).get("by_desa", {})
    names = region_selectors.region_names(by_desa)
    return {
        "snapshot": snapshot,
        "counts": counts,
        "rejection_reasons": labelled("rejection", counts.get("rejections_by_reason")),
        "flag_reasons": labelled("flag", counts.get("flags_by_kind")),
        "diff_totals": (snapshot.diff or {}).get("totals", {}),
        "diff_by_desa": sorted((code, names.get(code, ""), c) for code, c in by_desa.items()),
        "diff_kinds": list(KINDS),
    }


@login_required
def snapshot_detail(request, snapshot_id: int):
    snapshot, _dataset = selectors.snapshot_for(request.user, snapshot_id)
    return render(request, "registry/snapshot.html", _snapshot_context(snapshot))


@login_required
def snapshot_issues_xlsx(request, snapshot_id: int, kind: str):
    snapshot, _dataset = selectors.snapshot_for(request.user, snapshot_id)
    if kind not in ImportIssue.Kind.values:
        raise Http404(access.NOT_FOUND)
    english = (get_language() or "id").startswith("en")
    issues = selectors.snapshot_issue_rows(snapshot, kind, english=english)
    headers = [
        _("File"),
        _("Row"),
        _("Column"),
        _("Value"),
        _("Reason"),
        _("Reason code"),
        _("Record ID"),
    ]
    name = "penolakan" if kind == "rejection" else "tanda"
    return xlsx_response(f"{name}-snapshot-{snapshot.pk}.xlsx", headers, issues.iterator())


@login_required
def snapshot_diff_xlsx(request, snapshot_id: int, kind: str):
    snapshot, dataset = selectors.snapshot_for(request.user, snapshot_id)
    if kind not in KINDS or snapshot.previous_id is None:
        raise Http404(access.NOT_FOUND)
    rows = diff_rows(
        kind=kind,
        old_id=snapshot.previous_id,
        new_id=snapshot.pk,
        region_prefix=request.GET.get("desa", ""),
    )
    columns = DIFF_COLUMNS["person" if kind.startswith("persons") else "family"]
    rows, redaction = selectors.snapshot_diff_rows(request.user, dataset, rows)
    if redaction.visible:
        audit_record(actor=request.user, action="personal_data.snapshot_diff_export",
                     obj=snapshot, region_code=dataset.region_id,
                     changes={"kind": kind, "rows": len(rows)})
    return xlsx_response(f"{kind}-snapshot-{snapshot.pk}.xlsx", columns, rows)


@login_required
def family_search(request):
    access.require_feature(request.user, "register")
    q, desa = request.GET.get("q", ""), request.GET.get("desa", "")
    families = selectors.family_search(request.user, q=q, desa=desa)
    user = request.user
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                r["source_id"],
                r["region_code"],
                r["kk_number"],
                r["head_name"],
                r["address"],
                r["desil"],
            )
            for r in selectors.family_rows(user, families[:EXPORT_LIMIT].iterator())
        )
        headers = [
            _("Family ID"),
            _("Desa code"),
            _("KK number"),
            _("Head of family"),
            _("Address"),
            _("Desil"),
        ]
        # The search terms may be a NIK or a name: only their presence is recorded.
        where = (desa if desa and access.in_scope(user, desa, feature="register")
                 else access.home_scope(user, feature="register"))
        audit_record(actor=request.user, action="personal_data.family_export",
                     object_type="registry.family", region_code=where[:13],
                     changes={"query": bool(q), "desa": desa[:13]})
        return xlsx_response("keluarga.xlsx", headers, rows)
    page = Paginator(families, 50).get_page(request.GET.get("page"))
    names = region_selectors.region_names({f.region_code for f in page})
    page_rows = [
        dict(row, desa_name=names.get(row["region_code"], ""))
        for row in selectors.family_rows(user, page)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/search.html",
        {"page": page, "rows": page_rows, "q": q, "desa": desa, "query": query.urlencode()},
    )


@login_required
def family_detail(request, family_id: int):
    family = selectors.family_for(request.user, family_id)
    redaction = access.redaction(request.user, family.region_code)
    records = selectors.family_records(family)
    wanted = request.GET.get("snapshot")
    # By default the record that supplies the current values (the best source's latest).
    record = (next((r for r in records if str(r.snapshot_id) == wanted), None)
              or next((r for r in records if r.snapshot_id == family.last_snapshot_id), None)
              or records[-1])
    sources = selectors.family_sources(family, records)
    # The register's figures (status, needs) are those of the dataset's latest snapshot,
    # computed on each family's current record.
    needs_snapshot = (selectors.head_snapshot_id(family.dataset_id)
                      if record.snapshot_id == family.last_snapshot_id else record.snapshot_id)
    members = selectors.family_members(family, record.snapshot_id)
    region = region_selectors.region_with_parent(record.region_code)
    if redaction.visible:
        # Who opened which family's profile: the id only, no name or number.
        audit_record(actor=request.user, action="personal_data.family_view",
                     object_type="registry.family", object_id=str(family.pk),
                     object_repr=f"#{family.pk}", region_code=family.region_code,
                     changes={"snapshot": record.snapshot_id})
    selectors.redact_family_profile(redaction, record, members, sources)
    # The sections other apps register for the profile (welfare's status and needs,
    # the programmes' help and groups: ``core.panels``).
    sections = panels.sections(panels.FAMILY, request.user, family=family, record=record,
                               needs_snapshot_id=needs_snapshot, redaction=redaction)
    return render(
        request,
        "registry/family.html",
        {
            **sections.context,  # the page's own names below win over a panel's
            "family": family,
            "record": record,
            "records": records,
            "sources": sources,
            "members": members,
            "region": region,
            "redacted": redaction.redacted,
            "panels": sections,
        },
    )
