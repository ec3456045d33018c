"""The register's pages through the front door: upload, progress, report, search, profile."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.registry.models import Family, ImportJob
from tests.conftest import tiny_p3ke_rows, write_p3ke


def _rows_of_xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_secretariat_uploads_an_export_and_reads_the_report(personas, tmp_path):
    families, members = tiny_p3ke_rows()
    families.append(families[0].replace("P001", "P007").replace("3204052001", "3204999999"))
    fam, mem = write_p3ke(tmp_path, families, members)
    client = personas.client_for(personas.tkpk_bandung)
    response = client.post(
        reverse("registry:import"),
        {
            "source": "p3ke",
            "region": "32.04",
            "snapshot_date": "2026-01-15",
            "families": SimpleUploadedFile("keluarga.csv", fam.read_bytes()),
            "members": SimpleUploadedFile("anggota.csv", mem.read_bytes()),
            "mapping": "",
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "registry:import-job", args=[job.pk]
    )
    status = json.loads(client.get(reverse("registry:import-status", args=[job.pk])).content)
    assert status == {
        "status": "done",
        "stage": "done",
        "progress": 100,
        "error": "",
        "finished": True,
    }
    page = client.get(response.url)
    assert page.context["counts"]["families_accepted"] == 3
    assert (
        "Kode desa/kelurahan tidak ada dalam daftar wilayah" in page.content.decode()
        or page.context["rejection_reasons"][0][0] == "region_unknown"
    )
    report = client.get(reverse("registry:snapshot-issues", args=[job.snapshot_id, "rejection"]))
    rows = _rows_of_xlsx(report)
    assert rows[0] == ["Berkas", "Baris", "Kolom", "Nilai", "Alasan", "Kode alasan", "ID rekaman"]
    assert rows[1][:4] == ["families", 4, "Kode Kemdagri", "3204999999"]
    assert rows[1][5] == "region_unknown"


def test_a_bad_mapping_line_is_explained(personas):
    client = personas.client_for(personas.tkpk_bandung)
    response = client.post(
        reverse("registry:import"),
        {
            "source": "p3ke",
            "region": "32.04",
            "snapshot_date": "2026-01-15",
            "families": SimpleUploadedFile("a.csv", b"x"),
            "members": SimpleUploadedFile("b.csv", b"x"),
            "mapping": "Nomor Induk nik",
        },
    )
    assert response.status_code == 200 and "mapping" in response.context["form"].errors


def test_an_unreadable_upload_fails_the_job_with_a_message(personas):
    client = personas.client_for(personas.tkpk_bandung)
    client.post(
        reverse("registry:import"),
        {
            "source": "p3ke",
            "region": "32.04",
            "snapshot_date": "2026-01-15",
            "families": SimpleUploadedFile("a.xlsx", b"\x00garbage"),
            "members": SimpleUploadedFile("b.xlsx", b"\x00garbage"),
            "mapping": "",
        },
    )
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error and job.snapshot is None


def test_search_by_nik_kk_name_and_desa(personas, tiny_register):
    client = personas.client_for(personas.tkpk_bandung)

    def found(**params):
        page = client.get(reverse("registry:families"), params)
        return sorted(r["source_id"] for r in page.context["rows"])

    assert found(q="3204054505820001") == ["P001"]  # a member's NIK
    assert found(q="3204050101100002") == ["P002"]  # the KK number
    assert found(q="hidayat") == ["P002"]  # a member's name
    assert found(q="ujang") == ["P003"]
    assert found(desa="32.04.05.2002") == ["P003"]
    assert found() == ["P001", "P002", "P003"]


def test_a_village_operator_finds_only_their_village(personas, tiny_register):
    client = personas.client_for(personas.village_operator)
    page = client.get(reverse("registry:families"))
    assert sorted(r["source_id"] for r in page.context["rows"]) == ["P001", "P002"]
    other = Family.objects.get(source_id="P003")
    assert client.get(reverse("registry:family", args=[other.pk])).status_code == 404


def test_a_viewer_sees_masked_names_and_numbers(personas, tiny_register):
    client = personas.client_for(personas.viewer)
    page = client.get(reverse("registry:families"), {"q": "ujang"})
    row = page.context["rows"][0]
    assert row["head_name"] == "U**** S******" and row["kk_number"].startswith("3204**")
    assert row["address"] == ""
    profile = client.get(reverse("registry:family", args=[row["id"]])).content.decode()
    assert "UJANG SURYANA" not in profile and "3204052010700003" not in profile
    assert "CUCU" not in profile


def test_the_profile_shows_members_housing_history_and_source_rows(personas, tiny_register):
    family = Family.objects.get(source_id="P001")
    page = personas.client_for(personas.dinsos_officer).get(
        reverse("registry:family", args=[family.pk])
    )
    html = page.content.decode()
    assert [m.name for m in page.context["members"]] == [
        "ASEP SUNANDAR",
        "EUIS KURNIASIH",
        "DEDE RAHMAT",
    ]
    assert "keluarga.csv" in html and page.context["record"].row_number == 1
    assert page.context["record"].desil == 1


def test_search_results_download_as_excel(personas, tiny_register):
    response = personas.client_for(personas.tkpk_bandung).get(
        reverse("registry:families"), {"desa": "32.04.05.2001", "format": "xlsx"}
    )
    rows = _rows_of_xlsx(response)
    assert rows[0][0] == "ID keluarga"
    assert sorted(r[0] for r in rows[1:]) == ["P001", "P002"]
