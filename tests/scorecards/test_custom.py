"""Scorecards a secretariat defines: criteria picked from the source catalogue, checked row
by row with messages naming the row and field, scored against hand-worked values for the
organisations of a kab/kota and the kab/kota of a province (overall and per strategy),
audited, exported, and closed to those outside the region."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from konvergen.audit.models import AuditEntry
from konvergen.regions.models import Level, Region
from konvergen.scorecards import selectors, services, sources
from konvergen.scorecards.models import CustomScorecard, Peers
from konvergen.targets.models import Indicator, IndicatorValue, Target
from konvergen.verification.models import Musdes
from konvergen.verification.selectors import verification_coverage
from tests.plans.conftest import YEAR
from tests.plans.test_meeting_pack import _setup
from tests.scorecards.test_pages import AUGUST, _on_time_q1
from tests.scorecards.test_province import _cirebon, _inputs


def _criterion(source, rule, weight, **extra):
    return {"source": source, "rule": rule, "weight": weight, **extra}


AGENCY_CRITERIA = [
    _criterion("output", "value", 50),
    _criterion("budget_rp", "to_best", 50),
    _criterion("reports_on_time", "ratio", 0, label="Laporan tepat waktu"),
    _criterion("report_on_time", "on_time", 0, parameter="1"),
]


def _agency_card(personas, criteria=AGENCY_CRITERIA):
    return services.custom_scorecard_save(
        region=personas.bandung, peers=Peers.AGENCIES, name="Kinerja OPD",
        criteria=criteria, acting_user=personas.tkpk_bandung)


def test_an_agency_scorecard_scores_as_worked_by_hand(personas):
    dinsos_plan, _ = _setup(personas)
    _on_time_q1(dinsos_plan)
    card = _agency_card(personas)
    result = selectors.custom_result(card, YEAR, 2, today=AUGUST)
    rows = {r.name: r for r in result.rows}
    # Dinsos to Q2: output 35 %, Rp 230M realised (the best: 100).
    # Score (50·35 + 50·100) / 100 = 67.5. Reports: Q1 on time, Q2 late: 50 %.
    dinsos = rows["Dinas Sosial"]
    assert dinsos.score == pytest.approx(67.5)
    assert dinsos.criteria["budget_rp"].raw == 230_000_000
    assert dinsos.criteria["reports_on_time"].raw == 50.0
    assert dinsos.criteria["report_on_time-1"].raw is True
    # Dinkes: output 50 %, Rp 50M: 50 / 230 × 100 = 21.739; (50·50 + 50·21.739) / 100.
    dinkes = rows["Dinas Kesehatan"]
    assert dinkes.score == pytest.approx((50 + 50 * 100 / 230) / 2)
    assert dinkes.criteria["reports_on_time"].raw == 0.0
    assert [r.name for r in result.rows][:2] == ["Dinas Sosial", "Dinas Kesehatan"]
    # The partner without a plan: output and Rp missing, scores 0, wins nothing.
    csr = rows["PT Mitra (CSR)"]
    assert csr.score == 0 and {"output", "budget_rp"} <= set(csr.missing)
    # Ranked per the strategy most of the budget serves: both agencies under "burden".
    per = {s: [r.name for r in rs] for s, _label, rs in result.by_strategy}
    assert per["burden"] == ["Dinas Sosial", "Dinas Kesehatan"]
    assert [w.name for w in dict((s, ws) for s, _l, ws in result.awards)["burden"]] == [
        "Dinas Sosial", "Dinas Kesehatan"]
    entry = AuditEntry.objects.get(action="scorecards.custom_create")
    assert entry.actor == personas.tkpk_bandung and entry.region_code == "32.04"
    assert [c["source"] for c in entry.changes["criteria"][1]] == [
        "output", "budget_rp", "reports_on_time", "report_on_time"]


@pytest.mark.parametrize(("row", "field", "label", "text"), [
    (_criterion("decree", "on_time", 10), "source", "source", "choose a source"),
    (_criterion("output", "on_time", 10), "rule", "scoring rule", "cannot be scored"),
    (_criterion("families_helped", "ratio", 10), "rule", "scoring rule", "Min–max"),
    (_criterion("report_on_time", "on_time", 10, parameter="5"), "parameter",
     "indicator code or quarter", "1 to 4"),
    (_criterion("output", "value", -1), "weight", "weight", "0 to 1000"),
    (_criterion("output", "value", 10, cap="0"), "cap", "cap", "above 0"),
    (_criterion("output", "to_best", 10, polarity="lower"), "polarity", "better when",
     "min–max"),
])
def test_a_bad_criterion_is_refused_naming_row_and_field(personas, row, field, label, text):
    criteria = [_criterion("output", "value", 10), row]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _agency_card(personas, criteria)
    assert caught.value.error_list[0].code == field
    message = caught.value.messages[0]
    assert message.startswith(f"Criterion 2, field “{label}”: ") and text in message
    assert not CustomScorecard.objects.exists()
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        _agency_card(personas, criteria)
    assert caught.value.messages[0].startswith("Kriteria 2, isian “")


def test_weights_must_not_all_be_zero_and_keys_stay_unique(personas):
    with pytest.raises(ValidationError):
        _agency_card(personas, [_criterion("output", "value", 0)])
    card = _agency_card(personas, [_criterion("output", "value", 1),
                                   _criterion("output", "ratio", 1)])
    assert [c.key for c in card.criteria.all()] == ["output", "output-2"]


def test_a_province_scorecard_ranks_kab_kota_overall_and_per_strategy(personas):
    _setup(personas)
    _cirebon(personas)
    _inputs(personas)
    province = Region.objects.get(code="32")
    card = services.custom_scorecard_save(
        region=province, peers=Peers.REGIONS, name="Belanja dan SK", acting_user=personas.admin,
        criteria=[_criterion("spending_weighted", "to_best", 50),
                  _criterion("decree", "on_time", 25),
                  _criterion("region_output", "value", 0)])
    result = selectors.custom_result(card, YEAR, 4)
    rows = {r.peer: r for r in result.rows}
    # Weighted tagged spending: Bandung 13.1 (the best), Cirebon 10 (see test_province);
    # both issued the decree. Bandung (50·100 + 25·100) / 75 = 100;
    # Cirebon (50·(10 / 13.1 × 100) + 25·100) / 75.
    assert rows["32.04"].score == pytest.approx(100.0)
    assert rows["32.09"].score == pytest.approx((50 * 1000 / 13.1 + 2500) / 75)
    assert rows["32.04"].group == "kabupaten" and rows["32.04"].rank == 1
    assert not rows["32.01"].has_data
    # Per strategy, the plan criteria read only that strategy's items. Burden: Bandung
    # direct 200M + 50M of 1,000M = 25 % → 12.5; Cirebon 20 % direct → 10.
    per = {s: {r.peer: r for r in rs} for s, _label, rs in result.by_strategy}
    burden = per["burden"]
    assert burden["32.04"].criteria["spending_weighted"].raw == pytest.approx(12.5)
    assert burden["32.09"].criteria["spending_weighted"].score == pytest.approx(80.0)
    # Income: only Bandung's support item (30M of 1,000M = 3 % → 0.6); Cirebon spent 0.
    income = per["income"]
    assert income["32.04"].criteria["spending_weighted"].raw == pytest.approx(0.6)
    assert income["32.09"].criteria["spending_weighted"].raw == 0.0
    assert income["32.04"].rank == 1
    awards = {s: [w.peer for w in ws] for s, _label, ws in result.awards}
    assert awards["kabupaten"][:2] == ["32.04", "32.09"] and "burden" in awards


def test_verification_indicator_and_convergence_sources(personas):
    province = Region.objects.get(code="32")
    Musdes.objects.create(region_code="32.04.05.2001", held_on=dt.date(YEAR, 3, 1),
                          place="Balai desa", attendees_count=30, minutes_file="x.pdf",
                          signed_by="Kepala Desa", created_by=personas.admin)
    Musdes.objects.create(region_code="32.04.05.2001", held_on=dt.date(YEAR, 9, 1),
                          place="Balai desa", attendees_count=20, minutes_file="y.pdf",
                          signed_by="Kepala Desa", created_by=personas.admin)
    desa = Region.objects.filter(level=Level.DESA, is_active=True,
                                 code__startswith="32.04.").count()
    coverage = verification_coverage("32", YEAR)
    assert coverage["32.04"]["musdes_desa"] == 1 and coverage["32.04"]["desa"] == desa
    p0, _created = Indicator.objects.get_or_create(
        code="p0-test", defaults={"name_id": "P0", "name_en": "P0", "unit": "%",
                                  "polarity": "lower", "source_kind": "bps"})
    IndicatorValue.objects.create(indicator=p0, region_code="32.04", year=YEAR, value=6.0,
                                  source_kind="bps")
    IndicatorValue.objects.create(indicator=p0, region_code="32.09", year=YEAR, value=9.0,
                                  source_kind="bps")
    Target.objects.create(indicator=p0, region=personas.bandung, year=YEAR, value=6.6,
                          document=_document(personas.bandung), updated_by=personas.admin)
    card = services.custom_scorecard_save(
        region=province, peers=Peers.REGIONS, name="Data dan P0", acting_user=personas.admin,
        separate_kinds=False,
        criteria=[_criterion("musdes_coverage", "value", 1),
                  _criterion("indicator_value", "minmax", 1, parameter="p0-test"),
                  _criterion("indicator_value", "achievement", 0, parameter="p0-test"),
                  _criterion("target_reached", "value", 0)])
    criteria = {c.key: c for c in card.criteria.all()}
    # The indicator's polarity is taken for min–max and achievement.
    assert criteria["indicator_value-p0-test"].polarity == "lower"
    assert criteria["indicator_value-p0-test-2"].polarity == "lower"
    result = selectors.custom_result(card, YEAR, 4)
    rows = {r.peer: r for r in result.rows}
    bandung, cirebon = rows["32.04"], rows["32.09"]
    assert bandung.criteria["musdes_coverage"].raw == pytest.approx(100 / desa)
    # P0: lower is better, so Bandung (6.0) gets 100 and Cirebon (9.0) 0 among those with
    # a value; Bandung beat its target of 6.6: achievement above 100.
    assert bandung.criteria["indicator_value-p0-test"].score == 100.0
    assert cirebon.criteria["indicator_value-p0-test"].score == 0.0
    assert bandung.criteria["indicator_value-p0-test-2"].score > 100
    assert cirebon.criteria["indicator_value-p0-test-2"].missing  # no target
    # No convergence run in this database: the reach is missing, not 0 % reached.
    assert bandung.criteria["target_reached"].missing
    assert bandung.group is None and result.by_strategy == []


def _document(region):
    from konvergen.targets.models import PlanDocument

    return PlanDocument.objects.create(region=region, kind="rpjmd", title="RPJMD",
                                       year_start=YEAR - 1, year_end=YEAR + 3)


def test_the_catalogue_readers_match_the_sources():
    assert set(sources.READERS) == set(sources.CATALOGUE)
    for source in sources.CATALOGUE.values():
        assert sources.RULES[source.kind]


def test_pages_define_show_export_and_archive(personas):
    dinsos_plan, _ = _setup(personas)
    _on_time_q1(dinsos_plan)
    client = personas.client_for(personas.tkpk_bandung)
    new = reverse("scorecards:custom-new", args=["32.04", "agencies"])
    page = client.get(new)
    assert page.status_code == 200 and b'id="criteria-table"' in page.content
    form = {"name": "Kinerja OPD", "description": "", "top": "3",
            "c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0",
            "c-MAX_NUM_FORMS": "40",
            "c-0-source": "output", "c-0-rule": "value", "c-0-weight": "50",
            "c-1-source": "budget_rp", "c-1-rule": "ratio", "c-1-weight": "50"}
    bad = client.post(new, form)
    assert bad.status_code == 200 and "Kriteria 2" in bad.content.decode()
    assert not CustomScorecard.objects.exists()
    response = client.post(new, {**form, "c-1-rule": "to_best"})
    card = CustomScorecard.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "scorecards:custom", args=[card.pk, timezone.localdate().year])
    shown = client.get(reverse("scorecards:custom", args=[card.pk, YEAR]) + "?quarter=2")
    assert shown.status_code == 200
    html = shown.content.decode()
    assert 'data-rank="1"' in html and "Dinas Sosial" in html
    listing = client.get(reverse("scorecards:agencies", args=["32.04", YEAR]))
    assert f'data-card="{card.pk}"' in listing.content.decode()
    xlsx = client.get(reverse("scorecards:custom-xlsx", args=[card.pk, YEAR]) + "?quarter=2")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(xlsx.streaming_content))
                                           ).get_sheet_by_index(0).to_python()
    assert sheet[1][1] == "Dinas Sosial" and sheet[1][3] == pytest.approx(67.5)
    assert AuditEntry.objects.filter(action="scorecards.export_custom").count() == 1
    edit = reverse("scorecards:custom-edit", args=[card.pk])
    assert client.get(edit).status_code == 200
    changed = client.post(edit, {**form, "c-TOTAL_FORMS": "3", "c-1-rule": "to_best",
                                 "c-0-weight": "0"})
    assert changed.status_code == 302
    assert [c.weight for c in card.criteria.all()] == [0.0, 50.0]
    assert AuditEntry.objects.filter(action="scorecards.custom_update").exists()
    # Another kab/kota's secretariat neither sees nor edits it.
    other = personas.client_for(personas.tkpk_cirebon)
    assert other.get(reverse("scorecards:custom", args=[card.pk, YEAR])).status_code == 404
    assert other.post(edit, form).status_code == 404
    archive = reverse("scorecards:custom-archive", args=[card.pk])
    assert client.post(archive).status_code == 302  # not confirmed: nothing happens
    assert client.get(reverse("scorecards:custom", args=[card.pk, YEAR])).status_code == 200
    assert client.post(archive, {"confirm": "1"}).status_code == 302
    assert client.get(reverse("scorecards:custom", args=[card.pk, YEAR])).status_code == 404
    assert AuditEntry.objects.filter(action="scorecards.custom_archive").exists()


def test_the_spending_budget_decides_the_tag_shares(personas):
    _setup(personas)
    _inputs(personas)
    services.region_compliance_set(region=personas.bandung, year=YEAR,
                                   values={"spending_budget": Decimal(500_000_000)},
                                   acting_user=personas.tkpk_bandung)
    card = services.custom_scorecard_save(
        region=Region.objects.get(code="32"), peers=Peers.REGIONS, name="Langsung",
        acting_user=personas.admin, criteria=[_criterion("spending_direct", "value", 1)])
    rows = {r.peer: r for r in selectors.custom_result(card, YEAR, 4).rows}
    assert rows["32.04"].criteria["spending_direct"].raw == pytest.approx(50.0)  # 250 of 500
    assert rows["32.01"].criteria["spending_direct"].missing  # no spending budget reported


def test_a_province_scorecard_is_read_at_province_level_only(personas):
    card = services.custom_scorecard_save(
        region=Region.objects.get(code="32"), peers=Peers.REGIONS, name="Kab/kota",
        criteria=[_criterion("decree", "on_time", 1)], acting_user=personas.admin)
    url = reverse("scorecards:custom", args=[card.pk, YEAR])
    for role, status in (("admin", 200), ("national", 200), ("tkpk_bandung", 404),
                         ("viewer", 404), ("agency_head", 404)):
        assert personas.client_for(getattr(personas, role)).get(url).status_code == status, role
    edit = reverse("scorecards:custom-edit", args=[card.pk])
    assert personas.client_for(personas.admin).get(edit).status_code == 200
    assert personas.client_for(personas.national).get(edit).status_code == 404
    # A kab/kota's secretariat cannot define one for its province.
    new = reverse("scorecards:custom-new", args=["32", "regions"])
    assert personas.client_for(personas.tkpk_bandung).get(new).status_code == 404
    assert personas.client_for(personas.admin).get(new).status_code == 200
