"""Groups (UMKM, KUBE, cooperatives): members from the register, help to the whole group
counting for every member's family in the convergence figures, pages and access."""

import csv
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from konvergen.audit.models import AuditEntry
from konvergen.convergence.models import FamilyConvergence
from konvergen.programs.models import Group, GroupMember, Intervention, this_year
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
                         joined_year=2026, acting_user=personas.dinsos_officer)
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
    # A member leaves at the end of 2026: the group's 2026 help still counts for their family.
    group_member_remove(membership=GroupMember.objects.get(person__source_id="I0021"),
                        left_year=2026, acting_user=personas.dinsos_officer)
    assert GroupMember.objects.get(person__source_id="I0021").left_year == 2026
    assert _stages()["P002"] == 4
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"programs.group_create", "programs.group_member_add",
            "programs.group_member_remove", "programs.intervention_create"} <= actions


def test_planned_help_to_a_group_does_not_count(personas, kube):
    programme, group = kube
    group_member_add(group=group, person=Person.objects.get(source_id="I0031"),
                     joined_year=2026, acting_user=personas.dinsos_officer)
    intervention_to_group(programme=programme, group=group, year=2026, status="planned",
                          acting_user=personas.dinsos_officer)
    assert _stages()["P003"] == 0


def test_the_export_has_one_row_per_member_family(personas, kube, tmp_path):
    programme, group = kube
    for pid in ("I0011", "I0012", "I0031"):  # two of P001, one of P003
        group_member_add(group=group, person=Person.objects.get(source_id=pid),
                         joined_year=2026, acting_user=personas.dinsos_officer)
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
                 {"nik": "3204051203800001", "role": "ketua", "joined_year": 2026})
    page = officer.get(reverse("programs:group", args=[group.pk]), {"q": "siti"})
    siti = Person.objects.get(source_id="I0021")
    assert siti in page.context["candidates"]
    officer.post(reverse("programs:group-member-add", args=[group.pk]),
                 {"person": siti.pk, "joined_year": 2026})
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


# --- Membership periods ---------------------------------------------------------------------


def _group_over_two_years(personas, kube):
    """P001's I0012 and P002's I0021 members since 2024; help to the group in 2025 and 2026."""
    programme, group = kube
    programme.year_start = 2025
    programme.save()
    for pid in ("I0012", "I0021"):
        group_member_add(group=group, person=Person.objects.get(source_id=pid),
                         joined_year=2024, acting_user=personas.dinsos_officer)
    for year in (2025, 2026):
        intervention_to_group(programme=programme, group=group, year=year, status="delivered",
                              value=2_000_000, acting_user=personas.dinsos_officer)
    return programme, group


def test_a_former_member_counts_for_the_years_of_their_membership_only(personas, kube,
                                                                       tmp_path):
    from konvergen.accounts import access
    from konvergen.programs.selectors import family_interventions

    _programme, group = _group_over_two_years(personas, kube)
    siti = GroupMember.objects.get(group=group, person__source_id="I0021")
    ended = group_member_remove(membership=siti, left_year=2025,
                                acting_user=personas.dinsos_officer)
    assert ended is not None and ended.left_year == 2025 and ended.joined_year == 2024
    assert _stages(2025) == {"P001": 3, "P002": 3, "P003": 0}
    assert _stages(2026) == {"P001": 3, "P002": 0, "P003": 0}
    values = dict(FamilyConvergence.objects.filter(run__year=2026).values_list(
        "family__source_id", "value"))
    assert values["P001"] == 2_000_000  # the 2026 help is no longer shared with P002
    p002 = Family.objects.get(source_id="P002").pk
    assert [i.year for i in family_interventions(p002, redaction=access.VISIBLE)] == [2025]
    # The export splits each year's help among that year's member families.
    call_command("export-interventions", "--out", str(tmp_path / "i.csv"), stdout=StringIO())
    rows = list(csv.DictReader((tmp_path / "i.csv").open(encoding="utf-8")))
    assert sorted((r["period"], r["family_id"], r["value"]) for r in rows) == [
        ("2025", "P001", "1000000"), ("2025", "P002", "1000000"), ("2026", "P001", "2000000"),
    ]
    entry = AuditEntry.objects.filter(action="programs.group_member_remove").get()
    assert entry.changes["left_year"] == 2025 and entry.changes["deleted"] is False
    # Re-joining re-opens the membership, keeping the earlier start year (audited).
    group_member_add(group=group, person=siti.person, acting_user=personas.dinsos_officer)
    siti.refresh_from_db()
    assert (siti.joined_year, siti.left_year) == (2024, None)
    assert _stages(2026)["P002"] == 3
    entry = AuditEntry.objects.filter(action="programs.group_member_add").order_by("-pk")[0]
    assert entry.changes["reopened"] is True
    assert entry.changes["left_year"] == [2025, None]
    assert entry.changes["joined_year"] == [2024, 2024]


def test_a_membership_starting_later_does_not_count_for_earlier_help(personas, kube):
    _programme, group = _group_over_two_years(personas, kube)
    group_member_add(group=group, person=Person.objects.get(source_id="I0031"),
                     joined_year=2026, acting_user=personas.dinsos_officer)
    assert _stages(2025)["P003"] == 0 and _stages(2026)["P003"] == 3


def test_invalid_membership_years_are_refused(personas, kube):
    _programme, group = _group_over_two_years(personas, kube)
    with translation.override("en"):  # the messages' English source text
        _refused_years(personas, group)


def _refused_years(personas, group):
    member = GroupMember.objects.get(group=group, person__source_id="I0012")
    with pytest.raises(ValidationError, match="cannot end before"):
        group_member_remove(membership=member, left_year=2023,
                            acting_user=personas.dinsos_officer)
    for year in (1999, this_year() + 2):
        with pytest.raises(ValidationError, match="between 2000"):
            group_member_remove(membership=member, left_year=year,
                                acting_user=personas.dinsos_officer)
        with pytest.raises(ValidationError, match="between 2000"):
            group_member_add(group=group, person=Person.objects.get(source_id="I0031"),
                             joined_year=year, acting_user=personas.dinsos_officer)
    group_member_remove(membership=member, left_year=2025, acting_user=personas.dinsos_officer)
    with pytest.raises(ValidationError, match="already ended"):
        group_member_remove(membership=member, left_year=2026,
                            acting_user=personas.dinsos_officer)
    assert not GroupMember.objects.filter(person__source_id="I0031").exists()
    assert AuditEntry.objects.filter(action="programs.group_member_remove").count() == 1
    # The database refuses it too.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMember.objects.filter(pk=member.pk).update(left_year=2020)


def test_a_membership_added_by_mistake_is_deleted(personas, kube):
    _programme, group = _group_over_two_years(personas, kube)
    person = Person.objects.get(source_id="I0031")
    mistake = group_member_add(group=group, person=person, joined_year=2024,
                               acting_user=personas.dinsos_officer)
    # Joined and left in 2024, a year without help to the group: it counted for nothing.
    assert group_member_remove(membership=mistake, left_year=2024,
                               acting_user=personas.dinsos_officer) is None
    assert not GroupMember.objects.filter(pk=mistake.pk).exists()
    assert AuditEntry.objects.filter(action="programs.group_member_remove").get().changes[
        "deleted"] is True
    # Joined and left in 2025, a year with help: the membership is history, kept.
    kept = group_member_add(group=group, person=person, joined_year=2025,
                            acting_user=personas.dinsos_officer)
    assert group_member_remove(membership=kept, left_year=2025,
                               acting_user=personas.dinsos_officer) is not None
    kept.refresh_from_db()
    assert kept.left_year == 2025
    assert _stages(2025)["P003"] == 3 and _stages(2026)["P003"] == 0


def test_the_group_page_ends_memberships_and_lists_former_members(personas, kube):
    _programme, group = _group_over_two_years(personas, kube)
    officer = personas.client_for(personas.dinsos_officer)
    siti = GroupMember.objects.get(group=group, person__source_id="I0021")
    officer.post(reverse("programs:group-member-remove", args=[group.pk, siti.pk]),
                 {"left_year": 2025})
    siti.refresh_from_db()
    assert siti.left_year == 2025
    page = officer.get(reverse("programs:group", args=[group.pk]))
    assert [m.person.source_id for m in page.context["members"]] == ["I0012"]
    assert [m.person.source_id for m in page.context["former_members"]] == ["I0021"]
    assert "2024–2025" in page.content.decode()
    # A year before the membership began is refused with a message, nothing changes.
    asep = GroupMember.objects.get(group=group, person__source_id="I0012")
    response = officer.post(reverse("programs:group-member-remove", args=[group.pk, asep.pk]),
                            {"left_year": 2020}, follow=True)
    # The page speaks Indonesian by default.
    assert "tidak dapat berakhir sebelum dimulai" in response.content.decode()
    asep.refresh_from_db()
    assert asep.left_year is None
    # A new member from a given year.
    officer.post(reverse("programs:group-member-add", args=[group.pk]),
                 {"nik": "3204052010700003", "joined_year": 2025})
    new = GroupMember.objects.get(group=group, person__nik="3204052010700003")
    assert (new.joined_year, new.left_year) == (2025, None)
    # The family profile shows the years.
    profile = officer.get(reverse("registry:family",
                                  args=[Family.objects.get(source_id="P002").pk]))
    assert "2024–2025" in profile.content.decode()


def test_the_migration_dates_existing_members_back_to_the_groups_first_help(personas, kube):
    """Rows from before membership years get this year, or the year of the group's first
    help when earlier, so figures computed before do not change."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("konvergen.programs.migrations.0004_group_member_years")
    programme, group = kube
    member = GroupMember.objects.create(group=group, person=Person.objects.get(
        source_id="I0011"), joined_year=2026)
    other = group_create(name="Tanpa bantuan", kind="umkm", region_code="32.04.05.2001",
                         acting_user=personas.admin)
    lone = GroupMember.objects.create(group=other, person=Person.objects.get(
        source_id="I0011"), joined_year=2026)
    for year in (2025, 2023):
        Intervention.objects.create(programme=programme, group=group, year=year,
                                    status="delivered")
    migration.backdate_existing_members(apps, None)
    member.refresh_from_db()
    lone.refresh_from_db()
    assert member.joined_year == 2023 and lone.joined_year == 2026
