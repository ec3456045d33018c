"""Programme catalogue, form, and 'these uploaded beneficiaries received it'."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.programs import selectors, services
from konvergen.programs.forms import (
    EndMembershipForm,
    GroupForm,
    GroupHelpForm,
    MemberForm,
    ProgrammeForm,
    UseListForm,
)
from konvergen.programs.models import Group, GroupMember
from konvergen.regions.models import Region
from konvergen.registry.models import Person


def _this_year() -> int:
    return dt.date.today().year  # noqa: DTZ011 (a calendar year, local to the region)


@login_required
def programme_index(request):
    access.require_feature(request.user, "programmes")
    manage_scopes = access.scope_codes(request.user, roles={"admin", "tkpk"})
    return render(
        request,
        "programs/index.html",
        {
            "programmes": selectors.visible_programmes(request.user),
            "can_create": access.has_feature(request.user, "programmes_manage"),
            "catalogue_regions": [c for c in manage_scopes if c],
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
    programme = access.access_programme(request.user, programme_id, manage=True)
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
    programme = access.access_programme(request.user, programme_id)
    can_manage = True
    try:
        access.access_programme(request.user, programme_id, manage=True)
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
    programme = access.access_programme(request.user, programme_id, manage=True)
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
            "total": groups.count(),
            "q": q,
            "kind": kind,
            "kinds": Group.Kind.choices,
            "can_create": access.has_feature(request.user, "groups_manage"),
        },
    )


def _group_form(request, group: Group | None):
    code = request.POST.get("region_code") or (group.region_code if group else "")
    scopes = access.scope_codes(request.user, feature="groups_manage")
    region_for_orgs = code if code and access.covers_any(scopes, code) else (
        scopes[0] if scopes else "")
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
    group = access.access_group(request.user, group_id, manage=True)
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
        access.access_group(user, group_id, manage=True)
    except Http404:
        return False
    return True


@login_required
def group_detail(request, group_id: int):
    group = access.access_group(request.user, group_id)
    can_manage = _can_manage_group(request.user, group.pk)
    personal = access.can_view_personal_data(request.user, group.region_code)
    memberships = selectors.group_members(group)
    if not personal:
        for m in memberships:
            m.person.name, m.person.nik = access.mask_name(m.person.name), access.mask_nik(
                m.person.nik)
    q = request.GET.get("q", "")
    candidates = selectors.person_candidates(request.user, group, q) if can_manage else []
    programmes = selectors.group_programmes(request.user, group) if can_manage else []
    help_form = None
    if programmes:
        only = programmes[0].pk if len(programmes) == 1 else None
        help_form = GroupHelpForm(programmes=programmes,
                                  initial={"year": _this_year(), "programme": only})
    desa = Region.objects.filter(code=group.region_code).values_list("name", flat=True).first()
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
    group = access.access_group(request.user, group_id, manage=True)
    form = MemberForm(request.POST)
    person = None
    if form.is_valid():
        scopes = access.scope_codes(request.user, feature="groups_manage")
        persons = Person.objects.filter(access.scope_q(scopes, "region_code"), is_current=True)
        if form.cleaned_data["person"]:
            person = persons.filter(pk=form.cleaned_data["person"]).first()
        elif form.cleaned_data["nik"]:
            found = list(persons.filter(nik=form.cleaned_data["nik"].strip())[:2])
            person = found[0] if len(found) == 1 else None
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
    group = access.access_group(request.user, group_id, manage=True)
    membership = GroupMember.objects.filter(group=group, pk=member_id).select_related(
        "person", "group").first()
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
    group = access.access_group(request.user, group_id, manage=True)
    form = GroupHelpForm(request.POST, programmes=selectors.group_programmes(request.user, group))
    if not form.is_valid():
        messages.error(request, _("Choose a group programme, a period and a status."))
        return redirect("programs:group", group_id=group.pk)
    programme = access.access_programme(request.user, form.cleaned_data["programme"].pk,
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
