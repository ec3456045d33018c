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
from konvergen.regions import codes as region_codes
from konvergen.regions import filters as region_filters
from konvergen.regions.models import Region

#: Scope code meaning "the whole country" (superusers and country-wide assignments).
WHOLE_COUNTRY = region_filters.WHOLE_COUNTRY

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
    return scope == WHOLE_COUNTRY or region_codes.covers(scope, code)


def covers_any(scopes: Iterable[str], code: str) -> bool:
    return any(_covers(s, code) for s in scopes)


#: A filter keeping every row (``regions.filters.ALL_ROWS``: not ``Q()``, which vanishes
#: when combined, so ``Q() | other`` would narrow a whole-country scope to ``other``).
ALL_ROWS = region_filters.ALL_ROWS


def scope_q(scopes: Iterable[str], field: str = "code") -> Q:
    """A filter keeping rows whose region code ``field`` lies in one of ``scopes``
    (``ALL_ROWS`` for the whole country, so it may be combined with ``|`` and ``&``)."""
    return region_filters.within_q(scopes, field)


def access_region(user, code: str, *, feature: str = "regions") -> Region:
    """The active region ``code`` if the user may see it, else Http404 (same for both)."""
    if not covers_any(scope_codes(user, feature=feature), code):
        raise Http404(NOT_FOUND)
    try:
        return Region.objects.select_related("parent").get(code=code)
    except Region.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def in_scope(user, region_code: str, *, feature: str | None = None,
             roles: Iterable[str] | None = None) -> bool:
    """Does the user's scope (through roles that open ``feature``, or ``roles``) cover
    ``region_code``? An empty code (a country-wide row) only for a whole-country scope."""
    return covers_any(scope_codes(user, feature=feature, roles=roles), region_code)


def in_scope_test(user, *, feature: str | None = None,
                  roles: Iterable[str] | None = None):
    """``in_scope`` as a test of region codes, the scope computed once (for many rows)."""
    scopes = scope_codes(user, feature=feature, roles=roles)
    return lambda region_code: covers_any(scopes, region_code)


def require_in_scope(user, region_code: str, *, feature: str | None = None,
                     roles: Iterable[str] | None = None) -> None:
    """Http404 unless ``in_scope`` (the same answer as for a row that does not exist)."""
    if not in_scope(user, region_code, feature=feature, roles=roles):
        raise Http404(NOT_FOUND)


def is_country_wide(user, *, feature: str | None = None,
                    roles: Iterable[str] | None = None) -> bool:
    """Does the user use ``feature`` (or act through ``roles``) over the whole country?"""
    return WHOLE_COUNTRY in scope_codes(user, feature=feature, roles=roles)


def display_scopes(user, *, feature: str | None = None,
                   roles: Iterable[str] | None = None) -> list[str]:
    """The region codes of the user's scope, for display only (headings, links, a default
    region): the whole country is left out. Never filter rows with these: use ``visible``."""
    return [c for c in scope_codes(user, feature=feature, roles=roles) if c != WHOLE_COUNTRY]


def has_scope(user, *, feature: str | None = None,
              roles: Iterable[str] | None = None) -> bool:
    """Does the user cover any region (the whole country included) through roles that open
    ``feature``, or through ``roles``?"""
    return bool(scope_codes(user, feature=feature, roles=roles))


def home_scope(user, *, feature: str | None = None,
               roles: Iterable[str] | None = None) -> str:
    """The user's first region for ``feature`` (or ``roles``), where a page starts when no
    region is asked for: ``""`` for the whole country or no scope."""
    scopes = scope_codes(user, feature=feature, roles=roles)
    return scopes[0] if scopes else ""


def region_q(user, field: str = "code", *, feature: str | None = None,
             roles: Iterable[str] | None = None) -> Q:
    """A filter keeping rows whose region code ``field`` lies in the user's scope (for
    ``feature``, or through ``roles``); whole for a whole-country scope, so it may be combined
    with ``|`` and ``&``. Prefer ``visible`` unless the filter must be combined."""
    return scope_q(scope_codes(user, feature=feature, roles=roles), field)


def visible(user, queryset: QuerySet, *, feature: str | None = None,
            roles: Iterable[str] | None = None, region_field: str = "code") -> QuerySet:
    """``queryset`` narrowed to the rows whose region code ``region_field`` lies in the user's
    scope for ``feature`` (or through ``roles``): one set-wise filter, none for the whole
    country."""
    return queryset.filter(region_q(user, region_field, feature=feature, roles=roles))


def get_visible(queryset: QuerySet, q: Q | None, pk):
    """The row ``pk`` of ``queryset`` kept by the access filter ``q`` (``None``: the caller
    checks the row itself), else Http404: the same answer for a missing row, another
    region's row and a malformed id."""
    try:
        return (queryset if q is None else queryset.filter(q)).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
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


class Redaction:
    """How personal data is shown to one user in one region: unchanged where the user may see
    it (``visible``), masked or hidden otherwise. Selectors apply it, so views, templates,
    exports and API endpoints print the values they get and never decide themselves.

    ``fields`` of :meth:`apply` and :meth:`row` map a key (dict key, attribute name or tuple
    index) to how it is redacted: ``"nik"`` and ``"no_kk"`` keep the first four and last two
    digits (``mask_nik``), ``"name"`` keeps initials (``mask_name``), ``"address"`` and
    ``"hide"`` give ``""``, ``"none"`` gives ``None`` (e.g. a birth date)."""

    __slots__ = ("visible",)

    def __init__(self, visible: bool):
        self.visible = bool(visible)

    def __repr__(self) -> str:
        return f"Redaction(visible={self.visible})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Redaction) and other.visible == self.visible

    def __hash__(self) -> int:
        return hash(self.visible)

    @property
    def redacted(self) -> bool:
        """True where values are masked: templates may show a neutral note on it."""
        return not self.visible

    def nik(self, value):
        return value if self.visible else mask_nik(value)

    def no_kk(self, value):
        return value if self.visible else mask_nik(value)

    def name(self, value):
        return value if self.visible else mask_name(value)

    def address(self, value):
        return value if self.visible else ""

    def hide(self, value, empty=""):
        """``value`` where personal data is visible, ``empty`` otherwise (a link to a
        document holding personal data, a place of birth, ...)."""
        return value if self.visible else empty

    def value(self, kind: str, value):
        if self.visible:
            return value
        if kind in ("nik", "no_kk"):
            return mask_nik(value)
        if kind == "name":
            return mask_name(value)
        if kind in ("address", "hide"):
            return ""
        if kind == "none":
            return None
        raise ValueError(f"unknown redaction kind {kind!r}")

    def row(self, row, fields):
        """One row redacted: a new dict or tuple, or the same object with its attributes
        replaced (model instances)."""
        if self.visible:
            return row
        if isinstance(row, dict):
            return {**row, **{k: self.value(kind, row.get(k)) for k, kind in fields.items()}}
        if isinstance(row, tuple | list):
            out = list(row)
            for index, kind in fields.items():
                out[index] = self.value(kind, out[index])
            return tuple(out) if isinstance(row, tuple) else out
        for attr, kind in fields.items():
            setattr(row, attr, self.value(kind, getattr(row, attr)))
        return row

    def apply(self, rows, fields):
        """``rows`` redacted (see :meth:`row`): a list for a list, else a lazy iterator."""
        if self.visible:
            return rows
        if isinstance(rows, list):
            return [self.row(r, fields) for r in rows]
        return (self.row(r, fields) for r in rows)


#: Shown unchanged / masked: for callers whose visibility is decided elsewhere in here.
VISIBLE = Redaction(True)
REDACTED = Redaction(False)


def redaction(user, region_code: str) -> Redaction:
    """The redaction of personal data in ``region_code`` for ``user``
    (``can_view_personal_data``)."""
    return Redaction(can_view_personal_data(user, region_code))


def require_personal_data(user, region_code: str) -> None:
    """Http404 unless the user may see personal data in ``region_code`` (a document holding
    it: a proposal's evidence, a deliberation's minutes)."""
    if not can_view_personal_data(user, region_code):
        raise Http404(NOT_FOUND)


def programme_organisations(user, region_code: str) -> set[int] | None:
    """Organisations whose programmes the user manages in ``region_code``: ``None`` means
    every programme of the region (administrators and the secretariat)."""
    return _acting_organisations(user, region_code, "programmes_manage")


def in_or_above_scope_test(user, *, feature: str):
    """A test of region codes, computed once: true for a region inside the user's scope for
    ``feature`` or above it (the province, the country ``""`` above one's kab/kota)."""
    scopes = scope_codes(user, feature=feature)

    def test(code: str) -> bool:
        return covers_any(scopes, code) or any(_covers(code, s) for s in scopes)

    return test


def programmes_q(user, field: str = "region") -> Q:
    """Programmes (located by the region foreign key ``field``) the user may read: those of
    regions in, above or below the user's ``programmes`` scope (``Q()`` for the whole
    country)."""
    scopes = scope_codes(user, feature="programmes")
    if WHOLE_COUNTRY in scopes:
        return Q()
    q = Q(pk__in=[])
    for scope in scopes:
        q |= Q(**{f"{field}_id__in": region_codes.lineage(scope)}) | Q(
            **{f"{field}__code__startswith": region_codes.descendant_prefix(scope)})
    return q


def organisations_acting_in_scope(user, feature: str) -> set[int] | None:
    """Organisations on whose behalf the user uses ``feature`` anywhere in its scope for it
    (``None``: every organisation, as for administrators and the secretariat)."""
    limited: set[int] = set()
    for scope in scope_codes(user, feature=feature):
        allowed = _acting_organisations(user, scope, feature)
        if allowed is None:
            return None
        limited |= allowed
    return limited


def programme_visible(user, programme, *, manage: bool = False) -> bool:
    """May the user read ``programme`` (one of the user's region, of a region above or below
    it: any role may read the catalogue), or with ``manage`` change it (only the secretariat
    of its region or an officer of its organisation)?"""
    scopes = scope_codes(user, feature="programmes_manage" if manage else "programmes")
    code = programme.region_id
    visible_ = covers_any(scopes, code) or any(_covers(code, s) for s in scopes)
    if not visible_ or (manage and not covers_any(scopes, code)):
        return False
    if manage:
        orgs = programme_organisations(user, code)
        if orgs is not None and programme.organisation_id not in orgs:
            return False
    return True


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


def visible_organisations_q(user) -> Q:
    """Organisations the user may see in the stakeholder directory: those based in the
    user's regions (and above them, e.g. a province's agencies for a kabupaten)."""
    scopes = scope_codes(user, feature="stakeholders")
    if not scopes:
        return Q(pk__in=[])
    q = scope_q(scopes, "region__code")
    for scope in scopes:
        if scope != WHOLE_COUNTRY:
            q |= Q(region__code__in=region_codes.ancestors(scope))
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


def plans_q(user, *, feature: str = "plans") -> Q:
    """Action plans the user may use ``feature`` on: administrators every plan; the
    secretariat, the TKPK chair, viewers and national coordinators every plan of their
    regions; agency officers, agency heads and partners only their own organisation's."""
    return organisation_scope_q(user, feature, "region__code")


def plans_region_wide(user, region_code: str) -> bool:
    """Does the user read every plan of ``region_code`` (the secretariat's overview)?"""
    allowed = FEATURES["plans"] - ORGANISATION_ROLES
    return covers_any(scope_codes(user, roles=allowed), region_code)


def plan_organisations(user, region_code: str) -> set[int] | None:
    """Organisations on whose behalf the user writes plans in ``region_code``: ``None``
    means any organisation (administrators)."""
    return _acting_organisations(user, region_code, "plans_edit")


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


def agglomeration_manage_q(user, field: str = "code") -> Q:
    """Rows whose region code ``field`` lies inside the user's agglomeration management
    scope (``agglomeration_manage_scopes``)."""
    return scope_q(agglomeration_manage_scopes(user), field)


def may_manage_agglomeration(user, member_codes: Iterable[str]) -> bool:
    """May the user define an agglomeration of these members (every one inside the user's
    management scope, each through any of its assignments)? Services ask this too."""
    scopes = agglomeration_manage_scopes(user)
    codes = list(member_codes)
    return bool(scopes) and all(covers_any(scopes, c) for c in codes)


def agglomerations_q(user, members: QuerySet) -> Q:
    """Agglomerations the user may read: those with a member (a row of ``members``, linked
    by ``agglomeration`` and located by ``region``) inside the user's scope."""
    from django.db.models import Exists, OuterRef

    scopes = scope_codes(user, feature="agglomerations")
    if not scopes:
        return Q(pk__in=[])
    if WHOLE_COUNTRY in scopes:
        return ALL_ROWS
    return Q(Exists(members.filter(agglomeration=OuterRef("pk")).filter(
        scope_q(scopes, "region__code"))))


#: Roles only a country-wide manager (a superuser) may grant: a regional secretariat never
#: creates administrators or national coordinators.
COUNTRY_ONLY_ROLES = frozenset({Role.ADMIN, Role.NATIONAL})


def user_manage_scopes(user) -> list[str]:
    """Regions whose users ``user`` manages (secretariat, administrators)."""
    return scope_codes(user, feature="users_manage")


def grantable_organisations_q(manager) -> Q:
    """Organisations (by ``region__code``) a manager may name in an assignment: those based
    inside its user-management scope or in a region above it (a province's agency working
    in a kabupaten)."""
    scopes = user_manage_scopes(manager)
    q = scope_q(scopes, "region__code")
    for scope in scopes:
        if scope != WHOLE_COUNTRY:
            q |= Q(region__code__in=region_codes.ancestors(scope))
    return q


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
