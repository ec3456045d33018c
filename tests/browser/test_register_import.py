"""The TKPK secretary uploads an export in the browser, follows the import, downloads the
rejection report and opens a family profile."""

import csv
import re

from django.core.management import call_command
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.browser.conftest import login, screenshot


def test_upload_progress_report_and_profile(live_personas, page, settings, tmp_path):
    settings.KONVERGEN_JOB_RUNNER = "thread"
    out = tmp_path / "synth"
    call_command(
        "synth", "--region", "32.04", "--families", "20000", "--seed", "11", "--out", str(out)
    )
    families = out / "p3ke_keluarga.csv"
    with open(families, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    bad = list(rows[1])
    bad[rows[0].index("ID Keluarga P3KE")] = "RUSAK-1"
    # A desa code no region list knows cannot be placed: the row is rejected (a bad NIK or
    # desil would be kept and flagged instead).
    region_column = next(h for h in rows[0] if h.startswith("Kode"))
    bad[rows[0].index(region_column)] = "32.04.99.9999"
    with open(families, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(bad)
    bad_row = len(rows)  # 1-based data row of the appended line

    login(page, live_personas.tkpk_bandung.username, live_personas.PASSWORD)
    page.goto("/register/import/")
    page.select_option("select[name=source]", "p3ke")
    page.select_option("select[name=region]", "32.04")
    page.fill("input[name=snapshot_date]", "2026-01-15")
    page.set_input_files("input[name=families]", str(families))
    page.set_input_files("input[name=members]", str(out / "p3ke_anggota_keluarga.csv"))
    page.click("#import-form button[type=submit]")

    expect(page).to_have_url(re.compile(r"/register/import/\d+/$"))
    expect(page.locator("#progress")).to_be_visible()
    # The page follows the job and reloads itself when it has finished.
    expect(page.locator("#status")).to_have_text("Selesai", timeout=60_000)
    expect(page.locator("#families-rejected")).to_have_text("1")
    screenshot(page, "register-import-report")

    with page.expect_download() as download_info:
        page.click("#download-rejections")
    path = tmp_path / "penolakan.xlsx"
    download_info.value.save_as(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][:5] == ["Berkas", "Baris", "Kolom", "Nilai", "Alasan"]
    assert ["families", bad_row, region_column, "32.04.99.9999"] == rows[1][:4]

    page.goto("/register/families/?q=")
    page.locator("#families tbody a").first.click()
    expect(page).to_have_url(re.compile(r"/register/families/\d+/$"))
    expect(page.locator("#members tbody tr").first).to_be_visible()
    expect(page.locator("#history tbody tr")).to_have_count(1)
    screenshot(page, "register-family-profile")
