"""Programme pages through the front door: who may register, edit and record beneficiaries."""

from django.urls import reverse

from konvergen.linkage.models import BeneficiaryList, ListRow
from konvergen.programs.models import Intervention, Programme
from konvergen.registry.models import Person

FORM = {
    "code": "sembako-daerah",
    "name": "Sembako Daerah",
    "strategy": "burden",
    "stage": "charity",
    "sector": "food",
    "needs": ["stunting"],
    "target_unit": "family",
    "desil_min": "1",
    "desil_max": "4",
    "eligibility_rules": "",
    "funding_source": "apbd_regency",
    "budget": "5000000",
    "year_start": "2026",
    "year_end": "2026",
    "locations": "32.04.05",
}


def test_an_agency_officer_registers_a_programme_for_their_own_agency(personas):
    client = personas.client_for(personas.dinsos_officer)
    response = client.post(reverse("programs:new"), {**FORM, "organisation": personas.dinsos.pk})
    programme = Programme.objects.get(code="sembako-daerah")
    assert response.url == reverse("programs:detail", args=[programme.pk])
    assert programme.organisation == personas.dinsos and programme.region == personas.bandung
    assert programme.needs == ["stunting"] and programme.locations == ["32.04.05"]


def test_an_agency_officer_cannot_register_for_another_organisation(personas):
    client = personas.client_for(personas.dinsos_officer)
    response = client.post(reverse("programs:new"), {**FORM, "organisation": personas.csr.pk})
    assert response.status_code == 200  # the form refuses the choice
    assert not Programme.objects.exists()


def test_the_partner_cannot_edit_the_agencys_programme(personas):
    client = personas.client_for(personas.dinsos_officer)
    client.post(reverse("programs:new"), {**FORM, "organisation": personas.dinsos.pk})
    programme = Programme.objects.get()
    partner = personas.client_for(personas.csr_partner)
    assert partner.get(reverse("programs:edit", args=[programme.pk])).status_code == 404
    response = partner.post(reverse("programs:edit", args=[programme.pk]),
                            {**FORM, "organisation": personas.csr.pk, "name": "Taken"})
    assert response.status_code == 404
    assert Programme.objects.get().name == "Sembako Daerah"


def test_the_secretariat_edits_any_programme_of_its_region(personas):
    personas.client_for(personas.dinsos_officer).post(
        reverse("programs:new"), {**FORM, "organisation": personas.dinsos.pk})
    programme = Programme.objects.get()
    client = personas.client_for(personas.tkpk_bandung)
    response = client.post(reverse("programs:edit", args=[programme.pk]),
                           {**FORM, "organisation": personas.dinsos.pk, "budget": "7000000"})
    assert response.status_code == 302
    assert Programme.objects.get().budget == 7_000_000


def test_the_secretariat_loads_the_catalogue_others_cannot(personas):
    url = reverse("programs:catalogue-load")
    assert personas.client_for(personas.dinsos_officer).post(
        url, {"region": "32.04"}).status_code == 404
    assert personas.client_for(personas.tkpk_cirebon).post(
        url, {"region": "32.04"}).status_code == 404
    assert not Programme.objects.exists()
    personas.client_for(personas.tkpk_bandung).post(url, {"region": "32.04"})
    assert Programme.objects.filter(region=personas.bandung, code="pkh").exists()


def test_a_linked_list_becomes_the_programmes_beneficiaries(personas, tiny_register):
    client = personas.client_for(personas.dinsos_officer)
    client.post(reverse("programs:new"), {**FORM, "organisation": personas.dinsos.pk,
                                          "locations": ""})
    programme = Programme.objects.get()
    blist = BeneficiaryList.objects.create(
        dataset=tiny_register.dataset, organisation=personas.dinsos, name="Sembako",
        file_name="s.csv", file_path="/nonexistent", status="done")
    person = Person.objects.get(source_id="I0011")
    ListRow.objects.create(beneficiary_list=blist, row_number=1, data={}, status="matched",
                           person=person, family=person.family)
    response = client.post(reverse("programs:use-list", args=[programme.pk]), {
        "beneficiary_list": blist.pk, "period": 2026, "status": "delivered", "value": 250000})
    assert response.status_code == 302
    assert Intervention.objects.get().family.source_id == "P001"
    # The programme page names statuses and needs in Indonesian and lists the followed list.
    detail = client.get(reverse("programs:detail", args=[programme.pk]))
    assert [r["status_label"] for r in detail.context["interventions"]] == ["Disalurkan"]
    assert "Disalurkan" in detail.content.decode()
    assert [u.beneficiary_list.name for u in detail.context["list_uses"]] == ["Sembako"]
    assert detail.context["need_names"] == ["Berisiko stunting"]
    # The family profile shows the help.
    page = client.get(reverse("registry:family", args=[person.family_id])).content.decode()
    assert 'id="family-interventions"' in page and "Sembako Daerah" in page
    # Another organisation's officer cannot use Dinsos's list.
    partner = personas.client_for(personas.csr_partner)
    assert partner.post(reverse("programs:use-list", args=[programme.pk]), {
        "beneficiary_list": blist.pk, "period": 2026, "status": "delivered", "value": 0,
    }).status_code == 404
