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
from konvergen.programs.forms import ProgrammeForm, UseListForm


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
            _("Beneficiaries synced: %(added)s added, %(removed)s removed, %(total)s in all.")
            % outcome,
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
