"""The planning chain in a real browser: the secretariat sets a P0 target with its plan
document; Dinas Sosial writes its 2026 action plan (RAT) and reports TW I; the report goes
submit → return (with a comment) → fix → submit → verify → approve, and is then locked."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from konvergen.plans.models import Realisation
from konvergen.targets.models import Indicator, Target
from tests.browser.conftest import login, screenshot

RETURN_NOTE = "Realisasi Rp melebihi rencana TW I, mohon diperbaiki"


def _as(browser, live_server, user, password):
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    login(page, user.username, password)
    return context, page


def _number(value: str):
    """An input's value as Django renders a Decimal: 20 may read 20.00."""
    return re.compile(rf"^{re.escape(value)}(\.0+)?$")


def _state(page, selector: str, state: str) -> None:
    expect(page.locator(selector)).to_have_attribute("data-state", state)


def test_target_then_action_plan_through_signoff_to_a_locked_report(
        live_personas, browser, live_server):
    password = live_personas.PASSWORD
    secretariat = live_personas.tkpk_bandung
    officer = live_personas.dinsos_officer
    head = live_personas.agency_head
    chair = live_personas.tkpk_chair

    # 1. The secretariat loads the catalogue, records its RPJMD and sets P0 2026 → 6.0 %.
    context, page = _as(browser, live_server, secretariat, password)
    page.goto("/targets/")
    if not Indicator.objects.filter(code="p0").exists():
        page.locator("#catalogue-load").click()
        page.wait_for_url("**/targets/")
    assert Indicator.objects.filter(code="p0").exists()
    page.goto("/targets/region/32.04/documents/new/")
    form = page.locator("#document-form")
    form.locator("select[name=kind]").select_option("rpjmd")
    form.locator("input[name=number]").fill("Perda 5/2025")
    form.locator("input[name=title]").fill("RPJMD Kabupaten Bandung 2025-2029")
    form.locator("input[name=year_start]").fill("2025")
    form.locator("input[name=year_end]").fill("2029")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/targets/region/32.04/documents/")

    page.goto("/targets/region/32.04/indicator/p0/")
    page.locator("#set-target").click()
    page.wait_for_url("**/indicator/p0/target/")
    form = page.locator("#target-form")
    form.locator("input[name=baseline_year]").fill("2024")
    form.locator("input[name=baseline_value]").fill("6.71")
    form.locator("input[name=y2026]").fill("6.0")
    form.locator("input[name=note]").fill("Sesuai RPJMD")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/targets/region/32\.04/indicator/p0/$"))
    expect(page.locator("#series tr[data-year='2026'] .target")).to_have_text(
        re.compile(r"^\s*6[,.]00?\s*$"))
    expect(page.locator("#history")).to_contain_text(secretariat.username)
    expect(page.locator("#history")).to_contain_text("Sesuai RPJMD")
    target = Target.objects.get(indicator__code="p0", region_id="32.04", year=2026)
    assert target.value == 6.0 and target.document.kind == "rpjmd"
    screenshot(page, "planning-p0-target")
    context.close()

    # 2. The Dinsos officer creates the 2026 RAT, adds an item and enters TW I.
    context, page = _as(browser, live_server, officer, password)
    page.goto("/plans/?year=2026")
    page.locator("#new-plan").click()
    form = page.locator("#plan-form")
    expect(form.locator("input[name=year]")).to_have_value("2026")
    form.locator("select[name=organisation]").select_option(str(live_personas.dinsos.pk))
    page.locator("#plan-create").click()
    page.wait_for_url(re.compile(r".*/plans/\d+/$"))
    plan_url = page.url
    plan_id = int(re.search(r"/plans/(\d+)/$", plan_url).group(1))
    _state(page, "#plan-state", "draft")

    page.locator("#item-new").click()
    page.wait_for_url("**/items/new/")
    fields = {
        "goal": "Menurunnya beban pengeluaran keluarga miskin",
        "programme_code": "1.06.04",
        "programme_name": "Program Rehabilitasi Sosial",
        "activity_code": "1.06.04.2.01",
        "activity_name": "Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar",
        "sub_activity_code": "1.06.04.2.01.0003",
        "sub_activity_name": "Pemberian Permakanan",
        "indicator": "Jumlah keluarga penerima permakanan",
        "unit": "keluarga",
        "target_k": "100", "target_rp": "200000000",
        "q1_k": "25", "q2_k": "25", "q3_k": "25", "q4_k": "25",
        "q1_rp": "50000000", "q2_rp": "50000000", "q3_rp": "50000000", "q4_rp": "50000000",
        "beneficiaries": "100",
    }
    for name, value in fields.items():
        page.locator(f"#item-{name}").fill(value)
    page.locator("#item-strategy").select_option("burden")
    page.locator("#item-sector").select_option("food")
    page.locator("#item-expenditure_tag").select_option("direct")
    page.locator("#item-funding_source").select_option("apbd_regency")
    page.locator("#item-save").click()
    page.wait_for_url(plan_url)
    rows = page.locator("#items tbody tr[id^=item-]")
    expect(rows).to_have_count(1)
    item_id = int(rows.first.get_attribute("id").removeprefix("item-"))
    expect(rows.first).to_contain_text("1.06.04.2.01.0003")

    page.locator("#quarter-link-1").click()
    report_url = f"{live_server.url}/plans/{plan_id}/quarter/1/"
    page.wait_for_url(report_url)
    _state(page, "#report-state", "draft")
    page.locator(f"#k-{item_id}").fill("20")
    page.locator(f"#rp-{item_id}").fill("60000000")
    page.locator("#report-drivers").fill("Data penerima sudah padan dengan P3KE")
    page.locator("#report-save").click()
    page.wait_for_url(report_url)
    expect(page.locator(f"#k-{item_id}")).to_have_value(_number("20"))
    expect(page.locator(f"#rp-{item_id}")).to_have_value(_number("60000000"))
    expect(page.locator(f"#cum-k-{item_id}")).to_have_text("20")
    # The officer may edit but not sign off.
    expect(page.locator("#report-step-submit")).to_have_count(0)
    context.close()

    # 3. The agency head submits TW I, which submits the plan with it.
    context, page = _as(browser, live_server, head, password)
    page.goto(report_url)
    page.locator("#report-step-submit").click()
    page.wait_for_url(report_url)
    _state(page, "#report-state", "submitted")
    _state(page, "#plan-state", "submitted")
    expect(page.locator("#lock-banner")).to_be_visible()
    expect(page.locator(f"#k-{item_id}")).to_have_count(0)
    context.close()

    # 4. The secretariat returns TW I with a comment.
    context, page = _as(browser, live_server, secretariat, password)
    page.goto(report_url)
    expect(page.locator("#report-step-approve")).to_have_count(0)
    page.locator("#report-step-return").click()  # without a comment: refused
    page.wait_for_url(report_url)
    _state(page, "#report-state", "submitted")
    page.locator("#report-step-note").fill(RETURN_NOTE)
    page.locator("#report-step-return").click()
    page.wait_for_url(report_url)
    _state(page, "#report-state", "returned")
    _state(page, "#plan-state", "submitted")  # returning a quarter returns only the quarter
    context.close()

    # The officer sees the comment and fixes the realisation.
    context, page = _as(browser, live_server, officer, password)
    page.goto(report_url)
    _state(page, "#report-state", "returned")
    expect(page.locator("#return-banner")).to_contain_text(RETURN_NOTE)
    expect(page.locator(f"#rp-{item_id}")).to_have_value(_number("60000000"))
    page.locator(f"#k-{item_id}").fill("25")
    page.locator(f"#rp-{item_id}").fill("48500000")
    page.locator("#report-save").click()
    page.wait_for_url(report_url)
    expect(page.locator(f"#k-{item_id}")).to_have_value(_number("25"))
    expect(page.locator(f"#rp-{item_id}")).to_have_value(_number("48500000"))
    # Against the annual target, and against the quarterly targets to date (25 K, Rp 50 jt).
    expect(page.locator(f"#pct-k-{item_id}")).to_have_text("25,00")
    expect(page.locator(f"#q-pct-k-{item_id}")).to_have_text("100,00")
    expect(page.locator(f"#q-pct-rp-{item_id}")).to_have_text("97,00")
    expect(page.locator("#realisation thead")).not_to_contain_text("Achievement")
    context.close()

    # The head submits again; the secretariat verifies (the plan is verified with it).
    context, page = _as(browser, live_server, head, password)
    page.goto(report_url)
    page.locator("#report-step-submit").click()
    page.wait_for_url(report_url)
    _state(page, "#report-state", "submitted")
    context.close()

    context, page = _as(browser, live_server, secretariat, password)
    page.goto(report_url)
    page.locator("#report-step-verify").click()
    page.wait_for_url(report_url)
    _state(page, "#report-state", "verified")
    _state(page, "#plan-state", "verified")
    context.close()

    # 5. The chair approves: the report (and the plan) are locked.
    context, page = _as(browser, live_server, chair, password)
    page.goto(report_url)
    expect(page.locator("#report-step-verify")).to_have_count(0)
    page.locator("#report-step-approve").click()
    page.wait_for_url(report_url)
    _state(page, "#report-state", "approved")
    _state(page, "#plan-state", "approved")
    expect(page.locator("#report-step")).to_have_count(0)
    screenshot(page, "planning-report-approved")
    context.close()

    context, page = _as(browser, live_server, officer, password)
    page.goto(report_url)
    _state(page, "#report-state", "approved")
    expect(page.locator("#lock-banner")).to_be_visible()
    expect(page.locator(f"#k-{item_id}")).to_have_count(0)
    expect(page.locator(f"#rp-{item_id}")).to_have_count(0)
    expect(page.locator("#realisation input")).to_have_count(0)
    expect(page.locator("#report-save")).to_have_count(0)
    expect(page.locator("#evidence-form")).to_have_count(0)
    expect(page.locator(f"#line-{item_id}")).to_contain_text("25")

    # A crafted POST is refused by the service: nothing changes.
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(report_url, form={
        "csrfmiddlewaretoken": csrf, "action": "save", f"k_{item_id}": "99",
        f"rp_{item_id}": "1", "drivers": "", "obstacles": "", "follow_up": ""},
        headers={"Referer": report_url}, max_redirects=0)
    assert response.status == 200  # re-rendered with the error, not a redirect
    realisation = Realisation.objects.get(report__plan_id=plan_id, report__quarter=1,
                                          item_id=item_id)
    assert (realisation.k, realisation.rp) == (Decimal("25"), Decimal("48500000"))

    # Nor may the officer touch the approved plan's items.
    page.goto(plan_url)
    _state(page, "#plan-state", "approved")
    expect(page.locator("#item-new")).to_have_count(0)
    expect(page.locator(f"#item-edit-{item_id}")).to_have_count(0)

    # The history lists every step, who took it and the comment.
    page.goto(report_url)
    history = page.locator("#history tbody tr[data-action]")
    steps = [(r.get_attribute("data-of"), r.get_attribute("data-action"),
              r.get_attribute("data-actor")) for r in history.all()]
    assert sorted(steps) == sorted([
        ("plan", "submit", head.username), ("q1", "submit", head.username),
        ("q1", "return", secretariat.username),
        ("q1", "submit", head.username),
        ("q1", "verify", secretariat.username), ("plan", "verify", secretariat.username),
        ("q1", "approve", chair.username), ("plan", "approve", chair.username),
    ]), steps
    q1 = [s for s in steps if s[0] == "q1"]
    assert [s[1] for s in q1] == ["submit", "return", "submit", "verify", "approve"]
    returned = page.locator("#history tr[data-action=return]")
    expect(returned.locator(".note")).to_have_text(RETURN_NOTE)
    expect(returned).to_have_attribute("data-state", "returned")
    screenshot(page, "planning-report-locked")
    context.close()
