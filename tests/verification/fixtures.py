"""Objects the shared permission matrix (tests/web/test_permission_matrix.py) needs for the
verification pages: a draft proposal and a musdes of Cileunyi Kulon."""


def matrix_objects(personas, tmp_path) -> dict:
    import datetime as dt

    from konvergen.registry.models import Family
    from konvergen.verification import services

    folder = tmp_path / "verification"
    folder.mkdir(exist_ok=True)
    (folder / "bukti.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    (folder / "ba.pdf").write_bytes(b"%PDF-1.4\n")
    operator = personas.village_operator
    proposal = services.proposal_create(
        kind="deactivation", region_code="32.04.05.2001",
        family=Family.objects.get(source_id="P001"), deactivation_reason="moved",
        reason="Pindah", evidence_file=str(folder / "bukti.jpg"), acting_user=operator)
    musdes = services.musdes_create(
        region_code="32.04.05.2001", held_on=dt.date(2026, 2, 3), place="Balai desa",
        attendees_count=20, attendees="", minutes_file=str(folder / "ba.pdf"),
        signed_by="Kepala Desa", acting_user=operator)
    return {"PROPOSAL": proposal.pk, "MUSDES": musdes.pk}
