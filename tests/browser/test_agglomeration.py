"""BP Taskin's seed agglomeration in a real browser: the national coordinator of Jawa
Barat and Jawa Tengah signs in, defines the five-region cluster — food for Indramayu,
Kabupaten Cirebon and Brebes, renewable energy for Kuningan, digital and creative industry
for Kota Cirebon — with its MoU and supporting sectors, and opens the comparison page."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from konvergen.agglomerations.models import Agglomeration
from tests.agglomerations.conftest import SEED, SEED_NAME, load_jawa_tengah, make_user
from tests.browser.conftest import login, screenshot

#: (kab/kota, leading sector, supporting sectors, the leading sector's label in Indonesian)
MEMBERS = [
    ("32.12", "food", ["umkm"], "Pangan"),  # Kabupaten Indramayu
    ("32.09", "food", [], "Pangan"),  # Kabupaten Cirebon
    ("33.29", "food", ["umkm"], "Pangan"),  # Kabupaten Brebes, Jawa Tengah
    ("32.08", "energy", ["umkm", "employment"], "Energi"),  # Kabupaten Kuningan
    ("32.74", "digital", [], "Ekonomi digital dan kreatif"),  # Kota Cirebon
]


def test_the_national_coordinator_defines_the_seed_cluster_and_compares_it(
        live_personas, page):
    load_jawa_tengah()
    taskin = make_user("taskin", "national", "32", "33", password=live_personas.PASSWORD)
    assert [(c, s) for c, s, _sup, _l in MEMBERS] == SEED
    login(page, taskin.username, live_personas.PASSWORD)

    page.goto("/")
    page.get_by_role("link", name="Aglomerasi").first.click()
    page.wait_for_url("**/agglomerations/")
    page.locator("#agglomeration-new").click()
    page.wait_for_url("**/agglomerations/new/")
    form = page.locator("#agglomeration-form")
    form.locator("input[name=name]").fill(SEED_NAME)
    form.locator("input[name=mou_number]").fill("MoU 01/BPTASKIN/III/2026")
    form.locator("input[name=mou_date]").fill("2026-03-12")
    form.locator("textarea[name=parties]").fill(
        "BP Taskin\nBupati Indramayu\nBupati Cirebon\nBupati Brebes\nBupati Kuningan\n"
        "Wali Kota Cirebon")
    # Brebes is offered beside the Jawa Barat kab/kota: the coordinator holds both provinces.
    expect(form.locator("select[name=members-0-region] option[value='33.29']")).to_have_count(1)
    for n, (code, sector, supporting, _label) in enumerate(MEMBERS):
        form.locator(f"select[name=members-{n}-region]").select_option(code)
        form.locator(f"select[name=members-{n}-leading_sector]").select_option(sector)
        for value in supporting:
            form.locator(f"input[name=members-{n}-supporting_sectors][value={value}]").check()
    screenshot(page, "agglomeration-form")
    page.locator("#agglomeration-save").click()

    year = timezone.localdate().year
    page.wait_for_url(re.compile(rf".*/agglomerations/\d+/{year}/$"))
    agglomeration = Agglomeration.objects.get(name=SEED_NAME)
    assert agglomeration.owner_scope == ""  # across two provinces: national coordination
    assert agglomeration.members.get(region_id="32.08").supporting_sectors == [
        "employment", "umkm"]
    expect(page.locator("h1")).to_contain_text(SEED_NAME)
    expect(page.locator("#agglomeration-mou")).to_contain_text("MoU 01/BPTASKIN/III/2026")
    rows = page.locator("#comparison tbody tr")
    expect(rows).to_have_count(5)
    for code, sector, _supporting, label in MEMBERS:
        row = page.locator(f"#member-{code.replace('.', '\\.')}")
        expect(row).to_have_attribute("data-sector", sector)
        expect(row.locator(".leading")).to_contain_text(label)
    expect(page.locator("#member-33\\.29")).to_contain_text("Kabupaten Brebes")
    expect(page.locator("#member-32\\.74")).to_contain_text("Kota Cirebon")
    expect(page.locator("#member-32\\.08 .supporting")).to_have_text(
        "Ketenagakerjaan, UMKM dan koperasi")
    expect(page.locator("#funnel tbody tr")).to_have_count(5)
    expect(page.locator("#agglomeration-xlsx")).to_be_visible()
    expect(page.locator("#p0-chart")).to_be_visible()
    screenshot(page, "agglomeration-comparison")

    # It is listed, and the list leads back to the comparison.
    page.goto("/agglomerations/")
    expect(page.locator("#agglomerations")).to_contain_text("Kabupaten Kuningan: Energi")
    page.get_by_role("link", name=SEED_NAME).click()
    page.wait_for_url(f"**/agglomerations/{agglomeration.pk}/{year}/")
