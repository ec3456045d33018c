"""Plan documents, baselines and targets (versioned, audited), bands, and what the
selectors make of them: trajectory, achievement, status, province and national values."""

import datetime as dt

import pytest

from konvergen.audit.models import AuditEntry
from konvergen.targets import selectors, services
from konvergen.targets.models import Indicator, IndicatorValue, Target, TargetRevision


def make_document(personas, region=None, **kw):
    data = {"kind": "rpjmd", "number": "Perda 5/2025", "title": "RPJMD 2025-2029",
            "year_start": 2025, "year_end": 2029, "issued_on": dt.date(2025, 6, 1), **kw}
    return services.plan_document_save(region=region or personas.bandung, data=data,
                                       acting_user=personas.tkpk_bandung)


def put(code, region, year, value, period="", kind="bps"):
    IndicatorValue.objects.create(indicator=Indicator.objects.get(code=code),
                                  region_code=region, year=year, period=period, value=value,
                                  source_kind=kind, source="test")


def test_target_versions_keep_the_earlier_value(personas, catalogue):
    doc = make_document(personas)
    p0 = Indicator.objects.get(code="p0")
    user = personas.tkpk_bandung
    services.target_set(indicator=p0, region=personas.bandung, year=2029, value=5.0,
                        document=doc, acting_user=user)
    services.target_set(indicator=p0, region=personas.bandung, year=2029, value=4.5,
                        document=doc, note="revisi RPJMD", acting_user=user)
    # The same value again is no new version.
    services.target_set(indicator=p0, region=personas.bandung, year=2029, value=4.5,
                        document=doc, note="revisi RPJMD", acting_user=user)
    assert Target.objects.get(indicator=p0, region=personas.bandung, year=2029).value == 4.5
    history = selectors.target_history(p0, personas.bandung)
    assert [(h.old_value, h.new_value, h.changed_by) for h in history] == [
        (5.0, 4.5, user), (None, 5.0, user)]
    audits = AuditEntry.objects.filter(action="targets.target_set").order_by("id")
    assert [a.changes["value"] for a in audits] == [[None, 5.0], [5.0, 4.5]]
    assert audits[0].actor == user and audits[0].region_code == "32.04"


def test_targets_are_refused_outside_the_documents_years_region_or_rights(personas,
                                                                          catalogue):
    doc = make_document(personas)
    p0 = Indicator.objects.get(code="p0")
    with pytest.raises(services.TargetsError):
        services.target_set(indicator=p0, region=personas.bandung, year=2031, value=4,
                            document=doc, acting_user=personas.tkpk_bandung)
    with pytest.raises(services.TargetsError):  # another region's secretariat
        services.target_set(indicator=p0, region=personas.bandung, year=2029, value=4,
                            document=doc, acting_user=personas.tkpk_cirebon)
    with pytest.raises(services.TargetsError):  # Bandung's document for Cirebon
        services.target_set(indicator=p0, region=personas.cirebon, year=2029, value=4,
                            document=doc, acting_user=personas.admin)
    with pytest.raises(services.TargetsError):  # the poverty line takes no target
        services.target_set(indicator=Indicator.objects.get(code="poverty_line"),
                            region=personas.bandung, year=2029, value=1, document=doc,
                            acting_user=personas.tkpk_bandung)
    with pytest.raises(services.TargetsError):
        make_document(personas, year_start=2029, year_end=2025)
    assert not Target.objects.exists() and not TargetRevision.objects.exists()


def test_trajectory_achievement_status_and_comparison_lines(personas, catalogue):
    doc = make_document(personas)
    p0 = Indicator.objects.get(code="p0")
    user = personas.tkpk_bandung
    services.baseline_set(indicator=p0, region=personas.bandung, document=doc, year=2024,
                          value=6.71, acting_user=user)
    services.target_set(indicator=p0, region=personas.bandung, year=2029, value=5.0,
                        document=doc, acting_user=user)
    put("p0", "32.04", 2024, 6.71)
    put("p0", "32.04", 2026, 6.20)
    put("p0", "32", 2026, 7.10, period="maret")
    put("p0", "32", 2026, 6.90, period="september")
    put("p0", "", 2026, 8.30, period="maret")
    series = selectors.series_for(personas.bandung, [p0])[p0.pk]
    # Every year from the baseline to the last target, the trajectory in each.
    assert [r.year for r in series.rows] == list(range(2024, 2030))
    assert [round(r.trajectory, 3) for r in series.rows] == [6.71, 6.368, 6.026, 5.684,
                                                            5.342, 5.0]
    y2026 = series.row(2026)
    assert y2026.trajectory == pytest.approx(6.026)
    assert y2026.target is None
    assert y2026.achievement == pytest.approx((2 * 6.026 - 6.2) / 6.026 * 100)
    assert y2026.status == "attention"                    # 97.1 %: between 90 and 100
    assert (y2026.province, y2026.national) == (7.10, 8.30)  # March stands for the year
    assert series.row(2029).target == 5.0 and series.row(2029).realised is None
    # The secretariat widens the bands: 97 % is on track from 95 %.
    services.status_bands_set(region=personas.bandung, on_track=95, attention=85,
                              acting_user=user)
    assert selectors.series_for(personas.bandung, [p0])[p0.pk].row(2026).status == "on_track"
    assert AuditEntry.objects.filter(action="targets.bands_set").get().changes[
        "on_track"] == [None, 95.0]
    with pytest.raises(services.TargetsError):
        services.status_bands_set(region=personas.bandung, on_track=80, attention=90,
                                  acting_user=user)
    # The table: the latest value of each indicator with its status.
    table = {r.indicator.code: r for r in selectors.indicator_table(personas.bandung)}
    assert table["p0"].row.year == 2026 and table["p0"].row.status == "on_track"
    assert table["ipm"].row is None


def test_bands_come_from_the_region_above(personas, catalogue):
    services.status_bands_set(region=personas.bandung.parent, on_track=98, attention=80,
                              acting_user=personas.admin)
    bands, owner = selectors.bands_for("32.04")
    assert (bands.on_track, bands.attention, owner) == (98, 80, "32")
    assert selectors.bands_for("33.01")[1] == ""


def test_baseline_changes_are_versioned(personas, catalogue):
    doc = make_document(personas)
    p0 = Indicator.objects.get(code="p0")
    for year, v in ((2024, 6.8), (2024, 6.71)):
        services.baseline_set(indicator=p0, region=personas.bandung, document=doc, year=year,
                              value=v, acting_user=personas.tkpk_bandung)
    revisions = TargetRevision.objects.filter(kind="baseline").order_by("id")
    assert [(r.old_value, r.new_value) for r in revisions] == [(None, 6.8), (6.8, 6.71)]


def test_catalogue_load_is_idempotent(db):
    first = services.indicator_catalogue_load()
    assert first["created"] == len(services.catalogue.CATALOGUE) >= 13
    again = services.indicator_catalogue_load()
    assert again == {"created": 0, "updated": 0, "unchanged": first["created"]}
    assert AuditEntry.objects.filter(action="targets.catalogue_load").count() == 1
    gk = Indicator.objects.get(code="poverty_line")
    assert gk.informational and gk.polarity == "higher"
    assert Indicator.objects.get(code="p0").polarity == "lower"
