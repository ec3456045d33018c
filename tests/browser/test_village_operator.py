"""A village operator signs in with a real browser and sees only their own village."""

import re

from playwright.sync_api import expect

from konvergen.regions.models import Region
from tests.browser.conftest import login, screenshot


def test_village_operator_sees_only_their_village(live_personas, page):
    operator = live_personas.village_operator
    # A centroid so the offline map has something to draw.
    Region.objects.filter(code="32.04.05.2001").update(latitude=-6.944, longitude=107.74)

    login(page, operator.username, live_personas.PASSWORD)
    expect(page.locator("h1")).to_contain_text("Selamat datang")
    nav = page.locator("header nav")
    expect(nav.get_by_role("link", name="Wilayah")).to_be_visible()
    expect(nav.get_by_role("link", name="Log audit")).to_have_count(0)

    nav.get_by_role("link", name="Wilayah").click()
    expect(page).to_have_url(re.compile(r"/regions/32\.04\.05\.2001/$"))
    expect(page.locator("#region-name")).to_have_text("Cileunyi Kulon")
    expect(page.locator("#map")).to_have_attribute("data-features", "1")
    screenshot(page, "village-operator-own-village")

    # Changing the URL to the neighbouring village, or to the kecamatan, finds nothing.
    for other in ("32.04.05.2002", "32.04.05", "32.04"):
        response = page.goto(f"/regions/{other}/")
        assert response.status == 404
        expect(page.locator("body")).not_to_contain_text("Cileunyi Wetan")


def test_language_switch_to_english(live_personas, page):
    login(page, live_personas.tkpk_bandung.username, live_personas.PASSWORD)
    page.select_option("select[name=language]", "en")
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator("header nav").get_by_role("link", name="Audit log")).to_be_visible()
