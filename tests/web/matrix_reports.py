"""The reports app's rows of the permission matrix (see ``test_permission_matrix``): GET rows
(url name -> (kwargs, roles that get HTTP 200)), POST rows (roles whose request gets through
the access check, or ``"405"``), POST-only names, and the objects their kwargs name.

The LP2KD of Kabupaten Bandung: the secretariat drafts it (outline, texts, generation,
submission), the TKPK chair approves and publishes it; both see drafts. Leadership viewers
and the national coordinator read published reports only. Agencies, partners, village
operators and other regions do not see it. Reading pages use the published 2025 report;
the writing pages the 2026 draft."""

READERS = {"admin", "tkpk_bandung", "tkpk_chair", "viewer", "national"}
WITH_FEATURE = READERS | {"tkpk_cirebon"}
SECRETARIAT = {"admin", "tkpk_bandung"}
TEAM = {"admin", "tkpk_bandung", "tkpk_chair"}
REGION = {"code": "32.04"}
PUBLISHED = {"report_id": "LP2KD_PUBLISHED"}
DRAFT = {"report_id": "LP2KD_DRAFT"}
BLOCK = {"report_id": "LP2KD_DRAFT", "block_id": "LP2KD_BLOCK"}

MATRIX: dict = {
    "reports:index": ({}, WITH_FEATURE),
    "reports:region": (REGION, READERS),
    "reports:report": (PUBLISHED, READERS),
    "reports:status": (PUBLISHED, READERS),
    "reports:preview": (PUBLISHED, READERS),
    "reports:download": ({**PUBLISHED, "fmt": "pdf"}, READERS),
    "reports:block": (BLOCK, SECRETARIAT),
}
POST_MATRIX: dict = {
    "reports:index": ({}, "405"),
    "reports:region": (REGION, SECRETARIAT),
    "reports:report": (PUBLISHED, "405"),
    "reports:status": (PUBLISHED, "405"),
    "reports:preview": (PUBLISHED, "405"),
    "reports:download": ({**PUBLISHED, "fmt": "pdf"}, "405"),
    "reports:generate": (DRAFT, SECRETARIAT),
    "reports:step": (DRAFT, TEAM),
    "reports:outline": (DRAFT, SECRETARIAT),
    "reports:block": (BLOCK, SECRETARIAT),
}
NOT_GET: set = {"reports:generate", "reports:step", "reports:outline"}


def matrix_objects(personas, tmp_path) -> dict:
    """The published LP2KD 2025 of Kabupaten Bandung (its files stand-ins written to
    ``tmp_path``, not rendered: the matrix runs for every URL) and the 2026 draft."""
    from django.utils import timezone

    from konvergen.reports import services
    from konvergen.reports.models import BlockKind, Generation, OutlineBlock, State

    published = services.report_create(region=personas.bandung, year=2025,
                                       acting_user=personas.tkpk_bandung)
    folder = tmp_path / "lp2kd-2025"
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for ext, content in (("pdf", b"%PDF-1.7 LP2KD"), ("docx", b"PK\x03\x04"),
                         ("html", b"<!DOCTYPE html><title>LP2KD</title>")):
        (folder / f"LP2KD-32.04-2025.{ext}").write_bytes(content)
        files[f"{ext}_path"] = str(folder / f"LP2KD-32.04-2025.{ext}")
    final = Generation.objects.create(report=published, kind=Generation.Kind.FINAL,
                                      status=Generation.Status.DONE, progress=100,
                                      finished_at=timezone.now(), **files)
    published.state, published.final, published.edition = State.PUBLISHED, final, final
    published.published_at = timezone.now()
    published.save()
    draft = services.report_create(region=personas.bandung, year=2026,
                                   acting_user=personas.tkpk_bandung)
    block = OutlineBlock.objects.filter(section__chapter__report=draft,
                                        kind=BlockKind.NARRATIVE).first()
    return {"LP2KD_PUBLISHED": published.pk, "LP2KD_DRAFT": draft.pk,
            "LP2KD_BLOCK": block.pk}
