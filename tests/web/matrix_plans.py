"""The plans app's rows of the permission matrix (see ``test_permission_matrix``): GET rows
(url name -> (kwargs, roles that get HTTP 200)), POST rows (roles whose request gets through
the access check, or ``"405"``), POST-only names, and the objects their kwargs name.

The plan is Dinas Sosial of Kabupaten Bandung's: its officer and head edit it, the head
submits, the secretariat verifies, the chair approves; viewers and national coordinators
read; other organisations (the CSR partner) and other regions do not see it."""

ALL_PLANS = {"admin", "tkpk_bandung", "tkpk_cirebon", "tkpk_chair", "agency_head",
             "dinsos_officer", "csr_partner", "viewer", "national"}
WRITERS = {"admin", "agency_head", "dinsos_officer", "csr_partner"}
READERS = {"admin", "tkpk_bandung", "tkpk_chair", "agency_head", "dinsos_officer", "viewer",
           "national"}
EDITORS = {"admin", "agency_head", "dinsos_officer"}
#: Anyone with a sign-off step on the plan (the officer has none: the head submits).
SIGNERS = {"admin", "agency_head", "tkpk_bandung", "tkpk_chair"}
REGION_WIDE = {"admin", "tkpk_bandung", "tkpk_chair", "viewer", "national"}
SECRETARIAT = {"admin", "tkpk_bandung"}

P = {"plan_id": "PLAN"}
Q = {"plan_id": "PLAN", "quarter": 1}
REGION = {"code": "32.04"}
MEETING = {"code": "32.04", "year": 2026, "quarter": 1}

MATRIX: dict = {
    "plans:index": ({}, ALL_PLANS),
    "plans:new": ({}, WRITERS),
    "plans:plan": (P, READERS),
    "plans:plan-edit": (P, EDITORS),
    "plans:item-new": (P, EDITORS),
    "plans:item-edit": ({**P, "item_id": "PLAN_ITEM"}, EDITORS),
    "plans:upload": (P, EDITORS),
    "plans:upload-template": (P, EDITORS),
    "plans:upload-result": ({**P, "upload_id": "PLAN_UPLOAD"}, EDITORS),
    "plans:upload-rejected": ({**P, "upload_id": "PLAN_UPLOAD"}, EDITORS),
    "plans:report": (Q, READERS),
    "plans:evidence": ({**P, "evidence_id": "PLAN_EVIDENCE"}, READERS),
    "plans:plan-e81": (P, READERS),
    "plans:plan-matriks2": (P, READERS),
    "plans:overview": (REGION, REGION_WIDE),
    "plans:region-e81": (REGION, REGION_WIDE),
    "plans:region-matriks2": (REGION, REGION_WIDE),
    "plans:deadlines": (REGION, SECRETARIAT),
    "plans:meeting-pack": (MEETING, REGION_WIDE),
    "plans:meeting-pack-xlsx": (MEETING, REGION_WIDE),
}
POST_MATRIX: dict = {
    "plans:index": ({}, "405"),
    "plans:new": ({}, WRITERS),
    "plans:plan": (P, "405"),
    "plans:plan-edit": (P, EDITORS),
    "plans:plan-step": (P, SIGNERS),
    "plans:item-new": (P, EDITORS),
    "plans:item-edit": ({**P, "item_id": "PLAN_ITEM"}, EDITORS),
    "plans:item-delete": ({**P, "item_id": "PLAN_ITEM"}, EDITORS),
    "plans:upload": (P, EDITORS),
    "plans:upload-template": (P, "405"),
    "plans:upload-result": ({**P, "upload_id": "PLAN_UPLOAD"}, "405"),
    "plans:upload-rejected": ({**P, "upload_id": "PLAN_UPLOAD"}, "405"),
    "plans:report": (Q, EDITORS),
    "plans:report-step": (Q, SIGNERS),
    "plans:evidence-upload": (Q, EDITORS),
    "plans:evidence": ({**P, "evidence_id": "PLAN_EVIDENCE"}, "405"),
    "plans:plan-e81": (P, "405"),
    "plans:plan-matriks2": (P, "405"),
    "plans:overview": (REGION, "405"),
    "plans:region-e81": (REGION, "405"),
    "plans:region-matriks2": (REGION, "405"),
    "plans:deadlines": (REGION, SECRETARIAT),
    "plans:meeting-pack": (MEETING, "405"),
    "plans:meeting-pack-xlsx": (MEETING, "405"),
}
NOT_GET: set = {"plans:plan-step", "plans:item-delete", "plans:report-step",
                "plans:evidence-upload"}


def matrix_objects(personas, tmp_path) -> dict:
    """Dinsos's 2026 plan with one item, a TW I report with evidence and an upload."""
    from decimal import Decimal

    from konvergen.plans import services
    from tests.plans.conftest import YEAR, item_values

    plan = services.plan_create(organisation=personas.dinsos, region=personas.bandung,
                                year=YEAR, acting_user=personas.dinsos_officer)
    item = services.item_save(plan=plan, values=item_values(),
                              acting_user=personas.dinsos_officer)
    services.report_save(plan=plan, quarter=1, values={item.pk: (Decimal(10), Decimal(5))},
                         acting_user=personas.dinsos_officer)
    proof = tmp_path / "plans-evidence" / "bukti.pdf"
    proof.parent.mkdir(parents=True, exist_ok=True)
    proof.write_bytes(b"%PDF-1.4 bukti")
    evidence = services.evidence_add(plan=plan, quarter=1, path=proof,
                                     acting_user=personas.dinsos_officer)
    sheet = tmp_path / "plans-upload.csv"
    sheet.write_text("Kode Sub Kegiatan,Indikator,Satuan,Target,Anggaran\nx,y,z,1,1\n",
                     encoding="utf-8")
    upload = services.items_upload(plan=plan, path=sheet, file_name="rat.csv",
                                   acting_user=personas.dinsos_officer)
    return {"PLAN": plan.pk, "PLAN_ITEM": item.pk, "PLAN_EVIDENCE": evidence.pk,
            "PLAN_UPLOAD": upload.pk}
