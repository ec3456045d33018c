"""Agglomeration pages: thin views (access check, selector or service, template)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.agglomerations import selectors, services
from konvergen.agglomerations.forms import AgglomerationForm, member_formset
from konvergen.audit.services import audit_record
from konvergen.core.xlsx import xlsx_response

#: Blank member rows on the form (the seed agglomeration has five members).
BLANK_ROWS_NEW, BLANK_ROWS_EDIT = 6, 3
STATUS_LABELS = {
    "on_track": gettext_lazy("On track"),
    "attention": gettext_lazy("Needs attention"),
    "off_track": gettext_lazy("Off track"),
}


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404(access.NOT_FOUND)
    return year


def _region_choices(user) -> list:
    """The kab/kota the user may make members, grouped by province."""
    return selectors.member_region_choices(user)


@login_required
@require_GET
def index(request):
    access.require_feature(request.user, "agglomerations")
    agglomerations = selectors.agglomerations_for(request.user)
    names = selectors.province_names(agglomerations)
    rows = [(a, selectors.owner_label(a, names)) for a in agglomerations]
    return render(request, "agglomerations/index.html", {
        "rows": rows, "year": timezone.localdate().year,
        "can_create": bool(access.agglomeration_manage_scopes(request.user)),
    })


def _save(request, agglomeration=None):
    """The create and edit form (GET shows it, POST saves through the service)."""
    choices = _region_choices(request.user)
    if agglomeration is None:
        initial_data, initial_members, blank = None, None, BLANK_ROWS_NEW
    else:
        initial_data = {name: getattr(agglomeration, name) for name in services.FIELDS}
        initial_members = [{"region": m.region_id, "leading_sector": m.leading_sector,
                            "supporting_sectors": m.supporting_sectors}
                           for m in agglomeration.members.all()]
        blank = BLANK_ROWS_EDIT
    post = request.POST if request.method == "POST" else None
    form = AgglomerationForm(post, initial=initial_data)
    formset = member_formset(data=post, initial=initial_members, blank_rows=blank,
                             region_choices=choices)
    if post is not None and form.is_valid() and formset.is_valid():
        members = [spec for f in formset.forms if (spec := f.spec()) is not None]
        try:
            if agglomeration is None:
                agglomeration = services.agglomeration_create(
                    data=form.cleaned_data, members=members, acting_user=request.user)
            else:
                services.agglomeration_update(agglomeration=agglomeration,
                                              data=form.cleaned_data, members=members,
                                              acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Agglomeration saved."))
            return redirect("agglomerations:compare", agglomeration.pk,
                            timezone.localdate().year)
    return render(request, "agglomerations/form.html", {
        "form": form, "formset": formset, "agglomeration": agglomeration,
        "year": timezone.localdate().year,
    })


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    if not access.agglomeration_manage_scopes(request.user):
        raise Http404(access.NOT_FOUND)
    return _save(request)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, agglomeration_id: int):
    agglomeration = selectors.agglomeration_for(request.user, agglomeration_id, manage=True)
    if agglomeration.archived:
        messages.error(request, _("This agglomeration is archived: restore it to change it."))
        return redirect("agglomerations:compare", agglomeration.pk, timezone.localdate().year)
    return _save(request, agglomeration)


@login_required
@require_POST
def archive(request, agglomeration_id: int):
    """Archive the agglomeration (``archived=1``) or restore it (``archived=0``)."""
    agglomeration = selectors.agglomeration_for(request.user, agglomeration_id, manage=True)
    wanted = request.POST.get("archived")
    if wanted not in ("0", "1"):
        messages.error(request, _("Choose whether to archive or restore."))
    else:
        try:
            services.agglomeration_archive(agglomeration=agglomeration, archived=wanted == "1",
                                           acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Archived.") if wanted == "1" else _("Restored."))
    return redirect("agglomerations:compare", agglomeration.pk, timezone.localdate().year)


@login_required
@require_GET
def compare(request, agglomeration_id: int, year: int):
    agglomeration = selectors.agglomeration_for(request.user, agglomeration_id)
    result = selectors.comparison(agglomeration, _year(year))
    return render(request, "agglomerations/compare.html", {
        "agglomeration": agglomeration, "year": year, "result": result,
        "years": [year - 1, year, year + 1], "chart": result.chart(),
        "status_labels": STATUS_LABELS, "stages": selectors.STAGES,
        "can_manage": access.may_manage_agglomeration(
            request.user, [r.region.code for r in result.rows]),
    })


@login_required
@require_GET
def compare_xlsx(request, agglomeration_id: int, year: int):
    agglomeration = selectors.agglomeration_for(request.user, agglomeration_id)
    result = selectors.comparison(agglomeration, _year(year))
    headers = [
        _("Region code"), _("Kabupaten/kota"), _("Leading sector"), _("Supporting sectors"),
        _("P0 (%)"), _("P0 year"), _("P0 target %(year)s (%%)") % {"year": year},
        _("Achievement (%)"), _("Status"), _("Extreme poverty (%)"), _("Extreme poverty year"),
        _("Target families"), _("Reached"), _("Not reached"),
        *[str(label) for _key, label in selectors.STAGES],
        _("Leading-sector programmes"), _("of which the region's own"),
        _("Budget of the leading-sector programmes (Rp)"),
        _("Families reached by the leading sector"), _("Value delivered (Rp)"),
        _("Action-plan budget, leading sector (Rp)"), _("Action-plan budget, total (Rp)"),
        _("Convergence figures as of"),
    ]

    def lines():
        for row in result.rows:
            p0, extreme, f = row.p0, row.extreme, row.figures
            yield [
                row.region.code, row.region.name, row.leading_label,
                ", ".join(row.member.supporting_labels),
                p0.realised if p0 else None, p0.year if p0 else None, row.p0_target,
                round(p0.achievement, 2) if p0 and p0.achievement is not None else None,
                str(STATUS_LABELS.get(p0.status, "")) if p0 and p0.status else "",
                extreme.realised if extreme else None, extreme.year if extreme else None,
                f["target_families"], f["reached_families"], f["unreached_families"],
                *[f[key] for key, _label in selectors.STAGES],
                row.programme_count, row.own_count,
                float(row.programme_budget), f["leading_families"],
                round(float(f["leading_value"]), 2), float(f["plan_leading"]),
                float(f["plan_total"]),
                timezone.localtime(row.convergence_as_of).strftime("%Y-%m-%d %H:%M")
                if row.convergence_as_of else "",
            ]

    audit_record(actor=request.user, action="agglomerations.export", obj=agglomeration,
                 region_code=agglomeration.owner_scope, changes={"year": year})
    return xlsx_response(f"Aglomerasi-{agglomeration.pk}-{year}.xlsx", headers, lines(),
                         sheet=_("Comparison"))
