"""Beneficiary lists through the API: upload, link, read the status and each row's link."""

from django.core.files.uploadedfile import SimpleUploadedFile

from konvergen.audit.models import AuditEntry
from konvergen.linkage.models import BeneficiaryList
from konvergen.registry.models import Person

LIST_CSV = (
    "NIK,Nama,Tanggal Lahir\n"
    "3204051203800001,ASEP SUNANDAR,12-03-1980\n"
    "3204055506850002,SITI AMINAH,15-06-1985\n"
    "3299999999999999,TIDAK ADA,01-01-1990\n"
)


def _file(name="penerima.csv", text=LIST_CSV):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_agency_uploads_a_list_and_reads_its_links(personas, tiny_register, api_for):
    api = api_for(personas.dinsos_officer)
    response = api.upload("/lists", {"file": _file(), "name": "PKH 2026", "region": "32.04"})
    assert response.status_code == 202, response.content
    body = response.json()
    blist = BeneficiaryList.objects.get(pk=body["id"])
    assert blist.organisation == personas.dinsos and blist.uploaded_by == personas.dinsos_officer
    assert AuditEntry.objects.filter(action="linkage.list_upload", object_id=str(blist.pk))
    # Jobs run inline in the tests: the list is linked already.
    status = api.get(f"/lists/{blist.pk}").json()
    assert status["status"] == "done" and status["rows"] == 3, status
    rows = api.get(f"/lists/{blist.pk}/rows", {"limit": 2})
    assert rows.status_code == 200
    first = rows.json()
    assert [r["row_number"] for r in first["results"]] == [1, 2]
    assert first["next_cursor"] == "2"
    asep = Person.objects.get(nik="3204051203800001")
    assert first["results"][0]["status"] == "matched"
    assert first["results"][0]["person_id"] == asep.pk
    assert first["results"][0]["family_id"] == asep.family_id
    last = api.get(f"/lists/{blist.pk}/rows", {"cursor": first["next_cursor"]}).json()
    assert [(r["row_number"], r["status"]) for r in last["results"]] == [(3, "unmatched")]
    assert [b["id"] for b in api.get("/lists").json()["results"]] == [blist.pk]


def test_lists_are_the_organisations_own(personas, tiny_register, api_for):
    dinsos = api_for(personas.dinsos_officer)
    blist_id = dinsos.upload("/lists", {"file": _file(), "name": "PKH", "region": "32.04"}
                             ).json()["id"]
    partner = api_for(personas.csr_partner)
    assert partner.get(f"/lists/{blist_id}").status_code == 404
    assert partner.get("/lists").json()["results"] == []
    assert api_for(personas.tkpk_bandung).get(f"/lists/{blist_id}").status_code == 200
    assert api_for(personas.tkpk_cirebon).get(f"/lists/{blist_id}").status_code == 404


def test_an_upload_outside_the_reach_or_of_another_type_is_refused(personas, tiny_register,
                                                                   api_for):
    assert api_for(personas.tkpk_cirebon).upload(
        "/lists", {"file": _file(), "name": "x", "region": "32.04"}).status_code == 404
    viewer = api_for(personas.viewer)  # no linkage feature
    assert viewer.upload("/lists", {"file": _file(), "name": "x", "region": "32.04"}
                         ).status_code == 404
    api = api_for(personas.dinsos_officer)
    bad = api.upload("/lists", {"file": _file("daftar.txt"), "name": "x", "region": "32.04"})
    assert bad.status_code == 422 and bad.json()["code"] == "bad_file"
    mapping = api.upload("/lists", {"file": _file(), "name": "x", "region": "32.04",
                                    "mapping": "Nama=name"})
    assert mapping.status_code == 422 and mapping.json()["errors"][0]["field"] == "mapping"
    assert api.upload("/lists", {"file": _file(), "name": "x", "region": "32.09"}
                      ).status_code == 404
    assert not BeneficiaryList.objects.exists()


def test_uploading_needs_the_write_scope(personas, tiny_register, api_for):
    api = api_for(personas.dinsos_officer, scopes=["lists:read"])
    response = api.upload("/lists", {"file": _file(), "name": "x", "region": "32.04"})
    assert response.status_code == 403
