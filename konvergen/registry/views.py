import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core.uploads import save_upload
from konvergen.core.xlsx import xlsx_response
from konvergen.programs import selectors as program_selectors
from konvergen.regions.models import Level, Region
from konvergen.registry import jobs, selectors
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
from konvergen.welfare import selectors as welfare_selectors

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
    dataset = access.access_dataset(request.user, dataset_id, feature="register_import")
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
    held = set(dataset.snapshots.values_list("source", flat=True))
    return render(request, "registry/authority.html", {
        "dataset": dataset, "error": error,
        "rows": [{"position": n, "source": s, "label": Source(s).label, "held": s in held,
                  "choices": [(m, Source(m).label) for m in Source.values]}
                 for n, s in enumerate(order, start=1)],
    })


def _import_regions(user) -> list[Region]:
    scopes = access.scope_codes(user, feature="register_import")
    regions = Region.objects.filter(level__lte=Level.KABKOTA, is_active=True)
    return list(regions.filter(access.scope_q(scopes, "code")).order_by("code"))


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
    job = get_object_or_404(ImportJob.objects.select_related("dataset", "snapshot"), pk=job_id)
    access.access_dataset(user, job.dataset_id, feature="register_import")
    return job


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
    reasons = {}
    for issue in (
        ImportIssue.objects.filter(snapshot=snapshot)
        .values("kind", "reason", "message_id", "message_en")
        .distinct()
    ):
        reasons[(issue["kind"], issue["reason"])] = (
            issue["message_en"] if english else issue["message_id"]
        )
    counts = snapshot.counts or {}

    def labelled(kind, by_reason):
        return [
            (reason, reasons.get((kind, reason), reason), n)
            for reason, n in sorted((by_reason or {}).items(), key=lambda x: -x[1])
        ]

    by_desa = (snapshot.diff or {}).get("by_desa", {})
    names = dict(Region.objects.filter(code__in=list(by_desa)).values_list("code", "name"))
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
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    access.access_dataset(request.user, snapshot.dataset_id)
    return render(request, "registry/snapshot.html", _snapshot_context(snapshot))


@login_required
def snapshot_issues_xlsx(request, snapshot_id: int, kind: str):
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    access.access_dataset(request.user, snapshot.dataset_id)
    if kind not in ImportIssue.Kind.values:
        raise Http404(access.NOT_FOUND)
    english = (get_language() or "id").startswith("en")
    issues = selectors.snapshot_issues(snapshot, kind).values_list(
        "file",
        "row_number",
        "column",
        "value",
        "message_en" if english else "message_id",
        "reason",
        "record_id",
    )
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
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    dataset = access.access_dataset(request.user, snapshot.dataset_id)
    if kind not in KINDS or snapshot.previous_id is None:
        raise Http404(access.NOT_FOUND)
    rows = diff_rows(
        kind=kind,
        old_id=snapshot.previous_id,
        new_id=snapshot.pk,
        region_prefix=request.GET.get("desa", ""),
    )
    columns = DIFF_COLUMNS["person" if kind.startswith("persons") else "family"]
    if not access.can_view_personal_data(request.user, dataset.region_id):
        rows = [_mask_diff_row(kind, row) for row in rows]
    else:
        audit_record(actor=request.user, action="personal_data.snapshot_diff_export",
                     obj=snapshot, region_code=dataset.region_id,
                     changes={"kind": kind, "rows": len(rows)})
    return xlsx_response(f"{kind}-snapshot-{snapshot.pk}.xlsx", columns, rows)


def _mask_diff_row(kind: str, row: tuple) -> tuple:
    # Family and person rows both carry (desa, id, name, NIK or KK, ...).
    return (*row[:2], access.mask_name(row[2]), access.mask_nik(row[3]), *row[4:])


def _family_row(family, personal: bool) -> dict:
    return {
        "id": family.pk,
        "source_id": family.source_id,
        "region_code": family.region_code,
        "desil": family.desil,
        "head_name": family.head_name if personal else access.mask_name(family.head_name),
        "kk_number": family.kk_number if personal else access.mask_nik(family.kk_number),
        "address": family.address if personal else "",
    }


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
            for r in (
                _family_row(f, access.can_view_personal_data(user, f.region_code))
                for f in families[:EXPORT_LIMIT].iterator()
            )
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
        scopes = access.scope_codes(user, feature="register")
        where = desa if desa and access.covers_any(scopes, desa) else (scopes or [""])[0]
        audit_record(actor=request.user, action="personal_data.family_export",
                     object_type="registry.family", region_code=where[:13],
                     changes={"query": bool(q), "desa": desa[:13]})
        return xlsx_response("keluarga.xlsx", headers, rows)
    page = Paginator(families, 50).get_page(request.GET.get("page"))
    names = dict(
        Region.objects.filter(code__in={f.region_code for f in page}).values_list("code", "name")
    )
    rows = [
        dict(
            _family_row(f, access.can_view_personal_data(user, f.region_code)),
            desa_name=names.get(f.region_code, ""),
        )
        for f in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/search.html",
        {"page": page, "rows": rows, "q": q, "desa": desa, "query": query.urlencode()},
    )


@login_required
def family_detail(request, family_id: int):
    family = access.access_family(request.user, family_id)
    personal = access.can_view_personal_data(request.user, family.region_code)
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
    region = Region.objects.filter(code=record.region_code).select_related("parent").first()
    if personal:
        # Who opened which family's profile: the id only, no name or number.
        audit_record(actor=request.user, action="personal_data.family_view",
                     object_type="registry.family", object_id=str(family.pk),
                     object_repr=f"#{family.pk}", region_code=family.region_code,
                     changes={"snapshot": record.snapshot_id})
    if not personal:
        for m in members:
            m.name, m.nik = access.mask_name(m.name), access.mask_nik(m.nik)
            m.birth_place, m.birth_date = "", None
        record.head_name, record.head_nik = access.mask_name(record.head_name), ""
        record.kk_number, record.address = access.mask_nik(record.kk_number), ""
        for view in sources:
            view["record"].kk_number = access.mask_nik(view["record"].kk_number)
            view["record"].address = ""
    return render(
        request,
        "registry/family.html",
        {
            "family": family,
            "record": record,
            "records": records,
            "sources": sources,
            "members": members,
            "region": region,
            "personal": personal,
            # Welfare status and needs panel (konvergen/welfare).
            "needs_panel": welfare_selectors.family_needs(family.pk, needs_snapshot),
            # Intervention panel (konvergen/programs).
            "family_interventions": program_selectors.family_interventions(family.pk),
            "family_groups": program_selectors.family_groups(family.pk),
        },
    )
