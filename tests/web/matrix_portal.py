"""The public portal's rows of the permission matrix (see ``test_permission_matrix``).

Every public page answers anyone, signed in or not, for a published kab/kota (Kabupaten
Bandung is published in these objects; ``tests/portal`` checks that an unpublished one
answers 404 and sweeps every public URL for personal data and small counts). Only the
secretariat of the kab/kota (and administrators) turn publishing on or off."""

#: Kwargs key of a query string (``test_permission_matrix`` sends it as ``?…``).
QUERY = "?"
SECRETARIAT = {"admin", "tkpk_bandung"}
BANDUNG = {"code": "32.04"}

MATRIX: dict = {
    "portal:index": ({}, "public"),
    "portal:datasets": ({}, "public"),
    "portal:dataset": ({"name": "program-3204"}, "public"),
    "portal:resource": ({"name": "indikator-3204"}, "public"),
    "portal:region": (BANDUNG, "public"),
    "portal:areas": (BANDUNG, "public"),
    "portal:area": ({**BANDUNG, "area": "32.04.05"}, "public"),
    "portal:programmes": (BANDUNG, "public"),
    "portal:lp2kd": ({**BANDUNG, "year": 2025, "fmt": "pdf"}, "public"),
    "portal:ckan-package-list": ({}, "public"),
    "portal:ckan-package-search": ({}, "public"),
    "portal:ckan-package-show": ({QUERY: "id=program-3204"}, "public"),
    "portal:manage": (BANDUNG, SECRETARIAT),
}
POST_MATRIX: dict = {
    **{name: (kwargs, "405") for name, (kwargs, _roles) in MATRIX.items()
       if name != "portal:manage"},
    "portal:manage": (BANDUNG, SECRETARIAT),
}
NOT_GET: set = set()


def matrix_objects(personas, tmp_path) -> dict:
    """Kabupaten Bandung publishes on the portal."""
    from konvergen.portal.services import publication_set

    publication_set(region=personas.bandung, values={"published": True},
                    acting_user=personas.tkpk_bandung)
    return {}
