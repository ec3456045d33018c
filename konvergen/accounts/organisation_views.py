"""The stakeholder directory's pages (``/stakeholders/``): who works on poverty in a region
(agencies, vertical programmes, BUMD, CSR, BAZNAS, universities, community organisations,
media, cooperatives), kept by the TKPK secretariat. Here rather than in ``organisations``
because they ask the access policy (``organisations`` is below ``accounts`` in the layer
order); the URL namespace stays ``organisations``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergen.accounts import access, selectors
from konvergen.organisations import services
from konvergen.organisations.forms import OrganisationForm
from konvergen.organisations.models import OrganisationKind, Pentahelix
from konvergen.regions.models import Level, Region


def _managed_regions(user) -> list[Region]:
    """Provinces and kab/kota the user keeps the directory of."""
    return selectors.stakeholder_regions(user)


@login_required
def organisation_index(request):
    access.require_feature(request.user, "stakeholders")
    kind, pentahelix = request.GET.get("kind", ""), request.GET.get("pentahelix", "")
    managed = _managed_regions(request.user)
    rows = selectors.stakeholder_directory(request.user, kind=kind, pentahelix=pentahelix)
    return render(request, "organisations/index.html", {
        "organisations": rows,
        "kinds": OrganisationKind.choices,
        "pentahelix_choices": Pentahelix.choices,
        "kind": kind,
        "pentahelix": pentahelix,
        "can_manage": access.has_scope(request.user, feature="stakeholders_manage"),
        "seed_regions": [r for r in managed if r.level == Level.KABKOTA][:50],
    })


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request):
    access.require_feature(request.user, "stakeholders_manage")
    regions = _managed_regions(request.user)
    form = OrganisationForm(request.POST or None, regions=regions,
                            initial={"region_code": request.GET.get("region", "")})
    if request.method == "POST" and form.is_valid():
        region = next(r for r in regions if r.code == form.cleaned_data["region_code"])
        try:
            services.organisation_create(region=region, acting_user=request.user,
                                         **form.organisation_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Stakeholder saved."))
            return redirect("organisations:index")
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, organisation_id: int):
    organisation = access.access_organisation(request.user, organisation_id, manage=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        fields = form.organisation_fields()
        organisation.refresh_from_db()  # the form wrote the new values onto the instance
        try:
            services.organisation_update(organisation=organisation, acting_user=request.user,
                                         **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Stakeholder saved."))
            return redirect("organisations:index")
    return render(request, "organisations/form.html",
                  {"form": form, "organisation": organisation})


@login_required
@require_POST
def standard_agencies(request):
    code = request.POST.get("region", "")
    region = next((r for r in _managed_regions(request.user)
                   if r.code == code and r.level == Level.KABKOTA), None)
    if region is None:
        raise Http404(access.NOT_FOUND)
    added = services.standard_agencies_seed(region=region, acting_user=request.user)
    messages.success(request, _("%(n)s standard agencies added to %(region)s.")
                     % {"n": len(added), "region": region.name})
    return redirect("organisations:index")
