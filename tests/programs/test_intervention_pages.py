"""Intervention pages through the front door: who may record, move, cancel and upload, and
who sees names and NIKs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from konvergen.accounts import access
from konvergen.audit.models import AuditEntry
from konvergen.programs.models import Intervention, InterventionUpload, Programme
from konvergen.registry.models import Family


def year() -> int:
    """This year, read when the test runs (not at import)."""
    return timezone.localdate().year


NIK = "3204055506850002"  # Siti Aminah, head of P002


@pytest.fixture
def programme(personas):
    return Programme.objects.create(
        code="sembako-daerah", name="Sembako Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="food",
        funding_source="apbd_regency", year_start=year(), year_end=year(),
    )


def _new(client, programme, **data):
    return client.post(reverse("programs:intervention-new", args=[programme.pk]), {
        "beneficiary": NIK, "year": year(), "status": "planned", "item": "beras", "units": "10",
        "value": "100000", "note": "", **data})


def test_the_officer_records_moves_and_cancels_an_intervention(personas, tiny_register,
                                                               programme):
    client = personas.client_for(personas.dinsos_officer)
    response = _new(client, programme)
    assert response.status_code == 302
    iv = Intervention.objects.get()
    assert iv.person.nik == NIK and iv.family.source_id == "P002" and iv.origin == "manual"
    status_url = reverse("programs:intervention-status", args=[programme.pk, iv.pk])
    # planned → completed is refused with a message, nothing changes.
    response = client.post(status_url, {"status": "completed"}, follow=True)
    assert "tidak dapat menjadi" in response.content.decode()
    iv.refresh_from_db()
    assert iv.status == "planned"
    client.post(status_url, {"status": "delivered"})
    iv.refresh_from_db()
    assert iv.status == "delivered" and iv.delivered_on == timezone.localdate()
    response = client.post(reverse("programs:intervention-edit", args=[programme.pk, iv.pk]),
                           {"year": year(), "item": "beras 10 kg", "units": "10",
                            "value": "120000", "note": "tahap 1",
                            "planned_on": "", "delivered_on": iv.delivered_on.isoformat(),
                            "completed_on": ""})
    assert response.status_code == 302
    iv.refresh_from_db()
    assert (iv.item, iv.value, iv.note) == ("beras 10 kg", 120_000, "tahap 1")
    cancel_url = reverse("programs:intervention-cancel", args=[programme.pk, iv.pk])
    assert client.post(cancel_url, {"reason": ""}).status_code == 200  # reason required
    client.post(cancel_url, {"reason": "Ganda dengan program lain"})
    iv.refresh_from_db()
    assert iv.status == "cancelled" and iv.cancel_reason == "Ganda dengan program lain"
    assert set(AuditEntry.objects.filter(object_id=str(iv.pk)).values_list(
        "action", flat=True)) >= {"programs.intervention_create",
                                  "programs.intervention_transition",
                                  "programs.intervention_update"}


def test_other_organisations_cannot_record_or_change(personas, tiny_register, programme):
    partner = personas.client_for(personas.csr_partner)
    assert _new(partner, programme).status_code == 404
    assert not Intervention.objects.exists()
    _new(personas.client_for(personas.dinsos_officer), programme)
    iv = Intervention.objects.get()
    for name in ("intervention-status", "intervention-cancel", "intervention-edit"):
        response = partner.post(reverse(f"programs:{name}", args=[programme.pk, iv.pk]),
                                {"status": "delivered", "reason": "x", "year": year(),
                                 "value": 0})
        assert response.status_code == 404
    viewer = personas.client_for(personas.viewer)
    assert viewer.post(reverse("programs:intervention-status", args=[programme.pk, iv.pk]),
                       {"status": "delivered"}).status_code == 404
    iv.refresh_from_db()
    assert iv.status == "planned"


def test_a_number_outside_the_register_is_refused_on_the_form(personas, tiny_register,
                                                             programme):
    client = personas.client_for(personas.dinsos_officer)
    response = _new(client, programme, beneficiary="3204059999990001")
    assert response.status_code == 200 and not Intervention.objects.exists()
    # By No KK: the family, no person.
    _new(client, programme, beneficiary="3204050101100001")
    iv = Intervention.objects.get()
    assert iv.family == Family.objects.get(source_id="P001") and iv.person is None


def test_names_and_niks_are_masked_for_viewers(personas, tiny_register, programme):
    _new(personas.client_for(personas.dinsos_officer), programme)
    url = reverse("programs:interventions", args=[programme.pk])
    officer = personas.client_for(personas.dinsos_officer).get(url).content.decode()
    assert NIK in officer and "SITI AMINAH" in officer
    viewer = personas.client_for(personas.viewer).get(url).content.decode()
    assert NIK not in viewer and "SITI AMINAH" not in viewer and access.mask_nik(NIK) in viewer
    filtered = personas.client_for(personas.dinsos_officer).get(url, {"status": "delivered"})
    assert NIK not in filtered.content.decode()


def test_a_status_file_through_the_pages(personas, tiny_register, programme):
    client = personas.client_for(personas.dinsos_officer)
    _new(client, programme)
    iv = Intervention.objects.get()
    text = (f"No,Keadaan,Tanggal\n{iv.pk},Disalurkan,\n{iv.pk + 100},Disalurkan,\n")
    response = client.post(reverse("programs:intervention-upload", args=[programme.pk]),
                           {"file": SimpleUploadedFile("salur.csv", text.encode())})
    upload = InterventionUpload.objects.get()
    result = reverse("programs:intervention-upload-result", args=[programme.pk, upload.pk])
    assert response.url == result
    page = client.get(result)
    assert page.status_code == 200 and "Keadaan" in page.content.decode()
    # Without a status column nothing is applied.
    assert client.post(result, {"intervention_id": "No"}).status_code == 200
    assert InterventionUpload.objects.get().state == "uploaded"
    response = client.post(result, {"intervention_id": "No", "status": "Keadaan",
                                    "date": "Tanggal"}, follow=True)
    upload.refresh_from_db()
    assert upload.counts["updated"] == 1 and upload.counts["rejected"] == 1
    assert "Baris 2" in response.content.decode()
    iv.refresh_from_db()
    assert iv.status == "delivered"
    download = client.get(reverse("programs:intervention-upload-rejected",
                                  args=[programme.pk, upload.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert f"{iv.pk + 100},Disalurkan" in download.content.decode()
    partner = personas.client_for(personas.csr_partner)
    assert partner.get(result).status_code == 404
