"""Programmes, the national catalogue and interventions: services and their audit rows."""

import pytest
from django.core.exceptions import ValidationError

from konvergen.audit.models import AuditEntry
from konvergen.convergence.models import ConvergenceRun
from konvergen.linkage.models import BeneficiaryList, ListRow
from konvergen.programs.models import Intervention, Programme
from konvergen.programs.services import (
    ERR_DESIL,
    intervention_create,
    interventions_from_list,
    programme_catalogue_load,
    programme_create,
    programme_update,
)
from konvergen.registry.models import Family, Person

FIELDS = {
    "code": "sembako-daerah",
    "name": "Sembako Daerah",
    "strategy": "burden",
    "stage": "charity",
    "sector": "food",
    "needs": ["stunting"],
    "target_unit": "family",
    "desil_min": 1,
    "desil_max": 2,
    "funding_source": "apbd_regency",
    "budget": 1_000_000,
    "year_start": 2026,
    "year_end": 2026,
}


def test_the_catalogue_loads_national_programmes_once(personas):
    created = programme_catalogue_load(
        region=personas.bandung, year_start=2026, year_end=2026, acting_user=personas.admin
    )
    codes = {p.code for p in created}
    assert {"pkh", "bpnt", "pbi-jk", "pip", "rtlh", "kur"} <= codes
    assert all(p.is_national and p.organisation.kind == "vertical" for p in created)
    again = programme_catalogue_load(
        region=personas.bandung, year_start=2026, year_end=2026, acting_user=personas.admin
    )
    assert again == []
    assert AuditEntry.objects.filter(action="programs.catalogue_load").count() == 2


def test_a_programme_is_created_and_updated_with_audit(personas):
    programme = programme_create(
        organisation=personas.dinsos,
        region=personas.bandung,
        acting_user=personas.dinsos_officer,
        **FIELDS,
    )
    programme_update(programme=programme, name="Sembako Bandung", acting_user=personas.admin)
    programme.refresh_from_db()
    assert programme.name == "Sembako Bandung"
    entry = AuditEntry.objects.get(action="programs.programme_update")
    assert entry.changes == {"name": ["Sembako Daerah", "Sembako Bandung"]}


def test_an_empty_desil_range_is_refused(personas):
    with pytest.raises(ValidationError) as info:
        programme_create(
            organisation=personas.dinsos,
            region=personas.bandung,
            acting_user=personas.admin,
            **{**FIELDS, "desil_min": 4, "desil_max": 2},
        )
    assert ERR_DESIL in str(info.value)
    assert not Programme.objects.exists()


def test_an_intervention_refreshes_convergence(personas, tiny_register):
    programme = programme_create(
        organisation=personas.dinsos, region=personas.bandung, acting_user=personas.admin,
        **FIELDS,
    )
    family = Family.objects.get(source_id="P001")
    intervention_create(
        programme=programme, family=family, year=2026, status="delivered", value=300_000,
        acting_user=personas.dinsos_officer,
    )
    run = ConvergenceRun.objects.get(year=2026)
    assert run.interventions == 1
    assert AuditEntry.objects.filter(action="convergence.refresh").exists()


def test_a_person_of_another_family_is_refused(personas, tiny_register):
    programme = programme_create(
        organisation=personas.dinsos, region=personas.bandung, acting_user=personas.admin,
        **FIELDS,
    )
    with pytest.raises(ValidationError):
        intervention_create(
            programme=programme, family=Family.objects.get(source_id="P001"),
            person=Person.objects.get(source_id="I0021"), year=2026, status="delivered",
            acting_user=personas.admin,
        )


def _list(personas, tiny_register, statuses):
    blist = BeneficiaryList.objects.create(
        dataset=tiny_register.dataset, organisation=personas.dinsos, name="Sembako",
        file_name="s.csv", file_path="/nonexistent/s.csv", status="done",
    )
    for n, (pid, status) in enumerate(statuses, start=1):
        person = Person.objects.get(source_id=pid) if pid else None
        ListRow.objects.create(
            beneficiary_list=blist, row_number=n, data={}, status=status, person=person,
            family=person.family if person and status == "matched" else None,
        )
    return blist


def test_list_rows_become_interventions_idempotently(personas, tiny_register):
    from konvergen.linkage.services import list_row_decide

    programme = programme_create(
        organisation=personas.dinsos, region=personas.bandung, acting_user=personas.admin,
        **FIELDS,
    )
    blist = _list(
        personas, tiny_register, [("I0011", "matched"), ("I0021", "review"), (None, "unmatched")]
    )
    first = interventions_from_list(
        programme=programme, beneficiary_list=blist, period=2026,
        acting_user=personas.dinsos_officer,
    )
    assert first == {"added": 1, "updated": 0, "removed": 0, "total": 1}
    again = interventions_from_list(
        programme=programme, beneficiary_list=blist, period=2026,
        acting_user=personas.dinsos_officer,
    )
    assert again == {"added": 0, "updated": 0, "removed": 0, "total": 1}
    # The review queue resolves row 2 (accept) and rejects row 1: the programme follows both
    # at once (its list use is re-applied), so a sync by hand finds nothing left to do.
    row2 = ListRow.objects.get(beneficiary_list=blist, row_number=2)
    row2.candidates = [{"person_id": "I0021"}]
    row2.save(update_fields=["candidates"])
    list_row_decide(row=row2, action="accept", person_id=Person.objects.get(source_id="I0021").pk,
                    acting_user=personas.dinsos_officer)
    row1 = ListRow.objects.get(beneficiary_list=blist, row_number=1)
    list_row_decide(row=row1, action="reject", acting_user=personas.dinsos_officer)
    synced = interventions_from_list(
        programme=programme, beneficiary_list=blist, period=2026,
        acting_user=personas.dinsos_officer,
    )
    assert synced == {"added": 0, "updated": 0, "removed": 0, "total": 1}
    only = Intervention.objects.get(programme=programme)
    assert only.family.source_id == "P002" and only.person.source_id == "I0021"
    runs = AuditEntry.objects.filter(action="programs.interventions_from_list").order_by("pk")
    assert [(e.changes["trigger"], e.changes["added"], e.changes["removed"]) for e in runs] == [
        ("sync", 1, 0), ("sync", 0, 0), ("review", 1, 0), ("review", 0, 1), ("sync", 0, 0)]


def test_the_catalogue_command(personas):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("programme-catalogue", "--region", "32.04", "--from-year", "2026", stdout=out)
    assert out.getvalue().startswith("10 programmes added")
    assert Programme.objects.filter(region=personas.bandung, is_national=True).count() == 10
