"""The fiscal-incentive ranking of a province's kab/kota (PMK 97/2023 preset): tagged
spending from the action plans over the reported spending budget, compliance as reported,
against a hand-worked example; the inputs page (audited) and the XLSX."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.audit.models import AuditEntry
from konvergen.organisations.services import organisation_get_or_create
from konvergen.plans import meeting
from konvergen.plans import services as plan_services
from konvergen.regions.models import Region
from konvergen.scorecards import selectors, services
from tests.plans.conftest import YEAR, item_values
from tests.plans.test_meeting_pack import _setup


def _cirebon(personas):
    """Kabupaten Cirebon: one direct item, Rp 100M budget, all realised in Q1."""
    dinsos = organisation_get_or_create(region=personas.cirebon, name="Dinas Sosial Cirebon",
                                        short_name="Dinsos", kind="agency",
                                        pentahelix="government")
    plan = plan_services.plan_create(organisation=dinsos, region=personas.cirebon, year=YEAR,
                                     acting_user=personas.admin)
    item = plan_services.item_save(plan=plan, values=item_values(
        target_rp=Decimal(100_000_000), q1_rp=None, q2_rp=None, q3_rp=None, q4_rp=None,
        locations=[]),
        acting_user=personas.admin)
    plan_services.report_save(plan=plan, quarter=1,
                              values={item.pk: (Decimal(10), Decimal(100_000_000))},
                              acting_user=personas.admin)


def _inputs(personas):
    services.region_compliance_set(
        region=personas.bandung, year=YEAR, acting_user=personas.tkpk_bandung,
        values={"spending_budget": Decimal(1_000_000_000), "decree": True,
                "verified_data": True, "report_q1": True, "report_q2": False})
    services.region_compliance_set(
        region=personas.cirebon, year=YEAR, acting_user=personas.tkpk_cirebon,
        values={"spending_budget": Decimal(500_000_000), "decree": True})


def test_the_ranking_as_worked_by_hand(personas):
    _setup(personas)
    _cirebon(personas)
    _inputs(personas)
    spending = meeting.tag_spending(["32.04", "32.09"], YEAR)
    # Bandung: direct 80M + 120M (Dinsos) + 50M (Dinkes) = 250M, support 30M.
    assert spending["32.04"]["direct"][1] == 250_000_000
    assert spending["32.04"]["support"][1] == 30_000_000
    assert spending["32.09"] == {"direct": (100_000_000.0, 100_000_000.0)}
    result = selectors.province_scorecard(Region.objects.get(code="32"), YEAR)
    rows = {r.peer: r for r in result.rows}
    # Bandung: 25 % direct, 0 % indirect, 3 % support of its 1,000M spending:
    # 0.5·25 + 0.3·0 + 0.2·3 = 13.1, the best: spending 100.
    # Compliance 35 + 35 + 15 + 0 = 85. Score (50·100 + 50·85) / 100 = 92.5.
    bandung = rows["32.04"]
    assert bandung.criteria["spending_direct"].raw == 25.0
    assert bandung.criteria["spending"].raw == pytest.approx(13.1)
    assert bandung.criteria["spending"].score == pytest.approx(100.0)
    assert bandung.criteria["compliance"].score == pytest.approx(85.0)
    assert bandung.score == pytest.approx(92.5)
    # Cirebon: 20 % direct of 500M: 0.5·20 = 10; normalised 10 / 13.1 × 100 = 76.336.
    # Compliance: only the decree is known (35); the rest missing (0, flagged).
    # Score (50·76.336 + 50·35) / 100 = 55.668.
    cirebon = rows["32.09"]
    assert cirebon.criteria["spending"].score == pytest.approx(1000 / 13.1)
    assert cirebon.score == pytest.approx((1000 / 13.1 + 35) / 2)
    assert {"verified_data", "report_q1", "report_q2"} <= set(cirebon.missing)
    assert (bandung.rank, cirebon.rank) == (1, 2) and bandung.group == "kabupaten"
    # A kab/kota that reported nothing scores 0, is flagged and wins nothing.
    bogor = rows["32.01"]
    assert bogor.score == 0.0 and not bogor.has_data
    assert [w.peer for w in result.awards["kabupaten"]] == ["32.04", "32.09"]
    # Kota are ranked among themselves.
    assert all(r.group == "kota" for r in result.rows if r.peer.split(".")[1] >= "71")


def test_the_inputs_page_is_audited_and_refuses_a_negative_budget(personas):
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("scorecards:compliance", args=["32.04", YEAR])
    assert client.get(url).status_code == 200
    response = client.post(url, {"spending_budget": "2000000000", "decree": "true",
                                 "verified_data": "unknown", "report_q1": "true",
                                 "report_q2": "unknown", "note": "SK Bupati 400/2026"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="scorecards.compliance_set")
    assert entry.actor == personas.tkpk_bandung
    assert entry.changes["decree"] == [None, True]
    assert "verified_data" not in entry.changes  # unknown stays unknown
    bad = client.post(url, {"spending_budget": "-5", "decree": "unknown",
                            "verified_data": "unknown", "report_q1": "unknown",
                            "report_q2": "unknown"})
    assert bad.status_code == 200
    assert AuditEntry.objects.filter(action="scorecards.compliance_set").count() == 1
    with pytest.raises(ValidationError):
        services.region_compliance_set(region=personas.cileunyi_kulon, year=YEAR,
                                       values={"decree": True}, acting_user=personas.admin)


def test_the_province_page_and_xlsx(personas):
    _setup(personas)
    _inputs(personas)
    client = personas.client_for(personas.national)
    page = client.get(reverse("scorecards:province", args=["32", YEAR]))
    assert page.status_code == 200
    assert b'id="province-row-32.04"' in page.content
    response = client.get(reverse("scorecards:province-xlsx", args=["32", YEAR]))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))
                                           ).get_sheet_by_index(0).to_python()
    header, *lines = sheet
    assert header[:5] == ["Peringkat", "Kabupaten/kota", "Kode", "Jenis", "Skor"]
    assert len(lines) == Region.objects.filter(parent_id="32", level=2).count()
    assert lines[0][2] == "32.04" and lines[0][0] == 1
    assert AuditEntry.objects.filter(action="scorecards.export_province").count() == 1
    # A kab/kota secretariat does not get the province's ranking.
    assert personas.client_for(personas.tkpk_bandung).get(
        reverse("scorecards:province", args=["32", YEAR])).status_code == 404
    # Nor is a kab/kota a province.
    assert client.get(reverse("scorecards:province", args=["32.04", YEAR])).status_code == 404


def test_a_quarter_reads_the_realisation_to_that_quarter(personas):
    _setup(personas)
    province = Region.objects.get(code="32")
    # No spending budget reported yet: every tagged share is missing.
    before = next(r for r in selectors.province_scorecard(province, YEAR).rows
                  if r.peer == "32.04")
    assert before.criteria["spending_direct"].missing
    _inputs(personas)
    # To Q1: direct 80M (Dinsos) + 50M (Dinkes) = 130M of 1,000M = 13 %.
    q1 = next(r for r in selectors.province_scorecard(province, YEAR, quarter=1).rows
              if r.peer == "32.04")
    assert q1.criteria["spending_direct"].raw == pytest.approx(13.0)
