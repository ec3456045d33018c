"""Reads of village verification for the pages: visible proposals, the operator's families,
progress per desa, the rows of the upstream export."""

from django.db.models import Count, Max, Q

from konvergen.accounts import access
from konvergen.regions.models import Level, Region
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
        qs = qs.filter(access.scope_q([desa], "region_code"))
    return qs


def musdes_for(user, *, region_code: str = ""):
    qs = Musdes.objects.filter(access.verification_q(user)).annotate(
        proposal_count=Count("proposals"))
    if region_code:
        qs = qs.filter(region_code=region_code)
    return qs


def propose_desa(user) -> list[Region]:
    """The desa/kelurahan the user may propose for (usually the operator's one)."""
    scopes = access.scope_codes(user, feature="verification_propose")
    if not scopes:
        return []
    return list(Region.objects.filter(level=Level.DESA, is_active=True).filter(
        access.scope_q(scopes, "code")).order_by("code")[:500])


def operator_families(user, *, q: str = "", limit: int = 50):
    """Current register families of the desa the user proposes for, searched by name, NIK
    or No KK."""
    scopes = access.scope_codes(user, feature="verification_propose")
    if not scopes:
        return Family.objects.none()
    qs = Family.objects.filter(access.scope_q(scopes, "region_code"), is_current=True)
    q = q.strip()
    if q:
        if q.isdigit():
            qs = qs.filter(Q(kk_number__startswith=q) | Q(head_nik__startswith=q))
        else:
            qs = qs.filter(head_name__icontains=q)
    return qs.order_by("head_name", "pk")[:limit]


def family_for_proposal(user, family_id) -> Family:
    """A register family of a desa the user proposes for (Http404 otherwise)."""
    family = access.access_family(user, family_id)
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
    where = access.scope_q([region.code], "region_code")
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
    return (Proposal.objects.filter(access.scope_q([region.code], "region_code"),
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
