"""Fixtures of village verification: a Dinsos verifier, evidence files, a register."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n% berita acara\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def pdf(name="berita-acara.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def jpeg(name="bukti.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def dinsos_verifier(personas):
    """The social office's verifier of Kabupaten Bandung (Role.DINSOS)."""
    return personas._make("verifikator_dinsos", "dinsos", personas.bandung)


def other_operator(personas):
    return personas._make("operator_cileunyi_wetan", "village", personas.cileunyi_wetan)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


def import_rows(dataset, folder, families, members, tag, date, user):
    from konvergen.registry.services import register_import
    from tests.conftest import write_p3ke

    fam, mem = write_p3ke(folder, families, members, tag)
    return register_import(dataset=dataset, families_path=fam, members_path=mem,
                           snapshot_date=date, acting_user=user).snapshot


def evidence(tmp_path, name="bukti.jpg"):
    path = tmp_path / name
    path.write_bytes(JPEG)
    return str(path)


def new_musdes(personas, tmp_path, desa="32.04.05.2001", user=None):
    from konvergen.verification.services import musdes_create

    minutes = tmp_path / "ba.pdf"
    minutes.write_bytes(PDF)
    return musdes_create(region_code=desa, held_on=dt.date(2026, 2, 3), place="Balai desa",
                         attendees_count=25, attendees="Kades\nBPD", minutes_file=str(minutes),
                         signed_by="H. Dadang", acting_user=user or personas.village_operator)


def through_ratification(personas, tmp_path, proposal):
    """Submit in a musdes, validate (Dinsos) and ratify (TKPK) a draft proposal."""
    from konvergen.verification import services

    musdes = new_musdes(personas, tmp_path, desa=proposal.region_code)
    services.proposal_submit(proposal=proposal, musdes=musdes,
                             acting_user=personas.village_operator)
    services.proposal_validate(proposal=proposal, acting_user=dinsos_verifier(personas))
    return services.proposal_ratify(proposal=proposal, acting_user=personas.tkpk_bandung)
