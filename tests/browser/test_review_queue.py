"""The secretariat walks the review queue in a real browser: evidence, accept, reject, audit."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import import_synth_register


def test_walk_the_review_queue(live_personas, page, settings, tmp_path):
    from konvergen.linkage.services import thresholds_set

    settings.KONVERGEN_JOB_RUNNER = "thread"
    call_command("synth", "--region", "32.04", "--families", "3000", "--seed", "3",
                 "--out", str(tmp_path), "-v0")
    import_synth_register(live_personas.bandung, tmp_path)
    # Strict thresholds so that the queue has work in it.
    thresholds_set(
        region=live_personas.bandung,
        accept=0.999999,
        review=0.05,
        acting_user=live_personas.tkpk_bandung,
    )

    login(page, live_personas.tkpk_bandung.username, live_personas.PASSWORD)
    page.goto("/linkage/upload/")
    page.fill("input[name=name]", "Penerima zakat BAZNAS")
    page.set_input_files("input[name=file]", str(tmp_path / "baznas.csv"))
    page.click("#list-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/linkage/lists/\d+/$"))
    expect(page.locator("#status")).to_have_text("Selesai", timeout=120_000)

    page.click("#open-queue")
    page.locator("#queue tbody a").first.click()
    expect(page.locator(".candidate").first).to_be_visible()
    expect(page.locator(".candidate .evidence tbody tr").first).to_be_visible()
    screenshot(page, "review-row-evidence")
    first_row = page.url
    page.locator(".candidate button.accept").first.click()
    expect(page.locator("article.message")).to_contain_text("Keputusan disimpan")
    # Saving moves on to the next row that needs review; reject that one.
    assert page.url != first_row
    second_row = page.url
    page.click("#reject")
    expect(page.locator("article.message")).to_contain_text("Keputusan disimpan")
    page.goto(first_row)
    expect(page.locator("#row-status")).to_have_text("Cocok")
    page.goto(second_row)
    expect(page.locator("#row-status")).to_have_text("Tidak ada di data sasaran")

    page.goto("/audit/?action=linkage.review")
    rows = page.locator("#audit tbody tr")
    expect(rows.filter(has_text="linkage.review_accept")).to_have_count(1)
    expect(rows.filter(has_text="linkage.review_reject")).to_have_count(1)
    screenshot(page, "review-audit-log")
