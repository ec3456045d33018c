"""One intervention's lifecycle (record, edit, transitions, cancel) and status files."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from konvergen.audit.models import AuditEntry
from konvergen.convergence.models import ConvergenceRun
from konvergen.programs import services
from konvergen.programs.models import Intervention, InterventionUpload, Programme
from konvergen.registry.models import Family, Person


def today() -> dt.date:
    """The local date now (not at import: a long run may cross midnight in Jakarta)."""
    return timezone.localdate()


DAY = dt.timedelta(days=1)


@pytest.fixture
def programme(personas):
    year = today().year
    return Programme.objects.create(
        code="sembako-daerah", name="Sembako Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="food",
        funding_source="apbd_regency", year_start=year - 1, year_end=year + 1,
    )


def _record(programme, personas, source_id="P001", **kw):
    family = Family.objects.get(source_id=source_id)
    fields = {"year": today().year, "status": "planned", "date": today() - 30 * DAY,
              "item": "beras", "units": 10, "value": 100_000, "note": ""} | kw
    return services.intervention_record(programme=programme, family=family,
                                        acting_user=personas.dinsos_officer, **fields)


def test_the_lifecycle_planned_delivered_completed_keeps_each_date(personas, tiny_register,
                                                                     programme):
    iv = _record(programme, personas)
    assert iv.status == "planned" and iv.planned_on == today() - 30 * DAY
    assert iv.origin == "manual" and iv.item == "beras"
    iv = services.intervention_transition(intervention=iv, status="delivered",
                                          date=today() - 10 * DAY, acting_user=personas.admin)
    iv = services.intervention_transition(intervention=iv, status="completed",
                                          acting_user=personas.dinsos_officer)
    iv.refresh_from_db()
    assert (iv.status, iv.delivered_on, iv.completed_on) == (
        "completed", today() - 10 * DAY, today())
    moves = AuditEntry.objects.filter(action="programs.intervention_transition",
                                      object_id=str(iv.pk)).order_by("pk")
    assert [m.changes["status"] for m in moves] == [["planned", "delivered"],
                                                    ["delivered", "completed"]]
    assert moves[1].actor == personas.dinsos_officer
    # Convergence refreshed after the change: the delivered help counts.
    assert ConvergenceRun.objects.filter(year=today().year).exists()


def test_an_invalid_transition_is_refused_in_the_users_language(personas, tiny_register,
                                                                 programme):
    iv = _record(programme, personas)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.intervention_transition(intervention=iv, status="completed",
                                         acting_user=personas.admin)
    assert "planned cannot become completed" in exc.value.messages[0]
    assert "delivered" in exc.value.messages[0]  # the allowed moves are named
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        services.intervention_transition(intervention=iv, status="completed",
                                         acting_user=personas.admin)
    assert "tidak dapat menjadi" in exc.value.messages[0]
    iv.refresh_from_db()
    assert iv.status == "planned"
    with pytest.raises(ValidationError):  # a date before the planned date
        services.intervention_transition(intervention=iv, status="delivered",
                                         date=today() - 40 * DAY, acting_user=personas.admin)
    with pytest.raises(ValidationError):  # a date in the future
        services.intervention_transition(intervention=iv, status="delivered",
                                         date=today() + DAY, acting_user=personas.admin)


def test_cancel_needs_a_reason_and_keeps_the_row(personas, tiny_register, programme):
    iv = _record(programme, personas, status="delivered")
    with pytest.raises(ValidationError):
        services.intervention_cancel(intervention=iv, reason="  ", acting_user=personas.admin)
    services.intervention_cancel(intervention=iv, reason="Pindah domisili",
                                 acting_user=personas.dinsos_officer)
    iv.refresh_from_db()
    assert (iv.status, iv.cancel_reason, iv.cancelled_on) == (
        "cancelled", "Pindah domisili", today())
    entry = AuditEntry.objects.get(action="programs.intervention_transition")
    assert entry.changes["cancel_reason"] == ["", "Pindah domisili"]
    with pytest.raises(ValidationError):  # final
        services.intervention_transition(intervention=iv, status="completed",
                                         acting_user=personas.admin)
    with pytest.raises(ValidationError):  # no more edits
        services.intervention_update(intervention=iv, note="x", acting_user=personas.admin)


def test_an_edit_is_audited_with_before_and_after(personas, tiny_register, programme):
    iv = _record(programme, personas)
    person = Person.objects.get(source_id="I0012")
    services.intervention_update(intervention=iv, item="beras premium", value=150_000,
                                 person=person, units=10, acting_user=personas.dinsos_officer)
    iv.refresh_from_db()
    assert (iv.item, iv.value, iv.person_id) == ("beras premium", 150_000, person.pk)
    entry = AuditEntry.objects.get(action="programs.intervention_update")
    assert entry.changes["item"] == ["beras", "beras premium"]
    assert entry.changes["value"] == ["100000", "150000"]
    assert entry.changes["person"] == [None, "I0012"]
    assert "units" not in entry.changes  # unchanged fields are not listed
    assert entry.actor == personas.dinsos_officer and entry.region_code == "32.04.05.2001"
    with pytest.raises(ValidationError):  # a person of another family
        services.intervention_update(intervention=iv, person=Person.objects.get(
            source_id="I0021"), acting_user=personas.admin)


def test_recording_checks_region_period_and_status(personas, tiny_register, programme):
    with pytest.raises(ValidationError):
        _record(programme, personas, year=today().year + 5)
    with pytest.raises(ValidationError):
        _record(programme, personas, status="cancelled")
    assert not Intervention.objects.exists()


def test_a_worklist_plan_is_delivered_through_the_same_lifecycle(personas, tiny_register,
                                                                  programme):
    outcome = services.interventions_plan(programme=programme,
                                          families=Family.objects.filter(source_id="P002"),
                                          family_field="pk", year=today().year,
                                          acting_user=personas.tkpk_bandung)
    assert outcome == {"planned": 1}
    iv = Intervention.objects.get()
    assert (iv.origin, iv.status, iv.planned_on) == ("worklist", "planned", today())
    services.intervention_transition(intervention=iv, status="delivered",
                                     acting_user=personas.dinsos_officer)
    iv.refresh_from_db()
    assert iv.status == "delivered" and iv.delivered_on == today()


# --- Status files --------------------------------------------------------------------------


def _upload(programme, personas, text: str, name="status.csv"):
    return services.intervention_upload_create(
        programme=programme, upload=SimpleUploadedFile(name, text.encode()),
        acting_user=personas.dinsos_officer)


def _file(a, b, c):
    d1 = (today() - 5 * DAY).strftime("%d-%m-%Y")
    return "\n".join([
        "ID Intervensi,NIK,No KK,Status,Tanggal,Jenis Bantuan,Jumlah,Nilai (Rp),Keterangan",
        f"{a.pk},,,Disalurkan,{d1},Beras,10,Rp 150.000,ok",            # 1 good (by id)
        ",3204055506850002,,selesai,,,,,",                              # 2 planned→completed
        ",,3204050101100003,batal,,,,,",                               # 3 no reason
        "999999,,,disalurkan,,,,,",                                     # 4 unknown id
        f"{a.pk},,,disalurkan,,,,,",                                    # 5 duplicate of 1
        f"{b.pk},,,dikirim,,,,,",                                       # 6 bad status
        f"{b.pk},,,disalurkan,31-02-2026,,,,",                          # 7 bad date
        f"{c.pk},,,batal,,,,,Pindah domisili",                          # 8 good (reason = note)
        ",1234,,disalurkan,,,,,",                                       # 9 bad NIK
        f"{b.pk},,,disalurkan,,,,abc,",                                 # 10 bad value
    ]) + "\n"


def test_a_status_file_commits_the_good_rows_and_reports_the_bad(personas, tiny_register,
                                                                 programme):
    a = _record(programme, personas, "P001")
    b = _record(programme, personas, "P002")
    c = _record(programme, personas, "P003")
    upload = _upload(programme, personas, _file(a, b, c))
    assert upload.mapping["intervention_id"] == "ID Intervensi"
    assert upload.mapping["kk_number"] == "No KK" and upload.mapping["value"] == "Nilai (Rp)"
    counts = services.intervention_upload_apply(
        upload=upload, mapping=upload.mapping, scopes=["32.04"],
        acting_user=personas.dinsos_officer, today=today())
    assert counts == {"rows": 10, "updated": 2, "unchanged": 0, "rejected": 8}
    a.refresh_from_db()
    c.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.delivered_on, a.item, a.units, a.value, a.note) == (
        "delivered", today() - 5 * DAY, "Beras", 10, 150_000, "ok")
    assert (c.status, c.cancel_reason) == ("cancelled", "Pindah domisili")
    assert b.status == "planned"
    upload.refresh_from_db()
    codes = {e["row"]: (e["code"], e["field"]) for e in upload.rejected}
    assert codes == {
        2: ("bad_transition", "status"), 3: ("no_reason", "reason"),
        4: ("id_not_found", "intervention_id"), 5: ("duplicate", "intervention_id"),
        6: ("bad_status", "status"), 7: ("bad_date", "date"), 9: ("bad_nik", "nik"),
        10: ("bad_value", "value"),
    }
    six = next(e for e in upload.rejected if e["row"] == 6)
    assert "'dikirim'" in six["message_en"] and "bukan status" in six["message_id"]
    assert six["data"]["Status"] == "dikirim"  # the original cells are kept
    two = next(e for e in upload.rejected if e["row"] == 2)
    assert two["message_en"] == "an intervention that is planned cannot become completed"
    with translation.override("en"):
        assert services.row_error_text(two) == (
            "Row 2, Status: an intervention that is planned cannot become completed")
    csv_text = services.rejected_rows_csv(upload)
    assert csv_text.splitlines()[0].endswith("Baris / Row,Kolom / Field,Alasan,Reason")
    assert len(csv_text.strip().splitlines()) == 9
    entry = AuditEntry.objects.get(action="programs.intervention_upload_apply")
    assert entry.changes["updated"] == 2
    assert entry.changes["interventions"][str(a.pk)]["status"] == ["planned", "delivered"]
    assert entry.changes["interventions"][str(c.pk)]["row"] == 8


def test_running_the_same_file_again_changes_nothing(personas, tiny_register, programme):
    a = _record(programme, personas, "P001")
    b = _record(programme, personas, "P002")
    c = _record(programme, personas, "P003")
    text = _file(a, b, c)
    first = _upload(programme, personas, text)
    services.intervention_upload_apply(upload=first, mapping=first.mapping, scopes=["32.04"],
                                       acting_user=personas.dinsos_officer, today=today())
    a.refresh_from_db()
    stamp = a.updated_at
    second = _upload(programme, personas, text)
    assert second.sha256 == first.sha256
    counts = services.intervention_upload_apply(
        upload=second, mapping=second.mapping, scopes=["32.04"],
        acting_user=personas.dinsos_officer, today=today() + 3 * DAY)
    # Row 1 is delivered already, row 8 cancelled already (with its date): unchanged.
    assert counts["updated"] == 0 and counts["unchanged"] == 2
    a.refresh_from_db()
    assert a.updated_at == stamp and a.delivered_on == today() - 5 * DAY
    assert InterventionUpload.objects.get(pk=second.pk).state == "applied"


def test_rows_found_by_nik_and_kk_and_the_year(personas, tiny_register, programme):
    person = Person.objects.get(source_id="I0021")
    p2 = _record(programme, personas, "P002", person=person)
    p3 = _record(programme, personas, "P003")
    _record(programme, personas, "P003", year=today().year - 1)
    text = "\n".join([
        "nik;no. kk;TAHUN;status",
        f"{person.nik};;;Disalurkan",
        ";3204050101100003;;disalurkan",  # two years: ambiguous
        f";3204050101100003;{today().year};disalurkan",
    ]) + "\n"
    upload = _upload(programme, personas, text)
    counts = services.intervention_upload_apply(
        upload=upload, mapping=upload.mapping, scopes=["32.04"],
        acting_user=personas.dinsos_officer, today=today())
    assert counts["updated"] == 2
    upload.refresh_from_db()
    assert [(e["row"], e["code"]) for e in upload.rejected] == [(2, "ambiguous")]
    p2.refresh_from_db()
    p3.refresh_from_db()
    assert p2.status == p3.status == "delivered"


def test_interventions_outside_the_users_scope_are_not_found(personas, tiny_register,
                                                               programme):
    a = _record(programme, personas, "P003")  # in Cileunyi Wetan
    upload = _upload(programme, personas, f"ID,Status\n{a.pk},disalurkan\n")
    counts = services.intervention_upload_apply(
        upload=upload, mapping=upload.mapping, scopes=["32.04.05.2001"],
        acting_user=personas.village_operator, today=today())
    assert counts["rejected"] == 1
    a.refresh_from_db()
    assert a.status == "planned"


def test_a_mapping_without_status_or_identifier_is_refused(personas, tiny_register,
                                                           programme):
    upload = _upload(programme, personas, "Nomor,Keadaan\n1,disalurkan\n")
    assert "status" not in upload.mapping
    with pytest.raises(ValidationError):
        services.intervention_upload_apply(upload=upload, mapping={}, scopes=["32.04"],
                                           acting_user=personas.admin)
    with pytest.raises(ValidationError):
        services.intervention_upload_apply(upload=upload, mapping={"status": "Keadaan"},
                                           scopes=["32.04"], acting_user=personas.admin)
    counts = services.intervention_upload_apply(
        upload=upload, mapping={"status": "Keadaan", "intervention_id": "Nomor"},
        scopes=["32.04"], acting_user=personas.admin)
    assert counts["rejected"] == 1


def test_an_unreadable_file_is_refused(personas, programme):
    with pytest.raises(ValidationError) as exc:
        _upload(programme, personas, "", name="kosong.csv")
    assert "Berkas tidak dapat dibaca" in str(exc.value)
