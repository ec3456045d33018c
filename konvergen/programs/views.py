"""Programme catalogue, form, and 'these uploaded beneficiaries received it'."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.programs import selectors, services
from konvergen.programs.forms import (
    CancelForm,
    ColumnMappingForm,
    EndMembershipForm,
    GroupForm,
    GroupHelpForm,
    InterventionForm,
    MemberForm,
    ProgrammeForm,
    StatusFileForm,
    TransitionForm,
    UseListForm,
)
from konvergen.programs.models import Group, Intervention, InterventionUpload
from konvergen.regions import selectors as region_selectors
from konvergen.registry import selectors as registry_selectors


def _this_year() -> int:
    return dt.date.today().year  # noqa: DTZ011 (a calendar year, local to the region)


@login_required
def programme_index(request):
    access.require_feature(request.user, "programmes")
    return render(
        request,
        "programs/index.html",
        {
            "programmes": selectors.visible_programmes(request.user),
            "can_create": access.has_feature(request.user, "programmes_manage"),
            "catalogue_regions": access.display_scopes(request.user, roles={"admin", "tkpk"}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request):
    access.require_feature(request.user, "programmes_manage")
    organisations = selectors.manageable_organisations(request.user)
    form = ProgrammeForm(request.POST or None, organisations=organisations,
                         initial={"year_start": _this_year(), "year_end": _this_year()})
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            programme = services.programme_create(
                organisation=organisation,
                region=organisation.region,
                acting_user=request.user,
                **form.programme_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("programs:detail", programme_id=programme.pk)
    return render(request, "programs/form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, programme_id: int):
    programme = selectors.programme_for(request.user, programme_id, manage=True)
    organisations = selectors.manageable_organisations(request.user)
    form = ProgrammeForm(request.POST or None, instance=programme, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        fields = form.programme_fields()
        # Re-read from the database: the model form has already applied the new values.
        programme.refresh_from_db()
        try:
            services.programme_update(programme=programme, acting_user=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("programs:detail", programme_id=programme.pk)
    return render(request, "programs/form.html", {"form": form, "programme": programme})


@login_required
def programme_detail(request, programme_id: int):
    programme = selectors.programme_for(request.user, programme_id)
    can_manage = True
    try:
        selectors.programme_for(request.user, programme_id, manage=True)
    except Http404:
        can_manage = False
    use_form = None
    if can_manage and access.has_feature(request.user, "linkage"):
        use_form = UseListForm(
            lists=selectors.usable_lists(request.user, programme),
            initial={"period": programme.year_start},
        )
    return render(
        request,
        "programs/detail.html",
        {
            "programme": programme,
            "can_manage": can_manage,
            "use_form": use_form,
            "list_uses": selectors.programme_list_uses(request.user, programme),
            "need_names": selectors.need_names(programme.needs),
            "interventions": selectors.programme_interventions(programme),
        },
    )


@login_required
@require_POST
def programme_use_list(request, programme_id: int):
    programme = selectors.programme_for(request.user, programme_id, manage=True)
    access.require_feature(request.user, "linkage")
    form = UseListForm(request.POST, lists=selectors.usable_lists(request.user, programme))
    if not form.is_valid():
        messages.error(request, _("Choose a linked list and a period."))
        return redirect("programs:detail", programme_id=programme.pk)
    try:
        outcome = services.interventions_from_list(
            programme=programme,
            beneficiary_list=form.cleaned_data["beneficiary_list"],
            period=form.cleaned_data["period"],
            status=form.cleaned_data["status"],
            value=form.cleaned_data["value"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Beneficiaries synced: %(added)s added, %(updated)s updated, %(removed)s "
              "removed, %(total)s in all.") % outcome,
        )
    return redirect("programs:detail", programme_id=programme.pk)


@login_required
@require_POST
def catalogue_load(request):
    code = request.POST.get("region", "")
    region = access.access_region(request.user, code, feature="programmes_manage")
    if access.programme_organisations(request.user, region.code) is not None:
        raise Http404(access.NOT_FOUND)
    year = _this_year()
    created = services.programme_catalogue_load(
        region=region, year_start=year, year_end=year, acting_user=request.user
    )
    messages.success(request, _("%(n)s national programmes added.") % {"n": len(created)})
    return redirect("programs:index")


# --- Groups: UMKM, KUBE, cooperatives ------------------------------------------------------


@login_required
def group_index(request):
    access.require_feature(request.user, "groups")
    q, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    groups = selectors.visible_groups(request.user, q=q, kind=kind)
    return render(
        request,
        "programs/groups.html",
        {
            "groups": groups[:500],
            "total": selectors.groups_total(groups),
            "q": q,
            "kind": kind,
            "kinds": Group.Kind.choices,
            "can_create": access.has_feature(request.user, "groups_manage"),
        },
    )


def _group_form(request, group: Group | None):
    code = request.POST.get("region_code") or (group.region_code if group else "")
    region_for_orgs = (
        code if code and access.in_scope(request.user, code, feature="groups_manage")
        else access.home_scope(request.user, feature="groups_manage"))
    organisations = selectors.group_organisations(request.user, region_for_orgs)
    required = access.group_organisations(request.user, region_for_orgs) is not None
    return GroupForm(request.POST or None, instance=group, organisations=organisations,
                     organisation_required=required)


def _check_group_place(request, form: GroupForm) -> bool:
    """The desa must lie in the user's scope, the organisation be one of theirs."""
    code = form.cleaned_data["region_code"]
    try:
        access.access_region(request.user, code, feature="groups_manage")
    except Http404:
        form.add_error("region_code", _("This desa is outside your area."))
        return False
    allowed = access.group_organisations(request.user, code)
    org = form.cleaned_data.get("organisation")
    if allowed is not None and (org is None or org.pk not in allowed):
        form.add_error("organisation", _("Choose your own organisation."))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request):
    access.require_feature(request.user, "groups_manage")
    form = _group_form(request, None)
    if request.method == "POST" and form.is_valid() and _check_group_place(request, form):
        group = services.group_create(acting_user=request.user, **form.group_fields())
        messages.success(request, _("Group saved."))
        return redirect("programs:group", group_id=group.pk)
    return render(request, "programs/group_form.html", {"form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, group_id: int):
    group = selectors.group_for(request.user, group_id, manage=True)
    form = _group_form(request, group)
    if request.method == "POST" and form.is_valid() and _check_group_place(request, form):
        fields = form.group_fields()
        group.refresh_from_db()  # the model form has already applied the new values
        services.group_update(group=group, acting_user=request.user, **fields)
        messages.success(request, _("Group saved."))
        return redirect("programs:group", group_id=group.pk)
    return render(request, "programs/group_form.html", {"form": form, "group": group})


def _can_manage_group(user, group_id: int) -> bool:
    try:
        selectors.group_for(user, group_id, manage=True)
    except Http404:
        return False
    return True


@login_required
def group_detail(request, group_id: int):
    group = selectors.group_for(request.user, group_id)
    can_manage = _can_manage_group(request.user, group.pk)
    memberships = selectors.group_members(
        group, redaction=access.redaction(request.user, group.region_code))
    q = request.GET.get("q", "")
    candidates = selectors.person_candidates(request.user, group, q) if can_manage else []
    programmes = selectors.group_programmes(request.user, group) if can_manage else []
    help_form = None
    if programmes:
        only = programmes[0].pk if len(programmes) == 1 else None
        help_form = GroupHelpForm(programmes=programmes,
                                  initial={"year": _this_year(), "programme": only})
    desa = region_selectors.region_names([group.region_code]).get(group.region_code)
    return render(
        request,
        "programs/group.html",
        {
            "group": group,
            "desa": desa or "",
            "members": [m for m in memberships if m.left_year is None],
            "former_members": [m for m in memberships if m.left_year is not None],
            "this_year": _this_year(),
            "can_manage": can_manage,
            "q": q,
            "candidates": candidates,
            "member_form": MemberForm() if can_manage else None,
            "help_form": help_form,
            "interventions": selectors.group_interventions(group),
        },
    )


def _form_errors(form) -> str:
    return "; ".join(f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                     else " ".join(errors) for name, errors in form.errors.items())


@login_required
@require_POST
def group_member_add(request, group_id: int):
    group = selectors.group_for(request.user, group_id, manage=True)
    form = MemberForm(request.POST)
    person = None
    if form.is_valid():
        person = selectors.member_candidate(request.user, person_id=form.cleaned_data["person"],
                                            nik=form.cleaned_data["nik"] or "")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("programs:group", group_id=group.pk)
    if person is None:
        messages.error(request, _("No person of the latest register in your area has that NIK."))
        return redirect("programs:group", group_id=group.pk)
    try:
        services.group_member_add(group=group, person=person, role=form.cleaned_data["role"],
                                  joined_year=form.cleaned_data["joined_year"],
                                  acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(str(m) for m in exc.messages))
    else:
        messages.success(request, _("%(name)s added to the group.") % {"name": person.name})
    return redirect("programs:group", group_id=group.pk)


@login_required
@require_POST
def group_member_remove(request, group_id: int, member_id: int):
    group = selectors.group_for(request.user, group_id, manage=True)
    membership = selectors.group_membership(group, member_id)
    if membership is None:
        raise Http404(access.NOT_FOUND)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("programs:group", group_id=group.pk)
    try:
        kept = services.group_member_remove(
            membership=membership, left_year=form.cleaned_data["left_year"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(str(m) for m in exc.messages))
    else:
        if kept is None:
            messages.success(request, _("Member removed (added by mistake: no help to the "
                                        "group in their only year)."))
        else:
            messages.success(request, _("Membership of %(name)s ended in %(year)s.") % {
                "name": membership.person.name, "year": kept.left_year})
    return redirect("programs:group", group_id=group.pk)


@login_required
@require_POST
def group_help(request, group_id: int):
    group = selectors.group_for(request.user, group_id, manage=True)
    form = GroupHelpForm(request.POST, programmes=selectors.group_programmes(request.user, group))
    if not form.is_valid():
        messages.error(request, _("Choose a group programme, a period and a status."))
        return redirect("programs:group", group_id=group.pk)
    programme = selectors.programme_for(request.user, form.cleaned_data["programme"].pk,
                                        manage=True)
    try:
        services.intervention_to_group(
            programme=programme, group=group, year=form.cleaned_data["year"],
            status=form.cleaned_data["status"], value=form.cleaned_data["value"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(str(m) for m in exc.messages))
    else:
        messages.success(request, _("Help to the group recorded."))
    return redirect("programs:group", group_id=group.pk)


# --- Interventions of a programme: list, record, edit, lifecycle, status files -------------


def _can_manage(user, programme_id: int) -> bool:
    try:
        selectors.programme_for(user, programme_id, manage=True)
    except Http404:
        return False
    return True


def _managed_intervention(request, programme_id: int, intervention_id: int):
    """The programme (managed by the user) and one of its interventions to a family or
    group in the user's scope; Http404 otherwise, the same as for one that does not exist."""
    programme = selectors.programme_for(request.user, programme_id, manage=True)
    intervention = selectors.managed_intervention(request.user, programme, intervention_id)
    if intervention is None:
        raise Http404(access.NOT_FOUND)
    return programme, intervention


def _messages_of(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


@login_required
@require_GET
def intervention_index(request, programme_id: int):
    programme = selectors.programme_for(request.user, programme_id)
    status = request.GET.get("status", "")
    if status not in Intervention.Status.values:
        status = ""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    q = request.GET.get("q", "")
    rows, total, counts = selectors.programme_intervention_rows(
        request.user, programme, status=status, year=year, q=q)
    can_manage = _can_manage(request.user, programme.pk)
    return render(request, "programs/interventions.html", {
        "programme": programme,
        "rows": rows,
        "total": total,
        "shown": len(rows),
        "status": status,
        "year": year or "",
        "q": q,
        "statuses": [(code, label, counts.get(code, 0))
                     for code, label in Intervention.Status.choices],
        "all_count": sum(counts.values()),
        "can_manage": can_manage,
        "cancel_form": CancelForm() if can_manage else None,
        "uploads": selectors.intervention_uploads(programme) if can_manage else [],
    })


def _find_beneficiary(user, text: str):
    """(family, person) of a NIK or No KK in the user's register scope, or an error."""
    value = "".join(ch for ch in text if ch.isdigit())
    if len(value) != 16:
        return None, None, _("Enter a NIK or No KK of 16 digits.")
    persons = selectors.persons_with_nik(user, value)
    if len(persons) == 1:
        family = registry_selectors.family_for(user, persons[0].family_id)
        return family, persons[0], None
    if len(persons) > 1:
        return None, None, _("Several persons of the register have this NIK; record it by "
                             "No KK.")
    families = selectors.families_with_kk(user, value)
    if len(families) == 1:
        return registry_selectors.family_for(user, families[0].pk), None, None
    if len(families) > 1:
        return None, None, _("Several families of the register have this No KK.")
    return None, None, _("No family or person of the register in your area has this "
                         "number.")


@login_required
@require_http_methods(["GET", "POST"])
def intervention_new(request, programme_id: int):
    programme = selectors.programme_for(request.user, programme_id, manage=True)
    initial = {"year": min(max(_this_year(), programme.year_start), programme.year_end),
               "beneficiary": request.GET.get("beneficiary", ""), "value": 0}
    form = InterventionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        family, person, error = _find_beneficiary(request.user, data["beneficiary"])
        if error:
            form.add_error("beneficiary", error)
        else:
            try:
                services.intervention_record(
                    programme=programme, family=family, person=person, year=data["year"],
                    status=data["status"], date=data["date"], item=data["item"],
                    units=data["units"], value=data["value"], note=data["note"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Intervention recorded."))
                return redirect("programs:interventions", programme_id=programme.pk)
    return render(request, "programs/intervention_form.html",
                  {"programme": programme, "form": form, "intervention": None})


@login_required
@require_http_methods(["GET", "POST"])
def intervention_edit(request, programme_id: int, intervention_id: int):
    programme, intervention = _managed_intervention(request, programme_id, intervention_id)
    fields = ["year", "item", "units", "value", "note", "planned_on", "delivered_on",
              "completed_on"]
    form = InterventionForm(request.POST or None, editing=True,
                            initial={f: getattr(intervention, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_update(
                intervention=intervention, acting_user=request.user,
                **{f: form.cleaned_data[f] if f != "item" else form.cleaned_data[f] or ""
                   for f in fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Intervention saved."))
            return redirect("programs:interventions", programme_id=programme.pk)
    beneficiary_name, beneficiary_number = selectors.intervention_beneficiary(
        request.user, intervention)
    return render(request, "programs/intervention_form.html", {
        "programme": programme, "form": form, "intervention": intervention,
        "cancel_form": CancelForm(),
        "beneficiary_name": beneficiary_name, "beneficiary_number": beneficiary_number,
    })


@login_required
@require_http_methods(["GET", "POST"])
def intervention_cancel(request, programme_id: int, intervention_id: int):
    programme, intervention = _managed_intervention(request, programme_id, intervention_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_cancel(
                intervention=intervention, reason=form.cleaned_data["reason"],
                date=form.cleaned_data["date"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Intervention cancelled."))
            return redirect("programs:interventions", programme_id=programme.pk)
    return render(request, "programs/intervention_cancel.html",
                  {"programme": programme, "intervention": intervention, "form": form})


@login_required
@require_POST
def intervention_status(request, programme_id: int, intervention_id: int):
    """A transition button: planned → delivered, delivered → completed (cancelling has
    its own form, it needs a reason)."""
    programme, intervention = _managed_intervention(request, programme_id, intervention_id)
    form = TransitionForm(request.POST)
    back = request.POST.get("next") or ""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.intervention_transition(
                intervention=intervention, status=form.cleaned_data["status"],
                date=form.cleaned_data["date"], reason=form.cleaned_data["reason"],
                acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Status changed to %(status)s.") % {
                "status": dict(Intervention.Status.choices)[form.cleaned_data["status"]]})
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("programs:interventions", programme_id=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def intervention_upload(request, programme_id: int):
    programme = selectors.programme_for(request.user, programme_id, manage=True)
    form = StatusFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.intervention_upload_create(
                programme=programme, upload=form.cleaned_data["file"],
                acting_user=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("programs:intervention-upload-result", programme_id=programme.pk,
                            upload_id=upload.pk)
    return render(request, "programs/intervention_upload.html", {
        "programme": programme, "form": form,
        "fields": services.FILE_FIELD_LABELS,
        "uploads": selectors.intervention_uploads(programme),
    })


def _managed_upload(request, programme_id: int, upload_id: int):
    programme = selectors.programme_for(request.user, programme_id, manage=True)
    upload = selectors.intervention_upload(programme, upload_id)
    if upload is None:
        raise Http404(access.NOT_FOUND)
    return programme, upload


@login_required
@require_http_methods(["GET", "POST"])
def intervention_upload_result(request, programme_id: int, upload_id: int):
    """The column mapping of an uploaded status file (confirm, then apply) and, once
    applied, its report: counts and the rejected rows with row, field and reason."""
    programme, upload = _managed_upload(request, programme_id, upload_id)
    form = ColumnMappingForm(request.POST or None, headers=upload.headers,
                             labels=services.FILE_FIELD_LABELS, initial_mapping=upload.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.intervention_upload_apply(
                upload=upload, mapping=form.mapping(),
                within=selectors.intervention_family_scope_q(request.user),
                acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _(
                "%(updated)s interventions updated, %(unchanged)s unchanged, %(rejected)s "
                "rows rejected.") % counts)
            return redirect("programs:intervention-upload-result", programme_id=programme.pk,
                            upload_id=upload.pk)
    rejected = [{**e, "text": services.row_error_text(e)} for e in upload.rejected[:500]]
    return render(request, "programs/intervention_upload_result.html", {
        "programme": programme, "upload": upload, "form": form, "rejected": rejected,
        "applied": upload.state == InterventionUpload.State.APPLIED,
    })


@login_required
@require_GET
def intervention_upload_rejected(request, programme_id: int, upload_id: int):
    _programme, upload = _managed_upload(request, programme_id, upload_id)
    response = HttpResponse(services.rejected_rows_csv(upload),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-{upload.pk}.csv"'
    return response
