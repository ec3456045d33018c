"""Recomputing after an import, the stored summaries, rules per region and year, and the
audited settings service (on SQLite and PostgreSQL)."""

import datetime as dt

import pytest

from konvergen.audit.models import AuditEntry
from konvergen.registry.services import dataset_get_or_create, register_import
from konvergen.welfare import engine
from konvergen.welfare.models import (
    FamilyWelfare,
    IndicatorSetting,
    NeedSummary,
    RegionSummary,
    RuleSet,
    WelfareRun,
)
from konvergen.welfare.services import (
    effective_indicators,
    effective_ruleset,
    welfare_recompute,
    welfare_rules_update,
)
from tests.conftest import tiny_p3ke_rows, write_p3ke

DEFAULT_RULES = {
    "method": "desil",
    "desil_extreme": 1,
    "desil_poor": 2,
    "desil_vulnerable": 4,
    "poverty_line_day": None,
    "extreme_line_day": None,
    "vulnerable_factor": 1.5,
    "mpi_k": 1 / 3,
    "small_cell_k": 10,
}


def _indicators(**changes) -> list[dict]:
    return [{**i.as_dict(), **changes.get(i.code, {})} for i in engine.DEFAULT_INDICATORS]


def test_an_import_computes_status_needs_and_summaries(tiny_register):
    run = WelfareRun.objects.get(snapshot=tiny_register)
    assert run.families == 3
    statuses = dict(
        FamilyWelfare.objects.filter(snapshot=tiny_register).values_list(
            "family__source_id", "status"
        )
    )
    assert statuses == {"P001": 1, "P002": 2, "P003": 3}  # desil 1, 2, 3
    # Every family of the tiny register: earth floor, firewood, unprotected well, no toilet.
    wanted = {"water", "sanitation", "housing", "cooking_fuel"}
    bits = {i["code"]: 1 << n for n, i in enumerate(run.indicators)}
    for needs in FamilyWelfare.objects.filter(snapshot=tiny_register).values_list(
        "needs", flat=True
    ):
        assert {c for c, b in bits.items() if needs & b} >= wanted
    assert AuditEntry.objects.filter(action="welfare.recompute").count() == 1


def test_summaries_add_up_from_desa_to_province(tiny_register):
    rows = {r.region_code: r for r in RegionSummary.objects.filter(snapshot=tiny_register)}
    assert set(rows) == {"32", "32.04", "32.04.05", "32.04.05.2001", "32.04.05.2002"}
    assert rows["32.04.05.2001"].families == 2 and rows["32.04.05.2002"].families == 1
    for code in ("32", "32.04", "32.04.05"):
        assert rows[code].families == 3
        assert rows[code].persons == 7
        assert rows[code].families_extreme + rows[code].families_poor == 2
    water = NeedSummary.objects.get(snapshot=tiny_register, region_code="32.04", indicator="water")
    assert (water.families, water.persons) == (3, 7)


def test_recompute_replaces_the_previous_results(tiny_register, personas):
    welfare_recompute(snapshot=tiny_register, acting_user=personas.admin)
    assert FamilyWelfare.objects.filter(snapshot=tiny_register).count() == 3
    assert RegionSummary.objects.filter(snapshot=tiny_register, region_code="32").count() == 1


def test_rules_of_the_nearest_region_and_latest_year_apply(personas):
    welfare_rules_update(
        region=personas.bandung.parent,
        year=2025,
        rules={**DEFAULT_RULES, "desil_vulnerable": 3},
        indicators=_indicators(),
        acting_user=personas.admin,
    )
    assert effective_ruleset("32.04", 2026).desil_vulnerable == 3  # the province's, 2025
    assert effective_ruleset("32.04", 2024) is None
    welfare_rules_update(
        region=personas.bandung,
        year=2026,
        rules={**DEFAULT_RULES, "desil_poor": 3},
        indicators=_indicators(),
        acting_user=personas.tkpk_bandung,
    )
    assert effective_ruleset("32.04", 2026).desil_poor == 3
    assert effective_ruleset("32.09", 2026).desil_vulnerable == 3  # Cirebon: the province's
    indicators, owner = effective_indicators("32.09")
    assert owner == "32" and len(indicators) == len(engine.DEFAULT_INDICATORS)


def test_a_region_s_rules_change_the_status_on_recompute(tiny_register, personas):
    welfare_rules_update(
        region=personas.bandung,
        year=2026,
        rules={**DEFAULT_RULES, "desil_extreme": 2, "desil_poor": 3},
        indicators=_indicators(),
        acting_user=personas.tkpk_bandung,
    )
    welfare_recompute(snapshot=tiny_register, acting_user=personas.tkpk_bandung)
    statuses = sorted(
        FamilyWelfare.objects.filter(snapshot=tiny_register).values_list("status", flat=True)
    )
    assert statuses == [1, 1, 2]


def test_rules_update_is_audited_with_before_and_after(personas):
    welfare_rules_update(
        region=personas.bandung,
        year=2026,
        rules=DEFAULT_RULES,
        indicators=_indicators(water={"active": False}, sanitation={"weight": 0.1}),
        acting_user=personas.tkpk_bandung,
    )
    entry = AuditEntry.objects.get(action="welfare.rules_update")
    assert entry.actor == personas.tkpk_bandung and entry.region_code == "32.04"
    after = {i["code"]: i for i in entry.changes["indicators"]["after"]}
    assert after["water"]["active"] is False and after["sanitation"]["weight"] == 0.1
    assert IndicatorSetting.objects.filter(region=personas.bandung).count() == len(after)
    welfare_rules_update(
        region=personas.bandung,
        year=2026,
        rules={**DEFAULT_RULES, "small_cell_k": 5},
        indicators=_indicators(water={"active": False}, sanitation={"weight": 0.1}),
        acting_user=personas.tkpk_bandung,
    )
    last = AuditEntry.objects.filter(action="welfare.rules_update").latest("id")
    assert last.changes["rules"] == {"small_cell_k": [10, 5]}
    assert last.changes["indicators"] == "unchanged"


@pytest.mark.parametrize(
    ("rules", "indicators", "message"),
    [
        ({**DEFAULT_RULES, "method": "consumption"}, _indicators(), "poverty line"),
        (DEFAULT_RULES, _indicators(water={"weight": 0.5}), "sum to 1"),
        (DEFAULT_RULES, _indicators(water={"params": {"field": "nik"}}), "field"),
    ],
)
def test_an_invalid_configuration_saves_nothing(personas, rules, indicators, message):
    with pytest.raises(ValueError, match=message):
        welfare_rules_update(
            region=personas.bandung,
            year=2026,
            rules=rules,
            indicators=indicators,
            acting_user=personas.tkpk_bandung,
        )
    assert not RuleSet.objects.exists()
    assert not AuditEntry.objects.filter(action="welfare.rules_update").exists()


def test_consumption_rules_and_fgt_from_a_canonical_import(personas, tmp_path):
    """A canonical-layout file with per-capita expenditure: status by the lines, FGT stored."""
    families, members = tiny_p3ke_rows()
    fam, mem = write_p3ke(tmp_path, families, members)
    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    welfare_rules_update(
        region=personas.bandung,
        year=2026,
        rules={
            **DEFAULT_RULES,
            "method": "consumption",
            "poverty_line_day": 15_000,
            "extreme_line_day": 12_000,
        },
        indicators=_indicators(),
        acting_user=personas.tkpk_bandung,
    )
    outcome = register_import(
        dataset=dataset,
        families_path=fam,
        members_path=mem,
        snapshot_date=dt.date(2026, 1, 15),
        acting_user=personas.admin,
    )
    run = WelfareRun.objects.get(snapshot=outcome.snapshot)
    assert run.config["rules"]["method"] == "consumption"
    # P3KE has no expenditure column: every family falls back to its desil; no FGT.
    row = RegionSummary.objects.get(snapshot=outcome.snapshot, region_code="32.04")
    assert (row.families_extreme, row.families_poor, row.consumption_persons) == (1, 1, 0)
