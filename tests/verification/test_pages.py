"""The pages: forms with uploads, steps, progress, the BNBA export; access per role."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.audit.models import AuditEntry
from konvergen.registry.models import Family, Person
from konvergen.verification import services
from konvergen.verification.models import Musdes, Proposal
from tests.verification.conftest import (
    dinsos_verifier,
    evidence,
    jpeg,
    new_musdes,
    other_operator,
    pdf,
    through_ratification,
)


def test_operator_proposes_a_correction_through_the_form(personas, tiny_register):
    client = personas.client_for(personas.village_operator)
    family = Family.objects.get(source_id="P002")
    child = Person.objects.get(source_id="I0022")
    url = reverse("verification:proposal-new", kwargs={"kind": "correction"})
    page = client.get(url, {"family": family.pk})
    assert page.status_code == 200 and b"NUR HIDAYAT" in page.content
    form = page.context["form"]
    data = {name: ("" if value is None else value) for name, value in
            ((n, form[n].value()) for n in form.fields) if name not in ("reason", "evidence")}
    data.update({"address": "KP. CIBIRU RT 009", f"m{child.pk}_name": "NUR HIDAYAT S",
                 "reason": "Salah ketik", "evidence": jpeg()})
    response = client.post(f"{url}?family={family.pk}", data)
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert {(c.field, c.new_value) for c in proposal.corrections.all()} == {
        ("address", "KP. CIBIRU RT 009"), ("name", "NUR HIDAYAT S")}
    assert proposal.evidence_name == "bukti.jpg"
    # A family of another desa: not found.
    other = Family.objects.get(source_id="P003")
    assert client.get(url, {"family": other.pk}).status_code == 404


def test_upload_must_be_a_photo_or_pdf(personas, tiny_register):
    client = personas.client_for(personas.village_operator)
    family = Family.objects.get(source_id="P001")
    url = reverse("verification:proposal-new", kwargs={"kind": "deactivation"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    for upload in (SimpleUploadedFile("x.exe", b"MZ"), SimpleUploadedFile("x.pdf", b"MZ..")):
        response = client.post(f"{url}?family={family.pk}", {
            "deactivation_reason": "died", "reason": "-", "evidence": upload})
        assert response.status_code == 200 and response.context["form"].errors["evidence"]
    assert not Proposal.objects.exists()


def test_new_family_musdes_steps_and_export(personas, tiny_register):
    op = personas.client_for(personas.village_operator)
    response = op.post(reverse("verification:proposal-new", kwargs={"kind": "new"}), {
        "region_code": "32.04.05.2001", "kk_number": "3204050101100077", "head_nik": "",
        "head_name": "KOKOM KOMARIAH", "address": "KP. BOJONG RT 002",
        "members": "3204055111900007; KOKOM KOMARIAH; 1990-11-11; Kepala Keluarga",
        "roof_type": "Rumbia", "reason": "Belum terdata", "evidence": jpeg()})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.data["members"][0]["name"] == "KOKOM KOMARIAH"
    response = op.post(reverse("verification:musdes-new"), {
        "region_code": "32.04.05.2001", "held_on": "2026-02-03", "place": "Balai desa",
        "attendees_count": 30, "attendees": "Kades", "signed_by": "H. Dadang",
        "minutes": pdf()})
    assert response.status_code == 302
    musdes = Musdes.objects.get()
    op.post(reverse("verification:musdes-submit", kwargs={"musdes_id": musdes.pk}),
            {"proposal": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    assert op.get(reverse("verification:musdes-minutes",
                          kwargs={"musdes_id": musdes.pk})).status_code == 200

    step = reverse("verification:proposal-step", kwargs={"proposal_id": proposal.pk})
    tkpk = personas.client_for(personas.tkpk_bandung)
    tkpk.post(step, {"action": "ratify"})  # not yet validated: refused with a message
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    page = tkpk.get(reverse("verification:proposal", kwargs={"proposal_id": proposal.pk}))
    assert "tidak dapat" in page.content.decode()
    personas.client_for(dinsos_verifier(personas)).post(step, {"action": "validate"})
    tkpk.post(step, {"action": "ratify"})
    proposal.refresh_from_db()
    assert proposal.state == "ratified"

    progress = tkpk.get(reverse("verification:progress", kwargs={"code": "32.04.05"}))
    row = next(r for r in progress.context["rows"] if r["code"] == "32.04.05.2001")
    assert row["awaiting_new"] == 1 and row["musdes"] == 1 and row["total"] == 1
    other = next(r for r in progress.context["rows"] if r["code"] == "32.04.05.2002")
    assert other["musdes"] == 0 and other["total"] == 0

    export = tkpk.get(reverse("verification:export", kwargs={"code": "32.04"}))
    assert export.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content))
                                          ).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "Kode Desa" and len(rows) == 2
    assert rows[1][6] == "3204050101100077" and rows[1][8] == "KOKOM KOMARIAH"
    assert rows[1][-1] == "Usulan baru, menunggu penetapan nasional"
    assert "Rumbia" in rows[1][10]
    entry = AuditEntry.objects.get(action="verification.export")
    assert entry.actor == personas.tkpk_bandung and entry.changes["rows"] == 1


def _fixture(personas, tmp_path):
    p = services.proposal_create(
        kind="deactivation", region_code="32.04.05.2001",
        family=Family.objects.get(source_id="P001"), deactivation_reason="died", reason="-",
        evidence_file=evidence(tmp_path), acting_user=personas.village_operator)
    musdes = new_musdes(personas, tmp_path)
    return p, musdes


GET_PAGES = {
    # name: (kwargs, allowed)
    "verification:index": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon", "dinsos",
                                "village_operator", "other_operator"}),
    "verification:proposal": ({"proposal_id": "P"}, {"admin", "tkpk_bandung", "dinsos",
                                                     "village_operator"}),
    "verification:proposal-evidence": ({"proposal_id": "P"}, {
        "admin", "tkpk_bandung", "dinsos", "village_operator"}),
    "verification:musdes-list": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon", "dinsos",
                                      "village_operator", "other_operator"}),
    "verification:musdes": ({"musdes_id": "M"}, {"admin", "tkpk_bandung", "dinsos",
                                                 "village_operator"}),
    "verification:musdes-minutes": ({"musdes_id": "M"}, {"admin", "tkpk_bandung", "dinsos",
                                                         "village_operator"}),
    "verification:musdes-new": ({}, {"admin", "village_operator", "other_operator"}),
    "verification:proposal-new": ({"kind": "new"}, {"admin", "village_operator",
                                                    "other_operator"}),
    "verification:progress-index": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon", "dinsos",
                                         "village_operator", "other_operator", "viewer",
                                         "national"}),
    "verification:progress": ({"code": "32.04"}, {"admin", "tkpk_bandung", "dinsos",
                                                  "viewer", "national"}),
    "verification:export": ({"code": "32.04"}, {"admin", "tkpk_bandung", "dinsos"}),
}
ROLES = ["admin", "tkpk_bandung", "tkpk_cirebon", "dinsos", "dinsos_officer", "csr_partner",
         "village_operator", "other_operator", "viewer", "national", "outsider"]


def _user(personas, role):
    if role == "dinsos":
        return dinsos_verifier(personas)
    if role == "other_operator":
        return other_operator(personas)
    return getattr(personas, role)


@pytest.mark.parametrize("name", sorted(GET_PAGES))
def test_get_access_with_the_dinsos_role(personas, tiny_register, tmp_path, name):
    proposal, musdes = _fixture(personas, tmp_path)
    kwargs, allowed = GET_PAGES[name]
    kwargs = {k: {"P": proposal.pk, "M": musdes.pk}.get(v, v) for k, v in kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    for role in ROLES:
        status = personas.client_for(_user(personas, role)).get(url).status_code
        assert status == (200 if role in allowed else 404), (role, status)


def test_post_access(personas, tiny_register, tmp_path):
    """Each step by each role: only the right role in the right region moves it."""
    proposal, musdes = _fixture(personas, tmp_path)
    step = reverse("verification:proposal-step", kwargs={"proposal_id": proposal.pk})
    submit = reverse("verification:musdes-submit", kwargs={"musdes_id": musdes.pk})
    sequence = [
        (submit, {"proposal": [proposal.pk]}, "village_operator", "submitted"),
        (step, {"action": "validate"}, "dinsos", "validated"),
        (step, {"action": "ratify"}, "tkpk_bandung", "ratified"),
    ]
    for url, data, allowed, state in sequence:
        for role in ROLES:
            if role in (allowed, "admin"):
                continue
            status = personas.client_for(_user(personas, role)).post(url, data).status_code
            proposal.refresh_from_db()
            assert proposal.state != state, role
            assert status in (302, 404), (role, status)
        personas.client_for(_user(personas, allowed)).post(url, data)
        proposal.refresh_from_db()
        assert proposal.state == state
    for role in ROLES:
        for name in ("verification:musdes-new",):
            status = personas.client_for(_user(personas, role)).post(reverse(name), {})
            expected = 200 if role in ("admin", "village_operator", "other_operator") else 404
            assert status.status_code == expected, (role, name)
    # GET-only pages refuse POST.
    for name, (kwargs, _allowed) in GET_PAGES.items():
        if name in ("verification:musdes-new", "verification:proposal-new"):
            continue
        kwargs = {k: {"P": proposal.pk, "M": musdes.pk}.get(v, v) for k, v in kwargs.items()}
        assert personas.client_for(personas.admin).post(
            reverse(name, kwargs=kwargs)).status_code == 405


def test_anonymous_must_sign_in(client, personas, tiny_register, tmp_path):
    proposal, _musdes = _fixture(personas, tmp_path)
    response = client.post(reverse("verification:proposal-step",
                                   kwargs={"proposal_id": proposal.pk}), {"action": "submit"})
    assert response.status_code == 302 and "login" in response.url


def test_decision_applies_to_the_family_page(personas, tiny_register, tmp_path):
    proposal, _musdes = _fixture(personas, tmp_path)
    through_ratification(personas, tmp_path, proposal)
    page = personas.client_for(personas.tkpk_bandung).get(
        reverse("verification:proposal", kwargs={"proposal_id": proposal.pk}))
    assert b'id="proposal-applied"' in page.content
