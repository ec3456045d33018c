"""Fixtures of the LP2KD tests: Kabupaten Bandung with a small register, official figures
and targets, two agencies' action plans with realisation, a programme that reaches a
family (so the convergence of 2026 is computed), a village deliberation and the TKPK's
meetings."""

import datetime as dt
from decimal import Decimal

import pytest

YEAR = 2026


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    """Generated files go to the test's own folder."""
    settings.UPLOAD_DIR = tmp_path / "uploads"


def official_figures(personas) -> dict:
    """P0 of Kabupaten Bandung 2023–2025 (March), the province's and the country's 2025 P0,
    and an RPJMD 2025–2029 with a baseline (2024) and a target (2029)."""
    from konvergen.targets import services
    from konvergen.targets.models import Indicator, IndicatorValue, PlanDocument, SourceKind

    services.indicator_catalogue_load()
    p0 = Indicator.objects.get(code="p0")
    for code, year, value in (("32.04", 2023, 6.80), ("32.04", 2024, 6.40),
                              ("32.04", 2025, 6.20), ("32", 2025, 7.02), ("", 2025, 8.47)):
        IndicatorValue.objects.create(indicator=p0, region_code=code, year=year,
                                      period="maret", value=value, source_kind=SourceKind.BPS,
                                      source="bps-p0.csv")
    document = services.plan_document_save(
        region=personas.bandung, acting_user=personas.tkpk_bandung,
        data={"kind": PlanDocument.Kind.RPJMD, "number": "Perda 5/2025",
              "title": "RPJMD Kabupaten Bandung 2025–2029", "year_start": 2025,
              "year_end": 2029, "issued_on": dt.date(2025, 6, 30)})
    services.baseline_set(indicator=p0, region=personas.bandung, document=document,
                          year=2024, value=6.40, acting_user=personas.tkpk_bandung)
    services.target_set(indicator=p0, region=personas.bandung, year=2029, value=4.40,
                        document=document, acting_user=personas.tkpk_bandung)
    return {"p0": p0, "document": document}


def action_plans(personas):
    """The meeting-pack plans of Dinsos and Dinkes (hand-worked there), with Dinsos's Q2
    obstacles and follow-up."""
    from konvergen.plans import services
    from tests.plans.test_meeting_pack import _setup

    dinsos_plan, dinkes_plan = _setup(personas)
    services.report_save(plan=dinsos_plan, quarter=2, values={}, acting_user=personas.admin,
                         obstacles="Data penerima belum padan.",
                         follow_up="Verifikasi ulang bersama desa.")
    return dinsos_plan, dinkes_plan


def programme_reaching(personas, family_source_id: str = "P001"):
    """A Dinsos food programme of 2026 that delivered to one family, then the convergence."""
    from konvergen.convergence.services import convergence_refresh
    from konvergen.programs.models import Intervention, Programme
    from konvergen.registry.models import Family

    programme = Programme.objects.create(
        code="sembako-daerah", name="Sembako Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="food",
        needs=["food"], funding_source="apbd_regency", budget=Decimal(50_000_000),
        year_start=YEAR, year_end=YEAR)
    Intervention.objects.create(programme=programme, year=YEAR, status="delivered",
                                family=Family.objects.get(source_id=family_source_id),
                                value=300_000)
    convergence_refresh(region_code="32.04")
    return programme


@pytest.fixture
def bandung_data(personas, tiny_register, tmp_path):
    """Everything the default outline reads, for Kabupaten Bandung 2026."""
    from tests.meetings.fixtures import held_meetings
    from tests.verification.fixtures import matrix_objects

    figures = official_figures(personas)
    plans = action_plans(personas)
    programme = programme_reaching(personas)
    matrix_objects(personas, tmp_path)
    meetings = held_meetings(personas)
    return {**figures, "plans": plans, "programme": programme, "snapshot": tiny_register,
            "meetings": meetings}


@pytest.fixture
def fast_render(monkeypatch):
    """Rendering replaced by small stand-ins, for tests about the workflow and the pages
    (the files themselves are read in ``test_lp2kd_files``); returns the documents given."""
    from konvergen.reports import build

    calls = []

    def render(document, *, progress=None):
        calls.append(document)
        mark = b"DRAFT" if document.draft else b"FINAL"
        return build.Rendered(pdf=b"%PDF-1.7 " + mark + document.title.encode(),
                              docx=b"PK\x03\x04 " + mark, html=f"<p>{mark.decode()}</p>")

    monkeypatch.setattr(build, "render", render)
    return calls
