"""The meetings pages through the front door: the secretariat records a meeting with its
minutes, edits it and deletes it; a bad form is shown again with messages naming the fields,
in Indonesian and in English; the chair and leadership read; nobody else sees the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.meetings.models import Meeting
from tests.meetings.fixtures import YEAR, held_meetings


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _form(**change) -> dict:
    return {"held_on": f"{YEAR}-04-22", "kind": "coordination",
            "title": "Rapat Koordinasi Triwulan I", "agenda": "1. Realisasi TW I",
            "decisions": "Percepatan RTLH\nPemadanan data", "attendees": "35",
            "chaired_by": "Sekretaris Daerah", **change}


def test_the_secretariat_records_edits_and_deletes_a_meeting(personas, settings):
    client = personas.client_for(personas.tkpk_bandung)
    index = client.get(reverse("meetings:index"))
    assert index.status_code == 200
    region_url = reverse("meetings:region", args=["32.04", YEAR])
    assert region_url in index.content.decode()
    listing = client.get(region_url).content.decode()
    assert "Rapat TKPK" in listing and "Catat rapat" in listing

    new = reverse("meetings:new", args=["32.04"])
    assert client.get(new).status_code == 200
    minutes = SimpleUploadedFile("notulen rakor.pdf", b"%PDF-1.4 notulen",
                                 content_type="application/pdf")
    created = client.post(new, {**_form(), "organisations": [personas.dinsos.pk],
                                "minutes": minutes}, follow=True)
    meeting = Meeting.objects.get()
    assert created.redirect_chain[-1][0] == reverse("meetings:detail", args=[meeting.pk])
    assert "Rapat disimpan." in _messages(created)
    page = created.content.decode()
    for text in ("Rapat Koordinasi Triwulan I", "Rapat koordinasi (rakor)", "Dinas Sosial",
                 "<li>Percepatan RTLH</li>", "<li>Pemadanan data</li>", "notulen_rakor.pdf"):
        assert text in page, text
    assert str(settings.UPLOAD_DIR / "meetings") in meeting.minutes_file
    assert AuditEntry.objects.filter(action="meetings.create", actor=personas.tkpk_bandung,
                                     object_id=str(meeting.pk)).exists()
    assert "Rapat Koordinasi Triwulan I" in client.get(region_url).content.decode()

    download = client.get(reverse("meetings:minutes", args=[meeting.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 notulen"
    assert 'filename="notulen_rakor.pdf"' in download["Content-Disposition"]
    assert AuditEntry.objects.filter(action="meetings.minutes_download").exists()

    edit = reverse("meetings:edit", args=[meeting.pk])
    form = client.get(edit).content.decode()
    assert f'value="{YEAR}-04-22"' in form and "Hapus notulen yang tersimpan" in form
    edited = client.post(edit, _form(title="Rakor TW I", attendees="36",
                                     remove_minutes="on"), follow=True)
    assert "Rapat disimpan." in _messages(edited)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.attendees, meeting.minutes_file) == ("Rakor TW I", 36, "")
    assert not meeting.organisations.exists()
    entry = AuditEntry.objects.get(action="meetings.update")
    assert entry.changes["title"] == ["Rapat Koordinasi Triwulan I", "Rakor TW I"]
    assert entry.changes["minutes"] == ["notulen_rakor.pdf", ""]
    assert client.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 404

    delete = reverse("meetings:delete", args=[meeting.pk])
    assert client.get(delete).status_code == 405
    kept = client.post(delete, {}, follow=True)
    assert "Tidak ada yang dihapus." in _messages(kept)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    deleted = client.post(delete, {"confirm": "1"}, follow=True)
    assert deleted.redirect_chain[-1][0] == region_url
    assert "Rapat dihapus." in _messages(deleted)
    assert not Meeting.objects.exists()
    assert AuditEntry.objects.filter(action="meetings.delete",
                                     object_id=str(meeting.pk)).exists()


@pytest.mark.parametrize("change, field, message", [
    ({"title": ""}, "title", "Judul: Bidang ini tidak boleh kosong."),
    ({"held_on": "22-22-2026"}, "held_on", "Tanggal rapat: Masukkan tanggal yang valid."),
    ({"attendees": "0"}, "attendees", "Jumlah peserta: Pastikan nilai ini lebih besar dari "
                                      "atau sama dengan 1."),
    ({"kind": "party"}, "kind", "Jenis rapat: Masukkan pilihan yang valid."),
    ({"held_on": "2099-01-01"}, "held_on",
     "Tanggal rapat: rapat bertanggal 01-01-2099, setelah hari ini"),
])
def test_a_bad_form_comes_back_with_a_message_naming_the_field(personas, change, field,
                                                               message):
    client = personas.client_for(personas.tkpk_bandung)
    response = client.post(reverse("meetings:new", args=["32.04"]), _form(**change))
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert any(message in m for m in _messages(response)), _messages(response)
    assert response.context["form"].errors[field]
    assert 'class="error"' in response.content.decode()


def test_a_bad_minutes_file_is_refused_in_english_too(personas):
    client = personas.client_for(personas.tkpk_bandung)
    client.post(reverse("set_language"), {"language": "en"})
    fake = SimpleUploadedFile("notulen.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(reverse("meetings:new", args=["32.04"]),
                           {**_form(title=""), "minutes": fake})
    [message] = _messages(response)
    assert message.startswith("The meeting was not saved.")
    assert "Title: This field is required." in message
    assert ("Minutes (PDF, DOCX or photo, at most 10 MB): The file's content does not "
            "match its type.") in message
    assert not Meeting.objects.exists()


def test_the_chair_and_leadership_read_but_do_not_record(personas):
    meetings = held_meetings(personas)
    plenary = meetings["plenary"]
    for who in ("tkpk_chair", "viewer", "national"):
        client = personas.client_for(getattr(personas, who))
        listing = client.get(reverse("meetings:region", args=["32.04", YEAR]))
        assert listing.status_code == 200, who
        page = listing.content.decode()
        assert "Rapat Pleno Penetapan Sasaran" in page and "Rakor Kabupaten Cirebon" not in page
        assert 'id="meeting-new"' not in page
        detail = client.get(reverse("meetings:detail", args=[plenary.pk]))
        assert detail.status_code == 200 and 'id="meeting-edit"' not in detail.content.decode()
        assert client.get(reverse("meetings:new", args=["32.04"])).status_code == 404
        assert client.get(reverse("meetings:edit", args=[plenary.pk])).status_code == 404
        assert client.post(reverse("meetings:delete", args=[plenary.pk]),
                           {"confirm": "1"}).status_code == 404
    assert Meeting.objects.filter(pk=plenary.pk).exists()
    # Another region's secretariat: not found, the same as a meeting that does not exist.
    other = personas.client_for(personas.tkpk_cirebon)
    assert other.get(reverse("meetings:detail", args=[plenary.pk])).status_code == 404
    assert other.get(reverse("meetings:detail", args=[99999])).status_code == 404
    assert other.get(reverse("meetings:region", args=["32.04", YEAR])).status_code == 404
    # A desa has no TKPK.
    secretariat = personas.client_for(personas.tkpk_bandung)
    assert secretariat.get(reverse("meetings:region", args=["32.04.05.2001", YEAR])
                           ).status_code == 404
