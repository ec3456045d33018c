"""Beneficiary lists: upload a file and start linking it; read its status and results."""

import json
import uuid
from pathlib import Path

from django.conf import settings
from ninja import File, Form, Query, Router, Status, UploadedFile

from konvergen.accounts import access
from konvergen.api import messages, selectors
from konvergen.api.auth import ApiError, Token
from konvergen.api.endpoints import ERRORS, one, page, parse_cursor
from konvergen.api.schemas import ListOut, ListPage, ListRowPage
from konvergen.core import jobs
from konvergen.core.uploads import save_upload
from konvergen.linkage import selectors as linkage_selectors
from konvergen.linkage import services as linkage
from konvergen.linkage.models import BeneficiaryList

router = Router(tags=["lists"])
LIMIT = Query(selectors.DEFAULT_LIMIT, ge=1, le=selectors.MAX_LIMIT)
#: The file types the linkage reader takes.
LIST_SUFFIXES = (".csv", ".xlsx", ".xls")


@router.get("/lists", response={200: ListPage, **ERRORS}, url_name="lists",
            auth=Token("lists:read"))
def lists(request, limit: int = LIMIT, cursor: str | None = None):
    """Lists the client may work on: every list of its regions for the secretariat, its
    organisation's for an agency or partner."""
    qs = selectors.lists(request.auth.user)
    rows, after = selectors.keyset_page(qs, after=parse_cursor(cursor), limit=limit)
    return page(request, [selectors.list_out(b) for b in rows], after)


def _mapping(text: str) -> dict[str, str]:
    if not text.strip():
        return {}
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise ApiError(422, messages.INVALID, extra={"errors": [{
            "field": "mapping",
            "message_en": 'a JSON object {"file header": "field"}'}]})
    return mapping


@router.post("/lists", response={202: ListOut, **ERRORS}, url_name="lists-upload",
             auth=Token("lists:write"))
def list_upload(request, file: File[UploadedFile], name: Form[str], region: Form[str],
                unit: Form[BeneficiaryList.Unit] = BeneficiaryList.Unit.PERSON,
                mapping: Form[str] = ""):
    """Upload a beneficiary list (CSV or XLSX, any subset of NIK, name, birth date, sex,
    KK, address, desa) to link against the register of `region` (a kab/kota with a
    register in the client's reach); linking starts at once in the background — poll
    `/lists/{id}`. `mapping`: a JSON object of file headers to fields, for headers not
    recognised."""
    user = request.auth.user
    access.access_region(user, region, feature="linkage")
    request.api_region = region
    dataset = selectors.region_dataset(region)
    if dataset is None:
        raise ApiError(404, messages.NO_DATASET, code=region)
    if Path(file.name or "").suffix.lower() not in LIST_SUFFIXES:
        raise ApiError(422, messages.BAD_FILE, reason="CSV or XLSX")
    orgs = access.linkage_organisations(user, region)
    organisation = selectors.first_organisation(orgs) if orgs else None
    folder = Path(settings.UPLOAD_DIR) / "lists" / uuid.uuid4().hex
    blist = linkage.beneficiary_list_create(
        dataset=dataset, name=name[:200], file_path=save_upload(file, folder),
        organisation=organisation, mapping=_mapping(mapping), unit=unit, acting_user=user)
    jobs.start(linkage.beneficiary_list_link, blist.pk, kind="linkage.link",
               region_code=dataset.region_id)
    blist.refresh_from_db()
    return Status(202, one(request, selectors.list_out(blist), region=region))


@router.get("/lists/{int:list_id}", response={200: ListOut, **ERRORS}, url_name="list",
            auth=Token("lists:read"))
def list_detail(request, list_id: int):
    """A list's linking status and counts (matched, to review, not in the register)."""
    blist = linkage_selectors.beneficiary_list_for(request.auth.user, list_id)
    return one(request, selectors.list_out(blist), region=blist.dataset.region_id)


@router.get("/lists/{int:list_id}/rows", response={200: ListRowPage, **ERRORS},
            url_name="list-rows", auth=Token("lists:read"))
def list_rows(request, list_id: int, limit: int = LIMIT, cursor: str | None = None):
    """Each row's link, by row number: status and the register person and family (ids
    only: read them through `/families`, masked as the client may)."""
    blist = linkage_selectors.beneficiary_list_for(request.auth.user, list_id)
    rows, after = selectors.keyset_page(selectors.list_rows(blist), after=parse_cursor(cursor),
                                        limit=limit, key="row_number")
    return page(request, [{"row_number": r.row_number, "status": r.status,
                           "match_probability": r.match_probability,
                           "person_id": r.person_id, "family_id": r.family_id} for r in rows],
                after, region=blist.dataset.region_id)
