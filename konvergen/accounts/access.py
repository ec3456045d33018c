"""Who may see or change what. Every view and selector asks here; nothing else decides.

The model:

* A user holds role assignments, each over a region (covering every region below it) and,
  for agency officers and partners, an organisation. A national coordinator holds one per
  province it coordinates, or one without a region: the whole country.
* A *feature* (a part of the product) is open to a set of roles.
* Personal data (NIK, names, addresses) is open to the roles whose work needs it, within
  their scope; viewers and national coordinators only where their assignment grants it.
* Asking for something that does not exist and asking for something you may not see give
  the same answer (HTTP 404), so nobody can probe for a region, a family or a NIK.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from konvergen.accounts.models import ORGANISATION_ROLES, Role, RoleAssignment
from konvergen.regions.models import Region

#: Scope code meaning "the whole country" (superusers and country-wide assignments).
WHOLE_COUNTRY = ""

NOT_FOUND = _("Not found, or you do not have access to it.")

_ALL_ROLES = frozenset(Role.values)

#: Which roles may use which part of the product.
FEATURES: dict[str, frozenset[str]] = {
    "regions": _ALL_ROLES,
    "audit": frozenset({Role.ADMIN, Role.TKPK}),
    "register": _ALL_ROLES,
    "register_import": frozenset({Role.ADMIN, Role.TKPK}),
    "linkage": frozenset({Role.ADMIN, Role.TKPK, Role.AGENCY, Role.PARTNER}),
    "linkage_settings": frozenset({Role.ADMIN, Role.TKPK}),
    "admin_site": frozenset({Role.ADMIN}),
    "welfare": _ALL_ROLES,
    "welfare_settings": frozenset({Role.ADMIN, Role.TKPK}),
    "programmes": _ALL_ROLES,
    "programmes_manage": frozenset({Role.ADMIN, Role.TKPK, Role.AGENCY, Role.PARTNER}),
    "convergence": _ALL_ROLES,
    "worklists": frozenset({Role.ADMIN, Role.TKPK, Role.AGENCY, Role.PARTNER, Role.VILLAGE}),
    # Groups hold members' names and NIKs: no viewer or national coordinator.
    "groups": frozenset({Role.ADMIN, Role.TKPK, Role.AGENCY, Role.PARTNER, Role.VILLAGE}),
    "groups_manage": frozenset({Role.ADMIN, Role.TKPK, Role.AGENCY, Role.PARTNER}),
    "target_settings": frozenset({Role.ADMIN, Role.TKPK}),
    # The stakeholder directory (no personal data); the secretariat keeps it.
    "stakeholders": frozenset({Role.ADMIN, Role.TKPK, Role.AGENCY, Role.PARTNER, Role.VIEWER,
                               Role.NATIONAL}),
    "stakeholders_manage": frozenset({Role.ADMIN, Role.TKPK}),
    # Village verification (musdes/muskel): proposals hold names and NIKs.
    "verification": frozenset({Role.ADMIN, Role.TKPK, Role.DINSOS, Role.VILLAGE}),
    "verification_propose": frozenset({Role.ADMIN, Role.VILLAGE}),
    "verification_validate": frozenset({Role.ADMIN, Role.DINSOS}),
    "verification_ratify": frozenset({Role.ADMIN, Role.TKPK}),
    # Counts per desa and state only, no personal data.
    "verification_progress": frozenset({Role.ADMIN, Role.TKPK, Role.DINSOS, Role.VILLAGE,
                                        Role.VIEWER, Role.NATIONAL}),
    # The by-name-by-address list of ratified decisions for upstream.
    "verification_export": frozenset({Role.ADMIN, Role.TKPK, Role.DINSOS}),
}

#: An agency head may do whatever the agency's officers may; the TKPK chair sees whatever
#: leadership viewers see. Their own rights (signing off, approving) are added below.
_ALIKE: dict[str, str] = {Role.AGENCY: Role.AGENCY_HEAD, Role.VIEWER: Role.TKPK_CHAIR}
FEATURES = {name: roles | {_ALIKE[r] for r in roles if r in _ALIKE}
            for name, roles in FEATURES.items()}
FEATURES.update({
    # Indicators, official figures and targets: aggregates only.
    "targets": _ALL_ROLES,
    "targets_manage": frozenset({Role.ADMIN, Role.TKPK}),
    # Action plans (RAT) and quarterly realisation: read by the coordination team.
    "plans": frozenset({Role.ADMIN, Role.TKPK, Role.TKPK_CHAIR, Role.AGENCY, Role.AGENCY_HEAD,
                        Role.PARTNER, Role.VIEWER, Role.NATIONAL}),
    # Writing an organisation's own plan and realisation.
    "plans_edit": frozenset({Role.ADMIN, Role.AGENCY, Role.AGENCY_HEAD, Role.PARTNER}),
    # The sign-off chain: the head submits, the secretariat verifies or returns, the chair
    # approves (partners have no head role: they submit their own).
    "plans_submit": frozenset({Role.ADMIN, Role.AGENCY_HEAD, Role.PARTNER}),
    "plans_verify": frozenset({Role.ADMIN, Role.TKPK}),
    "plans_approve": frozenset({Role.ADMIN, Role.TKPK_CHAIR}),
    # The coordination meeting pack (rakor): plans, realisation and convergence figures.
    "meeting_pack": frozenset({Role.ADMIN, Role.TKPK, Role.TKPK_CHAIR, Role.VIEWER,
                               Role.NATIONAL}),
    # Scorecards rank organisations (no personal data): read by the coordination team and
    # by the organisations ranked; the secretariat sets the weights.
    "scorecards": frozenset({Role.ADMIN, Role.TKPK, Role.TKPK_CHAIR, Role.VIEWER,
                             Role.NATIONAL, Role.AGENCY, Role.AGENCY_HEAD, Role.PARTNER}),
    "scorecards_manage": frozenset({Role.ADMIN, Role.TKPK}),
    # The kab/kota of a province ranked for the fiscal incentive (PMK 97/2023): read at
    # province level; each kab/kota's secretariat (or the province's) keeps its inputs.
    "scorecards_province": frozenset({Role.ADMIN, Role.TKPK, Role.TKPK_CHAIR, Role.VIEWER,
                                      Role.NATIONAL}),
    # Agglomerations and their leading sectors compare member kab/kota on aggregates only:
    # read where the user's scope covers a member; defined by national coordinators and
    # province-level secretariats (``agglomeration_manage_scopes``).
    "agglomerations": frozenset({Role.ADMIN, Role.NATIONAL, Role.TKPK, Role.TKPK_CHAIR,
                                 Role.VIEWER}),
    "agglomerations_manage": frozenset({Role.ADMIN, Role.NATIONAL, Role.TKPK}),
    # The annual report (LP2KD): the secretariat drafts, generates and submits it, the
    # chair approves and publishes it (both see drafts); leadership viewers and national
    # coordinators read published reports (``reports_q``).
    "lp2kd": frozenset({Role.ADMIN, Role.TKPK, Role.TKPK_CHAIR, Role.VIEWER, Role.NATIONAL}),
    "lp2kd_manage": frozenset({Role.ADMIN, Role.TKPK}),
    "lp2kd_approve": frozenset({Role.ADMIN, Role.TKPK_CHAIR}),
    # Publishing a kab/kota's aggregates on the public portal (opt-in, by its secretariat).
    "portal_manage": frozenset({Role.ADMIN, Role.TKPK}),
    # Inviting and managing the users of a region (``may_manage_user``, ``grantable_roles``).
    "users_manage": frozenset({Role.ADMIN, Role.TKPK}),
    # The TKPK's meetings (coordination, plenary, technical, evaluation) with their
    # decisions: read by the coordination team and leadership, kept by the secretariat.
    "meetings": frozenset({Role.ADMIN, Role.TKPK, Role.TKPK_CHAIR, Role.VIEWER,
                           Role.NATIONAL}),
    "meetings_manage": frozenset({Role.ADMIN, Role.TKPK}),
})

#: Roles that see personal data inside their scope because their work needs it.
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.TKPK, Role.AGENCY, Role.AGENCY_HEAD,
                                 Role.PARTNER, Role.VILLAGE, Role.DINSOS})


def assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per request object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_konvergen_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("region"))
        user._konvergen_assignments = cached
    return cached


def assignment_scope(assignment: RoleAssignment) -> str:
    """The region code an assignment covers: ``WHOLE_COUNTRY`` for a country-wide one (a
    national coordinator's assignment without a region)."""
    return assignment.region_id or WHOLE_COUNTRY


def roles_of(user) -> set[str]:
    roles = {a.role for a in assignments(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        roles.add(Role.ADMIN)
    return roles


def has_feature(user, feature: str) -> bool:
    return bool(roles_of(user) & FEATURES[feature])


def require_feature(user, feature: str) -> None:
    """Http404 unless the user may use ``feature``."""
    if not has_feature(user, feature):
        raise Http404(NOT_FOUND)


def scope_codes(
    user, *, feature: str | None = None, roles: Iterable[str] | None = None
) -> list[str]:
    """Region codes the user covers (optionally only through roles that open ``feature``).

    A superuser covers the whole country (``[WHOLE_COUNTRY]``)."""
    allowed = set(FEATURES[feature]) if feature else set(roles or _ALL_ROLES)
    if getattr(user, "is_superuser", False) and user.is_active and Role.ADMIN in allowed:
        return [WHOLE_COUNTRY]
    codes = {assignment_scope(a) for a in assignments(user) if a.role in allowed}
    # Drop codes already covered by a broader one.
    return sorted(c for c in codes if not any(_covers(o, c) and o != c for o in codes))


def _covers(scope: str, code: str) -> bool:
    return scope == WHOLE_COUNTRY or code == scope or code.startswith(scope + ".")


def covers_any(scopes: Iterable[str], code: str) -> bool:
    return any(_covers(s, code) for s in scopes)


#: A filter keeping every row. Not ``Q()``: an empty Q vanishes when combined, so
#: ``Q() | other`` would be ``other`` alone and narrow a whole-country scope to ``other``.
ALL_ROWS = ~Q(pk__in=[])


def scope_q(scopes: Iterable[str], field: str = "code") -> Q:
    """A filter keeping rows whose region code ``field`` lies in one of ``scopes``
    (``ALL_ROWS`` for the whole country, so it may be combined with ``|`` and ``&``)."""
    q = Q(pk__in=[])
    for scope in scopes:
        if scope == WHOLE_COUNTRY:
            return ALL_ROWS
        q |= Q(**{field: scope}) | Q(**{f"{field}__startswith": scope + "."})
    return q


def access_region(user, code: str, *, feature: str = "regions") -> Region:
    """The active region ``code`` if the user may see it, else Http404 (same for both)."""
    if not covers_any(scope_codes(user, feature=feature), code):
        raise Http404(NOT_FOUND)
    try:
        return Region.objects.select_related("parent").get(code=code)
    except Region.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def can_view_personal_data(user, region_code: str) -> bool:
    """May this user see NIKs, names and addresses of families in ``region_code``?"""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(
        _covers(assignment_scope(a), region_code)
        and (a.role in PERSONAL_DATA_ROLES or a.personal_data)
        for a in assignments(user)
    )


def access_family(user, family_id: int):
    """The register family if it lies in the user's scope, else Http404 (same for both)."""
    from konvergen.registry.models import Family

    scopes = scope_codes(user, feature="register")
    try:
        family = Family.objects.select_related("dataset", "last_snapshot").get(pk=family_id)
    except (Family.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if not covers_any(scopes, family.region_code):
        raise Http404(NOT_FOUND)
    return family


def access_dataset(user, dataset_id: int, *, feature: str = "register"):
    """A register dataset whose region lies in the user's scope (covering the whole dataset:
    a village operator cannot open a kabupaten's snapshot reports)."""
    from konvergen.registry.models import Dataset

    try:
        dataset = Dataset.objects.select_related("region").get(pk=dataset_id)
    except (Dataset.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if not covers_any(scope_codes(user, feature=feature), dataset.region_id):
        raise Http404(NOT_FOUND)
    return dataset


def _acting_organisations(user, region_code: str, feature: str) -> set[int] | None:
    """Organisations on whose behalf the user uses ``feature`` in ``region_code``; ``None``
    means all of them (administrators and the secretariat, whose work is region-wide)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    orgs: set[int] = set()
    for a in assignments(user):
        if a.role not in FEATURES[feature] or not _covers(assignment_scope(a), region_code):
            continue
        if a.role in (Role.ADMIN, Role.TKPK):
            return None
        if a.organisation_id:
            orgs.add(a.organisation_id)
    return orgs


def linkage_organisations(user, region_code: str) -> set[int] | None:
    """Organisations on whose behalf the user works with lists in ``region_code``: ``None``
    means every list of the region (administrators and the secretariat)."""
    return _acting_organisations(user, region_code, "linkage")


def access_beneficiary_list(user, list_id: int):
    """An uploaded list the user may work on: the secretariat sees every list of its region,
    agency officers and partners only their organisation's lists. Http404 otherwise."""
    from konvergen.linkage.models import BeneficiaryList

    try:
        blist = BeneficiaryList.objects.select_related("dataset", "organisation").get(pk=list_id)
    except (BeneficiaryList.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if not covers_any(scope_codes(user, feature="linkage"), blist.dataset.region_id):
        raise Http404(NOT_FOUND)
    orgs = linkage_organisations(user, blist.dataset.region_id)
    if orgs is not None and blist.organisation_id not in orgs:
        raise Http404(NOT_FOUND)
    return blist


def access_audit_entries(user) -> QuerySet:
    """Audit rows the user may browse: administrators everything, the TKPK secretariat the
    rows of its region (and the system-wide rows without a region)."""
    from konvergen.audit.models import AuditEntry

    scopes = scope_codes(user, feature="audit")
    if not scopes:
        raise Http404(NOT_FOUND)
    entries = AuditEntry.objects.select_related("actor")
    if WHOLE_COUNTRY in scopes:
        return entries
    return entries.filter(scope_q(scopes, "region_code"))


def mask_nik(value: str | None) -> str:
    """Show only the first four and last two digits: enough to tell records apart."""
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 6, 0) + value[-2:]


def mask_name(value: str | None) -> str:
    """Keep initials only: 'Siti Aminah' -> 'S*** A*****'."""
    if not value:
        return ""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in value.split())


def programme_organisations(user, region_code: str) -> set[int] | None:
    """Organisations whose programmes the user manages in ``region_code``: ``None`` means
    every programme of the region (administrators and the secretariat)."""
    return _acting_organisations(user, region_code, "programmes_manage")


def access_programme(user, programme_id: int, *, manage: bool = False):
    """A programme of a region in the user's scope (any role may read the catalogue); with
    ``manage`` only the secretariat of its region or an officer of its organisation. Http404
    otherwise."""
    from konvergen.programs.models import Programme

    feature = "programmes_manage" if manage else "programmes"
    try:
        programme = Programme.objects.select_related("organisation", "region").get(
            pk=programme_id
        )
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    scopes = scope_codes(user, feature=feature)
    code = programme.region_id
    # Reading: a programme of the user's region, of a region above or below it.
    visible = covers_any(scopes, code) or any(_covers(code, s) for s in scopes)
    if not visible or (manage and not covers_any(scopes, code)):
        raise Http404(NOT_FOUND)
    if manage:
        orgs = programme_organisations(user, code)
        if orgs is not None and programme.organisation_id not in orgs:
            raise Http404(NOT_FOUND)
    return programme


def groups_q(user, *, manage: bool = False) -> Q:
    """Groups (UMKM, KUBE, cooperatives) the user may see (or, with ``manage``, change):
    administrators and the secretariat every group of their region, village operators (to
    read) the groups of their desa, agency officers and partners their own organisation's
    groups within their region."""
    return organisation_scope_q(user, "groups_manage" if manage else "groups", "region_code")


def organisation_scope_q(user, feature: str, region_field: str) -> Q:
    """Rows (with an ``organisation`` and a region code at ``region_field``) the user may use
    ``feature`` on: administrators every row; other roles holding the feature the rows of
    their regions, organisation roles only their own organisation's."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    q = Q(pk__in=[])
    for a in assignments(user):
        if a.role not in FEATURES[feature]:
            continue
        where = scope_q([assignment_scope(a)], region_field)
        if a.role in ORGANISATION_ROLES:
            if not a.organisation_id:
                continue
            where &= Q(organisation_id=a.organisation_id)
        q |= where
    return q


def group_organisations(user, region_code: str) -> set[int] | None:
    """Organisations on whose behalf the user records groups in ``region_code``: ``None``
    means any organisation (administrators and the secretariat)."""
    return _acting_organisations(user, region_code, "groups_manage")


def access_group(user, group_id: int, *, manage: bool = False):
    """A group the user may see (``groups_q``), or change with ``manage``. Http404
    otherwise, the same as for a group that does not exist."""
    from konvergen.programs.models import Group

    try:
        return Group.objects.select_related("organisation").filter(
            groups_q(user, manage=manage)
        ).get(pk=group_id)
    except (Group.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def visible_organisations_q(user) -> Q:
    """Organisations the user may see in the stakeholder directory: those based in the
    user's regions (and above them, e.g. a province's agencies for a kabupaten)."""
    scopes = scope_codes(user, feature="stakeholders")
    if not scopes:
        return Q(pk__in=[])
    q = scope_q(scopes, "region__code")
    for scope in scopes:
        if scope != WHOLE_COUNTRY:
            parts = scope.split(".")
            q |= Q(region__code__in=[".".join(parts[:i]) for i in range(1, len(parts))])
    return q


def access_organisation(user, organisation_id: int, *, manage: bool = False):
    """An organisation of the directory; with ``manage`` only one based inside a region the
    user keeps (secretariat, administrators). Http404 otherwise."""
    from konvergen.organisations.models import Organisation

    try:
        org = Organisation.objects.select_related("region").filter(
            visible_organisations_q(user)).get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if manage and not covers_any(scope_codes(user, feature="stakeholders_manage"),
                                 org.region_id):
        raise Http404(NOT_FOUND)
    return org


def may_verify(user, feature: str, region_code: str) -> bool:
    """May the user do the verification step ``feature`` (propose, validate, ratify) for a
    desa? Services ask this too, so a crafted request cannot act outside the user's scope."""
    return covers_any(scope_codes(user, feature=feature), region_code)


def verification_q(user, *, feature: str = "verification") -> Q:
    """Village proposals and musdes records (by their ``region_code``) the user may see."""
    return scope_q(scope_codes(user, feature=feature), "region_code")


def access_proposal(user, proposal_id: int):
    """A village proposal inside the user's verification scope, else Http404."""
    from konvergen.verification.models import Proposal

    try:
        return Proposal.objects.select_related("family", "musdes").filter(
            verification_q(user)).get(pk=proposal_id)
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def access_musdes(user, musdes_id: int, *, manage: bool = False):
    """A musdes/muskel record inside the user's scope; with ``manage`` only for those who
    propose for its desa (the village operator). Http404 otherwise."""
    from konvergen.verification.models import Musdes

    feature = "verification_propose" if manage else "verification"
    try:
        return Musdes.objects.filter(verification_q(user, feature=feature)).get(pk=musdes_id)
    except (Musdes.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def plans_q(user, *, feature: str = "plans") -> Q:
    """Action plans the user may use ``feature`` on: administrators every plan; the
    secretariat, the TKPK chair, viewers and national coordinators every plan of their
    regions; agency officers, agency heads and partners only their own organisation's."""
    return organisation_scope_q(user, feature, "region__code")


def access_plan(user, plan_id: int, *, edit: bool = False):
    """An action plan the user may read (``plans_q``), or with ``edit`` change (its own
    organisation's). Http404 otherwise, the same as for a plan that does not exist."""
    from konvergen.plans.models import ActionPlan

    try:
        return ActionPlan.objects.select_related("organisation", "region").filter(
            plans_q(user, feature="plans_edit" if edit else "plans")).get(pk=plan_id)
    except (ActionPlan.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def may_on_plan(user, plan, feature: str) -> bool:
    """May the user do ``feature`` (plans_edit, plans_submit, plans_verify, plans_approve)
    on ``plan``? Services ask this too, so a crafted request cannot act on another plan."""
    from konvergen.plans.models import ActionPlan

    return ActionPlan.objects.filter(plans_q(user, feature=feature), pk=plan.pk).exists()


def plans_region_wide(user, region_code: str) -> bool:
    """Does the user read every plan of ``region_code`` (the secretariat's overview)?"""
    allowed = FEATURES["plans"] - ORGANISATION_ROLES
    return covers_any(scope_codes(user, roles=allowed), region_code)


def plan_organisations(user, region_code: str) -> set[int] | None:
    """Organisations on whose behalf the user writes plans in ``region_code``: ``None``
    means any organisation (administrators)."""
    return _acting_organisations(user, region_code, "plans_edit")


def access_plan_document(user, document_id: int, *, manage: bool = False):
    """A plan document (RPJMD/RPKD/RKPD/RAT) of a region the user reads indicators of, or
    with ``manage`` sets targets for (the secretariat). Http404 otherwise."""
    from konvergen.targets.models import PlanDocument

    feature = "targets_manage" if manage else "targets"
    try:
        document = PlanDocument.objects.select_related("region").get(pk=document_id)
    except (PlanDocument.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if not covers_any(scope_codes(user, feature=feature), document.region_id):
        raise Http404(NOT_FOUND)
    return document


def access_official_import(user, batch_id: int):
    """An official figures import filed under a region the user manages targets of (an
    administrator's country-wide import: administrators only). Http404 otherwise."""
    from konvergen.targets.models import OfficialImport

    try:
        batch = OfficialImport.objects.select_related("created_by").get(pk=batch_id)
    except (OfficialImport.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    scopes = scope_codes(user, feature="targets_manage")
    if not (WHOLE_COUNTRY in scopes or (batch.region_code and covers_any(
            scopes, batch.region_code))):
        raise Http404(NOT_FOUND)
    return batch


def reports_q(user) -> Q:
    """LP2KD reports the user may read: every report of the regions where the user drafts
    (secretariat) or signs off (chair) reports; elsewhere in the user's ``lp2kd`` scope
    (leadership viewers, national coordinators) only published ones."""
    team = scope_codes(user, roles=FEATURES["lp2kd_manage"] | FEATURES["lp2kd_approve"])
    readers = scope_codes(user, feature="lp2kd")
    q = scope_q(team, "region__code") if team else Q(pk__in=[])
    if readers:
        q |= Q(state="published") & scope_q(readers, "region__code")
    return q


def access_report(user, report_id: int):
    """An LP2KD report the user may read (``reports_q``), else Http404 (the same as for a
    report that does not exist)."""
    from konvergen.reports.models import Report

    try:
        return Report.objects.select_related("region", "edition", "final").filter(
            reports_q(user)).get(pk=report_id)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def may_on_report(user, report, feature: str) -> bool:
    """May the user do ``feature`` (lp2kd_manage, lp2kd_approve) on ``report``? Services
    ask this too, so a crafted request cannot act on another region's report."""
    return covers_any(scope_codes(user, feature=feature), report.region_id)


def agglomeration_manage_scopes(user) -> list[str]:
    """Regions within which the user may define agglomerations: administrators the whole
    country, national coordinators their provinces (or the country), the secretariat only
    where it holds a province — a kab/kota secretariat coordinates no cluster of kab/kota."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return [WHOLE_COUNTRY]
    codes = set()
    for a in assignments(user):
        code = assignment_scope(a)
        if a.role not in FEATURES["agglomerations_manage"]:
            continue
        if a.role == Role.TKPK and "." in code:
            continue
        codes.add(code)
    return sorted(c for c in codes if not any(_covers(o, c) and o != c for o in codes))


def may_manage_agglomeration(user, member_codes: Iterable[str]) -> bool:
    """May the user define an agglomeration of these members (every one inside the user's
    management scope, each through any of its assignments)? Services ask this too."""
    scopes = agglomeration_manage_scopes(user)
    codes = list(member_codes)
    return bool(scopes) and all(covers_any(scopes, c) for c in codes)


def agglomerations_q(user) -> Q:
    """Agglomerations the user may read: those with a member inside the user's scope."""
    from django.db.models import Exists, OuterRef

    from konvergen.agglomerations.models import Member

    scopes = scope_codes(user, feature="agglomerations")
    if not scopes:
        return Q(pk__in=[])
    if WHOLE_COUNTRY in scopes:
        return ALL_ROWS
    return Q(Exists(Member.objects.filter(agglomeration=OuterRef("pk")).filter(
        scope_q(scopes, "region__code"))))


def access_agglomeration(user, agglomeration_id: int, *, manage: bool = False):
    """An agglomeration the user may read (``agglomerations_q``), or with ``manage`` change
    (every member inside the user's management scope), members loaded. Http404 otherwise,
    the same as for an agglomeration that does not exist."""
    from django.db.models import Prefetch

    from konvergen.agglomerations.models import Agglomeration, Member

    try:
        agglomeration = Agglomeration.objects.filter(agglomerations_q(user)).prefetch_related(
            Prefetch("members", Member.objects.select_related("region").order_by("region_id"))
        ).get(pk=agglomeration_id)
    except (Agglomeration.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if manage and not may_manage_agglomeration(
            user, [m.region_id for m in agglomeration.members.all()]):
        raise Http404(NOT_FOUND)
    return agglomeration


#: Roles only a country-wide manager (a superuser) may grant: a regional secretariat never
#: creates administrators or national coordinators.
COUNTRY_ONLY_ROLES = frozenset({Role.ADMIN, Role.NATIONAL})


def user_manage_scopes(user) -> list[str]:
    """Regions whose users ``user`` manages (secretariat, administrators)."""
    return scope_codes(user, feature="users_manage")


def grantable_roles(user) -> list[str]:
    """Roles ``user`` may grant inside its management scope: every role for a country-wide
    manager, every role but administrator and national coordinator for the others."""
    scopes = user_manage_scopes(user)
    if not scopes:
        return []
    if WHOLE_COUNTRY in scopes:
        return list(Role.values)
    return [r for r in Role.values if r not in COUNTRY_ONLY_ROLES]


def users_q(user) -> Q:
    """Users the manager sees on the user pages: those holding an assignment inside the
    manager's scope (every user for a country-wide manager)."""
    from django.db.models import Exists, OuterRef

    scopes = user_manage_scopes(user)
    if not scopes:
        return Q(pk__in=[])
    if WHOLE_COUNTRY in scopes:
        return ALL_ROWS
    return Q(Exists(RoleAssignment.objects.filter(user=OuterRef("pk")).filter(
        scope_q(scopes, "region__code"))))


def may_manage_user(manager, target, *, held: Iterable[str | None] | None = None) -> bool:
    """May ``manager`` change ``target`` (roles, active, invitation)? Only when every one of
    the target's assignments lies inside the manager's scope: a kabupaten secretariat cannot
    change a colleague who also works for the province, nor a superuser. Services ask this
    too, so a crafted request cannot reach another region's user. ``held``: the target's
    assignment region codes when already loaded (a list page), else they are read."""
    scopes = user_manage_scopes(manager)
    if not scopes:
        return False
    if WHOLE_COUNTRY in scopes:
        return True
    if target.is_superuser:
        return False
    if held is None:
        held = RoleAssignment.objects.filter(user=target).values_list("region_id", flat=True)
    held = list(held)
    return bool(held) and all(code is not None and covers_any(scopes, code) for code in held)


def may_grant(manager, role: str, region_code: str | None) -> bool:
    """May ``manager`` give someone ``role`` over ``region_code`` (``None``: the whole
    country)? The role must be grantable and the region inside the manager's scope."""
    scopes = user_manage_scopes(manager)
    if role not in grantable_roles(manager):
        return False
    if region_code is None:
        return WHOLE_COUNTRY in scopes
    return covers_any(scopes, region_code)


def access_managed_user(user, user_id: int):
    """A user shown on the manager's user pages (``users_q``), else Http404 (the same as
    for a user that does not exist). Whether the manager may change them is
    ``may_manage_user``: others are shown read-only."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    try:
        return model.objects.filter(users_q(user)).get(pk=user_id)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def access_custom_scorecard(user, scorecard_id: int, *, manage: bool = False):
    """A scorecard a secretariat defined: read with ``scorecards`` (organisations of a
    kab/kota) or ``scorecards_province`` (kab/kota of a province) over its region, changed
    with ``scorecards_manage``; else Http404."""
    from konvergen.scorecards.models import CustomScorecard, Peers

    try:
        card = CustomScorecard.objects.select_related("region").get(pk=scorecard_id,
                                                                    archived=False)
    except (CustomScorecard.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    feature = ("scorecards_manage" if manage else
               "scorecards" if card.peers == Peers.AGENCIES else "scorecards_province")
    if not covers_any(scope_codes(user, feature=feature), card.region_id):
        raise Http404(NOT_FOUND)
    return card
