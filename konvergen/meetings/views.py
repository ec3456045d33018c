"""TKPK meeting pages: thin views (access check, selector or service, template)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core.uploads import save_upload
from konvergen.meetings import selectors, services
from konvergen.meetings.forms import MeetingForm
from konvergen.meetings.models import Kind


def _folder() -> Path:
    return Path(settings.UPLOAD_DIR) / "meetings" / uuid.uuid4().hex


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Http404(access.NOT_FOUND) from None
    if not 2000 <= year <= 2100:
        raise Http404(access.NOT_FOUND)
    return year


def _tkpk_region(user, code: str, *, feature: str):
    region = access.access_region(user, code, feature=feature)
    if region.level not in selectors.TKPK_LEVELS:
        raise Http404(access.NOT_FOUND)
    return region


def _form_errors(form) -> str:
    """Every error of the form, each after the name of its field."""
    return " ".join(f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                    else " ".join(errors) for name, errors in form.errors.items())


@login_required
@require_GET
def index(request):
    """The provinces and kab/kota whose meetings the user reads, with the year's count."""
    access.require_feature(request.user, "meetings")
    year = _year(request.GET.get("year") or timezone.localdate().year)
    return render(request, "meetings/index.html", {
        "rows": selectors.index_regions(request.user, year), "year": year,
        "years": [year - 1, year, year + 1]})


@login_required
@require_GET
def region(request, code: str, year: int):
    region = _tkpk_region(request.user, code, feature="meetings")
    year = _year(year)
    meetings = list(selectors.meetings_for(request.user, region, year))
    by_kind = {k: 0 for k in Kind.values}
    for meeting in meetings:
        by_kind[meeting.kind] += 1
    years = sorted({*selectors.years_of(region), year, timezone.localdate().year},
                   reverse=True)
    return render(request, "meetings/region.html", {
        "region": region, "year": year, "meetings": meetings, "years": years,
        "by_kind": [(label, by_kind[k]) for k, label in Kind.choices],
        "can_manage": selectors.may_manage(request.user, region)})


def _save(request, region, meeting=None):
    """The create and edit form (GET shows it, POST saves through the service)."""
    organisations = selectors.organisation_choices(region, meeting)
    has_minutes = bool(meeting and meeting.minutes_file)
    if meeting is None:
        initial = {"held_on": timezone.localdate(), "kind": Kind.COORDINATION}
    else:
        initial = {name: getattr(meeting, name) for name in services.FIELDS}
        initial["organisations"] = list(meeting.organisations.all())
    post = request.method == "POST"
    form = MeetingForm(request.POST if post else None, request.FILES if post else None,
                       initial=initial, organisations=organisations, has_minutes=has_minutes)
    if post and not form.is_valid():
        messages.error(request, _("The meeting was not saved. %(errors)s") % {
            "errors": _form_errors(form)})
    elif post:
        upload = form.cleaned_data.get("minutes")
        path = save_upload(upload, _folder()) if upload else None
        try:
            if meeting is None:
                meeting = services.meeting_create(
                    region=region, data=form.data_for_service(),
                    organisations=form.cleaned_data["organisations"], minutes_path=path,
                    acting_user=request.user)
            else:
                meeting = services.meeting_update(
                    meeting=meeting, data=form.data_for_service(),
                    organisations=form.cleaned_data["organisations"], minutes_path=path,
                    remove_minutes=form.cleaned_data.get("remove_minutes", False),
                    acting_user=request.user)
        except ValidationError as exc:
            field = services.FIELD_OF.get(getattr(exc, "code", None) or "")
            form.add_error(field, exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/form.html", {
        "form": form, "region": region, "meeting": meeting,
        "year": meeting.held_on.year if meeting else timezone.localdate().year})


@login_required
@require_http_methods(["GET", "POST"])
def new(request, code: str):
    region = _tkpk_region(request.user, code, feature="meetings_manage")
    return _save(request, region)


@login_required
@require_GET
def detail(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id)
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "region": meeting.region, "year": meeting.held_on.year,
        "decisions": [line.strip() for line in meeting.decisions.splitlines() if line.strip()],
        "can_manage": selectors.may_manage(request.user, meeting.region)})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id, manage=True)
    return _save(request, meeting.region, meeting)


@login_required
@require_POST
def delete(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id, manage=True)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Nothing was deleted."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    code, year = meeting.region_id, meeting.held_on.year
    try:
        services.meeting_delete(meeting=meeting, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    messages.success(request, _("Meeting deleted."))
    return redirect("meetings:region", code=code, year=year)


@login_required
@require_GET
def minutes(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id)
    path = Path(meeting.minutes_file) if meeting.minutes_file else None
    if path is None or not path.is_file():
        raise Http404(access.NOT_FOUND)
    audit_record(actor=request.user, action="meetings.minutes_download", obj=meeting,
                 region_code=meeting.region_id, changes={"file": meeting.minutes_name})
    return FileResponse(open(path, "rb"), as_attachment=True, filename=meeting.minutes_name)
