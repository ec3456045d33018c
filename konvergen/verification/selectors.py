"""Reads of village verification for the pages: visible proposals, the operator's families,
progress per desa, the rows of the upstream export."""

from django.db.models import Count, Max, Q
from django.urls import reverse

from konvergen.accounts import access
from konvergen.regions.filters import within_q
from konvergen.regions.models import Level, Region
from konvergen.registry import selectors as registry_selectors
from konvergen.registry.models import Family, FamilyRecord, Person
from konvergen.verification.models import Musdes, Proposal

State = Proposal.State


def proposals_for(user, *, state: str = "", kind: str = "", desa: str = ""):
    qs = Proposal.objects.filter(access.verification_q(user)).select_related("family", "musdes")
    if state in State.values:
        qs = qs.filter(state=state)
    elif state == "agreed":
        qs = qs.filter(agreed_snapshot__isnull=False)
    if kind in Proposal.Kind.values:
        qs = qs.filter(kind=kind)
    if desa:
        qs = qs.filter(within_q(desa, "region_code"))
    return qs


def musdes_for(user, *, region_code: str = ""):
    qs = Musdes.objects.filter(access.verification_q(user)).annotate(
        proposal_count=Count("proposals"))
    if region_code:
        qs = qs.filter(region_code=region_code)
    return qs


def propose_desa(user) -> list[Region]:
    """The desa/kelurahan the user may propose for (usually the operator's one)."""
    if not access.has_feature(user, "verification_propose"):
        return []
    return list(access.visible(user, Region.objects.filter(level=Level.DESA, is_active=True),
                               feature="verification_propose").order_by("code")[:500])


def operator_families(user, *, q: str = "", limit: int = 50):
    """Current register families of the desa the user proposes for, searched by name, NIK
    or No KK."""
    if not access.has_feature(user, "verification_propose"):
        return Family.objects.none()
    qs = access.visible(user, Family.objects.filter(is_current=True),
                        feature="verification_propose", region_field="region_code")
    q = q.strip()
    if q:
        if q.isdigit():
            qs = qs.filter(Q(kk_number__startswith=q) | Q(head_nik__startswith=q))
        else:
            qs = qs.filter(head_name__icontains=q)
    return qs.order_by("head_name", "pk")[:limit]


def family_for_proposal(user, family_id) -> Family:
    """A register family of a desa the user proposes for (Http404 otherwise)."""
    family = registry_selectors.family_for(user, family_id)
    if not access.may_verify(user, "verification_propose", family.region_code):
        from django.http import Http404

        raise Http404(access.NOT_FOUND)
    return family


def family_record(family: Family):
    return FamilyRecord.objects.filter(family=family, snapshot_id=family.last_snapshot_id).first()


def family_members(family: Family) -> list[Person]:
    return list(Person.objects.filter(family=family).order_by("pk"))


def progress(region: Region) -> list[dict]:
    """Per desa/kelurahan below ``region``: proposals per state, decisions agreed by national
    data, village deliberations held and the last one's date."""
    if region.level == Level.DESA:
        desa = [region]
    else:
        desa = list(Region.objects.filter(level=Level.DESA, is_active=True,
                                          code__startswith=region.code + ".").order_by("code"))
    where = within_q(region.code, "region_code")
    counts: dict[str, dict] = {}
    for row in Proposal.objects.filter(where).values("region_code", "state").annotate(
            n=Count("pk")):
        counts.setdefault(row["region_code"], {})[row["state"]] = row["n"]
    agreed = dict(Proposal.objects.filter(where, agreed_snapshot__isnull=False).values(
        "region_code").annotate(n=Count("pk")).values_list("region_code", "n"))
    awaiting = dict(Proposal.objects.filter(
        where, kind=Proposal.Kind.NEW, state=State.RATIFIED, agreed_snapshot__isnull=True)
        .values("region_code").annotate(n=Count("pk")).values_list("region_code", "n"))
    held = {r["region_code"]: r for r in Musdes.objects.filter(where).values(
        "region_code").annotate(n=Count("pk"), last=Max("held_on"))}
    rows = []
    for d in desa:
        c = counts.get(d.code, {})
        rows.append({
            "code": d.code, "name": d.name, "states": [c.get(s, 0) for s in State.values],
            "total": sum(c.values()), "agreed": agreed.get(d.code, 0),
            "awaiting_new": awaiting.get(d.code, 0),
            "musdes": held.get(d.code, {}).get("n", 0),
            "last_musdes": held.get(d.code, {}).get("last"),
        })
    return rows


def ratified_for_export(region: Region):
    return (Proposal.objects.filter(within_q(region.code, "region_code"),
                                    state=State.RATIFIED)
            .select_related("family", "musdes", "ratified_by")
            .prefetch_related("corrections").order_by("region_code", "pk"))


def kabkota_code(desa_code: str) -> str:
    """The kab/kota of a desa/kelurahan code (``32.04.05.2001`` → ``32.04``)."""
    return desa_code[:5]


def verification_coverage(parent_code: str, year: int) -> dict[str, dict[str, int]]:
    """Per kab/kota below ``parent_code`` (a province or a kab/kota): its active
    desa/kelurahan, those that held a village deliberation (musdes/muskel) in ``year``, and
    the year's proposals and those decided (ratified or rejected). Three grouped queries."""
    prefix = parent_code + "."
    out: dict[str, dict[str, int]] = {}

    def row(code: str) -> dict[str, int]:
        return out.setdefault(kabkota_code(code), {"desa": 0, "musdes_desa": 0,
                                                    "proposals": 0, "decided": 0})

    for code in Region.objects.filter(level=Level.DESA, is_active=True,
                                      code__startswith=prefix).values_list("code", flat=True):
        row(code)["desa"] += 1
    for code in (Musdes.objects.filter(region_code__startswith=prefix, held_on__year=year)
                 .order_by().values_list("region_code", flat=True).distinct()):
        row(code)["musdes_desa"] += 1
    decided = {State.RATIFIED, State.REJECTED}
    for item in (Proposal.objects.filter(region_code__startswith=prefix, created_at__year=year)
                 .order_by().values("region_code", "state").annotate(n=Count("pk"))):
        counts = row(item["region_code"])
        counts["proposals"] += item["n"]
        if item["state"] in decided:
            counts["decided"] += item["n"]
    return out


def proposal_for(user, proposal_id):
    """A village proposal inside the user's verification scope, else Http404."""
    return access.get_visible(Proposal.objects.select_related("family", "musdes"),
                              access.verification_q(user), proposal_id)


def musdes_record_for(user, musdes_id, *, manage: bool = False):
    """A musdes/muskel record inside the user's scope; with ``manage`` only for those who
    propose for its desa (the village operator). Http404 otherwise."""
    feature = "verification_propose" if manage else "verification"
    return access.get_visible(Musdes.objects.all(),
                              access.verification_q(user, feature=feature), musdes_id)


# --- Personal data, redacted for the user (``access.redaction``) ----------------------------

#: How a family's identifiers are redacted on the verification pages.
FAMILY_REDACTION = {"head_name": "name", "head_nik": "nik", "kk_number": "no_kk",
                    "address": "address"}


def redact_families(user, proposals) -> None:
    """Mask, in place, the identifiers of each proposal's family where the user may not see
    personal data in the family's desa."""
    for p in proposals:
        if p.family is not None:
            access.redaction(user, p.family.region_code).row(p.family, FAMILY_REDACTION)


def personal_document_url(user, region_code: str, viewname: str, pk: int) -> str:
    """The link to a document holding personal data (a proposal's evidence, a deliberation's
    minutes); empty where the user may not download it."""
    return access.redaction(user, region_code).hide(reverse(viewname, args=[pk]))


def proposal_details(user, proposal: Proposal) -> dict:
    """What the proposal page shows of its personal data: its ``corrections`` and ``data``
    (hidden, and the family masked, where the user may not see personal data) and the
    ``evidence_url``."""
    redaction = access.redaction(user, proposal.region_code)
    corrections = list(proposal.corrections.select_related("person"))
    data = proposal.data
    if redaction.redacted:
        redact_families(user, [proposal])
        for c in corrections:
            c.old_value = c.new_value = "***"
        data = {}
    return {
        "corrections": corrections,
        "data": data,
        "evidence_url": redaction.hide(
            reverse("verification:proposal-evidence", args=[proposal.pk])),
    }


def _export_status(p: Proposal) -> str:
    if p.agreed_snapshot_id:
        return "Sudah sesuai data nasional"
    if p.kind == Proposal.Kind.NEW:
        return "Usulan baru, menunggu penetapan nasional"
    return "Keputusan lokal berlaku"


def _export_row(p: Proposal, names: dict, redaction: access.Redaction) -> list:
    f = p.family
    if p.kind == Proposal.Kind.NEW:
        kk, nik, head, address = (p.data.get(k, "") for k in (
            "kk_number", "head_nik", "head_name", "address"))
        detail = "; ".join(f"{m.get('nik', '')} {m.get('name', '')} {m.get('birth_date', '')} "
                           f"{m.get('relation', '')}".strip() for m in p.data.get("members", []))
        housing = ", ".join(f"{k}={v}" for k, v in (p.data.get("housing") or {}).items())
        detail = " | ".join(x for x in (detail, housing) if x)
    else:
        assert f is not None  # a correction or deactivation is of a family
        kk, nik, head, address = f.kk_number, f.head_nik, f.head_name, f.address
        detail = "; ".join(
            f"{c.target}{'#' + str(c.person_id) if c.person_id else ''}.{c.field}: "
            f"{c.old_value} -> {c.new_value}" for c in p.corrections.all())
    kk, nik, head, address, detail = (redaction.no_kk(kk), redaction.nik(nik),
                                      redaction.name(head), redaction.address(address),
                                      redaction.hide(detail))
    return [
        p.region_code, names.get(p.region_code, ""), p.pk, p.get_kind_display(),
        p.get_deactivation_reason_display(), f.source_id if f else "", kk, nik, head, address,
        detail, p.reason, p.musdes.held_on.isoformat() if p.musdes else "",
        p.musdes.signed_by if p.musdes else "",
        p.validated_at.date().isoformat() if p.validated_at else "",
        p.ratified_at.date().isoformat() if p.ratified_at else "",
        p.ratified_by.get_username() if p.ratified_by else "", _export_status(p),
    ]


def export_rows(user, region: Region) -> tuple[list[list], access.Redaction]:
    """The ratified decisions by name by address (BNBA) of ``region``, one row per proposal,
    names and numbers masked where the user may not see personal data there:
    ``(rows, redaction)``."""
    redaction = access.redaction(user, region.code)
    proposals = list(ratified_for_export(region))
    names = dict(Region.objects.filter(code__in={p.region_code for p in proposals})
                 .values_list("code", "name"))
    return [_export_row(p, names, redaction) for p in proposals], redaction


def progress_regions(user):
    """The regions listed on the progress index: those the user's ``verification_progress``
    scope is made of (with the whole country: every province and kab/kota)."""
    if access.is_country_wide(user, feature="verification_progress"):
        return Region.objects.filter(level__lte=2, is_active=True).order_by("code")
    return Region.objects.filter(
        code__in=access.display_scopes(user, feature="verification_progress")).order_by("code")


# --- reads of the proposal and deliberation pages -------------------------------------------

def desa_names(codes) -> dict[str, str]:
    """The name of each desa of ``codes``."""
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def musdes_of_desa(region_code: str) -> list[Musdes]:
    """The deliberations held in the desa (a proposal is submitted as agreed by one)."""
    return list(Musdes.objects.filter(region_code=region_code))


def musdes_in_desa(musdes_id, region_code: str) -> Musdes | None:
    """The deliberation ``musdes_id`` if it was held in the desa, else ``None``."""
    return Musdes.objects.filter(pk=musdes_id, region_code=region_code).first()


def proposal_events(proposal: Proposal) -> list:
    """The proposal's steps with who took them, oldest first."""
    return list(proposal.events.select_related("actor"))


def musdes_proposals(musdes: Musdes) -> list[Proposal]:
    """The proposals agreed by the deliberation, with their families."""
    return list(musdes.proposals.select_related("family"))


def desa_drafts(region_code: str) -> list[Proposal]:
    """The desa's proposals not yet submitted (drafts and those returned)."""
    return list(Proposal.objects.filter(
        region_code=region_code,
        state__in=[Proposal.State.DRAFT, Proposal.State.RETURNED]).select_related("family"))


def desa_proposals(ids, region_code: str):
    """The proposals of ``ids`` that belong to the desa."""
    return Proposal.objects.filter(pk__in=ids, region_code=region_code)
