"""An agency officer records a KUBE group in the browser, adds members by NIK and from the
register, records the group's help, ends a membership, and finds the group on a member's
family profile."""

import datetime as dt

from playwright.sync_api import expect

from konvergen.programs.models import Group, Programme
from konvergen.registry.models import Family
from tests.browser.conftest import login, screenshot
from tests.conftest import tiny_p3ke_rows, write_p3ke


def test_an_officer_records_a_group_and_its_help(live_personas, page, tmp_path):
    from konvergen.registry.services import dataset_get_or_create, register_import

    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    dataset = dataset_get_or_create(source="p3ke", region=live_personas.bandung)
    register_import(dataset=dataset, families_path=fam, members_path=mem,
                    snapshot_date=dt.date(2026, 1, 15), acting_user=live_personas.admin)
    Programme.objects.create(
        code="kube-daerah", name="KUBE Daerah", organisation=live_personas.dinsos,
        region=live_personas.bandung, strategy="umkm", stage="group", sector="umkm",
        needs=["head_work"], target_unit="group", funding_source="apbd_regency",
        year_start=2026, year_end=2026,
    )
    officer = live_personas.dinsos_officer
    login(page, officer.username, live_personas.PASSWORD)
    page.goto("/programmes/groups/")
    page.click("#new-group")
    page.fill("#id_name", "KUBE Mawar")
    page.select_option("#id_kind", "kube")
    page.fill("#id_region_code", "32.04.05.2001")
    page.select_option("#id_organisation", str(live_personas.dinsos.pk))
    page.select_option("#id_kur_status", "applied")
    page.click("#group-form button[type=submit]")
    expect(page.locator("#group-name")).to_have_text("KUBE Mawar")

    page.fill("#add-by-nik input[name=nik]", "3204051203800001")
    page.fill("#add-by-nik input[name=role]", "ketua")
    page.click("#add-by-nik button[type=submit]")
    expect(page.locator("#members")).to_contain_text("ASEP SUNANDAR")

    page.fill("#person-search input[name=q]", "siti")
    page.click("#person-search button[type=submit]")
    page.locator("#candidates button[type=submit]").first.click()
    expect(page.locator("#members")).to_contain_text("SITI AMINAH")

    page.fill("#id_value", "5000000")
    page.click("#group-help-form button[type=submit]")
    expect(page.locator("#group-help")).to_contain_text("KUBE Daerah")
    screenshot(page, "group-with-members-and-help")

    # Ending a membership (this year, the default) moves the member to the former members.
    page.locator("#members tr", has_text="ASEP SUNANDAR").locator(
        ".end-membership button[type=submit]").click()
    expect(page.locator("#former-members")).to_contain_text("ASEP SUNANDAR")
    expect(page.locator("#members")).not_to_contain_text("ASEP SUNANDAR")

    group = Group.objects.get(name="KUBE Mawar")
    assert group.memberships.count() == 2 and group.interventions.count() == 1
    assert group.memberships.filter(left_year__isnull=False).count() == 1
    page.goto(f"/register/families/{Family.objects.get(source_id='P002').pk}/")
    expect(page.locator("#family-groups")).to_contain_text("KUBE Mawar")
    expect(page.locator("#family-interventions")).to_contain_text("KUBE Daerah")
