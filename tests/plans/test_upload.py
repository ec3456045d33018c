"""Items from a spreadsheet: header synonyms, bilingual row/field errors, rejected rows kept
and downloadable, accepted rows atomic, re-upload safe."""

from decimal import Decimal as D

import pytest
import xlsxwriter

from konvergen.audit.models import AuditEntry
from konvergen.plans import services
from konvergen.plans.models import PlanItem

HEADER = ("No;Kode Sub Kegiatan;Program;Kegiatan;Nama Sub Kegiatan;Strategi;Sektor;"
          "Jenis Belanja;Indikator Kinerja;Satuan;Target;Pagu Anggaran;TW I K;TW II K;"
          "TW III K;TW IV K;Sumber Dana;Lokasi;Jumlah Penerima Manfaat;Satuan Penerima")
GOOD = [
    "1;1.06.04.2.01.0003;Program Rehabilitasi Sosial;Rehabilitasi Sosial Dasar;"
    "Pemberian Permakanan;Mengurangi beban pengeluaran;Pangan;Langsung;"
    "Jumlah keluarga penerima permakanan;KK;100;Rp 400.000.000;25;25;25;25;APBD;"
    "3204052001, Cileunyi Wetan;100;KK",
    "2;1.06.04.2.01.0004;Program Rehabilitasi Sosial;Rehabilitasi Sosial Dasar;"
    "Penyediaan Alat Bantu;Sinergi;Kesehatan;Tidak Langsung;Jumlah alat bantu;unit;"
    "12,5;1.250.000;;;;;APBD Kabupaten;;;",
]
BAD = [
    # a kegiatan code where a sub-kegiatan code belongs, an unknown tag
    "3;1.06.04.2.01;Program;Kegiatan;Sub;Beban;Pangan;Kadang;Indikator A;KK;1;1;;;;;APBD;;;",
    # quarters adding up to 90 of 100, a location of Kabupaten Cirebon
    "4;1.06.04.2.01.0005;Program;Kegiatan;Sub;Beban;Pangan;Langsung;Indikator B;KK;100;"
    "1000;30;30;30;;APBD;32.09.01.2001;;",
    # not a number
    "5;1.06.04.2.01.0006;Program;Kegiatan;Sub;Beban;Pangan;Penunjang;Indikator C;KK;"
    "seratus;1000;;;;;APBD;;;",
]


def _write(tmp_path, lines, name="rat.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_upload_accepts_good_rows_and_keeps_bad_ones(plan, personas, tmp_path):
    path = _write(tmp_path, GOOD + BAD)
    upload = services.items_upload(plan=plan, path=path, file_name="rat.csv",
                                   acting_user=personas.dinsos_officer)
    assert upload.counts["created"] == 2 and upload.counts["rejected_rows"] == 3
    first = PlanItem.objects.get(sub_activity_code="1.06.04.2.01.0003")
    assert (first.strategy, first.sector, first.expenditure_tag) == ("burden", "food",
                                                                     "direct")
    assert first.target_rp == D(400_000_000) and first.q3_k == D(25)
    assert first.locations == ["32.04.05.2001", "32.04.05.2002"]  # a code and a name
    assert first.programme_code == "1.06.04" and first.activity_code == "1.06.04.2.01"
    second = PlanItem.objects.get(sub_activity_code="1.06.04.2.01.0004")
    assert second.target_k == D("12.5") and second.target_rp == D(1_250_000)
    by_row = {}
    for r in upload.rejected:
        by_row.setdefault(r["row"], set()).add((r["field"], r["code"]))
        assert r["message_id"] and r["message_en"] and r["message_id"] != r["message_en"]
    assert by_row[3] >= {("sub_activity_code", "code_shape"),
                         ("expenditure_tag", "unknown_value")}
    assert by_row[4] == {("q1_k", "quarter_sum"), ("locations", "location_outside")}
    assert by_row[5] == {("target_k", "not_a_number")}
    csv_text = services.rejected_rows_csv(upload)
    lines = csv_text.strip().splitlines()
    assert len(lines) == 4 and lines[1].startswith("3,") and "seratus" in lines[3]
    assert "Kadang" in lines[1] and "unknown value" in lines[1]
    audit = AuditEntry.objects.get(action="plans.items_upload")
    assert audit.changes["counts"]["created"] == 2


def test_re_upload_is_idempotent_and_updates_by_key(plan, personas, tmp_path):
    path = _write(tmp_path, GOOD)
    services.items_upload(plan=plan, path=path, file_name="rat.csv",
                          acting_user=personas.dinsos_officer)
    again = services.items_upload(plan=plan, path=path, file_name="rat.csv",
                                  acting_user=personas.dinsos_officer)
    assert again.counts == {"rows": 2, "accepted": 2, "created": 0, "updated": 0,
                            "unchanged": 2, "rejected_rows": 0}
    changed = GOOD[1].replace("12,5;1.250.000", "15;1.500.000")
    third = services.items_upload(plan=plan, path=_write(tmp_path, [changed], "v2.csv"),
                                  file_name="v2.csv", acting_user=personas.dinsos_officer)
    assert third.counts["updated"] == 1 and PlanItem.objects.count() == 2
    assert PlanItem.objects.get(sub_activity_code="1.06.04.2.01.0004").target_k == D(15)


def test_duplicate_rows_in_one_file(plan, personas, tmp_path):
    upload = services.items_upload(plan=plan, path=_write(tmp_path, [GOOD[0], GOOD[0]]),
                                   file_name="rat.csv", acting_user=personas.dinsos_officer)
    assert upload.counts["created"] == 1
    assert [(r["row"], r["code"]) for r in upload.rejected] == [(2, "duplicate_key")]


def test_xlsx_upload_and_missing_columns(plan, personas, tmp_path):
    path = tmp_path / "rat.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    header = HEADER.split(";")
    sheet.write_row(0, 0, header)
    values = GOOD[0].split(";")
    values[10], values[11] = 100, 400000000  # numbers, as Excel keeps them
    sheet.write_row(1, 0, values)
    book.close()
    upload = services.items_upload(plan=plan, path=path, file_name="rat.xlsx",
                                   acting_user=personas.dinsos_officer)
    assert upload.counts["created"] == 1
    assert PlanItem.objects.get().target_rp == D(400_000_000)
    bad = tmp_path / "bad.csv"
    bad.write_text("Kode Sub Kegiatan;Catatan\n1.06.04.2.01.0003;x\n", encoding="utf-8")
    failed = services.items_upload(plan=plan, path=bad, file_name="bad.csv",
                                   acting_user=personas.dinsos_officer)
    assert "Indikator Keluaran" in failed.error_id and "Output indicator" in failed.error_en
    assert PlanItem.objects.count() == 1


def test_upload_refused_when_locked_or_not_yours(plan, item, personas, tmp_path):
    path = _write(tmp_path, GOOD)
    with pytest.raises(services.PlanError):
        services.items_upload(plan=plan, path=path, file_name="rat.csv",
                              acting_user=personas.tkpk_bandung)
    services.signoff(plan=plan, action="submit", acting_user=personas.agency_head)
    with pytest.raises(services.PlanError):
        services.items_upload(plan=plan, path=path, file_name="rat.csv",
                              acting_user=personas.dinsos_officer)
    assert PlanItem.objects.count() == 1
