"""A village proposal through musdes, Dinsos validation and TKPK ratification in a real
browser; the decision still holds after the next register snapshot."""

import datetime as dt

from playwright.sync_api import expect

from konvergen.registry.models import Family
from konvergen.registry.services import dataset_get_or_create, register_import
from tests.browser.conftest import login, screenshot
from tests.conftest import tiny_p3ke_rows, write_p3ke

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.4\n% berita acara musdes\n"


def _as(browser, live_server, user, password):
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    login(page, user.username, password)
    return context, page


def test_village_proposal_to_ratified_decision_survives_a_new_snapshot(
        live_personas, browser, live_server, tmp_path):
    families, members = tiny_p3ke_rows()
    dataset = dataset_get_or_create(source="p3ke", region=live_personas.bandung)
    fam, mem = write_p3ke(tmp_path, families, members, "-1")
    register_import(dataset=dataset, families_path=fam, members_path=mem,
                    snapshot_date=dt.date(2026, 1, 15), acting_user=live_personas.admin)
    password = live_personas.PASSWORD
    operator = live_personas.village_operator
    verifier = live_personas._make("verifikator_dinsos", "dinsos", live_personas.bandung)
    secretariat = live_personas.tkpk_bandung
    photo, minutes = tmp_path / "surat-kematian.jpg", tmp_path / "berita-acara.pdf"
    photo.write_bytes(JPEG)
    minutes.write_bytes(PDF)

    # The village operator proposes to deactivate a family of their desa.
    context, page = _as(browser, live_server, operator, password)
    page.goto("/verification/")
    row = page.locator("#families tr[data-family=P001]")
    expect(page.locator("#families tr[data-family=P003]")).to_have_count(0)  # other desa
    row.locator("a.propose-deactivation").click()
    expect(page.locator("h1")).to_have_text("Penonaktifan")
    page.select_option("select[name=deactivation_reason]", "died")
    page.fill("textarea[name=reason]", "Kepala keluarga meninggal 20 Januari 2026")
    page.set_input_files("input[name=evidence]", str(photo))
    page.get_by_role("button", name="Simpan sebagai draf").click()
    expect(page.locator("#proposal-state")).to_have_text("Draf")
    proposal_url = page.url

    # The musdes that agreed it, with its berita acara; the draft is submitted in it.
    page.goto("/verification/musdes/new/")
    page.fill("input[name=held_on]", "2026-02-03")
    page.fill("input[name=place]", "Balai Desa Cileunyi Kulon")
    page.fill("input[name=attendees_count]", "32")
    page.fill("textarea[name=attendees]", "Kepala Desa\nKetua BPD\nPendamping PKH")
    page.fill("input[name=signed_by]", "H. Dadang Sutisna")
    page.set_input_files("input[name=minutes]", str(minutes))
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#musdes-title")).to_contain_text("Musdes Cileunyi Kulon")
    page.locator("#musdes-submit").get_by_role("button", name="Ajukan").click()
    expect(page.locator("#musdes-proposals")).to_contain_text("Diajukan")
    screenshot(page, "musdes-proposals-submitted")
    context.close()

    # Dinsos validates it.
    context, page = _as(browser, live_server, verifier, password)
    page.goto(proposal_url)
    expect(page.locator("#proposal-state")).to_have_text("Diajukan")
    expect(page.locator("#step-ratify")).to_have_count(0)
    page.fill("textarea[name=note]", "Surat kematian sesuai")
    page.locator("#step-validate").click()
    expect(page.locator("#proposal-state")).to_have_text("Divalidasi")
    context.close()

    # The secretariat ratifies it: the family leaves the current register at once.
    context, page = _as(browser, live_server, secretariat, password)
    page.goto(proposal_url)
    page.locator("#step-ratify").click()
    expect(page.locator("#proposal-state")).to_contain_text("Disahkan")
    expect(page.locator("#proposal-applied")).to_be_visible()
    assert not Family.objects.get(source_id="P001").is_current

    # A new national snapshot still holds the family: the local decision stays applied.
    fams = [line.replace(",3,Milik", ",4,Milik") for line in families]
    fam, mem = write_p3ke(tmp_path, fams, members, "-2")
    register_import(dataset=dataset, families_path=fam, members_path=mem,
                    snapshot_date=dt.date(2026, 4, 15), acting_user=secretariat)
    page.goto(proposal_url)
    expect(page.locator("#proposal-applied")).to_be_visible()
    expect(page.locator("#events")).not_to_contain_text("Sudah sesuai data nasional")
    page.goto("/verification/progress/32.04.05/")
    expect(page.locator("#progress tr[data-code='32.04.05.2001'] .musdes")).to_contain_text("ya")
    expect(page.locator("#progress tr[data-code='32.04.05.2002'] .musdes")).to_have_text("belum")
    screenshot(page, "musdes-progress")
    context.close()

    context, page = _as(browser, live_server, operator, password)
    page.goto("/verification/")
    expect(page.locator("#families tr[data-family=P001]")).to_have_count(0)
    expect(page.locator("#families tr[data-family=P002]")).to_have_count(1)
    expect(page.locator("#proposals tr[data-state=ratified]")).to_have_count(1)
    context.close()
