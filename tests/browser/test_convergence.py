"""An agency officer registers a programme, records its beneficiaries from an uploaded list,
resolves a review row and sees the coverage change; a village operator downloads their
worklist. A real browser, through the front door."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import import_synth_register

NAME = "Bedah Rumah Dinsos"


def _beneficiaries(page) -> str:
    page.goto("/convergence/32.04/?year=2026")
    cell = page.locator(f"#programmes tr:has-text('{NAME}') td:nth-child(3)")
    expect(cell).to_be_visible()
    return cell.inner_text()


def test_programme_beneficiaries_review_and_worklist(live_personas, page, tmp_path):
    from konvergen.linkage.services import thresholds_set

    call_command("synth", "--region", "32.04", "--families", "3000", "--seed", "3",
                 "--out", str(tmp_path), "-v0")
    import_synth_register(live_personas.bandung, tmp_path)
    thresholds_set(region=live_personas.bandung, accept=0.999999, review=0.05,
                   acting_user=live_personas.tkpk_bandung)

    # 1. The Dinsos officer registers a programme for their agency.
    login(page, live_personas.dinsos_officer.username, live_personas.PASSWORD)
    page.goto("/programmes/new/")
    page.fill("input[name=code]", "bedah-rumah")
    page.fill("input[name=name]", NAME)
    page.select_option("select[name=organisation]", label="Dinsos")
    page.select_option("select[name=strategy]", "burden")
    page.select_option("select[name=stage]", "charity")
    page.select_option("select[name=sector]", "housing")
    page.check("input[name=needs][value=housing]")
    page.fill("input[name=desil_min]", "1")
    page.fill("input[name=desil_max]", "4")
    page.select_option("select[name=funding_source]", "apbd_regency")
    page.fill("input[name=budget]", "500000000")
    page.fill("input[name=year_start]", "2026")
    page.fill("input[name=year_end]", "2026")
    page.click("#programme-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/programmes/\d+/$"))
    expect(page.locator("#programme-name")).to_have_text(NAME)
    programme_url = page.url

    # 2. Uploads the beneficiary list and links it.
    page.goto("/linkage/upload/")
    page.fill("input[name=name]", "Penerima bedah rumah")
    # BAZNAS's list (titles, missing NIKs): with strict thresholds, rows to review.
    page.set_input_files("input[name=file]", str(tmp_path / "baznas.csv"))
    page.click("#list-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/linkage/lists/\d+/$"))
    expect(page.locator("#status")).to_have_text("Selesai", timeout=120_000)
    list_url = page.url

    # 3. Uses the list as the programme's beneficiaries.
    page.goto(programme_url)
    page.select_option("select[name=beneficiary_list]", label="Penerima bedah rumah")
    page.fill("input[name=period]", "2026")
    page.click("#use-list button[type=submit]")
    expect(page.locator("#interventions tbody tr").first).to_contain_text("2026")
    before = _beneficiaries(page)
    screenshot(page, "convergence-dashboard")

    # 4. Resolves one review row (accept the first candidate) and syncs again.
    page.goto(list_url)
    page.click("#open-queue")
    page.locator("#queue tbody a").first.click()
    page.locator(".candidate button.accept").first.click()
    expect(page.locator("article.message")).to_be_visible()
    page.goto(programme_url)
    page.select_option("select[name=beneficiary_list]", label="Penerima bedah rumah")
    page.fill("input[name=period]", "2026")
    page.click("#use-list button[type=submit]")
    after = _beneficiaries(page)
    assert int(after.replace(".", "").replace(",", "")) == int(
        before.replace(".", "").replace(",", "")) + 1

    # 5. The village operator downloads their worklist.
    page.context.clear_cookies()
    login(page, live_personas.village_operator.username, live_personas.PASSWORD)
    page.goto("/convergence/")
    page.click("#worklist-1")
    expect(page).to_have_url(re.compile(r"/convergence/32\.04\.05\.2001/worklist/"))
    with page.expect_download() as info:
        page.click("#worklist-download")
    assert info.value.suggested_filename.startswith("worklist-32.04.05.2001")
    assert info.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "village-worklist")
