"""Groups (UMKM, KUBE, cooperatives): members from the register, help to the whole group
counting for every member's family in the convergence figures, pages and access."""

import csv
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.convergence.models import FamilyConvergence
from konvergen.programs.models import Group, GroupMember, Intervention
from konvergen.programs.services import (
    group_create,
    group_member_add,
    group_member_remove,
    intervention_to_group,
    programme_create,
)
from konvergen.registry.models import Family, Person

KUBE = {
    "code": "kube-daerah", "name": "KUBE Daerah", "strategy": "umkm", "stage": "group",
    "sector": "umkm", "needs": ["head_work"], "target_unit": "group",
    "funding_source": "apbd_regency", "budget": 10_000_000, "year_start": 2026,
    "year_end": 2026,
}


@pytest.fixture
def kube(personas, tiny_register):
    programme = programme_create(organisation=personas.dinsos, region=personas.bandung,
                                 acting_user=personas.admin, **KUBE)
    group = group_create(name="KUBE Mawar", kind="kube", region_code="32.04.05.2001",
                         organisation=personas.dinsos, acting_user=personas.dinsos_officer)
    return programme, group


def _stages(year=2026) -> dict:
    return dict(
        FamilyConvergence.objects.filter(run__year=year)
        .values_list("family__source_id", "stage")
    )


def test_help_to_a_group_counts_for_every_members_family(personas, kube):
    programme, group = kube
    for pid in ("I0012", "I0021"):  # a wife of P001, the head of P002
        group_member_add(group=group, person=Person.objects.get(source_id=pid),
                         acting_user=personas.dinsos_officer)
    intervention_to_group(programme=programme, group=group, year=2026, status="delivered",
                          value=9_000_000, acting_user=personas.dinsos_officer)
    assert _stages() == {"P001": 3, "P002": 3, "P003": 0}
    values = dict(FamilyConvergence.objects.filter(run__year=2026).values_list(
        "family__source_id", "value"))
    assert values["P001"] == values["P002"] == 4_500_000  # shared between the two families
    # A completed group-empowerment intervention: the families graduate.
    Intervention.objects.filter(group=group).update(status="completed")
    from konvergen.convergence.services import convergence_refresh

    convergence_refresh(region_code="32.04")
    assert _stages() == {"P001": 4, "P002": 4, "P003": 0}
    # A member leaves: their family no longer counts the group's help.
    group_member_remove(membership=GroupMember.objects.get(person__source_id="I0021"),
                        acting_user=personas.dinsos_officer)
    assert _stages()["P002"] == 0
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"programs.group_create", "programs.group_member_add",
            "programs.group_member_remove", "programs.intervention_create"} <= actions


def test_planned_help_to_a_group_does_not_count(personas, kube):
    programme, group = kube
    group_member_add(group=group, person=Person.objects.get(source_id="I0031"),
                     acting_user=personas.dinsos_officer)
    intervention_to_group(programme=programme, group=group, year=2026, status="planned",
                          acting_user=personas.dinsos_officer)
    assert _stages()["P003"] == 0


def test_the_export_has_one_row_per_member_family(personas, kube, tmp_path):
    programme, group = kube
    for pid in ("I0011", "I0012", "I0031"):  # two of P001, one of P003
        group_member_add(group=group, person=Person.objects.get(source_id=pid),
                         acting_user=personas.dinsos_officer)
    intervention_to_group(programme=programme, group=group, year=2026, status="delivered",
                          value=1_000_000, acting_user=personas.dinsos_officer)
    call_command("export-interventions", "--out", str(tmp_path / "i.csv"), stdout=StringIO())
    rows = list(csv.DictReader((tmp_path / "i.csv").open(encoding="utf-8")))
    assert sorted((r["family_id"], r["group_id"], r["value"]) for r in rows) == [
        ("P001", str(group.pk), "500000"), ("P003", str(group.pk), "500000"),
    ]


def test_members_must_be_current_and_of_the_kabupaten_and_only_once(personas, kube):
    _programme, group = kube
    person = Person.objects.get(source_id="I0011")
    group_member_add(group=group, person=person, acting_user=personas.dinsos_officer)
    with pytest.raises(ValidationError):
        group_member_add(group=group, person=person, acting_user=personas.dinsos_officer)
    other = group_create(name="Koperasi Cirebon", kind="cooperative",
                         region_code="32.09.01.2001", acting_user=personas.admin)
    with pytest.raises(ValidationError):
        group_member_add(group=other, person=person, acting_user=personas.admin)
    Person.objects.filter(pk=person.pk).update(is_current=False)
    person.refresh_from_db()
    with pytest.raises(ValidationError):
        group_member_add(group=Group.objects.create(name="X", kind="umkm",
                                                    region_code="32.04.05.2001"),
                         person=person, acting_user=personas.admin)


def test_only_group_programmes_help_a_group(personas, kube):
    _programme, group = kube
    family_programme = programme_create(
        organisation=personas.dinsos, region=personas.bandung, acting_user=personas.admin,
        **{**KUBE, "code": "sembako", "stage": "charity", "target_unit": "family"})
    with pytest.raises(ValidationError):
        intervention_to_group(programme=family_programme, group=group, year=2026,
                              status="delivered", acting_user=personas.admin)


def test_the_group_pages_flow(personas, tiny_register):
    programme_create(organisation=personas.dinsos, region=personas.bandung,
                     acting_user=personas.admin, **KUBE)
    officer = personas.client_for(personas.dinsos_officer)
    response = officer.post(reverse("programs:group-new"), {
        "name": "UMKM Sukamaju", "kind": "umkm", "region_code": "32.04.05.2001",
        "organisation": personas.dinsos.pk, "kur_status": "applied", "kur_date": "2026-03-01",
        "kur_amount": "50000000",
    })
    group = Group.objects.get(name="UMKM Sukamaju")
    assert response.status_code == 302 and response.url == reverse("programs:group",
                                                                      args=[group.pk])
    assert group.kur_status == "applied" and group.created_by == personas.dinsos_officer
    # By NIK, and by searching the register.
    officer.post(reverse("programs:group-member-add", args=[group.pk]),
                 {"nik": "3204051203800001", "role": "ketua"})
    page = officer.get(reverse("programs:group", args=[group.pk]), {"q": "siti"})
    siti = Person.objects.get(source_id="I0021")
    assert siti in page.context["candidates"]
    officer.post(reverse("programs:group-member-add", args=[group.pk]), {"person": siti.pk})
    assert set(group.memberships.values_list("person__source_id", flat=True)) == {
        "I0011", "I0021"}
    assert group.memberships.get(person__source_id="I0011").role == "ketua"
    # Help to the group, then the family profile shows it.
    page = officer.get(reverse("programs:group", args=[group.pk]))
    kube_pk = page.context["help_form"].fields["programme"].queryset.get().pk
    officer.post(reverse("programs:group-help", args=[group.pk]),
                 {"programme": kube_pk, "year": 2026, "status": "delivered", "value": 1000})
    assert Intervention.objects.filter(group=group, family__isnull=True).count() == 1
    profile = officer.get(reverse("registry:family",
                                  args=[Family.objects.get(source_id="P002").pk]))
    assert "UMKM Sukamaju" in profile.content.decode()
    assert len(profile.context["family_interventions"]) == 1
    # The edit form keeps KUR access up to date (audited).
    officer.post(reverse("programs:group-edit", args=[group.pk]), {
        "name": "UMKM Sukamaju", "kind": "umkm", "region_code": "32.04.05.2001",
        "organisation": personas.dinsos.pk, "kur_status": "disbursed",
        "kur_date": "2026-05-02", "kur_amount": "50000000",
    })
    entry = AuditEntry.objects.get(action="programs.group_update")
    assert entry.changes["kur_status"] == ["applied", "disbursed"]
    # Another organisation's officer neither sees nor changes the group.
    partner = personas.client_for(personas.csr_partner)
    assert partner.get(reverse("programs:group", args=[group.pk])).status_code == 404
    assert partner.post(reverse("programs:group-member-add", args=[group.pk]),
                        {"nik": "3204052010700003"}).status_code == 404
    assert group.name not in partner.get(reverse("programs:groups")).content.decode()
    # The village operator of the desa reads it; the leadership viewer does not.
    village = personas.client_for(personas.village_operator)
    assert village.get(reverse("programs:group", args=[group.pk])).status_code == 200
    assert village.post(reverse("programs:group-member-add", args=[group.pk]),
                        {"nik": "3204052010700003"}).status_code == 404
    viewer = personas.client_for(personas.viewer)
    assert viewer.get(reverse("programs:group", args=[group.pk])).status_code == 404


def test_an_officer_records_groups_only_for_their_organisation_and_area(personas):
    officer = personas.client_for(personas.dinsos_officer)
    response = officer.post(reverse("programs:group-new"), {
        "name": "Luar", "kind": "umkm", "region_code": "32.09.01.2001",
        "organisation": personas.dinsos.pk, "kur_status": "none",
    })
    assert response.status_code == 200 and not Group.objects.exists()
    response = officer.post(reverse("programs:group-new"), {
        "name": "Mitra", "kind": "umkm", "region_code": "32.04.05.2001",
        "organisation": personas.csr.pk, "kur_status": "none",
    })
    assert response.status_code == 200 and not Group.objects.exists()
