"""Recording the TKPK's meetings: the secretariat records, changes and deletes them, each
write audited in its transaction; others may not, and bad input is refused with a message
naming the field. Reading follows the user's scope."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from konvergen.audit.models import AuditEntry
from konvergen.meetings import selectors, services
from konvergen.meetings.models import Meeting
from konvergen.meetings.services import MeetingError
from konvergen.organisations.models import Organisation
from tests.meetings.fixtures import YEAR, held_meetings

DATA = {"held_on": dt.date(YEAR, 4, 22), "kind": "coordination",
        "title": "  Rapat Koordinasi Triwulan I ", "agenda": "1. Realisasi TW I",
        "decisions": "Percepatan RTLH", "attendees": 35, "chaired_by": "Sekda"}


def _audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_the_secretariat_records_a_meeting_and_the_audit_log_says_so(personas, tmp_path):
    minutes = tmp_path / "notulen.pdf"
    minutes.write_bytes(b"%PDF-1.4")
    meeting = services.meeting_create(
        region=personas.bandung, data=DATA, organisations=[personas.csr, personas.dinsos],
        minutes_path=minutes, acting_user=personas.tkpk_bandung)

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.title, meeting.kind, meeting.attendees) == (
        "Rapat Koordinasi Triwulan I", "coordination", 35)
    assert set(meeting.organisations.all()) == {personas.csr, personas.dinsos}
    assert meeting.minutes_file == str(minutes) and meeting.minutes_name == "notulen.pdf"
    assert meeting.created_by == personas.tkpk_bandung
    [entry] = _audit("meetings.create")
    assert entry.actor == personas.tkpk_bandung and entry.region_code == "32.04"
    assert entry.object_id == str(meeting.pk)
    assert entry.changes["title"] == "Rapat Koordinasi Triwulan I"
    assert entry.changes["held_on"] == f"{YEAR}-04-22"
    assert entry.changes["organisations"] == sorted([personas.csr.pk, personas.dinsos.pk])
    assert entry.changes["minutes"] == "notulen.pdf"


def test_a_change_is_audited_with_what_changed_and_no_change_writes_nothing(personas):
    meeting = services.meeting_create(region=personas.bandung, data=DATA,
                                      organisations=[personas.dinsos],
                                      acting_user=personas.tkpk_bandung)
    services.meeting_update(meeting=meeting, data={**DATA, "attendees": 36,
                                                   "kind": "plenary"},
                            organisations=[personas.csr], acting_user=personas.admin)
    [entry] = _audit("meetings.update")
    assert entry.actor == personas.admin
    assert entry.changes == {"attendees": [35, 36], "kind": ["coordination", "plenary"],
                             "organisations": {"added": [personas.csr.pk],
                                               "removed": [personas.dinsos.pk]}}
    meeting.refresh_from_db()
    assert meeting.updated_by == personas.admin
    assert list(meeting.organisations.all()) == [personas.csr]

    services.meeting_update(meeting=meeting, data={**DATA, "attendees": 36,
                                                   "kind": "plenary"},
                            organisations=[personas.csr], acting_user=personas.admin)
    assert len(_audit("meetings.update")) == 1


def test_new_minutes_replace_the_old_and_can_be_removed(personas, tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    meeting = services.meeting_create(region=personas.bandung, data=DATA, minutes_path=first,
                                      acting_user=personas.tkpk_bandung)
    services.meeting_update(meeting=meeting, data=DATA, minutes_path=second,
                            acting_user=personas.tkpk_bandung)
    services.meeting_update(meeting=meeting, data=DATA, remove_minutes=True,
                            acting_user=personas.tkpk_bandung)
    assert [e.changes["minutes"] for e in _audit("meetings.update")] == [
        ["a.pdf", "b.pdf"], ["b.pdf", ""]]
    meeting.refresh_from_db()
    assert (meeting.minutes_file, meeting.minutes_name) == ("", "")


def test_a_deleted_meeting_lives_on_in_the_audit_log(personas):
    meeting = services.meeting_create(region=personas.bandung, data=DATA,
                                      organisations=[personas.dinsos],
                                      acting_user=personas.tkpk_bandung)
    pk = meeting.pk
    services.meeting_delete(meeting=meeting, acting_user=personas.tkpk_bandung)
    assert not Meeting.objects.filter(pk=pk).exists()
    [entry] = _audit("meetings.delete")
    assert entry.object_id == str(pk) and entry.region_code == "32.04"
    assert entry.changes["title"] == "Rapat Koordinasi Triwulan I"
    assert entry.changes["organisations"] == [personas.dinsos.pk]


@pytest.mark.parametrize("who", ["tkpk_chair", "viewer", "national", "dinsos_officer",
                                 "tkpk_cirebon", "village_operator", "outsider"])
def test_only_the_secretariat_of_the_region_and_administrators_record_meetings(personas, who):
    user = getattr(personas, who)
    with pytest.raises(MeetingError) as refused:
        services.meeting_create(region=personas.bandung, data=DATA, acting_user=user)
    assert refused.value.code == "not_yours"
    meeting = services.meeting_create(region=personas.bandung, data=DATA,
                                      acting_user=personas.tkpk_bandung)
    with pytest.raises(MeetingError):
        services.meeting_update(meeting=meeting, data={**DATA, "title": "Lain"},
                                acting_user=user)
    with pytest.raises(MeetingError):
        services.meeting_delete(meeting=meeting, acting_user=user)
    assert Meeting.objects.get(pk=meeting.pk).title == "Rapat Koordinasi Triwulan I"
    assert not _audit("meetings.update") and not _audit("meetings.delete")


def test_a_province_secretariat_records_the_province_meetings_not_a_desa(personas):
    from konvergen.accounts.services import role_assignment_create, user_create

    province = personas.bandung.parent
    secretariat = user_create(username="tkpk_jabar", password=personas.PASSWORD)
    role_assignment_create(user=secretariat, role="tkpk", region=province)
    meeting = services.meeting_create(region=province, data=DATA, acting_user=secretariat)
    assert meeting.region_id == "32"
    with pytest.raises(MeetingError) as refused:
        services.meeting_create(region=personas.cileunyi_kulon, data=DATA,
                                acting_user=personas.tkpk_bandung)
    assert refused.value.code == "region"


@pytest.mark.parametrize("change, code, field_name", [
    ({"title": "   "}, "title", "Judul"),
    ({"kind": "party"}, "kind", "Jenis rapat"),
    ({"held_on": None}, "held_on", "Tanggal rapat"),
    ({"held_on": dt.date(1999, 12, 31)}, "held_on", "Tanggal rapat"),
    ({"attendees": 0}, "attendees", "Jumlah peserta"),
    ({"attendees": "35"}, "attendees", "Jumlah peserta"),
])
def test_bad_input_is_refused_naming_the_field(personas, change, code, field_name):
    with pytest.raises(MeetingError) as refused:
        services.meeting_create(region=personas.bandung, data={**DATA, **change},
                                acting_user=personas.tkpk_bandung)
    assert refused.value.code == code
    with translation.override("id"):
        assert refused.value.messages[0].startswith(field_name + ":")
    assert not Meeting.objects.exists() and not _audit("meetings.create")


def test_a_meeting_is_recorded_once_it_has_been_held(personas):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(MeetingError) as refused:
        services.meeting_create(region=personas.bandung, data={**DATA, "held_on": tomorrow},
                                acting_user=personas.tkpk_bandung)
    with translation.override("en"):
        assert refused.value.messages == [
            f"Date held: the meeting is on {tomorrow:%d-%m-%Y}, after today; record a meeting "
            "once it has been held."]


def test_the_organisations_present_are_the_regions_own(personas):
    from konvergen.organisations.services import organisation_get_or_create

    cirebon_dinsos = organisation_get_or_create(
        region=personas.cirebon, name="Dinas Sosial", short_name="Dinsos", kind="agency",
        pentahelix="government")
    with pytest.raises(MeetingError) as refused:
        services.meeting_create(region=personas.bandung, data=DATA,
                                organisations=[personas.dinsos, cirebon_dinsos],
                                acting_user=personas.tkpk_bandung)
    assert refused.value.code == "organisations"
    with translation.override("id"):
        assert "Kabupaten Bandung" in refused.value.messages[0]


def test_each_reads_the_meetings_of_a_year_in_their_scope(personas):
    meetings = held_meetings(personas)
    bandung_2026 = [meetings[k] for k in ("plenary", "rakor_1", "rakor_2", "evaluation")]
    for who in ("tkpk_bandung", "tkpk_chair", "viewer", "national", "admin"):
        user = getattr(personas, who)
        assert list(selectors.meetings_for(user, personas.bandung, YEAR)) == bandung_2026, who
    assert list(selectors.meetings_for(personas.tkpk_bandung, personas.bandung,
                                       YEAR - 1)) == [meetings["last_year"]]
    for who in ("tkpk_cirebon", "dinsos_officer", "csr_partner", "village_operator",
                "outsider"):
        user = getattr(personas, who)
        assert not selectors.meetings_for(user, personas.bandung, YEAR).exists(), who
    assert selectors.meetings_of_year(personas.bandung, YEAR) == bandung_2026
    assert selectors.years_of(personas.bandung) == [YEAR, YEAR - 1]
    assert [(r.code, n) for r, n in selectors.index_regions(personas.tkpk_bandung, YEAR)] == [
        ("32.04", 4)]
    national = dict((r.code, n) for r, n in selectors.index_regions(personas.national, YEAR))
    assert national["32"] == 0 and national["32.04"] == 4 and national["32.09"] == 1
    assert [r.code for r, _n in selectors.index_regions(personas.admin, YEAR)] == [
        "32.04", "32.09"]
    assert selectors.index_regions(personas.dinsos_officer, YEAR) == []


def test_inactive_organisations_stay_on_the_meetings_that_had_them(personas):
    meeting = services.meeting_create(region=personas.bandung, data=DATA,
                                      organisations=[personas.dinsos],
                                      acting_user=personas.tkpk_bandung)
    Organisation.objects.filter(pk=personas.dinsos.pk).update(is_active=False)
    assert personas.dinsos not in selectors.organisation_choices(personas.bandung)
    assert personas.dinsos in selectors.organisation_choices(personas.bandung, meeting)
