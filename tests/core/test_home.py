"""The home page: what needs each user now, from the panels the apps register; a failing
panel does not take the page down."""

import re

import pytest
from django.urls import reverse

from konvergen.core import home
from konvergen.verification.models import Proposal


def _proposal(personas, state):
    return Proposal.objects.create(kind=Proposal.Kind.NEW, state=state,
                                   region_code="32.04.05.2001", reason="Keluarga baru",
                                   evidence_file="bukti.pdf", created_by=personas.admin)


def _todo(client) -> dict[str, str]:
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    html = page.content.decode()
    return dict(re.findall(r'<a href="[^"]+">([^<]+)</a>: <strong data-count="(\d+)">', html))


def test_each_role_sees_the_step_waiting_for_it(personas):
    _proposal(personas, Proposal.State.SUBMITTED)
    _proposal(personas, Proposal.State.SUBMITTED)
    _proposal(personas, Proposal.State.VALIDATED)
    _proposal(personas, Proposal.State.RETURNED)
    verifier = personas._make("verifikator_dinsos", "dinsos", personas.bandung)
    dinsos = _todo(personas.client_for(verifier))
    assert dinsos.get("Usulan desa untuk divalidasi") == "2"
    tkpk = _todo(personas.client_for(personas.tkpk_bandung))
    assert tkpk.get("Usulan tervalidasi untuk ditetapkan") == "1"
    village = _todo(personas.client_for(personas.village_operator))
    assert village.get("Usulan yang dikembalikan kepada Anda") == "1"
    # Another kab/kota's secretariat has nothing of Bandung's waiting.
    other = personas.client_for(personas.tkpk_cirebon).get(reverse("core:home"))
    assert b'id="home-nothing"' in other.content


def test_a_failing_panel_is_named_and_the_page_still_answers(personas):
    def broken(_user):
        raise RuntimeError("boom")

    home.register("broken", broken, order=99)
    try:
        page = personas.client_for(personas.tkpk_bandung).get(reverse("core:home"))
        assert page.status_code == 200
        assert b'id="home-failed"' in page.content and b"broken" in page.content
    finally:
        home._PANELS.pop("broken")


def test_items_without_work_are_left_out():
    home.register("empty", lambda _u: [home.Item("Nothing", "/", 0),
                                       home.Item("Figure", "/", None, tone=home.FIGURE)],
                  order=99)
    try:
        items, failed = home.items_for(object())
    finally:
        home._PANELS.pop("empty")
    labels = [i.label for i in items]
    assert "Nothing" not in labels and "Figure" in labels and "empty" not in failed


@pytest.mark.parametrize("role", ["tkpk_chair", "agency_head", "csr_partner", "viewer",
                                  "national", "outsider", "admin"])
def test_every_role_gets_its_home_page(personas, role):
    page = personas.client_for(getattr(personas, role)).get(reverse("core:home"))
    assert page.status_code == 200 and b'id="home-failed"' not in page.content


def test_a_failed_background_job_is_shown_to_the_secretariat(personas):
    from django.utils import timezone

    from konvergen.core.models import Job

    Job.objects.create(kind="convergence.refresh", func="x.y", region_code="32.04",
                       status=Job.Status.FAILED, finished_at=timezone.now(), error="boom")
    page = personas.client_for(personas.tkpk_bandung).get(reverse("core:home"))
    assert "Proses latar belakang gagal: convergence.refresh, 32.04" in page.content.decode()
    other = personas.client_for(personas.tkpk_cirebon).get(reverse("core:home"))
    assert b"convergence.refresh" not in other.content
