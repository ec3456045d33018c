"""The scorecards app's rows of the permission matrix (see ``test_permission_matrix``).

Scorecards rank the organisations of a kab/kota (no personal data): the coordination team,
leadership, the national coordinator and the organisations ranked read them; the secretariat
sets the weights and keeps the fiscal-incentive inputs. Village operators and other regions do
not see them; the province's fiscal-incentive ranking is read at province level. A scorecard
the secretariat defines is read like the page it belongs to and changed by the secretariat of
its region."""

READERS = {"admin", "tkpk_bandung", "tkpk_chair", "agency_head", "dinsos_officer",
           "csr_partner", "viewer", "national"}
WITH_FEATURE = READERS | {"tkpk_cirebon"}
SECRETARIAT = {"admin", "tkpk_bandung"}
REGION = {"code": "32.04"}
REGION_YEAR = {"code": "32.04", "year": 2026}
PROVINCE_YEAR = {"code": "32", "year": 2026}
CUSTOM = {"pk": "CUSTOM_SCORECARD"}
#: The fiscal-incentive ranking of a province: read at province level only.
PROVINCE = {"admin", "national"}

MATRIX: dict = {
    "scorecards:index": ({}, WITH_FEATURE),
    "scorecards:agencies": (REGION_YEAR, READERS),
    "scorecards:agencies-xlsx": (REGION_YEAR, READERS),
    "scorecards:weights": (REGION, SECRETARIAT),
    "scorecards:compliance": (REGION_YEAR, SECRETARIAT),
    "scorecards:province": (PROVINCE_YEAR, PROVINCE),
    "scorecards:province-xlsx": (PROVINCE_YEAR, PROVINCE),
    "scorecards:custom-new": ({**REGION, "peers": "agencies"}, SECRETARIAT),
    "scorecards:custom-edit": (CUSTOM, SECRETARIAT),
    "scorecards:custom": ({**CUSTOM, "year": 2026}, READERS),
    "scorecards:custom-xlsx": ({**CUSTOM, "year": 2026}, READERS),
}
POST_MATRIX: dict = {
    "scorecards:index": ({}, "405"),
    "scorecards:agencies": (REGION_YEAR, "405"),
    "scorecards:agencies-xlsx": (REGION_YEAR, "405"),
    "scorecards:weights": (REGION, SECRETARIAT),
    "scorecards:compliance": (REGION_YEAR, SECRETARIAT),
    "scorecards:province": (PROVINCE_YEAR, "405"),
    "scorecards:province-xlsx": (PROVINCE_YEAR, "405"),
    "scorecards:custom-new": ({**REGION, "peers": "agencies"}, SECRETARIAT),
    "scorecards:custom-edit": (CUSTOM, SECRETARIAT),
    "scorecards:custom-archive": (CUSTOM, SECRETARIAT),
    "scorecards:custom": ({**CUSTOM, "year": 2026}, "405"),
    "scorecards:custom-xlsx": ({**CUSTOM, "year": 2026}, "405"),
}
NOT_GET: set = {"scorecards:custom-archive"}


def matrix_objects(personas, tmp_path) -> dict:
    """A scorecard Kabupaten Bandung's secretariat defined for its organisations (the
    province-level kind is checked in ``tests/scorecards/test_custom.py``)."""
    from konvergen.scorecards import services

    card = services.custom_scorecard_save(
        region=personas.bandung, peers="agencies", name="OPD",
        criteria=[{"source": "output", "rule": "value", "weight": 1}],
        acting_user=personas.tkpk_bandung)
    return {"CUSTOM_SCORECARD": card.pk}
