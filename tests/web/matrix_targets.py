"""The targets app's rows of the permission matrix (see ``test_permission_matrix``): GET rows
(url name -> (kwargs, roles that get HTTP 200)), POST rows (roles whose request gets through
the access check, or ``"405"``), POST-only names, and the objects their kwargs name.

Indicators and targets are aggregates: everyone whose area covers Kabupaten Bandung reads
them (the agency head and the TKPK chair too); the secretariat of the region sets targets,
documents and bands; the secretariats (and administrators) import official figures."""

EVERYONE_SIGNED_IN = {"admin", "tkpk_bandung", "tkpk_cirebon", "tkpk_chair", "agency_head",
                      "dinsos_officer", "csr_partner", "village_operator", "viewer", "national"}
READ_BANDUNG = {"admin", "tkpk_bandung", "tkpk_chair", "agency_head", "dinsos_officer",
                "csr_partner", "viewer", "national"}
MANAGE_BANDUNG = {"admin", "tkpk_bandung"}
SECRETARIATS = {"admin", "tkpk_bandung", "tkpk_cirebon"}
BANDUNG = {"code": "32.04"}
P0 = {"code": "32.04", "indicator": "p0"}
BATCH = {"batch_id": "TARGETS_BATCH"}
DOCUMENT = {"document_id": "TARGETS_DOCUMENT"}

MATRIX: dict = {
    "targets:index": ({}, EVERYONE_SIGNED_IN),
    "targets:import": ({}, SECRETARIATS),
    "targets:import-result": (BATCH, MANAGE_BANDUNG),
    "targets:import-rejected": (BATCH, MANAGE_BANDUNG),
    "targets:document-edit": (DOCUMENT, MANAGE_BANDUNG),
    "targets:region": (BANDUNG, READ_BANDUNG),
    "targets:region-xlsx": (BANDUNG, READ_BANDUNG),
    "targets:documents": (BANDUNG, READ_BANDUNG),
    "targets:document-new": (BANDUNG, MANAGE_BANDUNG),
    "targets:bands": (BANDUNG, MANAGE_BANDUNG),
    "targets:indicator": (P0, READ_BANDUNG),
    "targets:target-edit": (P0, MANAGE_BANDUNG),
}
POST_MATRIX: dict = {
    "targets:index": ({}, "405"),
    "targets:catalogue-load": ({}, SECRETARIATS),
    "targets:import": ({}, SECRETARIATS),
    "targets:import-result": (BATCH, "405"),
    "targets:import-rejected": (BATCH, "405"),
    "targets:import-remap": (BATCH, MANAGE_BANDUNG),
    "targets:document-edit": (DOCUMENT, MANAGE_BANDUNG),
    "targets:region": (BANDUNG, "405"),
    "targets:region-xlsx": (BANDUNG, "405"),
    "targets:documents": (BANDUNG, "405"),
    "targets:document-new": (BANDUNG, MANAGE_BANDUNG),
    "targets:bands": (BANDUNG, MANAGE_BANDUNG),
    "targets:refresh": (BANDUNG, MANAGE_BANDUNG),
    "targets:indicator": (P0, "405"),
    "targets:target-edit": (P0, MANAGE_BANDUNG),
}
NOT_GET: set = {"targets:catalogue-load", "targets:import-remap", "targets:refresh"}


def matrix_objects(personas, tmp_path) -> dict:
    """Objects the rows' kwargs name (placeholder string -> primary key): a plan document
    of Kabupaten Bandung and an import filed under it, both by its secretariat."""
    import datetime as dt

    from konvergen.targets.services import (
        indicator_catalogue_load,
        official_import,
        plan_document_save,
    )

    indicator_catalogue_load()
    document = plan_document_save(
        region=personas.bandung, acting_user=personas.tkpk_bandung,
        data={"kind": "rpjmd", "number": "1/2025", "title": "RPJMD", "year_start": 2025,
              "year_end": 2029, "issued_on": dt.date(2025, 1, 2)})
    folder = tmp_path / "targets"
    folder.mkdir(exist_ok=True)
    path = folder / "p0.csv"
    path.write_text("kode_kemendagri,tahun,p0,catatan\n32.04,2024,6.5,x\n32.09,2024,abc,y\n",
                    encoding="utf-8")
    batch = official_import(path=path, acting_user=personas.tkpk_bandung).batch
    return {"TARGETS_DOCUMENT": document.pk, "TARGETS_BATCH": batch.pk}
