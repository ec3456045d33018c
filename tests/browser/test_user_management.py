"""The secretariat of Kabupaten Bandung invites a Dinas Sosial officer in the browser; the
officer opens the invitation link in a fresh browser, sets a password and signs in."""

from playwright.sync_api import expect

from konvergen.accounts.models import RoleAssignment, User
from tests.browser.conftest import login, screenshot

NEW_PASSWORD = "Sandi-Petugas-2026!"


def test_the_secretariat_invites_an_agency_officer_who_then_signs_in(
        live_personas, browser, live_server):
    secretariat = live_personas.tkpk_bandung
    dinsos = live_personas.dinsos
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    login(page, secretariat.username, live_personas.PASSWORD)
    page.get_by_role("link", name="Pengguna").click()
    page.wait_for_url("**/accounts/users/")
    page.locator("#invite").click()
    form = page.locator("#invite-form")
    form.locator("input[name=username]").fill("petugas_dinsos")
    form.locator("input[name=full_name]").fill("Rina Petugas")
    form.locator("input[name=email]").fill("rina@example.org")
    form.locator("select[name=role]").select_option("agency")
    form.locator("input[name=region]").fill("32.04")
    form.locator("select[name=organisation]").select_option(str(dinsos.pk))
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/accounts/users/*/")
    expect(page.locator("#user-state")).to_have_attribute("data-state", "invited")
    link = page.locator("#invitation-link").input_value()
    assert "/accounts/invitation/" in link
    screenshot(page, "user-invited")
    context.close()

    invitee = User.objects.get(username="petugas_dinsos")
    assignment = RoleAssignment.objects.get(user=invitee)
    assert (assignment.role, assignment.region_id, assignment.organisation_id) == (
        "agency", "32.04", dinsos.pk)

    # The officer, in a browser of their own.
    fresh = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = fresh.new_page()
    page.goto(link)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.locator("#invitation-form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")
    login(page, "petugas_dinsos", NEW_PASSWORD)
    expect(page.locator("#logout")).to_contain_text("petugas_dinsos")
    # The link worked once.
    page.goto(link)
    expect(page.locator("#invalid-link")).to_be_visible()
    fresh.close()
