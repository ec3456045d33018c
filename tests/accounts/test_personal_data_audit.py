"""Viewing and exporting personal data leaves one audit row per page or file, naming who,
what (the record's id) and where, never the names or numbers themselves."""

import pytest
from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.linkage.models import BeneficiaryList, ListRow
from konvergen.programs.models import Programme
from konvergen.programs.services import intervention_create
from konvergen.registry.models import Family, Person

KULON = "32.04.05.2001"


def _entries(action):
    return list(AuditEntry.objects.filter(action=action))


def _no_personal_data(entry):
    text = f"{entry.object_repr} {entry.changes}"
    for family in Family.objects.all():
        assert family.head_name not in text and (family.kk_number or "-") not in text


def test_opening_a_family_profile_is_audited(personas, tiny_register):
    family = Family.objects.get(source_id="P001")
    client = personas.client_for(personas.dinsos_officer)
    assert client.get(reverse("registry:family", args=[family.pk])).status_code == 200
    [entry] = _entries("personal_data.family_view")
    assert (entry.actor, entry.object_id, entry.region_code) == (
        personas.dinsos_officer, str(family.pk), family.region_code)
    _no_personal_data(entry)
    # A viewer sees masked data: nothing personal shown, nothing recorded.
    personas.client_for(personas.viewer).get(reverse("registry:family", args=[family.pk]))
    assert len(_entries("personal_data.family_view")) == 1


def test_the_family_export_is_audited(personas, tiny_register):
    client = personas.client_for(personas.tkpk_bandung)
    response = client.get(reverse("registry:families"), {"q": "ASEP", "format": "xlsx"})
    b"".join(response.streaming_content) if response.streaming else response.content
    [entry] = _entries("personal_data.family_export")
    assert entry.region_code == "32.04" and entry.changes["query"] is True
    _no_personal_data(entry)
    assert "ASEP" not in str(entry.changes)


@pytest.fixture
def converged(personas, tiny_register):
    programme = Programme.objects.create(
        code="rtlh-daerah", name="RTLH Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="housing",
        needs=["housing"], funding_source="apbd_regency", year_start=2026, year_end=2026,
    )
    intervention_create(programme=programme, family=Family.objects.get(source_id="P001"),
                        year=2026, status="delivered", value=1, acting_user=personas.admin)


def test_worklist_page_and_download_are_audited(personas, converged):
    client = personas.client_for(personas.village_operator)
    assert client.get(reverse("convergence:worklist", args=[KULON]),
                      {"year": 2026}).status_code == 200
    response = client.get(reverse("convergence:worklist-xlsx", args=[KULON]), {"year": 2026})
    b"".join(response.streaming_content)
    for action in ("personal_data.worklist_view", "personal_data.worklist_export"):
        [entry] = _entries(action)
        assert entry.actor == personas.village_operator and entry.region_code == KULON
        _no_personal_data(entry)


def test_list_results_are_audited(personas, tiny_register, tmp_path):
    blist = BeneficiaryList.objects.create(
        dataset=tiny_register.dataset, organisation=personas.dinsos, name="PKH",
        file_name="pkh.csv", file_path=str(tmp_path / "pkh.csv"), status="done",
        counts={"rows": 1})
    ListRow.objects.create(beneficiary_list=blist, row_number=1, data={"NIK": "x"},
                           status="review", person=Person.objects.get(source_id="I0011"))
    client = personas.client_for(personas.dinsos_officer)
    assert client.get(reverse("linkage:list-result", args=[blist.pk])).status_code == 200
    assert client.get(reverse("linkage:queue", args=[blist.pk])).status_code == 200
    assert client.get(reverse("linkage:row", args=[blist.pk, 1])).status_code == 200
    for action in ("personal_data.list_result_export", "personal_data.list_rows_view",
                   "personal_data.list_row_view"):
        [entry] = _entries(action)
        assert entry.object_id == str(blist.pk) and entry.region_code == "32.04"
        _no_personal_data(entry)
