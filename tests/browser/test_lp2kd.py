"""The LP2KD in a real browser: the TKPK secretariat of Kabupaten Bandung starts the 2026
report, rewrites its background text, generates the draft (the TKPK's meetings in chapter
VI), downloads its PDF and DOCX and submits it; the TKPK chair approves and publishes it;
the published edition is frozen for everyone, and leadership reads it."""

import hashlib
import re
from pathlib import Path

from playwright.sync_api import expect

from konvergen.reports.models import Generation, OutlineBlock, Report, State
from tests.browser.conftest import login, screenshot
from tests.meetings.fixtures import held_meetings
from tests.reports.test_render import _pdf_pages

YEAR = 2026
BACKGROUND = ("Penanggulangan kemiskinan di {region} tahun {year} dikoordinasikan oleh TKPK."
              "\n\nParagraf ini ditulis sekretariat melalui peramban.")
FILLED = "Penanggulangan kemiskinan di Kabupaten Bandung tahun 2026 dikoordinasikan oleh TKPK."


def _as(browser, live_server, user, password):
    context = browser.new_context(base_url=live_server.url, locale="id-ID",
                                  accept_downloads=True)
    page = context.new_page()
    login(page, user.username, password)
    return context, page


def _state(page, state: str) -> None:
    expect(page.locator("#report-state")).to_have_attribute("data-state", state)


def test_the_lp2kd_from_draft_to_a_frozen_published_edition(live_personas, browser,
                                                             live_server, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    password = live_personas.PASSWORD
    secretariat, chair, viewer = (live_personas.tkpk_bandung, live_personas.tkpk_chair,
                                  live_personas.viewer)
    held_meetings(live_personas)

    # 1. The secretariat starts the report of 2026 from the region's page.
    context, page = _as(browser, live_server, secretariat, password)
    page.goto("/reports/")
    page.locator("#report-regions a[href='/reports/region/32.04/']").click()
    page.wait_for_url("**/reports/region/32.04/")
    form = page.locator("#report-create")
    form.locator("input[name=year]").fill(str(YEAR))
    form.locator("select[name=language]").select_option("id")
    page.locator("#report-create-submit").click()
    page.wait_for_url(re.compile(r".*/reports/\d+/$"))
    report = Report.objects.get(region_id="32.04", year=YEAR)
    report_url = page.url
    _state(page, "draft")
    expect(page.locator("#no-edition")).to_be_visible()
    expect(page.locator("li[data-generator=meetings_held]")).to_have_count(1)

    # 2. It rewrites the background text of chapter I.
    block = OutlineBlock.objects.get(section__chapter__report=report,
                                     section__title="Latar Belakang", kind="narrative")
    page.locator(f"#block-edit-{block.pk}").click()
    page.wait_for_url(f"**/reports/{report.pk}/blocks/{block.pk}/")
    page.locator("#block-text").fill(BACKGROUND)
    page.locator("#block-save").click()
    page.wait_for_url(re.compile(rf".*/reports/{report.pk}/(#block-{block.pk})?$"))
    expect(page.locator(f"#block-{block.pk}")).to_contain_text("melalui peramban")
    block.refresh_from_db()
    assert block.text.replace("\r\n", "\n") == BACKGROUND  # a browser posts CR LF

    # 3. It generates the draft (jobs run inline in the tests) and opens the preview.
    page.locator("#generate").click()
    page.wait_for_url(report_url)
    expect(page.locator("#edition")).to_have_attribute("data-kind", "draft")
    draft = Generation.objects.get(report=report, kind=Generation.Kind.DRAFT)
    assert draft.status == Generation.Status.DONE, draft.error
    expect(page.locator("#pdf-sha256")).to_have_text(draft.pdf_sha256)
    preview = page.frame_locator("#preview")
    expect(preview.locator("body")).to_contain_text(FILLED)
    expect(preview.locator("body")).to_contain_text("Rapat Pleno Penetapan Sasaran")
    expect(preview.locator("body")).to_contain_text("Sumber: Catatan rapat TKPK (Konvergen)")
    screenshot(page, "lp2kd-draft")

    # 4. It downloads the draft's PDF and DOCX: the files the checksums on the page name.
    with page.expect_download() as pdf_download:
        page.locator("#download-pdf").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"LP2KD-32.04-{YEAR}-draft.pdf"
    pdf_bytes = Path(pdf.path()).read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    assert hashlib.sha256(pdf_bytes).hexdigest() == draft.pdf_sha256
    _reader, pages = _pdf_pages(Path(pdf.path()))
    text = " ".join(" ".join(pages).split())
    assert FILLED in text and "DRAFT" in text and "Rapat Koordinasi Triwulan I" in text
    docx_url = page.locator("#download-docx").get_attribute("href")
    docx = page.request.get(docx_url)
    assert docx.ok
    assert docx.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert docx.headers["x-content-sha256"] == draft.docx_sha256
    assert f'LP2KD-32.04-{YEAR}-draft.docx' in docx.headers["content-disposition"]
    assert docx.body().startswith(b"PK\x03\x04")
    assert hashlib.sha256(docx.body()).hexdigest() == draft.docx_sha256

    # 5. It submits the draft for review: the outline is locked.
    page.locator("#report-step-submit").click()
    page.wait_for_url(report_url)
    _state(page, "review")
    expect(page.locator("#lock-banner")).to_be_visible()
    expect(page.locator("#generate")).to_have_count(0)
    expect(page.locator("#report-step-approve")).to_have_count(0)  # the chair's step
    context.close()

    # 6. The chair approves, then publishes: the approved edition set again, without DRAFT.
    context, page = _as(browser, live_server, chair, password)
    page.goto(report_url)
    _state(page, "review")
    expect(page.locator(f"#block-edit-{block.pk}")).to_have_count(0)
    page.locator("#report-step-note").fill("Disetujui untuk diterbitkan.")
    page.locator("#report-step-approve").click()
    page.wait_for_url(report_url)
    _state(page, "approved")
    expect(page.locator("#history tr[data-action=approve]")).to_contain_text(
        "Disetujui untuk diterbitkan.")
    page.locator("#report-step-publish").click()
    page.wait_for_url(report_url)
    _state(page, "published")
    expect(page.locator("#frozen-banner")).to_be_visible()
    expect(page.locator("#published-at")).to_be_visible()
    expect(page.locator("#edition")).to_have_attribute("data-kind", "final")
    expect(page.locator("#report-step")).to_have_count(0)
    report.refresh_from_db()
    assert report.state == State.PUBLISHED and report.edition_id == draft.pk
    final = report.final
    assert final.kind == Generation.Kind.FINAL and final.status == Generation.Status.DONE
    expect(page.locator("#pdf-sha256")).to_have_text(final.pdf_sha256)
    with page.expect_download() as pdf_download:
        page.locator("#download-pdf").click()
    published = pdf_download.value
    assert published.suggested_filename == f"LP2KD-32.04-{YEAR}.pdf"
    published_bytes = Path(published.path()).read_bytes()
    assert hashlib.sha256(published_bytes).hexdigest() == final.pdf_sha256
    _reader, pages = _pdf_pages(Path(published.path()))
    assert not any("DRAFT" in p for p in pages)
    assert FILLED in " ".join(" ".join(pages).split())
    screenshot(page, "lp2kd-published")
    context.close()

    # 7. Frozen: the secretariat can no longer edit, generate or return it.
    context, page = _as(browser, live_server, secretariat, password)
    page.goto(report_url)
    _state(page, "published")
    expect(page.locator("#frozen-banner")).to_be_visible()
    for selector in ("#generate", "#report-step", f"#block-edit-{block.pk}",
                     f"#block-add-{block.section_id}"):
        expect(page.locator(selector)).to_have_count(0)
    page.goto(f"/reports/{report.pk}/blocks/{block.pk}/")
    expect(page.locator("#lock-banner")).to_be_visible()
    expect(page.locator("#block-save")).to_have_count(0)
    pdf_file = Path(final.pdf_path)
    before = (pdf_file.read_bytes(), Path(final.docx_path).read_bytes())
    blocked = page.request.post(f"/reports/{report.pk}/generate/",
                                form={"confirm": "1"}, max_redirects=0,
                                headers={"X-CSRFToken": _csrf(context)})
    assert blocked.status == 302
    assert Generation.objects.filter(report=report).count() == 2
    assert (pdf_file.read_bytes(), Path(final.docx_path).read_bytes()) == before
    context.close()

    # 8. Leadership reads the published edition.
    context, page = _as(browser, live_server, viewer, password)
    page.goto("/reports/region/32.04/")
    expect(page.locator(f"#report-row-{YEAR}")).to_have_attribute("data-state", "published")
    page.locator(f"#report-link-{YEAR}").click()
    page.wait_for_url(report_url)
    expect(page.locator("#edition")).to_have_attribute("data-kind", "final")
    pdf = page.request.get(page.locator("#download-pdf").get_attribute("href"))
    assert pdf.ok and pdf.headers["x-content-sha256"] == final.pdf_sha256
    context.close()


def _csrf(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
