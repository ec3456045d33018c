"""The pages: an agency enters items and realisation, the head submits, the secretariat
returns and verifies, the chair approves; locks are shown and enforced; uploads, exports,
the overview and the deadline settings."""

import datetime as dt
import io
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.audit.models import AuditEntry
from konvergen.plans.models import ActionPlan, Deadline, Evidence, PlanItem, QuarterReport
from tests.plans.conftest import YEAR


def _item_post(**overrides):
    data = {
        "goal": "", "programme_code": "", "programme_name": "Program Rehabilitasi Sosial",
        "activity_code": "", "activity_name": "Rehabilitasi Sosial Dasar",
        "sub_activity_code": "1.06.04.2.01.0003", "sub_activity_name": "Pemberian Permakanan",
        "strategy": "burden", "sector": "food", "expenditure_tag": "direct",
        "indicator": "Jumlah keluarga penerima", "unit": "KK", "target_k": "100",
        "target_rp": "400000000", "q1_k": "40", "q2_k": "60", "q3_k": "", "q4_k": "",
        "q1_rp": "", "q2_rp": "", "q3_rp": "", "q4_rp": "", "funding_source": "apbd_regency",
        "locations": "Cileunyi Kulon", "beneficiaries": "100", "beneficiary_unit": "family",
        "programme": "", "period_target_k": "", "period_target_rp": "", "prior_k": "",
        "prior_rp": "", "responsible_unit": "", "note": "",
    }
    data.update(overrides)
    return data


def test_agency_builds_a_plan_through_the_pages(personas):
    client = personas.client_for(personas.dinsos_officer)
    response = client.post(reverse("plans:new"), {"organisation": personas.dinsos.pk,
                                                  "year": YEAR})
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:plan",
                                                                   args=[plan.pk])
    url = reverse("plans:item-new", args=[plan.pk])
    # Quarterly targets not adding up: the form says which field and why, in both languages.
    bad = client.post(url, _item_post(q2_k="50"))
    assert bad.status_code == 200 and not PlanItem.objects.exists()
    errors = bad.context["form"].errors["q1_k"][0]
    assert "90" in errors and "100" in errors and "/" in errors
    ok = client.post(url, _item_post())
    assert ok.status_code == 302
    item = PlanItem.objects.get()
    assert item.locations == ["32.04.05.2001"] and item.programme_code == "1.06.04"
    page = client.get(reverse("plans:plan", args=[plan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="item-new"' in html and f'id="item-{item.pk}"' in html
    assert "1.06.04.2.01.0003" in html and 'id="total-target-rp"' in html
    # Another agency's partner does not find it.
    other = personas.client_for(personas.csr_partner)
    assert other.get(reverse("plans:plan", args=[plan.pk])).status_code == 404


def test_report_sign_off_and_locks_through_the_pages(plan, item, personas):
    officer = personas.client_for(personas.dinsos_officer)
    url = reverse("plans:report", args=[plan.pk, 1])
    page = officer.get(url)
    assert page.status_code == 200 and f'id="k-{item.pk}"' in page.content.decode()
    assert 'id="report-step-submit"' not in page.content.decode()  # the head submits
    response = officer.post(url, {"action": "save", f"k_{item.pk}": "20",
                                  f"rp_{item.pk}": "90000000", "drivers": "Data lengkap",
                                  "obstacles": "", "follow_up": ""})
    assert response.status_code == 302
    page = officer.get(url)
    html = page.content.decode()
    assert f'id="cum-k-{item.pk}">20<' in html and f'id="pct-k-{item.pk}">20' in html
    # Evidence: a PDF is accepted, an executable is not.
    ev = reverse("plans:evidence-upload", args=[plan.pk, 1])
    officer.post(ev, {"file": SimpleUploadedFile("sp2d.pdf", b"%PDF-1.4 x")})
    officer.post(ev, {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert list(Evidence.objects.values_list("file_name", flat=True)) == ["sp2d.pdf"]
    head = personas.client_for(personas.agency_head)
    step = reverse("plans:report-step", args=[plan.pk, 1])
    assert 'id="report-step-submit"' in head.get(url).content.decode()
    head.post(step, {"action": "submit"})
    plan.refresh_from_db()
    assert plan.state == "submitted"
    # Locked for the agency: the page is read-only and a crafted post changes nothing.
    html = officer.get(url).content.decode()
    assert 'id="lock-banner"' in html and f'id="k-{item.pk}"' not in html
    officer.post(url, {"action": "save", f"k_{item.pk}": "99"})
    report = QuarterReport.objects.get(plan=plan, quarter=1)
    assert report.realisations.get().k == D(20)
    # The chair can neither edit nor verify; the page offers it nothing yet.
    chair = personas.client_for(personas.tkpk_chair)
    assert chair.post(url, {"action": "save", f"k_{item.pk}": "1"}).status_code == 404
    assert 'id="report-step-approve"' not in chair.get(url).content.decode()
    tkpk = personas.client_for(personas.tkpk_bandung)
    tkpk.post(step, {"action": "return", "note": "Bukti kurang"})
    report.refresh_from_db()
    assert report.state == "returned"
    html = officer.get(url).content.decode()
    assert 'id="return-banner"' in html and "Bukti kurang" in html
    head.post(step, {"action": "submit"})
    tkpk.post(step, {"action": "verify"})
    chair.post(step, {"action": "approve"})
    report.refresh_from_db()
    plan.refresh_from_db()
    assert report.state == plan.state == "approved"
    html = officer.get(url).content.decode()
    assert 'id="lock-banner"' in html and "Bukti kurang" in html  # history keeps it
    plan_page = officer.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert 'id="item-new"' not in plan_page and 'id="lock-banner"' in plan_page
    # Evidence download is audited.
    evidence = Evidence.objects.get()
    response = tkpk.get(reverse("plans:evidence", args=[plan.pk, evidence.pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="plans.evidence_download",
                                     actor=personas.tkpk_bandung).exists()


def test_upload_page_and_rejected_download(plan, personas):
    client = personas.client_for(personas.dinsos_officer)
    csv = ("Kode Sub Kegiatan,Program,Kegiatan,Sub Kegiatan,Strategi,Sektor,Jenis Belanja,"
           "Indikator,Satuan,Target,Anggaran,Sumber Dana\n"
           "1.06.04.2.01.0003,Prog,Keg,Sub,beban,pangan,langsung,Ind A,KK,10,1000,APBD\n"
           "1.06.04.2.01.0004,Prog,Keg,Sub,beban,pangan,entah,Ind B,KK,10,1000,APBD\n")
    response = client.post(reverse("plans:upload", args=[plan.pk]),
                           {"file": SimpleUploadedFile("rat.csv", csv.encode())})
    assert response.status_code == 302
    result = client.get(response.url)
    html = result.content.decode()
    assert 'id="count-created">1<' in html and 'data-code="unknown_value"' in html
    rejected = client.get(response.url + "rejected.csv")
    assert rejected.status_code == 200 and b"entah" in rejected.content
    assert PlanItem.objects.count() == 1


def test_overview_exports_and_deadlines(plan, item, personas):
    tkpk = personas.client_for(personas.tkpk_bandung)
    url = reverse("plans:deadlines", args=["32.04"])
    response = tkpk.post(f"{url}?year={YEAR}", {"due_1": f"{YEAR}-04-20",
                                                 "due_2": f"{YEAR}-07-10",
                                                 "due_3": f"{YEAR}-10-10",
                                                 "due_4": f"{YEAR + 1}-01-10"})
    assert response.status_code == 302
    assert Deadline.objects.get(quarter=1).due_on == dt.date(YEAR, 4, 20)
    overview = tkpk.get(reverse("plans:overview", args=["32.04"]), {"year": YEAR})
    html = overview.content.decode()
    assert overview.status_code == 200 and f'id="org-{personas.dinsos.pk}"' in html
    assert f'id="plan-{plan.pk}"' in html
    # An agency officer has no region overview.
    officer = personas.client_for(personas.dinsos_officer)
    assert officer.get(reverse("plans:overview", args=["32.04"])).status_code == 404
    for name in ("plans:region-e81", "plans:region-matriks2"):
        response = tkpk.get(reverse(name, args=["32.04"]), {"year": YEAR, "quarter": 1})
        assert response.status_code == 200
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        cells = [c for row in book.get_sheet_by_index(0).to_python() for c in row]
        assert "1.06.04.2.01.0003" in cells
    response = officer.get(reverse("plans:plan-e81", args=[plan.pk]), {"quarter": 2})
    assert response.status_code == 200 and "TW2" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="plans.export_e81").exists()
