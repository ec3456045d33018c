import csv
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core import jobs
from konvergen.core.uploads import save_upload
from konvergen.linkage import duplicates, labels, selectors, services
from konvergen.linkage.forms import ListUploadForm, RetrainForm, ThresholdsForm
from konvergen.linkage.models import BeneficiaryList, DuplicatePair, ListRow, RowStatus
from konvergen.regions import selectors as region_selectors


def _lists_for(user):
    return selectors.visible_lists(user)


@login_required
def list_index(request):
    access.require_feature(request.user, "linkage")
    regions = selectors.settings_regions(request.user)
    return render(
        request,
        "linkage/index.html",
        {"lists": _lists_for(request.user), "settings_regions": regions},
    )


def _datasets_for(user):
    return selectors.upload_datasets(user)


@login_required
@require_http_methods(["GET", "POST"])
def list_upload(request):
    access.require_feature(request.user, "linkage")
    datasets = _datasets_for(request.user)
    form = ListUploadForm(request.POST or None, request.FILES or None, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        dataset = next(d for d in datasets if str(d.pk) == form.cleaned_data["dataset"])
        orgs = access.linkage_organisations(request.user, dataset.region_id)
        organisation = selectors.first_organisation(orgs) if orgs else None
        folder = Path(settings.UPLOAD_DIR) / "lists" / uuid.uuid4().hex
        blist = services.beneficiary_list_create(
            dataset=dataset,
            name=form.cleaned_data["name"],
            file_path=save_upload(form.cleaned_data["file"], folder),
            organisation=organisation,
            mapping=form.cleaned_data["mapping"],
            unit=form.cleaned_data["unit"],
            acting_user=request.user,
        )
        jobs.start(services.beneficiary_list_link, blist.pk, kind="linkage.link",
                   region_code=dataset.region_id)
        return redirect("linkage:list", list_id=blist.pk)
    return render(request, "linkage/upload.html", {"form": form})


@login_required
def list_detail(request, list_id: int):
    blist = selectors.beneficiary_list_for(request.user, list_id)
    return render(
        request,
        "linkage/list.html",
        {
            "blist": blist,
            "counts": blist.counts or {},
            "review_left": selectors.review_left(blist),
        },
    )


@login_required
@require_POST
def list_relink(request, list_id: int):
    """Link the list again (after a new register snapshot, a retrained model or new
    thresholds); reviewer decisions stand."""
    blist = selectors.beneficiary_list_for(request.user, list_id)
    if blist.status in (BeneficiaryList.Status.QUEUED, BeneficiaryList.Status.RUNNING):
        messages.info(request, _("The list is already being linked."))
        return redirect("linkage:list", list_id=blist.pk)
    services.beneficiary_list_relink_request(blist=blist, acting_user=request.user)
    jobs.start(services.beneficiary_list_link, blist.pk, request.user.pk, kind="linkage.link",
               region_code=blist.dataset.region_id)
    return redirect("linkage:list", list_id=blist.pk)


@login_required
def list_status(request, list_id: int):
    blist = selectors.beneficiary_list_for(request.user, list_id)
    done = blist.status in (BeneficiaryList.Status.DONE, BeneficiaryList.Status.FAILED)
    return JsonResponse(
        {
            "status": blist.status,
            "finished": done,
            "error": blist.error,
            "progress": 100 if done else 50,
            "stage": blist.status,
        }
    )


@login_required
def list_result_csv(request, list_id: int):
    """The contract: row_number, id_individu, match_probability, status (after review)."""
    blist = selectors.beneficiary_list_for(request.user, list_id)
    audit_record(actor=request.user, action="personal_data.list_result_export", obj=blist,
                 region_code=blist.dataset.region_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hasil-tautan-{blist.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["row_number", "id_individu", "match_probability", "status"])
    rows = selectors.result_rows(blist)
    for number, person, probability, status in rows.iterator():
        writer.writerow(
            [number, person or "", "" if probability is None else f"{probability:.6f}", status]
        )
    return response


@login_required
def review_queue(request, list_id: int):
    blist = selectors.beneficiary_list_for(request.user, list_id)
    status = request.GET.get("status", RowStatus.REVIEW)
    if status not in RowStatus.values:
        raise Http404(access.NOT_FOUND)
    rows = selectors.queue_rows(blist, status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action="personal_data.list_rows_view", obj=blist,
                 region_code=blist.dataset.region_id,
                 changes={"status": status, "page": page.number})
    return render(
        request,
        "linkage/queue.html",
        {"blist": blist, "page": page, "status": status, "statuses": RowStatus.choices},
    )


def _row(user, list_id: int, row_number: int) -> ListRow:
    blist = selectors.beneficiary_list_for(user, list_id)
    row = selectors.list_row(blist, row_number)
    if row is None:
        raise Http404(access.NOT_FOUND)
    return row


@login_required
@require_http_methods(["GET", "POST"])
def row_review(request, list_id: int, row_number: int):
    row = _row(request.user, list_id, row_number)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "undo":
                services.list_row_undo(row=row, acting_user=request.user)
            else:
                person = request.POST.get("person")
                services.list_row_decide(
                    row=row,
                    action=request.POST.get("action", ""),
                    person_id=int(person) if person else None,
                    acting_user=request.user,
                )
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Decision saved."))
            following = selectors.next_review_row(list_id, row.row_number)
            if following and request.POST.get("action") != "undo":
                return redirect("linkage:row", list_id=list_id, row_number=following)
        return redirect("linkage:row", list_id=list_id, row_number=row_number)
    audit_record(actor=request.user, action="personal_data.list_row_view",
                 obj=row.beneficiary_list, region_code=row.beneficiary_list.dataset.region_id,
                 changes={"row": row.row_number})
    persons = selectors.candidate_persons(row)
    names = region_selectors.region_names({p.family.region_code for p in persons.values()})
    candidates = []
    for c in row.candidates:
        person = persons.get(c.get("person_id"))
        if person is None:
            continue
        evidence = labels.evidence_rows(c.get("evidence"))
        candidates.append(
            {
                **c,
                "person": person,
                "desa": names.get(person.family.region_code),
                "evidence": evidence,
            }
        )
    return render(
        request,
        "linkage/row.html",
        {
            "row": row,
            "blist": row.beneficiary_list,
            "candidates": candidates,
            "decisions": row.decisions.select_related("person", "decided_by")[:10],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thresholds(request, code: str):
    region = access.access_region(request.user, code, feature="linkage_settings")
    current = services.thresholds_for(region)
    form = ThresholdsForm(
        request.POST or None, initial={"accept": current.accept, "review": current.review}
    )
    if request.method == "POST" and form.is_valid():
        services.thresholds_set(
            region=region,
            accept=form.cleaned_data["accept"],
            review=form.cleaned_data["review"],
            acting_user=request.user,
        )
        messages.success(request, _("Thresholds saved."))
        return redirect("linkage:thresholds", code=code)
    histogram: dict[str, list] = {"edges": [], "counts": []}
    for blist in selectors.done_lists(region):
        h = (blist.counts or {}).get("histogram") or {}
        if not histogram["edges"]:
            histogram = {"edges": h.get("edges", []), "counts": list(h.get("counts", []))}
        elif h.get("edges") == histogram["edges"]:
            histogram["counts"] = [
                a + b for a, b in zip(histogram["counts"], h["counts"], strict=True)
            ]
    return render(
        request,
        "linkage/thresholds.html",
        {
            "region": region,
            "form": form,
            "current": current,
            "histogram": histogram,
            "retrain_form": RetrainForm(
                initial={"m_estimation": settings.KONVERGEN_LINKAGE_M_ESTIMATION}
            ),
            "model": selectors.model_parameters(region),
        },
    )


@login_required
@require_POST
def retrain(request, code: str):
    region = access.access_region(request.user, code, feature="linkage_settings")
    dataset = selectors.region_dataset(region)
    if dataset is None:
        raise Http404(access.NOT_FOUND)
    form = RetrainForm(request.POST)
    try:
        version = services.model_train(
            dataset=dataset,
            acting_user=request.user,
            m_estimation=form.cleaned_data["m_estimation"] if form.is_valid() else None,
        )
    except services.ListLinkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Model version %(v)s trained.") % {"v": version.version})
    return redirect("linkage:thresholds", code=code)


# --- Duplicates inside the register -----------------------------------------------------


def _pair(user, pair_id: int) -> DuplicatePair:
    pair = selectors.duplicate_pair(pair_id)
    if pair is None:
        raise Http404(access.NOT_FOUND)
    access.access_region(user, pair.dataset.region_id, feature="linkage_settings")
    return pair


@login_required
def duplicates_index(request, code: str):
    region = access.access_region(request.user, code, feature="linkage_settings")
    status = request.GET.get("status", DuplicatePair.Status.OPEN)
    pairs = selectors.duplicate_pairs(region, status)
    page = Paginator(pairs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/duplicates.html",
        {
            "region": region,
            "page": page,
            "status": status,
            "statuses": DuplicatePair.Status.choices,
            "has_dataset": selectors.has_dataset(region),
        },
    )


@login_required
@require_POST
def duplicates_find(request, code: str):
    region = access.access_region(request.user, code, feature="linkage_settings")
    dataset = selectors.region_dataset(region)
    if dataset is None:
        raise Http404(access.NOT_FOUND)
    try:
        found = duplicates.duplicates_find(dataset=dataset, acting_user=request.user)
    except services.ListLinkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s new pairs to review.") % {"n": found})
    return redirect("linkage:duplicates", code=code)


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_pair(request, pair_id: int):
    pair = _pair(request.user, pair_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "merge":
                duplicates.pair_merge(
                    pair=pair, survivor_id=int(request.POST["survivor"]), acting_user=request.user
                )
            elif action == "distinct":
                duplicates.pair_mark_distinct(pair=pair, acting_user=request.user)
            elif action == "reopen":
                duplicates.pair_reopen(pair=pair, acting_user=request.user)
            else:
                raise ValidationError(_("Unknown decision."))
        except (ValidationError, ValueError, KeyError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Decision saved."))
        return redirect("linkage:pair", pair_id=pair.pk)
    evidence = labels.evidence_rows(pair.evidence)
    return render(
        request,
        "linkage/pair.html",
        {
            "pair": pair,
            "evidence": evidence,
            "merge": selectors.open_merge(pair),
        },
    )
