"""The agency scorecard of a kab/kota: source values gathered from the plans, the reports
and the convergence figures, scored with the region's weights, against hand-worked values;
the weights page (audited), the XLSX, and who may open what."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.audit.models import AuditEntry
from konvergen.convergence.models import FamilyConvergence
from konvergen.convergence.selectors import runs_for
from konvergen.plans.models import QuarterReport
from konvergen.programs import services as programme_services
from konvergen.programs.models import Programme
from konvergen.registry.models import Family
from konvergen.scorecards import selectors, services
from tests.plans.conftest import YEAR
from tests.plans.test_meeting_pack import _setup

AUGUST = dt.date(YEAR, 8, 1)  # Q1 (due 10 April) and Q2 (due 10 July) are both due


def _on_time_q1(plan):
    """Dinsos submitted its Q1 report on 5 April, before the due date."""
    QuarterReport.objects.filter(plan=plan, quarter=1).update(
        state="submitted",
        first_submitted_at=dt.datetime(YEAR, 4, 5, 9, tzinfo=dt.UTC))


def test_scores_and_ranks_as_worked_by_hand(personas):
    dinsos_plan, _dinkes_plan = _setup(personas)
    _on_time_q1(dinsos_plan)
    result = selectors.agency_scorecard(personas.bandung, YEAR, 2, today=AUGUST)
    rows = {r.name: r for r in result.rows}
    # Dinsos, to Q2 (see the meeting-pack fixture): output 35 %, Rp 230M of 500M = 46 %,
    # Q1 on time, Q2 not submitted (late): reports (100 + 0) / 2 = 50; no programme help,
    # so both beneficiary shares are missing (0).
    # Score = (30·35 + 20·46 + 20·50 + 15·0 + 15·0) / 100 = (1050 + 920 + 1000) / 100 = 29.7
    dinsos = rows["Dinas Sosial"]
    assert round(dinsos.score, 6) == 29.7
    assert dinsos.criteria["output"].raw == 35.0
    assert dinsos.criteria["budget"].score == 46.0
    assert dinsos.criteria["reports"].score == 50.0
    assert dinsos.criteria["report_q1"].raw is True
    assert dinsos.criteria["report_q2"].raw is False
    assert dinsos.criteria["target_group"].missing
    # Dinkes: output 50 %, Rp 50M of 200M = 25 %, both reports late:
    # (30·50 + 20·25) / 100 = 20.0
    dinkes = rows["Dinas Kesehatan"]
    assert round(dinkes.score, 6) == 20.0
    assert (dinsos.rank, dinkes.rank) == (1, 2)
    # The CSR partner has no plan: nothing but late reports, ranked last, flagged.
    csr = rows["PT Mitra (CSR)"]
    assert csr.score == 0.0 and csr.rank == 3
    assert "output" in csr.missing and "budget" in csr.missing
    # Per strategy: Dinsos's budget is mostly "burden" (400M of 500M); the partner without
    # a plan is ranked under "no action plan" and wins nothing.
    strategies = {s: [r.name for r in rs] for s, _label, rs in result.by_strategy}
    assert "Dinas Sosial" in strategies["burden"]
    assert strategies[selectors.NO_STRATEGY] == ["PT Mitra (CSR)"]
    winners = {s: [w.name for w in ws] for s, _label, ws in result.awards}
    assert winners["burden"][0] == "Dinas Sosial"
    assert all("PT Mitra (CSR)" not in names for names in winners.values())


def test_a_report_not_yet_due_is_missing_not_late(personas):
    _setup(personas)
    result = selectors.agency_scorecard(personas.bandung, YEAR, 2, today=dt.date(YEAR, 5, 1))
    dinkes = next(r for r in result.rows if r.name == "Dinas Kesehatan")
    assert dinkes.criteria["report_q1"].raw is False  # due 10 April, not submitted
    assert dinkes.criteria["report_q2"].raw is None and dinkes.criteria["report_q2"].missing


def test_beneficiary_shares_come_from_the_convergence_figures(personas, tiny_register):
    _setup(personas)
    programme = Programme.objects.create(
        code="permakanan", name="Permakanan", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="food",
        funding_source="apbd_regency", year_start=YEAR, year_end=YEAR)
    families = list(Family.objects.filter(source_id__in=["P001", "P002", "P003"]))
    for family in families:
        programme_services.intervention_record(
            programme=programme, family=family, year=YEAR, date=dt.date(YEAR, 3, 1),
            acting_user=personas.admin)
    # A cancelled one does not count.
    cancelled = programme_services.intervention_record(
        programme=programme, family=families[0], year=YEAR, date=dt.date(YEAR, 3, 2),
        acting_user=personas.admin)
    programme_services.intervention_cancel(intervention=cancelled, reason="ganda",
                                           acting_user=personas.admin)
    runs = runs_for("32.04", YEAR)
    assert runs, "the interventions refreshed the convergence figures"
    rows = FamilyConvergence.objects.filter(run__in=runs, family__in=families)
    in_target = sum(1 for r in rows if r.target)
    poorest = sum(1 for r in rows if r.desil in (1, 2))
    shares = selectors.beneficiary_shares([personas.dinsos.pk], "32.04", YEAR)
    assert shares == {personas.dinsos.pk: (3, in_target, poorest)}
    result = selectors.agency_scorecard(personas.bandung, YEAR, 2, today=AUGUST)
    dinsos = next(r for r in result.rows if r.name == "Dinas Sosial")
    assert dinsos.criteria["target_group"].score == pytest.approx(in_target * 100 / 3)
    assert dinsos.criteria["desil_1_2"].score == pytest.approx(poorest * 100 / 3)
    assert not dinsos.criteria["target_group"].missing


def test_the_secretariat_sets_the_weights_and_the_score_follows(personas):
    dinsos_plan, _ = _setup(personas)
    _on_time_q1(dinsos_plan)
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("scorecards:weights", args=["32.04"])
    page = client.get(url)
    assert page.status_code == 200 and b'id="weights-form"' in page.content
    bad = client.post(url, {"output": "0", "budget": "0", "reports": "0", "target_group": "0",
                            "desil_1_2": "0"})
    assert bad.status_code == 200 and not AuditEntry.objects.filter(
        action="scorecards.weights_set").exists()
    response = client.post(url, {"output": "1", "budget": "0", "reports": "0",
                                 "target_group": "0", "desil_1_2": "0"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="scorecards.weights_set")
    assert entry.actor == personas.tkpk_bandung and entry.region_code == "32.04"
    # Only output counts now: Dinsos 35, Dinkes 50 — Dinkes first.
    result = selectors.agency_scorecard(personas.bandung, YEAR, 2, today=AUGUST)
    assert [(r.name, r.score) for r in result.rows[:2]] == [
        ("Dinas Kesehatan", 50.0), ("Dinas Sosial", 35.0)]


def test_the_service_refuses_unknown_or_negative_weights(personas):
    for weights in ({"nope": 1.0}, {"output": -1.0}):
        try:
            services.scorecard_weights_set(region=personas.bandung, weights=weights,
                                           acting_user=personas.tkpk_bandung)
        except ValidationError:
            continue
        raise AssertionError(f"{weights} was accepted")


def test_the_page_and_the_xlsx(personas):
    _setup(personas)
    client = personas.client_for(personas.tkpk_chair)
    page = client.get(reverse("scorecards:agencies", args=["32.04", YEAR]) + "?quarter=2")
    assert page.status_code == 200
    assert b'id="scorecard-ranking"' in page.content
    assert b"Dinas Kesehatan" in page.content
    response = client.get(reverse("scorecards:agencies-xlsx", args=["32.04", YEAR])
                          + "?quarter=2")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))
                                           ).get_sheet_by_index(0).to_python()
    header, *lines = sheet
    assert header[:5] == ["Peringkat", "Organisasi", "Strategi", "Peringkat dalam strategi",
                          "Skor"]
    assert len(lines) == 3  # Dinsos, Dinkes and the CSR partner
    assert AuditEntry.objects.filter(action="scorecards.export_agencies").count() == 1
    # A kecamatan has no scorecard; the village operator has none at all.
    assert client.get(reverse("scorecards:agencies", args=["32.04.05", YEAR])
                      ).status_code == 404
    assert personas.client_for(personas.village_operator).get(
        reverse("scorecards:agencies", args=["32.04", YEAR])).status_code == 404
