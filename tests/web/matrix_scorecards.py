"""The scorecards app's rows of the permission matrix (see ``test_permission_matrix``).

Scorecards rank the organisations of a kab/kota (no personal data): the coordination team,
leadership, the national coordinator and the organisations ranked read them; the secretariat
sets the weights and keeps the fiscal-incentive inputs. Village operators and other regions do
not see them; the province's fiscal-incentive ranking is read at province level."""

READERS = {"admin", "tkpk_bandung", "tkpk_chair", "agency_head", "dinsos_officer",
           "csr_partner", "viewer", "national"}
WITH_FEATURE = READERS | {"tkpk_cirebon"}
SECRETARIAT = {"admin", "tkpk_bandung"}
REGION = {"code": "32.04"}
REGION_YEAR = {"code": "32.04", "year": 2026}
PROVINCE_YEAR = {"code": "32", "year": 2026}
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
}
POST_MATRIX: dict = {
    "scorecards:index": ({}, "405"),
    "scorecards:agencies": (REGION_YEAR, "405"),
    "scorecards:agencies-xlsx": (REGION_YEAR, "405"),
    "scorecards:weights": (REGION, SECRETARIAT),
    "scorecards:compliance": (REGION_YEAR, SECRETARIAT),
    "scorecards:province": (PROVINCE_YEAR, "405"),
    "scorecards:province-xlsx": (PROVINCE_YEAR, "405"),
}
NOT_GET: set = set()
