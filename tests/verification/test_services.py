"""Proposals through their life cycle; refused steps; who may do what where."""

import pytest
from django.utils import translation

from konvergen.audit.models import AuditEntry
from konvergen.registry.models import Family, Person
from konvergen.verification import services
from konvergen.verification.models import Proposal
from tests.verification.conftest import (
    dinsos_verifier,
    evidence,
    new_musdes,
    other_operator,
    through_ratification,
)

State = Proposal.State


def _deactivation(personas, tmp_path, source_id="P001"):
    return services.proposal_create(
        kind="deactivation", region_code="32.04.05.2001",
        family=Family.objects.get(source_id=source_id), deactivation_reason="died",
        reason="Meninggal 2026-01-20, surat kematian dari desa",
        evidence_file=evidence(tmp_path), acting_user=personas.village_operator)


def test_lifecycle_deactivation_applies_at_ratification(personas, tiny_register, tmp_path):
    proposal = _deactivation(personas, tmp_path)
    assert proposal.state == State.DRAFT
    musdes = new_musdes(personas, tmp_path)
    assert musdes.kind_label == "Musdes"
    proposal = services.proposal_submit(proposal=proposal, musdes=musdes,
                                        acting_user=personas.village_operator)
    assert proposal.state == State.SUBMITTED and proposal.musdes == musdes
    proposal = services.proposal_validate(proposal=proposal, note="Sesuai",
                                          acting_user=dinsos_verifier(personas))
    assert proposal.state == State.VALIDATED
    assert Family.objects.get(source_id="P001").is_current  # not yet a decision
    proposal = services.proposal_ratify(proposal=proposal, acting_user=personas.tkpk_bandung)
    assert proposal.state == State.RATIFIED and proposal.is_applied
    family = Family.objects.get(source_id="P001")
    assert not family.is_current
    assert not Person.objects.filter(family=family, is_current=True).exists()
    assert Family.objects.get(source_id="P002").is_current
    actions = set(AuditEntry.objects.filter(object_id=str(proposal.pk),
                                            action__startswith="verification.proposal_")
                  .values_list("action", flat=True))
    assert actions == {"verification.proposal_create", "verification.proposal_submit",
                       "verification.proposal_validate", "verification.proposal_ratify"}
    assert AuditEntry.objects.filter(action="verification.musdes_create").exists()
    assert [e.to_state for e in proposal.events.all()] == [
        "draft", "submitted", "validated", "ratified"]


def test_return_and_resubmit_then_reject(personas, tiny_register, tmp_path):
    proposal = _deactivation(personas, tmp_path)
    musdes = new_musdes(personas, tmp_path)
    services.proposal_submit(proposal=proposal, musdes=musdes,
                             acting_user=personas.village_operator)
    with pytest.raises(services.VerificationError) as exc:
        services.proposal_return(proposal=proposal, note="", acting_user=dinsos_verifier(personas))
    assert exc.value.code == "note_required"
    proposal = services.proposal_return(proposal=proposal, note="Lampirkan surat kematian",
                                        acting_user=dinsos_verifier(personas))
    assert proposal.state == State.RETURNED and proposal.validation_note
    proposal = services.proposal_submit(proposal=proposal, musdes=musdes,
                                        acting_user=personas.village_operator)
    services.proposal_validate(proposal=proposal, acting_user=dinsos_verifier(personas))
    proposal = services.proposal_reject(proposal=proposal, note="Masih hidup",
                                        acting_user=personas.tkpk_bandung)
    assert proposal.state == State.REJECTED
    assert Family.objects.get(source_id="P001").is_current


@pytest.mark.parametrize("action,user", [
    ("ratify", "tkpk_bandung"), ("validate", "dinsos"), ("return", "dinsos"),
    ("reject", "tkpk_bandung")])
def test_invalid_transitions_from_draft_are_refused_in_both_languages(
        personas, tiny_register, tmp_path, action, user):
    proposal = _deactivation(personas, tmp_path)
    actor = dinsos_verifier(personas) if user == "dinsos" else getattr(personas, user)
    with pytest.raises(services.VerificationError) as exc:
        services.proposal_transition(proposal=proposal, action=action, note="x",
                                     acting_user=actor)
    assert exc.value.code == "invalid_transition"
    with translation.override("id"):
        assert "Usulan berstatus Draf tidak dapat" in exc.value.messages[0]
    with translation.override("en"):
        assert "A proposal that is Draft cannot be" in exc.value.messages[0]
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


def test_ratified_proposal_cannot_move_again(personas, tiny_register, tmp_path):
    proposal = through_ratification(personas, tmp_path, _deactivation(personas, tmp_path))
    for action in ("submit", "validate", "return", "ratify", "reject"):
        with pytest.raises(services.VerificationError):
            services.proposal_transition(
                proposal=proposal, action=action, note="x", musdes=proposal.musdes,
                acting_user=personas.admin)


def test_submit_needs_a_musdes_of_the_same_desa(personas, tiny_register, tmp_path):
    proposal = _deactivation(personas, tmp_path)
    with pytest.raises(services.VerificationError) as exc:
        services.proposal_submit(proposal=proposal, musdes=None,
                                 acting_user=personas.village_operator)
    assert exc.value.code == "musdes_required"
    elsewhere = new_musdes(personas, tmp_path, desa="32.04.05.2002",
                           user=other_operator(personas))
    with pytest.raises(services.VerificationError):
        services.proposal_submit(proposal=proposal, musdes=elsewhere,
                                 acting_user=personas.village_operator)


def test_operator_cannot_propose_for_another_desa(personas, tiny_register, tmp_path):
    wetan = Family.objects.get(source_id="P003")  # Cileunyi Wetan
    for region_code in ("32.04.05.2002", "32.04.05.2001"):
        with pytest.raises(services.VerificationError):
            services.proposal_create(
                kind="deactivation", region_code=region_code, family=wetan,
                deactivation_reason="moved", reason="Pindah", evidence_file=evidence(tmp_path),
                acting_user=personas.village_operator)
    with pytest.raises(services.VerificationError) as exc:
        new_musdes(personas, tmp_path, desa="32.04.05.2002")
    assert exc.value.code == "not_yours"
    assert not Proposal.objects.exists()


def test_steps_only_by_their_role_and_region(personas, tiny_register, tmp_path):
    proposal = _deactivation(personas, tmp_path)
    musdes = new_musdes(personas, tmp_path)
    for user in (other_operator(personas), personas.dinsos_officer, personas.tkpk_bandung):
        with pytest.raises(services.VerificationError) as exc:
            services.proposal_submit(proposal=proposal, musdes=musdes, acting_user=user)
        assert exc.value.code == "not_yours"
    services.proposal_submit(proposal=proposal, musdes=musdes,
                             acting_user=personas.village_operator)
    cirebon_dinsos = personas._make("dinsos_cirebon", "dinsos", personas.cirebon)
    for user in (personas.village_operator, personas.tkpk_bandung, cirebon_dinsos,
                 personas.dinsos_officer, personas.viewer):
        with pytest.raises(services.VerificationError) as exc:
            services.proposal_validate(proposal=proposal, acting_user=user)
        assert exc.value.code == "not_yours"
    services.proposal_validate(proposal=proposal, acting_user=dinsos_verifier(personas))
    for user in (personas.village_operator, dinsos_verifier(personas), personas.tkpk_cirebon):
        with pytest.raises(services.VerificationError) as exc:
            services.proposal_ratify(proposal=proposal, acting_user=user)
        assert exc.value.code == "not_yours"


def test_correction_keeps_only_changed_values(personas, tiny_register, tmp_path):
    family = Family.objects.get(source_id="P002")
    child = Person.objects.get(source_id="I0022")
    proposal = services.proposal_create(
        kind="correction", region_code="32.04.05.2001", family=family,
        data={"family": {"head_name": family.head_name, "address": "KP. CIBIRU RT 004 RW 002",
                         "roof_type": "Seng"},
              "members": {str(child.pk): {"name": "NUR HIDAYAT SAPUTRA",
                                          "birth_date": "2012-02-01"}}},
        reason="Alamat dan nama anak salah", evidence_file=evidence(tmp_path),
        acting_user=personas.village_operator)
    got = {(c.target, c.field): (c.old_value, c.new_value) for c in proposal.corrections.all()}
    assert got == {
        ("family", "address"): ("KP. CIBIRU RT 003 RW 002", "KP. CIBIRU RT 004 RW 002"),
        ("family", "roof_type"): ("genteng", "Seng"),
        ("person", "name"): ("NUR HIDAYAT", "NUR HIDAYAT SAPUTRA"),
    }
    with pytest.raises(services.VerificationError) as exc:
        services.proposal_create(
            kind="correction", region_code="32.04.05.2001", family=family,
            data={"family": {"head_name": "Siti  Aminah"}}, reason="-",
            evidence_file=evidence(tmp_path), acting_user=personas.village_operator)
    assert exc.value.code == "nothing_changed"
    other = Person.objects.get(source_id="I0011")  # a member of another family
    with pytest.raises(services.VerificationError) as exc:
        services.proposal_create(
            kind="correction", region_code="32.04.05.2001", family=family,
            data={"members": {str(other.pk): {"name": "X"}}}, reason="-",
            evidence_file=evidence(tmp_path), acting_user=personas.village_operator)
    assert exc.value.code == "unknown_member"
