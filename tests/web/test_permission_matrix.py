"""Every URL pattern × every role: who gets the page, who gets 'not found', who must sign in.

A new URL pattern fails ``test_every_url_pattern_is_in_the_matrix`` until it is added here
with its expected access, so nothing ships without a decision about who may open it.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web import (
    matrix_accounts,
    matrix_agglomerations,
    matrix_api,
    matrix_dci,
    matrix_meetings,
    matrix_plans,
    matrix_portal,
    matrix_reports,
    matrix_scorecards,
    matrix_targets,
)

ROLES = [
    "admin",
    "tkpk_bandung",
    "tkpk_cirebon",
    "tkpk_chair",
    "agency_head",
    "dinsos_officer",
    "csr_partner",
    "village_operator",
    "viewer",
    "national",
    "outsider",
]
#: The head of Dinas Sosial gets what its officer gets; the TKPK chair what the leadership
#: viewer gets (their own rights are in the plans matrix).
ALIKE = {"dinsos_officer": "agency_head", "viewer": "tkpk_chair"}
EVERYONE = set(ROLES)
WITH_REGION = EVERYONE - {"outsider"}
#: Those who link lists: the secretariat, agencies and partners.
LINKAGE = {"admin", "tkpk_bandung", "tkpk_cirebon", "dinsos_officer", "csr_partner"}
#: A list uploaded by Dinas Sosial of Kabupaten Bandung.
DINSOS_LIST = {"admin", "tkpk_bandung", "dinsos_officer"}
#: Everyone whose scope covers the whole of Kabupaten Bandung.
BANDUNG_WIDE = {"admin", "tkpk_bandung", "dinsos_officer", "csr_partner", "viewer", "national"}
#: Worklists of one desa of Kabupaten Bandung: personal data, so no viewer or national.
WORKLIST_DESA = {"admin", "tkpk_bandung", "dinsos_officer", "csr_partner", "village_operator"}

#: A kwargs key holding the query string of the request rather than a URL argument.
QUERY = matrix_portal.QUERY
#: url name -> (kwargs, roles that get HTTP 200). Others get 404 (signed in) or the login
#: page (anonymous). ``public`` pages answer 200 to anonymous visitors too.
MATRIX = {
    "core:home": ({}, EVERYONE),
    "core:healthz": ({}, "public"),
    "accounts:login": ({}, "public"),
    "regions:index": ({}, {"admin"}),  # the others are redirected to their region
    "regions:index-map": ({}, WITH_REGION),
    "regions:detail": (
        {"code": "32.04"},
        {"admin", "tkpk_bandung", "dinsos_officer", "csr_partner", "viewer", "national"},
    ),
    "regions:map": (
        {"code": "32.04.05.2001"},
        {
            "admin",
            "tkpk_bandung",
            "dinsos_officer",
            "csr_partner",
            "viewer",
            "national",
            "village_operator",
        },
    ),
    "audit:list": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon"}),
    "registry:home": ({}, WITH_REGION),
    "registry:import": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon"}),
    "registry:import-job": ({"job_id": "JOB"}, {"admin", "tkpk_bandung"}),
    "registry:import-status": ({"job_id": "JOB"}, {"admin", "tkpk_bandung"}),
    "registry:snapshot": ({"snapshot_id": "SNAPSHOT"}, BANDUNG_WIDE),
    "registry:snapshot-issues": ({"snapshot_id": "SNAPSHOT", "kind": "flag"}, BANDUNG_WIDE),
    "registry:snapshot-diff": ({"snapshot_id": "SNAPSHOT", "kind": "families_new"}, BANDUNG_WIDE),
    "registry:authority": ({"dataset_id": "DATASET"}, {"admin", "tkpk_bandung"}),
    "registry:families": ({}, WITH_REGION),
    "registry:family": ({"family_id": "FAMILY"}, BANDUNG_WIDE | {"village_operator"}),
    "welfare:values": ({"code": "32.04"}, BANDUNG_WIDE),
    "welfare:table": ({"code": "32.04", "table": "status"}, BANDUNG_WIDE),
    "welfare:settings-index": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon"}),
    "welfare:settings": ({"code": "32.04"}, {"admin", "tkpk_bandung"}),
    "linkage:index": ({}, LINKAGE),
    "linkage:upload": ({}, LINKAGE),
    "linkage:list": ({"list_id": "LIST"}, DINSOS_LIST),
    "linkage:list-status": ({"list_id": "LIST"}, DINSOS_LIST),
    "linkage:list-result": ({"list_id": "LIST"}, DINSOS_LIST),
    "linkage:queue": ({"list_id": "LIST"}, DINSOS_LIST),
    "linkage:row": ({"list_id": "LIST", "row_number": 1}, DINSOS_LIST),
    "linkage:thresholds": ({"code": "32.04"}, {"admin", "tkpk_bandung"}),
    "linkage:duplicates": ({"code": "32.04"}, {"admin", "tkpk_bandung"}),
    "linkage:pair": ({"pair_id": "PAIR"}, {"admin", "tkpk_bandung"}),
    "programs:index": ({}, WITH_REGION),
    "programs:new": ({}, LINKAGE),
    "programs:detail": ({"programme_id": "PROGRAMME"}, BANDUNG_WIDE | {"village_operator"}),
    "programs:edit": ({"programme_id": "PROGRAMME"}, DINSOS_LIST),
    "programs:interventions": ({"programme_id": "PROGRAMME"},
                               BANDUNG_WIDE | {"village_operator"}),
    "programs:intervention-new": ({"programme_id": "PROGRAMME"}, DINSOS_LIST),
    "programs:intervention-edit": (
        {"programme_id": "PROGRAMME", "intervention_id": "INTERVENTION"}, DINSOS_LIST),
    "programs:intervention-cancel": (
        {"programme_id": "PROGRAMME", "intervention_id": "INTERVENTION"}, DINSOS_LIST),
    "programs:intervention-upload": ({"programme_id": "PROGRAMME"}, DINSOS_LIST),
    "programs:intervention-upload-result": (
        {"programme_id": "PROGRAMME", "upload_id": "UPLOAD"}, DINSOS_LIST),
    "programs:intervention-upload-rejected": (
        {"programme_id": "PROGRAMME", "upload_id": "UPLOAD"}, DINSOS_LIST),
    "programs:groups": ({}, LINKAGE | {"village_operator"}),
    "programs:group-new": ({}, LINKAGE),
    "programs:group": ({"group_id": "GROUP"}, DINSOS_LIST | {"village_operator"}),
    "programs:group-edit": ({"group_id": "GROUP"}, DINSOS_LIST),
    "convergence:targets": ({"code": "32.04"}, {"admin", "tkpk_bandung"}),
    "convergence:index": ({}, WITH_REGION),
    "convergence:dashboard": ({"code": "32.04"}, BANDUNG_WIDE),
    "convergence:values": ({"code": "32.04"}, BANDUNG_WIDE),
    "convergence:worklist": ({"code": "32.04.05.2001"}, WORKLIST_DESA),
    "convergence:worklist-xlsx": ({"code": "32.04.05.2001"}, WORKLIST_DESA),
    "admin:index": ({}, {"admin"}),
    # The stakeholder directory holds no personal data: every role with a region but the
    # village operator reads it; the secretariat keeps it.
    "organisations:index": ({}, WITH_REGION - {"village_operator"}),
    "organisations:new": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon"}),
    "organisations:edit": ({"organisation_id": "DINSOS"}, {"admin", "tkpk_bandung"}),
    # Village verification: proposals hold names and NIKs (the secretariat, the Dinsos
    # verifier role and the village operator of the desa); progress per desa is counts only.
    "verification:index": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon", "village_operator"}),
    "verification:proposal-new": ({"kind": "new"}, {"admin", "village_operator"}),
    "verification:proposal": ({"proposal_id": "PROPOSAL"},
                              {"admin", "tkpk_bandung", "village_operator"}),
    "verification:proposal-evidence": ({"proposal_id": "PROPOSAL"},
                                       {"admin", "tkpk_bandung", "village_operator"}),
    "verification:musdes-list": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon",
                                      "village_operator"}),
    "verification:musdes-new": ({}, {"admin", "village_operator"}),
    "verification:musdes": ({"musdes_id": "MUSDES"},
                            {"admin", "tkpk_bandung", "village_operator"}),
    "verification:musdes-minutes": ({"musdes_id": "MUSDES"},
                                    {"admin", "tkpk_bandung", "village_operator"}),
    "verification:progress-index": ({}, WITH_REGION - {"dinsos_officer", "agency_head",
                                                       "csr_partner"}),
    "verification:progress": ({"code": "32.04"}, {"admin", "tkpk_bandung", "viewer",
                                                  "national"}),
    "verification:export": ({"code": "32.04"}, {"admin", "tkpk_bandung"}),
}


def _with_alike(matrix: dict) -> dict:
    out = {}
    for name, (kwargs, allowed) in matrix.items():
        if isinstance(allowed, set):
            allowed = allowed | {ALIKE[r] for r in allowed if r in ALIKE}
        out[name] = (kwargs, allowed)
    return out


MATRIX = (_with_alike(MATRIX) | matrix_targets.MATRIX | matrix_plans.MATRIX
          | matrix_scorecards.MATRIX | matrix_agglomerations.MATRIX | matrix_reports.MATRIX
          | matrix_accounts.MATRIX | matrix_meetings.MATRIX | matrix_portal.MATRIX)
# POST-only or framework endpoints, tested elsewhere.
NOT_GET = {
    "accounts:logout",
    "set_language",
    "linkage:retrain",
    "linkage:list-relink",
    "linkage:duplicates-find",
    "programs:catalogue-load",
    "programs:use-list",
    "programs:group-member-add",
    "programs:group-member-remove",
    "programs:group-help",
    "programs:intervention-status",
    "convergence:worklist-plan",
    "organisations:standard-agencies",
    "verification:proposal-step",
    "verification:musdes-submit",
} | matrix_targets.NOT_GET | matrix_plans.NOT_GET | matrix_scorecards.NOT_GET \
    | matrix_agglomerations.NOT_GET | matrix_reports.NOT_GET | matrix_accounts.NOT_GET \
    | matrix_meetings.NOT_GET
# The REST API answers tokens, not sessions: its own matrix (``test_api_access``).
NOT_GET |= matrix_api.NOT_GET
# The DCI registry API answers signed messages, not sessions (``matrix_dci``).
NOT_GET |= matrix_dci.NOT_GET


def _names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace == "admin":
                yield "admin:index"  # the admin's own pages share one permission check
                continue
            yield from _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_url_pattern_is_in_the_matrix():
    missing = sorted(set(_names()) - set(MATRIX) - NOT_GET)
    assert missing == [], f"add these URL names to MATRIX: {missing}"


@pytest.fixture
def objects(personas, tmp_path):
    """A job and two snapshots of Kabupaten Bandung's register (the second has a diff)."""
    from konvergen.registry.models import Family, Person
    from konvergen.registry.services import (
        dataset_get_or_create,
        import_job_create,
        import_job_run,
    )
    from tests.conftest import tiny_p3ke_rows, write_p3ke

    families, members = tiny_p3ke_rows()
    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    jobs = []
    for tag, fams, mems, date in (
        ("-1", families[:2], members[:5], "2026-01-15"),
        ("-2", families, members, "2026-04-15"),
    ):
        fam, mem = write_p3ke(tmp_path, fams, mems, tag)
        job = import_job_create(
            dataset=dataset,
            families_path=fam,
            members_path=mem,
            options={"snapshot_date": date},
            acting_user=personas.admin,
        )
        import_job_run(job.pk)
        job.refresh_from_db()
        jobs.append(job)
    assert jobs[1].snapshot.previous_id == jobs[0].snapshot_id
    from konvergen.linkage.models import BeneficiaryList, ListRow

    blist = BeneficiaryList.objects.create(
        dataset=dataset,
        organisation=personas.dinsos,
        name="PKH",
        file_name="pkh.csv",
        file_path=str(tmp_path / "pkh.csv"),
        status="done",
        counts={"rows": 1, "matched": 1},
    )
    ListRow.objects.create(
        beneficiary_list=blist,
        row_number=1,
        data={"NIK": "x"},
        status="matched",
        person=Person.objects.get(source_id="I0011"),
    )
    from konvergen.linkage.models import DuplicatePair

    pair = DuplicatePair.objects.create(
        dataset=dataset, person_a=Person.objects.get(source_id="I0011"),
        person_b=Person.objects.get(source_id="I0021"), match_probability=0.7)
    from konvergen.programs.models import Programme

    programme = Programme.objects.create(
        code="sembako-daerah", name="Sembako Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="food",
        funding_source="apbd_regency", year_start=2026, year_end=2026,
    )
    from konvergen.programs.models import Group

    group = Group.objects.create(name="KUBE Mawar", kind="kube", region_code="32.04.05.2001",
                                 organisation=personas.dinsos)
    from konvergen.programs.models import Intervention, InterventionUpload

    intervention = Intervention.objects.create(
        programme=programme, family=Family.objects.get(source_id="P001"), year=2026,
        status="planned")
    status_file = tmp_path / "status.csv"
    status_file.write_text(f"ID,Status\n{intervention.pk},disalurkan\n", encoding="utf-8")
    upload = InterventionUpload.objects.create(
        programme=programme, file_name="status.csv", file_path=str(status_file), sha256="0",
        headers=["ID", "Status"], mapping={"intervention_id": "ID", "status": "Status"})
    from tests.verification.fixtures import matrix_objects

    return {
        "INTERVENTION": intervention.pk,
        "UPLOAD": upload.pk,
        "DINSOS": personas.dinsos.pk,
        "GROUP": group.pk,
        "PROGRAMME": programme.pk,
        "PAIR": pair.pk,
        "LIST": blist.pk,
        "JOB": jobs[1].pk,
        "SNAPSHOT": jobs[1].snapshot_id,
        "DATASET": dataset.pk,
        "FAMILY": Family.objects.get(source_id="P001").pk,
        **matrix_objects(personas, tmp_path),
        **matrix_targets.matrix_objects(personas, tmp_path),
        **matrix_plans.matrix_objects(personas, tmp_path),
        **matrix_agglomerations.matrix_objects(personas, tmp_path),
        **matrix_reports.matrix_objects(personas, tmp_path),
        **matrix_meetings.matrix_objects(personas, tmp_path),
        **matrix_accounts.matrix_objects(personas, tmp_path),
        **matrix_scorecards.matrix_objects(personas, tmp_path),
        **matrix_portal.matrix_objects(personas, tmp_path),
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(personas, objects, name):
    failures = []
    for role in ROLES:
        try:
            _check(personas, objects, name, role)
        except AssertionError as exc:
            failures.append(f"{role}: {exc}")
    assert not failures, "\n".join(failures)


def _check(personas, objects, name, role):
    kwargs, allowed = MATRIX[name]
    kwargs = {k: objects.get(v, v) for k, v in kwargs.items()}
    query = kwargs.pop(QUERY, None)  # a query string some pages need (e.g. ?id=)
    client = personas.client_for(getattr(personas, role))
    response = client.get(reverse(name, kwargs=kwargs) + (f"?{query}" if query else ""))
    if name == "accounts:login":  # signed-in people are sent on to their home page
        assert response.status_code == 302 and response.url == reverse("core:home")
    elif allowed == "public" or role in allowed:
        assert response.status_code == 200, response
    elif name == "regions:index":
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response.url == reverse(
                "regions:detail",
                kwargs={"code": getattr(personas, role).role_assignments.get().region_id},
            )
    elif name == "admin:index":
        assert response.status_code == 302 and "/admin/login/" in response.url
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_visitors_must_sign_in(client, personas, objects, name):
    kwargs, allowed = MATRIX[name]
    kwargs = {k: objects.get(v, v) for k, v in kwargs.items()}
    query = kwargs.pop(QUERY, None)
    response = client.get(reverse(name, kwargs=kwargs) + (f"?{query}" if query else ""))
    if allowed == "public":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "login" in response.url


#: Pages that change something, posted to as every role with a body that changes nothing
#: (an empty or invalid form): url name -> (kwargs, roles whose request gets through the
#: access check). The others get 404 (signed in) or the login page; ``"405"`` marks pages
#: that only answer GET, for everyone.
POST_MATRIX = {
    "registry:authority": ({"dataset_id": "DATASET"}, {"admin", "tkpk_bandung"}),
    "programs:interventions": ({"programme_id": "PROGRAMME"}, "405"),
    "programs:intervention-new": ({"programme_id": "PROGRAMME"}, DINSOS_LIST),
    "programs:intervention-edit": (
        {"programme_id": "PROGRAMME", "intervention_id": "INTERVENTION"}, DINSOS_LIST),
    "programs:intervention-cancel": (
        {"programme_id": "PROGRAMME", "intervention_id": "INTERVENTION"}, DINSOS_LIST),
    "programs:intervention-status": (
        {"programme_id": "PROGRAMME", "intervention_id": "INTERVENTION"}, DINSOS_LIST),
    "programs:intervention-upload": ({"programme_id": "PROGRAMME"}, DINSOS_LIST),
    "programs:intervention-upload-result": (
        {"programme_id": "PROGRAMME", "upload_id": "UPLOAD"}, DINSOS_LIST),
    "programs:intervention-upload-rejected": (
        {"programme_id": "PROGRAMME", "upload_id": "UPLOAD"}, "405"),
    "verification:index": ({}, "405"),
    "verification:proposal-new": ({"kind": "new"}, {"admin", "village_operator"}),
    "verification:proposal": ({"proposal_id": "PROPOSAL"}, "405"),
    "verification:proposal-step": ({"proposal_id": "PROPOSAL"},
                                   {"admin", "tkpk_bandung", "village_operator"}),
    "verification:proposal-evidence": ({"proposal_id": "PROPOSAL"}, "405"),
    "verification:musdes-list": ({}, "405"),
    "verification:musdes-new": ({}, {"admin", "village_operator"}),
    "verification:musdes": ({"musdes_id": "MUSDES"}, "405"),
    "verification:musdes-submit": ({"musdes_id": "MUSDES"}, {"admin", "village_operator"}),
    "verification:musdes-minutes": ({"musdes_id": "MUSDES"}, "405"),
    "verification:progress-index": ({}, "405"),
    "verification:progress": ({"code": "32.04"}, "405"),
    "verification:export": ({"code": "32.04"}, "405"),
}
POST_MATRIX = (_with_alike(POST_MATRIX) | matrix_targets.POST_MATRIX
               | matrix_plans.POST_MATRIX | matrix_scorecards.POST_MATRIX
               | matrix_agglomerations.POST_MATRIX | matrix_reports.POST_MATRIX
               | matrix_accounts.POST_MATRIX | matrix_meetings.POST_MATRIX
               | matrix_portal.POST_MATRIX
               | matrix_dci.POST_MATRIX)


@pytest.mark.parametrize("name", sorted(POST_MATRIX))
def test_post_access(personas, objects, name):
    from konvergen.programs.models import Intervention

    kwargs, allowed = POST_MATRIX[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()
                                if k != QUERY})
    failures = []
    for role in ROLES:
        response = personas.client_for(getattr(personas, role)).post(url, {})
        if allowed == "405":
            ok = response.status_code == 405
        elif allowed == matrix_dci.SIGNED_ONLY:
            ok = matrix_dci.rejects_unsigned(response)
        elif allowed == "public" or role in allowed:
            ok = response.status_code in (200, 302)
        else:
            ok = response.status_code == 404
        if not ok:
            failures.append(f"{role}: {response.status_code}")
    anonymous = Client().post(url, {})
    if allowed == matrix_dci.SIGNED_ONLY:
        if not matrix_dci.rejects_unsigned(anonymous):
            failures.append(f"anonymous: {anonymous.status_code}")
    elif allowed not in ("405", "public") and not (
            anonymous.status_code == 302 and "login" in anonymous.url):
        failures.append(f"anonymous: {anonymous.status_code}")
    assert not failures, "\n".join(failures)
    # Nothing was changed by the empty posts.
    assert Intervention.objects.get(pk=objects["INTERVENTION"]).status == "planned"


def test_every_verification_url_is_in_the_post_matrix():
    ours = {n for n in _names() if n.startswith("verification:")}
    assert ours - set(POST_MATRIX) == set()


def test_every_intervention_url_is_in_the_post_matrix():
    ours = {n for n in _names() if n.startswith("programs:intervention")}
    assert ours - set(POST_MATRIX) == set()


@pytest.mark.parametrize("app", ["targets", "plans", "scorecards", "agglomerations",
                                 "reports", "accounts", "meetings"])
def test_every_url_of_the_planning_apps_is_in_the_post_matrix(app):
    ours = {n for n in _names() if n.startswith(app + ":")}
    assert ours - set(POST_MATRIX) == set()


@pytest.mark.parametrize("name", sorted(matrix_api.MATRIX))
def test_api_access(personas, objects, name):
    """Every API URL, GET and POST, as every persona's API client (``matrix_api``)."""
    failures = matrix_api.check(personas, objects, name, ROLES)
    assert not failures, "\n".join(failures)


def test_every_api_url_is_in_the_api_matrix():
    ours = {n for n in _names() if n.startswith("api:")}
    assert ours - set(matrix_api.MATRIX) == set()
