"""The stakeholder directory: the secretariat seeds its kab/kota's standard agencies, adds
partners and edits them (audited); others read it; nobody edits outside their region."""

from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.organisations.catalogue import STANDARD_AGENCIES
from konvergen.organisations.models import Organisation


def test_the_secretariat_seeds_the_standard_agencies_once(personas):
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("organisations:standard-agencies")
    before = set(Organisation.objects.filter(region=personas.bandung)
                 .values_list("name", flat=True))
    client.post(url, {"region": "32.04"})
    names = set(Organisation.objects.filter(region=personas.bandung)
                .values_list("name", flat=True))
    assert {name for _s, name, _k, _p in STANDARD_AGENCIES} <= names
    added = len(names - before)
    assert added == len(STANDARD_AGENCIES) - len(before & {n for _s, n, _k, _p in
                                                          STANDARD_AGENCIES})
    assert AuditEntry.objects.filter(action="organisations.create",
                                     region_code="32.04").count() >= added
    client.post(url, {"region": "32.04"})  # again: nothing new
    assert Organisation.objects.filter(region=personas.bandung).count() == len(names)
    # Not for another kabupaten, nor for an agency officer.
    assert client.post(url, {"region": "32.09"}).status_code == 404
    officer = personas.client_for(personas.dinsos_officer)
    assert officer.post(url, {"region": "32.04"}).status_code == 404


def test_a_partner_is_added_edited_and_listed(personas):
    client = personas.client_for(personas.tkpk_bandung)
    response = client.post(reverse("organisations:new"), {
        "region_code": "32.04", "name": "PT Maju Bersama", "short_name": "Maju",
        "kind": "csr", "pentahelix": "business"})
    assert response.status_code == 302
    org = Organisation.objects.get(name="PT Maju Bersama")
    assert org.region_id == "32.04" and org.kind == "csr"
    # The same name twice in one region is refused, with the reason.
    again = client.post(reverse("organisations:new"), {
        "region_code": "32.04", "name": "pt maju bersama", "kind": "csr",
        "pentahelix": "business"})
    errors = again.context["form"].non_field_errors()
    assert again.status_code == 200 and len(errors) == 1 and "pt maju bersama" in errors[0]
    assert Organisation.objects.filter(name__iexact="pt maju bersama").count() == 1

    edit = reverse("organisations:edit", args=[org.pk])
    client.post(edit, {"name": "PT Maju Bersama Tbk", "short_name": "Maju",
                       "kind": "csr", "pentahelix": "business", "is_active": ""})
    org.refresh_from_db()
    assert org.name == "PT Maju Bersama Tbk" and not org.is_active
    entry = AuditEntry.objects.filter(action="organisations.update").latest("id")
    assert entry.actor == personas.tkpk_bandung
    assert entry.changes == {"name": ["PT Maju Bersama", "PT Maju Bersama Tbk"],
                             "is_active": [True, False]}

    # Everyone with the kabupaten in scope reads the directory; the officer cannot edit.
    for persona in (personas.dinsos_officer, personas.viewer):
        page = personas.client_for(persona).get(reverse("organisations:index") + "?kind=csr")
        listed = [o.name for o in page.context["organisations"]]
        assert "PT Maju Bersama Tbk" in listed
        assert all(o.kind == "csr" for o in page.context["organisations"])
        assert personas.client_for(persona).get(edit).status_code == 404
    # The secretariat of another kabupaten neither sees nor edits it.
    cirebon = personas.client_for(personas.tkpk_cirebon)
    listed = [o.name for o in cirebon.get(reverse("organisations:index"))
              .context["organisations"]]
    assert "PT Maju Bersama Tbk" not in listed
    assert cirebon.get(edit).status_code == 404
