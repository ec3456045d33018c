"""Ratified decisions stay on top of later snapshots until national data agrees."""

import datetime as dt

from konvergen.audit.models import AuditEntry
from konvergen.core import hooks
from konvergen.registry.models import Family, Person
from konvergen.verification import services
from konvergen.verification.models import Proposal
from konvergen.verification.services import apply_local_decisions_after_import
from tests.conftest import tiny_p3ke_rows
from tests.verification.conftest import evidence, import_rows, through_ratification


def _family_rows(families, members, *, drop=(), edit=None):
    edit = edit or {}
    fams = [edit.get(line.split(",")[0], lambda x: x)(line) for line in families
             if line.split(",")[0] not in drop]
    mems = [edit.get(line.split(",")[1], lambda x: x)(line) for line in members
            if line.split(",")[0] not in drop]
    return fams, mems


def test_hook_is_registered_before_welfare_and_convergence():
    funcs = [reg.func for reg in hooks.order(hooks.SNAPSHOT_STORED)]
    assert funcs[0] is apply_local_decisions_after_import
    assert len(funcs) > 1


def test_decisions_survive_new_snapshots_until_national_data_agrees(
        personas, tiny_register, tmp_path):
    dataset = tiny_register.dataset
    families, members = tiny_p3ke_rows()
    op = personas.village_operator
    p001 = Family.objects.get(source_id="P001")
    p002 = Family.objects.get(source_id="P002")
    child = Person.objects.get(source_id="I0022")
    deactivation = services.proposal_create(
        kind="deactivation", region_code="32.04.05.2001", family=p001,
        deactivation_reason="moved", reason="Pindah ke Kota Bandung",
        evidence_file=evidence(tmp_path), acting_user=op)
    correction = services.proposal_create(
        kind="correction", region_code="32.04.05.2001", family=p002,
        data={"family": {"address": "KP. CIBIRU RT 004 RW 002",
                         "kk_number": "3204050101100099"},
              "members": {str(child.pk): {"name": "NUR HIDAYAT SAPUTRA",
                                          "birth_date": "2012-02-03"}}},
        reason="Alamat, KK dan nama anak", evidence_file=evidence(tmp_path), acting_user=op)
    new = services.proposal_create(
        kind="new", region_code="32.04.05.2001", reason="Keluarga miskin belum terdata",
        data={"kk_number": "3204050101100077", "head_nik": "3204051111900007",
              "head_name": "KOKOM KOMARIAH", "address": "KP. BOJONG RT 002 RW 002",
              "members": []},
        evidence_file=evidence(tmp_path), acting_user=op)
    for p in (deactivation, correction, new):
        through_ratification(personas, tmp_path, p)

    def check_applied():
        p001.refresh_from_db()
        p002.refresh_from_db()
        child.refresh_from_db()
        assert not p001.is_current
        assert not Person.objects.filter(family=p001, is_current=True).exists()
        assert p002.is_current
        assert p002.address == "KP. CIBIRU RT 004 RW 002"
        assert p002.kk_number == "3204050101100099"
        assert child.name == "NUR HIDAYAT SAPUTRA"
        assert child.birth_date == dt.date(2012, 2, 3)

    check_applied()  # at ratification

    # A new snapshot of the same families (desil changed): the decisions still apply.
    fams, mems = _family_rows(families, members, edit={
        "P003": lambda line: line.replace(",3,Milik", ",4,Milik")})
    second = import_rows(dataset, tmp_path / "s2", fams, mems, "-2", dt.date(2026, 4, 15),
                         personas.tkpk_bandung)
    assert second.pk != tiny_register.pk
    check_applied()
    assert Family.objects.get(source_id="P003").is_current
    for p in (deactivation, correction, new):
        p.refresh_from_db()
        assert p.agreed_snapshot_id is None
    assert AuditEntry.objects.filter(action="verification.local_decisions_apply",
                                     object_id=str(second.pk)).exists()

    # A snapshot that agrees: P001 gone, P002 with the corrected values, the new family in.
    def corrected(line):
        return (line.replace("KP. CIBIRU RT 003 RW 002", "KP. CIBIRU RT 004 RW 002")
                .replace("3204050101100002", "3204050101100099"))

    fams, mems = _family_rows(families, members, drop={"P001"}, edit={
        "P002": corrected,
        "I0022": lambda line: line.replace("NUR HIDAYAT", "NUR HIDAYAT SAPUTRA").replace(
            "01-02-2012", "03-02-2012")})
    kab = "JAWA BARAT,KABUPATEN BANDUNG,CILEUNYI"
    house = families[0].split(",", 10)[10]  # desil, housing and programme flags
    fams.append(f"P004,{kab},CILEUNYI KULON,3204052001,KP. BOJONG RT 002 RW 002,"
                f"3204050101100077,KOKOM KOMARIAH,3204051111900007,{house}")
    mems.append("P004,I0041,KOKOM KOMARIAH,3204055111900007,Ya,Perempuan,Kepala Keluarga,"
                "11-11-1990,Cerai Hidup,Buruh,SD")
    third = import_rows(dataset, tmp_path / "s3", fams, mems, "-3", dt.date(2026, 7, 15),
                        personas.tkpk_bandung)
    for p in (deactivation, correction, new):
        p.refresh_from_db()
        assert p.agreed_snapshot_id == third.pk, p
        assert not p.is_applied
    assert new.family == Family.objects.get(source_id="P004")
    assert new.family.is_current
    check_applied()  # national data now says the same

    # No longer applied: a later snapshot that holds P001 again makes it current again,
    # and its own values for P002 stand.
    fams, mems = _family_rows(families, members, edit={
        "P002": lambda line: corrected(line).replace("RT 004", "RT 005")})
    import_rows(dataset, tmp_path / "s4", fams, mems, "-4", dt.date(2026, 10, 15),
                personas.tkpk_bandung)
    p001.refresh_from_db()
    p002.refresh_from_db()
    assert p001.is_current
    assert p002.address == "KP. CIBIRU RT 005 RW 002"
    assert Proposal.objects.filter(agreed_snapshot=third).count() == 3


def test_correction_partly_agreed_stays_applied(personas, tiny_register, tmp_path):
    families, members = tiny_p3ke_rows()
    p002 = Family.objects.get(source_id="P002")
    proposal = services.proposal_create(
        kind="correction", region_code="32.04.05.2001", family=p002,
        data={"family": {"address": "KP. CIBIRU RT 004 RW 002", "head_name": "SITI AMINAH S"}},
        reason="-", evidence_file=evidence(tmp_path), acting_user=personas.village_operator)
    through_ratification(personas, tmp_path, proposal)
    fams = [line.replace("KP. CIBIRU RT 003", "KP. CIBIRU RT 004") for line in families]
    import_rows(tiny_register.dataset, tmp_path / "s2", fams, members, "-2",
                dt.date(2026, 4, 15), personas.tkpk_bandung)
    proposal.refresh_from_db()
    p002.refresh_from_db()
    assert proposal.agreed_snapshot_id is None
    assert p002.head_name == "SITI AMINAH S"


def test_decisions_are_applied_set_wise(personas, tiny_register, tmp_path,
                                        django_assert_max_num_queries):
    for source_id in ("P001", "P002"):
        p = services.proposal_create(
            kind="deactivation", region_code="32.04.05.2001",
            family=Family.objects.get(source_id=source_id), deactivation_reason="died",
            reason="-", evidence_file=evidence(tmp_path), acting_user=personas.village_operator)
        through_ratification(personas, tmp_path, p)
    with django_assert_max_num_queries(20):
        services.local_decisions_apply(dataset=tiny_register.dataset, snapshot=tiny_register)
