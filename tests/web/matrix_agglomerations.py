"""The agglomerations app's rows of the permission matrix (see ``test_permission_matrix``):
GET rows (url name -> (kwargs, roles that get HTTP 200)), POST rows (roles whose request
gets through the access check, or ``"405"``), POST-only names, and the objects their
kwargs name.

The agglomeration has two members, Kabupaten Bandung and Kabupaten Indramayu (aggregates
only): it is read by the national coordinator of Jawa Barat, administrators, and the
secretariat, chair and leadership viewer of Bandung; Kabupaten Cirebon's secretariat (not
a member) sees the list page but not this agglomeration. Only those who coordinate every
member change it: administrators and the national coordinator (a kab/kota secretariat
coordinates no cluster). Agencies, partners and village operators have no such pages."""

WITH_FEATURE = {"admin", "national", "tkpk_bandung", "tkpk_cirebon", "tkpk_chair", "viewer"}
READERS = {"admin", "national", "tkpk_bandung", "tkpk_chair", "viewer"}
COORDINATORS = {"admin", "national"}
A = {"agglomeration_id": "AGGLOMERATION"}
A_YEAR = {"agglomeration_id": "AGGLOMERATION", "year": 2026}

MATRIX: dict = {
    "agglomerations:index": ({}, WITH_FEATURE),
    "agglomerations:new": ({}, COORDINATORS),
    "agglomerations:edit": (A, COORDINATORS),
    "agglomerations:compare": (A_YEAR, READERS),
    "agglomerations:compare-xlsx": (A_YEAR, READERS),
}
POST_MATRIX: dict = {
    "agglomerations:index": ({}, "405"),
    "agglomerations:new": ({}, COORDINATORS),
    "agglomerations:edit": (A, COORDINATORS),
    "agglomerations:compare": (A_YEAR, "405"),
    "agglomerations:compare-xlsx": (A_YEAR, "405"),
    "agglomerations:archive": (A, COORDINATORS),
}
NOT_GET: set = {"agglomerations:archive"}


def matrix_objects(personas, tmp_path) -> dict:
    """Bandung (food) and Indramayu (renewable energy, supported by UMKM), defined by the
    national coordinator of Jawa Barat."""
    from konvergen.agglomerations.services import MemberSpec, agglomeration_create

    agglomeration = agglomeration_create(
        data={"name": "Klaster uji", "mou_number": "MoU 1/2026"},
        members=[MemberSpec("32.04", "food"), MemberSpec("32.12", "energy", ("umkm",))],
        acting_user=personas.national)
    return {"AGGLOMERATION": agglomeration.pk}
