"""The LP2KD (Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah, Permendagri 53/2020) of a
kab/kota and year: its editable outline, its generated editions and its sign-off.

* :class:`Report` — one per region and year; ``draft → review → approved → published``.
  It owns its outline: :class:`OutlineChapter` → :class:`OutlineSection` →
  :class:`OutlineBlock` (narrative text, an indicator table, a chart, a map or a generated
  table, each naming a generator of ``generators``). A new report copies the outline (and
  the texts) of the region's latest earlier report, else the default outline (``outline``).
* :class:`Generation` — one rendering: the document it built (``content``, every figure with
  its source and as-of date), the PDF, DOCX and preview HTML files with their checksums.
  A *draft* generation reads live data; the *final* one (publishing) sets the content the
  chair approved again, without the DRAFT marks.
* :class:`ReportEvent` — every step of the sign-off (who, when, comment).

A published report is frozen: no service changes it or its outline again, and its final
files are never rewritten (each generation has a folder of its own).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from konvergen.core.models import StepEvent


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    APPROVED = "approved", _("Approved by the chair")
    PUBLISHED = "published", _("Published")


class Language(models.TextChoices):
    ID = "id", _("Bahasa Indonesia")
    EN = "en", _("English")


class BlockKind(models.TextChoices):
    NARRATIVE = "narrative", _("Narrative text")
    INDICATOR_TABLE = "indicator_table", _("Indicator table")
    CHART = "chart", _("Chart")
    MAP = "map", _("Map")
    TABLE = "table", _("Generated table")


class Report(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                default=Language.ID)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.DRAFT, db_index=True)
    #: The last change of the outline or a text: a draft generated before it is stale.
    outline_changed_at = models.DateTimeField(null=True, blank=True)
    #: The generation under sign-off, fixed when the draft is submitted.
    edition = models.ForeignKey("Generation", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    #: The published edition (its PDF and DOCX), set once.
    final = models.ForeignKey("Generation", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LP2KD report")
        verbose_name_plural = _("LP2KD reports")
        ordering = ["region_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="lp2kd_report_once"),
        ]

    def __str__(self) -> str:
        return f"LP2KD {self.region_id} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.state == State.DRAFT

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED


class OutlineChapter(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    #: The annexes (LAMPIRAN): numbered L.1, L.2 … rather than as a chapter.
    annex = models.BooleanField(default=False)

    class Meta:
        ordering = ["report_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class OutlineSection(models.Model):
    chapter = models.ForeignKey(OutlineChapter, on_delete=models.CASCADE,
                                related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["chapter_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class OutlineBlock(models.Model):
    section = models.ForeignKey(OutlineSection, on_delete=models.CASCADE,
                                related_name="blocks")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=BlockKind.choices)
    #: The generator's name (``generators.GENERATORS``); empty for narrative text.
    generator = models.CharField(_("content"), max_length=40, blank=True)
    #: Narrative text: paragraphs separated by a blank line; ``{region}`` and ``{year}``
    #: are replaced by the region's name and the report's year.
    text = models.TextField(_("text"), blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["section_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.generator or '-'}"


class Generation(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Published edition")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="generations")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.DRAFT)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=60, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    #: The document rendered (``serial.to_data``).
    content = models.JSONField(default=dict, blank=True)
    pdf_path = models.CharField(max_length=500, blank=True)
    docx_path = models.CharField(max_length=500, blank=True)
    html_path = models.CharField(max_length=500, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(null=True, blank=True)
    docx_size = models.PositiveBigIntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.kind}/{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReportEvent(StepEvent):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.report_id} {self.from_state}->{self.to_state}"
