"""The LP2KD pages through the front door: the secretariat starts, edits, generates and
submits the report; the chair returns, approves and publishes it; leadership reads only the
published edition. The interface speaks Indonesian, and English on request."""

import pytest
from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.reports import services
from konvergen.reports.models import (
    BlockKind,
    Generation,
    OutlineBlock,
    OutlineSection,
    Report,
    State,
)

YEAR = 2026


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_secretariat_drafts_the_report_through_the_pages(personas, tiny_register,
                                                             fast_render):
    client = personas.client_for(personas.tkpk_bandung)
    index = client.get(reverse("reports:index"))
    assert index.status_code == 200
    assert "Laporan tahunan (LP2KD)" in index.content.decode()
    assert reverse("reports:region", args=["32.04"]) in index.content.decode()

    created = client.post(reverse("reports:region", args=["32.04"]),
                          {"year": YEAR, "language": "id"}, follow=True)
    report = Report.objects.get(region_id="32.04", year=YEAR)
    assert created.redirect_chain[-1][0] == reverse("reports:report", args=[report.pk])
    page = created.content.decode()
    for text in ("PENDAHULUAN", "1.1 Latar Belakang", "Lampiran: TABEL PENDUKUNG",
                 "Susun draf dari data terkini", "Belum ada draf yang disusun."):
        assert text in page

    block = OutlineBlock.objects.filter(section__chapter__report=report,
                                        kind=BlockKind.NARRATIVE).first()
    url = reverse("reports:block", args=[report.pk, block.pk])
    assert client.get(url).status_code == 200
    saved = client.post(url, {"text": "Kabupaten {region} tahun {year}.\n\nParagraf dua."})
    assert saved.status_code == 302
    block.refresh_from_db()
    assert block.text == "Kabupaten {region} tahun {year}.\n\nParagraf dua."

    outline = reverse("reports:outline", args=[report.pk])
    chapter_id = block.section.chapter_id
    client.post(outline, {"op": "section_add", "target": chapter_id, "title": "Catatan Khusus"})
    section = OutlineSection.objects.get(chapter_id=chapter_id, title="Catatan Khusus")
    client.post(outline, {"op": "block_add", "target": section.pk, "generator": ""})
    client.post(outline, {"op": "block_add", "target": section.pk,
                          "generator": "convergence_gaps"})
    assert list(section.blocks.values_list("kind", "generator")) == [
        ("narrative", ""), ("table", "convergence_gaps")]
    gaps = section.blocks.get(generator="convergence_gaps")
    edited = client.post(reverse("reports:block", args=[report.pk, gaps.pk]), {"limit": 3})
    assert edited.status_code == 302
    gaps.refresh_from_db()
    assert gaps.params == {"limit": 3}
    client.post(outline, {"op": "block_up", "target": gaps.pk})
    assert list(section.blocks.values_list("generator", flat=True)) == ["convergence_gaps", ""]
    # A block of another report cannot be named.
    other = services.report_create(region=personas.bandung, year=YEAR + 1,
                                   acting_user=personas.tkpk_bandung)
    foreign = OutlineBlock.objects.filter(section__chapter__report=other).first()
    assert client.post(outline, {"op": "block_remove", "target": foreign.pk}).status_code == 404

    assert client.post(reverse("reports:generate", args=[report.pk]), {}).status_code == 302
    assert not report.generations.exists()  # an empty post starts nothing
    client.post(reverse("reports:generate", args=[report.pk]), {"confirm": "1"})
    generation = report.generations.get()
    assert generation.status == Generation.Status.DONE
    assert fast_render[-1].chapters[0].sections[0].blocks[0].paragraphs == (
        ["Kabupaten Kabupaten Bandung tahun 2026.", "Paragraf dua."])

    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert 'id="preview"' in page and generation.pdf_sha256 in page
    preview = client.get(reverse("reports:preview", args=[report.pk]))
    assert preview["Content-Type"].startswith("text/html")
    assert preview.content == b"<p>DRAFT</p>"
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    pdf = client.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Content-SHA256"] == generation.pdf_sha256
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    docx = client.get(reverse("reports:download", args=[report.pk, "docx"]))
    assert docx["Content-Disposition"].endswith('LP2KD-32.04-2026-draft.docx"')
    assert client.get(reverse("reports:download", args=[report.pk, "exe"])).status_code == 404

    submitted = client.post(reverse("reports:step", args=[report.pk]),
                            {"action": "submit", "note": ""}, follow=True)
    assert "Pengesahan dicatat." in _messages(submitted)
    report.refresh_from_db()
    assert report.state == State.REVIEW
    locked = client.post(url, {"text": "Diubah saat ditelaah."})
    assert locked.status_code == 200
    assert "tidak dapat diubah" in locked.content.decode()
    assert AuditEntry.objects.filter(action="reports.submit",
                                     actor=personas.tkpk_bandung).exists()


@pytest.fixture
def in_review(personas, tiny_register, fast_render):
    report = services.report_create(region=personas.bandung, year=YEAR,
                                    acting_user=personas.tkpk_bandung)
    draft = services.report_generate(report=report, acting_user=personas.tkpk_bandung)
    services.report_submit(report=report, acting_user=personas.tkpk_bandung)
    return report, draft


def test_the_chair_returns_approves_and_publishes(personas, in_review):
    report, _draft = in_review
    chair = personas.client_for(personas.tkpk_chair)
    step = reverse("reports:step", args=[report.pk])
    page = chair.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert 'id="report-step-approve"' in page and 'id="report-step-return"' in page
    assert 'id="generate"' not in page  # the chair does not edit or generate
    refused = chair.post(step, {"action": "return", "note": " "}, follow=True)
    assert "Tulis catatan tentang apa yang harus diperbaiki." in _messages(refused)
    chair.post(step, {"action": "approve"})
    published = chair.post(step, {"action": "publish"}, follow=True)
    assert "Penerbitan sedang disiapkan." in _messages(published)
    report.refresh_from_db()
    assert report.state == State.PUBLISHED
    page = published.content.decode()
    assert 'id="frozen-banner"' in page and 'id="report-step' not in page
    history = [e.action for e in published.context["history"]]
    assert history == ["submit", "approve", "publish"]


def test_leadership_reads_only_the_published_edition(personas, in_review):
    report, draft = in_review
    viewer, national = (personas.client_for(personas.viewer),
                        personas.client_for(personas.national))
    for client in (viewer, national):
        assert client.get(reverse("reports:report", args=[report.pk])).status_code == 404
    region_page = viewer.get(reverse("reports:region", args=["32.04"])).content.decode()
    assert f'id="report-link-{YEAR}"' not in region_page
    services.report_approve(report=report, acting_user=personas.tkpk_chair)
    services.report_publish(report=report, acting_user=personas.tkpk_chair)
    for client in (viewer, national):
        page = client.get(reverse("reports:report", args=[report.pk]))
        assert page.status_code == 200
        assert 'id="generate"' not in page.content.decode()
        pdf = client.get(reverse("reports:download", args=[report.pk, "pdf"]))
        assert b"FINAL" in b"".join(pdf.streaming_content)
        # The drafts stay the TKPK's.
        url = reverse("reports:download", args=[report.pk, "pdf"])
        assert client.get(f"{url}?generation={draft.pk}").status_code == 404
    secretariat = personas.client_for(personas.tkpk_bandung)
    url = reverse("reports:download", args=[report.pk, "pdf"])
    draft_pdf = secretariat.get(f"{url}?generation={draft.pk}")
    assert b"DRAFT" in b"".join(draft_pdf.streaming_content)


def test_a_failed_generation_is_shown_and_a_running_one_is_followed(personas, tiny_register,
                                                                   monkeypatch):
    from konvergen.reports import build

    def broken(document, *, progress=None):
        raise RuntimeError("WeasyPrint kehabisan memori")

    monkeypatch.setattr(build, "render", broken)
    report = services.report_create(region=personas.bandung, year=YEAR,
                                    acting_user=personas.tkpk_bandung)
    client = personas.client_for(personas.tkpk_bandung)
    client.post(reverse("reports:generate", args=[report.pk]), {"confirm": "1"})
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert 'id="generation-error"' in page and "WeasyPrint kehabisan memori" in page
    Generation.objects.create(report=report, created_by=personas.tkpk_bandung)
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert 'id="job"' in page and "core/job.js" in page
    status = client.get(reverse("reports:status", args=[report.pk])).json()
    assert status["status"] == "queued" and status["finished"] is False
    busy = client.post(reverse("reports:generate", args=[report.pk]), {"confirm": "1"},
                       follow=True)
    assert "Laporan sedang disusun; tunggu hingga selesai." in _messages(busy)


def test_the_pages_speak_english_on_request(personas, tiny_register):
    report = services.report_create(region=personas.bandung, year=YEAR, language="en",
                                    acting_user=personas.tkpk_bandung)
    client = personas.client_for(personas.tkpk_bandung)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "Generate the draft from the current data" in page
    assert "INTRODUCTION" in page and "Background" in page
