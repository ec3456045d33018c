"""The meetings app's rows of the permission matrix (see ``test_permission_matrix``): GET rows
(url name -> (kwargs, roles that get HTTP 200)), POST rows (roles whose request gets through
the access check, or ``"405"``), POST-only names, and the objects their kwargs name.

The TKPK meetings of Kabupaten Bandung: the secretariat records, edits and deletes them;
the TKPK chair, leadership viewers and the national coordinator read them. Agencies,
partners, village operators and other regions' secretariats do not see them (the Cirebon
secretariat opens the index, of its own region)."""

READERS = {"admin", "tkpk_bandung", "tkpk_chair", "viewer", "national"}
WITH_FEATURE = READERS | {"tkpk_cirebon"}
SECRETARIAT = {"admin", "tkpk_bandung"}
REGION = {"code": "32.04", "year": 2026}
MEETING = {"meeting_id": "MEETING"}

MATRIX: dict = {
    "meetings:index": ({}, WITH_FEATURE),
    "meetings:region": (REGION, READERS),
    "meetings:new": ({"code": "32.04"}, SECRETARIAT),
    "meetings:detail": (MEETING, READERS),
    "meetings:edit": (MEETING, SECRETARIAT),
    "meetings:minutes": (MEETING, READERS),
}
POST_MATRIX: dict = {
    "meetings:index": ({}, "405"),
    "meetings:region": (REGION, "405"),
    "meetings:new": ({"code": "32.04"}, SECRETARIAT),
    "meetings:detail": (MEETING, "405"),
    "meetings:edit": (MEETING, SECRETARIAT),
    "meetings:delete": (MEETING, SECRETARIAT),
    "meetings:minutes": (MEETING, "405"),
}
NOT_GET: set = {"meetings:delete"}


def matrix_objects(personas, tmp_path) -> dict:
    """A coordination meeting of Kabupaten Bandung in 2026 with its minutes (written to
    ``tmp_path``). An empty post deletes nothing: the delete form must confirm."""
    import datetime as dt

    from konvergen.meetings import services

    folder = tmp_path / "meeting-minutes"
    folder.mkdir(parents=True, exist_ok=True)
    minutes = folder / "notulen.pdf"
    minutes.write_bytes(b"%PDF-1.4 notulen")
    meeting = services.meeting_create(
        region=personas.bandung, acting_user=personas.tkpk_bandung, minutes_path=minutes,
        organisations=[personas.dinsos],
        data={"held_on": dt.date(2026, 4, 22), "kind": "coordination",
              "title": "Rapat Koordinasi Triwulan I", "decisions": "Percepatan RTLH",
              "attendees": 35})
    return {"MEETING": meeting.pk}
