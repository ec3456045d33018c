"""The LP2KD services: the outline seeded and copied, edits only in draft, generation with
files and checksums, the sign-off (who may take which step, a return needs a comment), the
published report frozen, and an audit row for every step."""

import hashlib
from pathlib import Path

import pytest

from konvergen.audit.models import AuditEntry
from konvergen.reports import build, services
from konvergen.reports.generators import GENERATORS
from konvergen.reports.models import (
    BlockKind,
    Generation,
    OutlineBlock,
    OutlineChapter,
    OutlineSection,
    Report,
    ReportEvent,
    State,
)
from konvergen.reports.outline import DEFAULT

YEAR = 2026


@pytest.fixture
def report(personas, tiny_register):
    return services.report_create(region=personas.bandung, year=YEAR,
                                  acting_user=personas.tkpk_bandung)


def _actions(report) -> list[str]:
    return list(AuditEntry.objects.filter(region_code=report.region_id,
                                          action__startswith="reports.")
                .order_by("id").values_list("action", flat=True))


def _sections(report) -> list[str]:
    return [s.title for c in build.outline_of(report) for s in c.sections.all()]


def test_every_block_of_the_default_outline_names_a_generator_of_its_kind():
    for chapter in DEFAULT:
        for section in chapter.sections:
            for block in section.blocks:
                if block.kind == BlockKind.NARRATIVE:
                    assert block.text and not block.generator
                else:
                    assert GENERATORS[block.generator].kind == block.kind, block.generator


def test_a_new_report_gets_the_default_outline_in_indonesian(report):
    chapters = list(OutlineChapter.objects.filter(report=report))
    assert [c.title for c in chapters] == [
        "PENDAHULUAN", "KONDISI UMUM DAN PROFIL KEMISKINAN", "KEBIJAKAN DAN STRATEGI",
        "PELAKSANAAN PROGRAM DAN KEGIATAN", "KONVERGENSI SASARAN",
        "KELEMBAGAAN DAN TATA KELOLA TKPK", "PERMASALAHAN, REKOMENDASI DAN PENUTUP",
        "TABEL PENDUKUNG"]
    assert [c.annex for c in chapters] == [False] * 7 + [True]
    assert "Latar Belakang" in _sections(report)
    background = OutlineBlock.objects.get(section__title="Latar Belakang",
                                          section__chapter__report=report)
    assert background.text.startswith("Penanggulangan kemiskinan di {region}")
    assert report.state == State.DRAFT
    assert _actions(report) == ["reports.report_create"]


def test_only_the_secretariat_of_a_kabkota_starts_its_report(personas, report):
    with pytest.raises(services.ReportError) as exists:
        services.report_create(region=personas.bandung, year=YEAR,
                               acting_user=personas.tkpk_bandung)
    assert exists.value.code == "exists"
    for user in (personas.tkpk_cirebon, personas.tkpk_chair, personas.viewer,
                 personas.dinsos_officer):
        with pytest.raises(services.ReportError) as refused:
            services.report_create(region=personas.bandung, year=YEAR + 1, acting_user=user)
        assert refused.value.code == "not_yours"
    with pytest.raises(services.ReportError) as kecamatan:
        services.report_create(region=personas.cileunyi_kulon.parent, year=YEAR,
                               acting_user=personas.tkpk_bandung)
    assert kecamatan.value.code == "not_kabkota"


def test_next_years_report_copies_the_outline_and_the_texts(personas, report):
    block = OutlineBlock.objects.filter(section__chapter__report=report,
                                        kind=BlockKind.NARRATIVE).first()
    services.report_block_edit(report=report, block=block, text="Teks kami sendiri.",
                               acting_user=personas.tkpk_bandung)
    section = OutlineSection.objects.filter(chapter__report=report).first()
    services.report_section_add(report=report, chapter=section.chapter, title="Subbab Baru",
                                acting_user=personas.tkpk_bandung)
    following = services.report_create(region=personas.bandung, year=YEAR + 1,
                                       acting_user=personas.tkpk_bandung)
    assert _sections(following) == _sections(report)
    assert OutlineBlock.objects.filter(section__chapter__report=following,
                                       text="Teks kami sendiri.").count() == 1
    assert AuditEntry.objects.get(action="reports.report_create",
                                  object_id=str(following.pk)).changes["outline_from"] == \
        report.pk


def test_the_outline_is_edited_within_reason_and_every_edit_is_audited(personas, report):
    user = personas.tkpk_bandung
    chapter = OutlineChapter.objects.get(report=report, position=0)
    first, second = list(chapter.sections.all())[:2]
    services.report_section_move(report=report, section=second, direction=-1,
                                 acting_user=user)
    assert [s.title for s in chapter.sections.all()][:2] == [second.title, first.title]
    services.report_section_rename(report=report, section=first, title="Latar Belakang Baru",
                                   acting_user=user)
    added = services.report_section_add(report=report, chapter=chapter, title="Capaian",
                                        acting_user=user)
    table = services.report_block_add(report=report, section=added,
                                      generator="convergence_totals", acting_user=user)
    text = services.report_block_add(report=report, section=added, text="Uraian capaian.",
                                     acting_user=user)
    assert (table.kind, text.kind) == (BlockKind.TABLE, BlockKind.NARRATIVE)
    services.report_block_move(report=report, block=text, direction=-1, acting_user=user)
    assert list(added.blocks.values_list("pk", flat=True)) == [text.pk, table.pk]
    services.report_block_remove(report=report, block=table, acting_user=user)
    chart = services.report_block_add(report=report, section=added,
                                      generator="indicator_trend", acting_user=user)
    assert chart.params == {"code": "p0"}
    services.report_block_edit(report=report, block=chart, params={"code": "p1"},
                               acting_user=user)
    with pytest.raises(services.ReportError) as bad:
        services.report_block_edit(report=report, block=chart, params={"code": "nope"},
                                   acting_user=user)
    assert bad.value.code == "params"
    with pytest.raises(services.ReportError) as empty:
        services.report_block_edit(report=report, block=text, text="  ", acting_user=user)
    assert empty.value.code == "text"
    with pytest.raises(services.ReportError) as unknown:
        services.report_block_add(report=report, section=added, generator="nope",
                                  acting_user=user)
    assert unknown.value.code == "generator"
    services.report_section_remove(report=report, section=added, acting_user=user)
    annex = OutlineChapter.objects.get(report=report, annex=True)
    for section in list(annex.sections.all())[:-1]:
        services.report_section_remove(report=report, section=section, acting_user=user)
    with pytest.raises(services.ReportError) as last:
        services.report_section_remove(report=report, section=annex.sections.get(),
                                       acting_user=user)
    assert last.value.code == "last_section"
    assert _actions(report)[1:9] == [
        "reports.section_move", "reports.section_rename", "reports.section_add",
        "reports.block_add", "reports.block_add", "reports.block_move",
        "reports.block_remove", "reports.block_add"]
    assert "reports.section_remove" in _actions(report)
    report.refresh_from_db()
    assert report.outline_changed_at is not None
    for user in (personas.tkpk_chair, personas.tkpk_cirebon, personas.viewer):
        with pytest.raises(services.ReportError) as refused:
            services.report_section_rename(report=report, section=first, title="x",
                                           acting_user=user)
        assert refused.value.code == "not_yours"


def test_generation_stores_the_files_with_their_checksums(personas, report, fast_render):
    generation = services.report_generate(report=report, acting_user=personas.tkpk_bandung)
    generation.refresh_from_db()
    assert generation.status == Generation.Status.DONE, generation.error
    assert generation.kind == Generation.Kind.DRAFT and generation.progress == 100
    pdf, docx = Path(generation.pdf_path), Path(generation.docx_path)
    assert pdf.read_bytes().startswith(b"%PDF") and b"DRAFT" in pdf.read_bytes()
    assert generation.pdf_sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert generation.docx_sha256 == hashlib.sha256(docx.read_bytes()).hexdigest()
    assert generation.pdf_size == pdf.stat().st_size
    assert Path(generation.html_path).read_text() == "<p>DRAFT</p>"
    assert generation.content["chapters"][0]["title"] == "PENDAHULUAN"
    assert fast_render[0].draft is True
    entry = AuditEntry.objects.get(action="reports.generated")
    assert entry.actor == personas.tkpk_bandung
    assert entry.changes["pdf_sha256"] == generation.pdf_sha256
    # Each generation has a folder of its own: the first draft's files stay as they were.
    again = services.report_generate(report=report, acting_user=personas.tkpk_bandung)
    again.refresh_from_db()
    assert Path(again.pdf_path).parent != pdf.parent and pdf.exists()


def test_a_failing_generator_is_recorded_and_shown_not_raised(personas, report, monkeypatch):
    def broken(ctx, params):
        raise RuntimeError("database went away")

    original = GENERATORS["register_by_desil"]
    monkeypatch.setitem(GENERATORS, "register_by_desil",
                        type(original)(name=original.name, kind=original.kind,
                                       label=original.label, build=broken))
    generation = services.report_generate(report=report, acting_user=personas.tkpk_bandung)
    generation.refresh_from_db()
    assert generation.status == Generation.Status.FAILED
    assert "register_by_desil" in generation.error
    assert "database went away" in generation.error
    assert "Data Sasaran menurut Desil" in generation.error
    with pytest.raises(services.ReportError) as no_draft:
        services.report_submit(report=report, acting_user=personas.tkpk_bandung)
    assert no_draft.value.code == "no_draft"


def _steps(report):
    return list(ReportEvent.objects.filter(report=report).values_list(
        "action", "from_state", "to_state", "actor__username", "note"))


def test_the_sign_off_from_draft_to_published(personas, report, fast_render):
    secretariat, chair = personas.tkpk_bandung, personas.tkpk_chair
    with pytest.raises(services.ReportError) as no_draft:
        services.report_submit(report=report, acting_user=secretariat)
    assert no_draft.value.code == "no_draft"
    draft = services.report_generate(report=report, acting_user=secretariat)
    # An edit after the draft makes it stale: it must be generated again.
    block = OutlineBlock.objects.filter(section__chapter__report=report,
                                        kind=BlockKind.NARRATIVE).first()
    services.report_block_edit(report=report, block=block, text="Teks baru.",
                               acting_user=secretariat)
    with pytest.raises(services.ReportError) as stale:
        services.report_submit(report=report, acting_user=secretariat)
    assert stale.value.code == "stale"
    draft = services.report_generate(report=report, acting_user=secretariat)
    with pytest.raises(services.ReportError) as chair_submits:
        services.report_submit(report=report, acting_user=chair)
    assert chair_submits.value.code == "not_yours"
    report = services.report_submit(report=report, note="Siap ditelaah.",
                                    acting_user=secretariat)
    assert (report.state, report.edition_id) == (State.REVIEW, draft.pk)
    # Under review the outline is locked and nothing is generated.
    with pytest.raises(services.ReportError) as locked:
        services.report_block_edit(report=report, block=block, text="x",
                                   acting_user=secretariat)
    assert locked.value.code == "locked"
    with pytest.raises(services.ReportError):
        services.report_generate(report=report, acting_user=secretariat)
    with pytest.raises(services.ReportError) as secretariat_approves:
        services.report_approve(report=report, acting_user=secretariat)
    assert secretariat_approves.value.code == "not_yours"
    report = services.report_approve(report=report, acting_user=chair)
    assert report.state == State.APPROVED and report.approved_by == chair
    report = services.report_publish(report=report, acting_user=chair)
    assert report.state == State.PUBLISHED
    final = report.final
    assert final.kind == Generation.Kind.FINAL and final.status == Generation.Status.DONE
    assert final.content == {**draft.content, "draft": False,
                             "as_of": final.content["as_of"]}
    assert b"FINAL" in Path(final.pdf_path).read_bytes()
    assert report.published_at is not None and report.published_by == chair
    assert [s[:4] for s in _steps(report)] == [
        ("submit", "draft", "review", "tkpk_bandung"),
        ("approve", "review", "approved", "ketua_tkpk_bandung"),
        ("publish", "approved", "published", "ketua_tkpk_bandung")]
    assert [a for a in _actions(report) if a in {
        "reports.submit", "reports.approve", "reports.publish_requested",
        "reports.publish"}] == ["reports.submit", "reports.approve",
                                "reports.publish_requested", "reports.publish"]
    publish = AuditEntry.objects.get(action="reports.publish")
    assert publish.changes["pdf_sha256"] == final.pdf_sha256


def test_a_published_report_is_frozen(personas, report, fast_render):
    secretariat, chair = personas.tkpk_bandung, personas.tkpk_chair
    services.report_generate(report=report, acting_user=secretariat)
    services.report_submit(report=report, acting_user=secretariat)
    services.report_approve(report=report, acting_user=chair)
    report = services.report_publish(report=report, acting_user=chair)
    final = report.final
    pdf_bytes = Path(final.pdf_path).read_bytes()
    block = OutlineBlock.objects.filter(section__chapter__report=report).first()
    attempts = [
        lambda: services.report_generate(report=report, acting_user=secretariat),
        lambda: services.report_block_edit(report=report, block=block, text="x",
                                           acting_user=secretariat),
        lambda: services.report_section_add(report=report, chapter=block.section.chapter,
                                            title="x", acting_user=secretariat),
        lambda: services.report_return(report=report, note="Ada salah ketik.",
                                       acting_user=chair),
        lambda: services.report_return(report=report, note="Ada salah ketik.",
                                       acting_user=secretariat),
        lambda: services.report_publish(report=report, acting_user=chair),
    ]
    for attempt in attempts:
        with pytest.raises(services.ReportError) as refused:
            attempt()
        assert refused.value.code == "frozen"
    report.refresh_from_db()
    assert report.state == State.PUBLISHED and report.final_id == final.pk
    assert Path(final.pdf_path).read_bytes() == pdf_bytes
    assert report.generations.count() == 2


def test_a_return_needs_a_comment_and_reopens_the_draft(personas, report, fast_render):
    secretariat, chair = personas.tkpk_bandung, personas.tkpk_chair
    services.report_generate(report=report, acting_user=secretariat)
    services.report_submit(report=report, acting_user=secretariat)
    for user in (chair, secretariat):
        with pytest.raises(services.ReportError) as no_note:
            services.report_return(report=report, note="  ", acting_user=user)
        assert no_note.value.code == "note_required"
    with pytest.raises(services.ReportError) as viewer:
        services.report_return(report=report, note="x", acting_user=personas.viewer)
    assert viewer.value.code == "not_yours"
    services.report_approve(report=report, acting_user=chair)
    report = services.report_return(report=report, note="Bab V belum lengkap.",
                                    acting_user=chair)
    assert (report.state, report.edition_id, report.approved_at) == (State.DRAFT, None, None)
    assert _steps(report)[-1] == ("return", "approved", "draft", "ketua_tkpk_bandung",
                                  "Bab V belum lengkap.")
    returned = AuditEntry.objects.filter(action="reports.return").get()
    assert returned.changes["note"] == "Bab V belum lengkap."
    assert returned.changes["state"] == ["approved", "draft"]
    # Editable again.
    block = OutlineBlock.objects.filter(section__chapter__report=report,
                                        kind=BlockKind.NARRATIVE).first()
    services.report_block_edit(report=report, block=block, text="Diperbaiki.",
                               acting_user=secretariat)
    with pytest.raises(services.ReportError) as step:
        services.report_approve(report=report, acting_user=chair)
    assert step.value.code == "invalid_step"


def test_publishing_that_fails_leaves_the_report_approved(personas, report, fast_render,
                                                         monkeypatch):
    secretariat, chair = personas.tkpk_bandung, personas.tkpk_chair
    services.report_generate(report=report, acting_user=secretariat)
    services.report_submit(report=report, acting_user=secretariat)
    services.report_approve(report=report, acting_user=chair)

    def broken(document, *, progress=None):
        raise OSError("disk full")

    monkeypatch.setattr(build, "render", broken)
    report = services.report_publish(report=report, acting_user=chair)
    assert report.state == State.APPROVED and report.final_id is None
    failed = report.generations.get(kind=Generation.Kind.FINAL)
    assert failed.status == Generation.Status.FAILED and "disk full" in failed.error
    assert not AuditEntry.objects.filter(action="reports.publish").exists()
    assert Report.objects.get(pk=report.pk).state == State.APPROVED


def test_a_generation_the_queue_gave_up_on_shows_failed(personas):
    """The worker died on the last attempt: the generation is failed, not running."""
    from konvergen.reports.models import Generation, Report
    from konvergen.reports.services import generation_run_failed

    report = Report.objects.create(region=personas.bandung, year=2026)
    generation = Generation.objects.create(report=report, status=Generation.Status.RUNNING)
    generation_run_failed(generation.pk, error="The worker w1 stopped while running this job")
    generation.refresh_from_db()
    assert generation.status == Generation.Status.FAILED and "w1" in generation.error
