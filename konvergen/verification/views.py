"""Village verification pages: thin views (access check, selector or service, template)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core.uploads import save_upload
from konvergen.core.xlsx import xlsx_response
from konvergen.verification import selectors, services
from konvergen.verification.forms import (
    ActionForm,
    CorrectionForm,
    DeactivationForm,
    MusdesForm,
    NewFamilyForm,
)
from konvergen.verification.models import Proposal


def _upload_folder() -> Path:
    return Path(settings.UPLOAD_DIR) / "verification" / uuid.uuid4().hex


def _desa_names(codes) -> dict[str, str]:
    return selectors.desa_names(codes)


@login_required
@require_GET
def index(request):
    access.require_feature(request.user, "verification")
    user = request.user
    state = request.GET.get("state", "")
    proposals = list(selectors.proposals_for(user, state=state,
                                             desa=request.GET.get("desa", ""))[:200])
    selectors.redact_families(user, proposals)
    can_propose = access.has_feature(user, "verification_propose")
    q = request.GET.get("q", "")
    return render(request, "verification/index.html", {
        "proposals": proposals,
        "names": _desa_names(p.region_code for p in proposals),
        "states": Proposal.State.choices,
        "state": state,
        "can_propose": can_propose,
        "families": selectors.operator_families(user, q=q) if can_propose else [],
        "q": q,
        "scopes": access.display_scopes(user, feature="verification_progress"),
        "can_export": access.has_feature(user, "verification_export"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request, kind: str):
    access.require_feature(request.user, "verification_propose")
    user = request.user
    family = record = None
    form: NewFamilyForm | CorrectionForm | DeactivationForm
    if kind == Proposal.Kind.NEW:
        desa = selectors.propose_desa(user)
        if not desa:
            raise Http404(access.NOT_FOUND)
        region_code = request.POST.get("region_code") or request.GET.get("desa") or desa[0].code
        if region_code not in {d.code for d in desa}:
            raise Http404(access.NOT_FOUND)
        form = NewFamilyForm(request.POST or None, request.FILES or None)
    elif kind in (Proposal.Kind.CORRECTION, Proposal.Kind.DEACTIVATION):
        desa = []
        family = selectors.family_for_proposal(user, request.GET.get("family"))
        region_code = family.region_code
        if kind == Proposal.Kind.CORRECTION:
            record = selectors.family_record(family)
            form = CorrectionForm(request.POST or None, request.FILES or None, family=family,
                                  record=record, members=selectors.family_members(family))
        else:
            form = DeactivationForm(request.POST or None, request.FILES or None)
    else:
        raise Http404(access.NOT_FOUND)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proposal = services.proposal_create(
                kind=kind, region_code=region_code, family=family, reason=d["reason"],
                evidence_file=save_upload(d["evidence"], _upload_folder()),
                data=form.proposal_data() if hasattr(form, "proposal_data") else {},
                deactivation_reason=d.get("deactivation_reason", ""), acting_user=user,
            )
        except services.VerificationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Proposal saved as a draft."))
            return redirect("verification:proposal", proposal_id=proposal.pk)
    return render(request, "verification/proposal_form.html", {
        "form": form, "kind": kind, "kind_label": Proposal.Kind(kind).label, "family": family,
        "desa": desa, "region_code": region_code,
    })


@login_required
@require_GET
def proposal_detail(request, proposal_id: int):
    user = request.user
    proposal = selectors.proposal_for(user, proposal_id)
    details = selectors.proposal_details(user, proposal)
    actions = services.allowed_actions(user, proposal)
    return render(request, "verification/proposal.html", {
        "proposal": proposal,
        "desa": _desa_names([proposal.region_code]).get(proposal.region_code, ""),
        **details,
        "events": _events(proposal),
        "actions": actions,
        "musdes_choices": selectors.musdes_of_desa(proposal.region_code)
        if "submit" in actions else [],
    })


def _events(proposal: Proposal) -> list:
    labels = {**dict(Proposal.State.choices), "agreed": _("Agreed by national data")}
    events = selectors.proposal_events(proposal)
    for e in events:
        e.label = labels.get(e.to_state, e.to_state)
    return events


@login_required
@require_POST
def proposal_step(request, proposal_id: int):
    proposal = selectors.proposal_for(request.user, proposal_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect("verification:proposal", proposal_id=proposal.pk)
    musdes = None
    if form.cleaned_data["musdes"]:
        musdes = selectors.musdes_in_desa(form.cleaned_data["musdes"], proposal.region_code)
    try:
        services.proposal_transition(
            proposal=proposal, action=form.cleaned_data["action"],
            note=form.cleaned_data["note"], musdes=musdes, acting_user=request.user)
    except services.VerificationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Proposal updated."))
    return redirect("verification:proposal", proposal_id=proposal.pk)


def _file_response(request, path: str, *, obj, region_code: str, what: str):
    access.require_personal_data(request.user, region_code)
    file = Path(path)
    if not file.is_file():
        raise Http404(access.NOT_FOUND)
    audit_record(actor=request.user, action=f"verification.{what}_download", obj=obj,
                 region_code=region_code, changes={"file": file.name})
    return FileResponse(open(file, "rb"), as_attachment=True, filename=file.name)


@login_required
@require_GET
def proposal_evidence(request, proposal_id: int):
    proposal = selectors.proposal_for(request.user, proposal_id)
    return _file_response(request, proposal.evidence_file, obj=proposal,
                          region_code=proposal.region_code, what="evidence")


@login_required
@require_GET
def musdes_index(request):
    access.require_feature(request.user, "verification")
    records = list(selectors.musdes_for(request.user))
    return render(request, "verification/musdes_list.html", {
        "records": records, "names": _desa_names(m.region_code for m in records),
        "can_create": access.has_feature(request.user, "verification_propose"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def musdes_new(request):
    access.require_feature(request.user, "verification_propose")
    desa = selectors.propose_desa(request.user)
    if not desa:
        raise Http404(access.NOT_FOUND)
    form = MusdesForm(request.POST or None, request.FILES or None,
                      desa_choices=[(d.code, f"{d.code} {d.name}") for d in desa])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            musdes = services.musdes_create(
                region_code=d["region_code"], held_on=d["held_on"], place=d["place"],
                attendees_count=d["attendees_count"], attendees=d["attendees"],
                signed_by=d["signed_by"],
                minutes_file=save_upload(d["minutes"], _upload_folder()),
                acting_user=request.user)
        except services.VerificationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Village deliberation recorded."))
            return redirect("verification:musdes", musdes_id=musdes.pk)
    return render(request, "verification/musdes_form.html", {"form": form})


@login_required
@require_GET
def musdes_detail(request, musdes_id: int):
    user = request.user
    musdes = selectors.musdes_record_for(user, musdes_id)
    proposals = selectors.musdes_proposals(musdes)
    can_submit = access.may_verify(user, "verification_propose", musdes.region_code)
    drafts = selectors.desa_drafts(musdes.region_code) if can_submit else []
    selectors.redact_families(user, [*proposals, *drafts])
    return render(request, "verification/musdes.html", {
        "musdes": musdes, "proposals": proposals, "drafts": drafts, "can_submit": can_submit,
        "desa": _desa_names([musdes.region_code]).get(musdes.region_code, ""),
        "minutes_url": selectors.personal_document_url(
            user, musdes.region_code, "verification:musdes-minutes", musdes.pk),
    })


@login_required
@require_POST
def musdes_submit(request, musdes_id: int):
    """Submit the chosen draft proposals of the desa as agreed by this deliberation."""
    musdes = selectors.musdes_record_for(request.user, musdes_id, manage=True)
    ids = [int(i) for i in request.POST.getlist("proposal") if i.isdigit()]
    done = 0
    for proposal in selectors.desa_proposals(ids, musdes.region_code):
        try:
            services.proposal_submit(proposal=proposal, musdes=musdes, acting_user=request.user)
            done += 1
        except services.VerificationError as exc:
            for message in exc.messages:
                messages.error(request, f"#{proposal.pk}: {message}")
    if done:
        messages.success(request, _("%(n)s proposal(s) submitted.") % {"n": done})
    return redirect("verification:musdes", musdes_id=musdes.pk)


@login_required
@require_GET
def musdes_minutes(request, musdes_id: int):
    musdes = selectors.musdes_record_for(request.user, musdes_id)
    return _file_response(request, musdes.minutes_file, obj=musdes,
                          region_code=musdes.region_code, what="minutes")


@login_required
@require_GET
def progress_index(request):
    access.require_feature(request.user, "verification_progress")
    return render(request, "verification/progress_index.html",
                  {"regions": selectors.progress_regions(request.user)})


@login_required
@require_GET
def progress(request, code: str):
    region = access.access_region(request.user, code, feature="verification_progress")
    return render(request, "verification/progress.html", {
        "region": region, "rows": selectors.progress(region),
        "states": Proposal.State.choices,
        "can_export": access.in_scope(request.user, code, feature="verification_export"),
    })


EXPORT_HEADERS = [
    "Kode Desa", "Desa/Kelurahan", "No Usulan", "Jenis Usulan", "Alasan Nonaktif",
    "ID Keluarga", "No KK", "NIK Kepala Keluarga", "Kepala Keluarga", "Alamat",
    "Perubahan / Data Usulan", "Alasan", "Tanggal Musdes/Muskel", "Ditandatangani",
    "Divalidasi Dinsos", "Disahkan", "Disahkan oleh", "Status",
]


@login_required
@require_GET
def export_xlsx(request, code: str):
    """The ratified decisions by name by address (BNBA), for upstream; audited as a
    personal-data export."""
    region = access.access_region(request.user, code, feature="verification_export")
    rows, redaction = selectors.export_rows(request.user, region)
    audit_record(actor=request.user, action="verification.export", obj=region,
                 region_code=code, changes={"rows": len(rows), "personal": redaction.visible})
    return xlsx_response(f"usulan-bnba-{code}.xlsx", EXPORT_HEADERS, rows, sheet="Usulan")
