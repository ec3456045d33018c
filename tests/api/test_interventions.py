"""Programmes, their interventions, and recording interventions in bulk — then reading the
convergence figures they changed."""

import pytest

from konvergen.api import messages
from konvergen.audit.models import AuditEntry
from konvergen.programs.models import Intervention
from konvergen.registry.models import Family, Person
from tests.api.conftest import yesterday


def _rows():
    day = yesterday()
    p001, p002 = Family.objects.get(source_id="P001"), Family.objects.get(source_id="P002")
    return [
        {"family_id": p001.pk, "year": 2026, "status": "delivered", "date": day,
         "item": "beras", "units": 10, "value": 150000},
        {"kk_number": p002.kk_number, "year": 2026, "status": "planned"},
        {"nik": "3204051203800001", "year": 2026, "status": "completed", "date": day,
         "value": 50000},
    ]


def test_programmes_and_their_interventions_are_read_in_pages(personas, tiny_register,
                                                              programme, api_for):
    api = api_for(personas.village_operator)
    body = api.get("/programmes", {"year": 2026}).json()
    assert [p["code"] for p in body["results"]] == ["sembako-daerah"]
    assert api.get("/programmes", {"year": 2030}).json()["results"] == []
    detail = api.get(f"/programmes/{programme.pk}").json()
    assert detail["organisation"] == "Dinas Sosial" and detail["region_code"] == "32.04"
    assert api_for(personas.tkpk_cirebon).get(f"/programmes/{programme.pk}").status_code \
        == 404


def test_an_agency_records_interventions_in_bulk_and_reads_the_convergence(
        personas, tiny_register, programme, api_for):
    api = api_for(personas.dinsos_officer)
    response = api.post(f"/programmes/{programme.pk}/interventions", {"rows": _rows()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 3
    made = Intervention.objects.in_bulk(body["ids"])
    first, second, third = (made[i] for i in body["ids"])
    assert (first.status, first.delivered_on, first.item, int(first.value)) == (
        "delivered", yesterday(), "beras", 150000)
    assert second.family.source_id == "P002" and second.planned_on is not None
    assert third.person == Person.objects.get(nik="3204051203800001")
    assert {i.created_by for i in made.values()} == {personas.dinsos_officer}
    audit = AuditEntry.objects.get(action="programs.interventions_record_bulk")
    assert audit.actor == personas.dinsos_officer and audit.changes["created"] == 3
    call = AuditEntry.objects.filter(action="api.call").latest("pk")
    assert call.changes["method"] == "POST" and call.changes["count"] == 3

    # The tests run jobs inline: the convergence figures are already refreshed.
    reader = api_for(personas.tkpk_bandung, scopes=["convergence:read", "persons:pii"])
    figures = reader.get("/regions/32.04/convergence/2026")
    assert figures.status_code == 200, figures.content
    figures = figures.json()
    # Delivered and completed help counts as received (both to P001); planned does not.
    assert figures["total"]["interventions"] == 2
    reached = figures["total"]["reached_families"] + figures["total"]["nontarget_reached"]
    assert reached == 1
    assert [p["code"] for p in figures["programmes"]] == ["sembako-daerah"]
    assert figures["suppressed_below"] == 0

    listed = api.get(f"/programmes/{programme.pk}/interventions", {"status": "delivered"})
    assert [i["id"] for i in listed.json()["results"]] == [first.pk]


def test_one_bad_row_saves_nothing_and_names_the_row_and_field(personas, tiny_register,
                                                               programme, api_for):
    api = api_for(personas.dinsos_officer)
    rows = _rows()
    rows[1]["year"] = 2030
    rows.append({"family_id": 0, "year": 2026})
    response = api.post(f"/programmes/{programme.pk}/interventions", {"rows": rows})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "rows_refused" and Intervention.objects.count() == 0
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (2, "year", "outside_period"), (4, "family_id", "family_not_found")]
    period = body["errors"][0]
    assert "2030" in period["message_en"] and "2030" in period["message_id"]
    assert period["message_id"] != period["message_en"]
    assert body["errors"][1]["message_id"] == messages.ROW_FAMILY_NOT_FOUND.id % {"value": 0}
    assert not AuditEntry.objects.filter(action="programs.interventions_record_bulk").exists()


def test_rules_of_the_programme_apply_to_every_row(personas, tiny_register, programme,
                                                   api_for):
    import datetime as dt

    api = api_for(personas.dinsos_officer)
    p001 = Family.objects.get(source_id="P001")
    rows = [
        {"family_id": p001.pk, "year": 2026, "status": "cancelled"},
        {"family_id": p001.pk, "year": 2026, "date": yesterday() + dt.timedelta(days=4)},
        {"family_id": p001.pk, "nik": "3204055506850002", "year": 2026},  # Siti: P002
        {"year": 2026},
        {"kk_number": "3204050101100009", "year": 2026},
    ]
    body = api.post(f"/programmes/{programme.pk}/interventions", {"rows": rows}).json()
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (1, "status", "bad_status"), (2, "date", "future_date"),
        (3, "person", "person_family"), (4, "family_id", "no_family"),
        (5, "kk_number", "family_not_found")]
    assert Intervention.objects.count() == 0


def test_a_family_outside_the_clients_reach_is_not_found(personas, tiny_register, api_for):
    from konvergen.programs.models import Programme

    cirebon = Programme.objects.create(
        code="bpnt-cirebon", name="BPNT", organisation=personas.dinsos,
        region=personas.cirebon, strategy="burden", stage="charity", sector="food",
        funding_source="apbd_regency", year_start=2026, year_end=2026)
    api = api_for(personas.tkpk_cirebon)
    p001 = Family.objects.get(source_id="P001")
    body = api.post(f"/programmes/{cirebon.pk}/interventions",
                    {"rows": [{"family_id": p001.pk, "year": 2026}]}).json()
    assert body["errors"][0]["code"] == "family_not_found"


@pytest.mark.parametrize("persona", ["csr_partner", "viewer", "tkpk_cirebon", "outsider"])
def test_only_who_manages_the_programme_may_record(personas, tiny_register, programme,
                                                   api_for, persona):
    api = api_for(getattr(personas, persona))
    response = api.post(f"/programmes/{programme.pk}/interventions", {"rows": _rows()})
    assert response.status_code == 404 and Intervention.objects.count() == 0


def test_writing_needs_the_write_scope(personas, tiny_register, programme, api_for):
    api = api_for(personas.dinsos_officer, scopes=["programmes:read"])
    response = api.post(f"/programmes/{programme.pk}/interventions", {"rows": _rows()})
    assert response.status_code == 403


def test_a_retry_with_the_same_idempotency_key_records_once(personas, tiny_register,
                                                            programme, api_for):
    api = api_for(personas.dinsos_officer)
    url = f"/programmes/{programme.pk}/interventions"
    key = {"Idempotency-Key": "batch-2026-04-01"}
    first = api.post(url, {"rows": _rows()}, headers=key)
    again = api.post(url, {"rows": _rows()}, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and Intervention.objects.count() == 3
    other = api.post(f"/programmes/{programme.pk + 1000}/interventions", {"rows": _rows()},
                     headers=key)
    assert other.status_code == 404
    fresh = api.post(url, {"rows": _rows()}, headers={"Idempotency-Key": "another"})
    assert fresh.status_code == 201 and Intervention.objects.count() == 6


def test_an_empty_or_oversized_batch_is_invalid(personas, tiny_register, programme, api_for):
    api = api_for(personas.dinsos_officer)
    url = f"/programmes/{programme.pk}/interventions"
    assert api.post(url, {"rows": []}).status_code == 422
    big = api.post(url, {"rows": [{"family_id": 1, "year": 2026}] * 1001})
    assert big.status_code == 422 and big.json()["code"] == "invalid"
