"""The region dashboard, map values, XLSX downloads, small-cell suppression, the family needs
panel and the settings page, through the front door."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.audit.models import AuditEntry
from konvergen.welfare import engine
from konvergen.welfare.models import RuleSet


def _sheet(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_tkpk_sees_the_dashboard_with_status_needs_and_map_selector(tiny_register, personas):
    client = personas.client_for(personas.tkpk_bandung)
    page = client.get(reverse("regions:detail", args=["32.04.05"])).content.decode()
    assert 'id="welfare-dashboard"' in page
    assert 'id="needs-table"' in page and 'id="map-indicator"' in page
    assert 'data-indicator="water"' in page
    assert "suppression-note" not in page  # the secretariat may see personal data
    assert "vendor/chartjs/chart.umd.js" in page


def test_map_values_per_child_region(tiny_register, personas):
    client = personas.client_for(personas.tkpk_bandung)
    data = client.get(reverse("welfare:values", args=["32.04.05"])).json()
    values = data["values"]
    assert {"32.04.05.2001", "32.04.05.2002"} < set(values)  # every desa of Cileunyi
    assert values["32.04.05.2003"]["poor_share"] is None  # no family in the register
    assert values["32.04.05.2001"]["poor_share"] == 1.0  # desil 1 and 2
    assert values["32.04.05.2002"]["poor_share"] == 0.0  # desil 3: vulnerable
    assert values["32.04.05.2001"]["need:water"] == 1.0
    assert ["need:water", "Sumber air minum tidak layak"] in data["metrics"]


def test_small_cells_are_suppressed_without_personal_data_rights(tiny_register, personas):
    client = personas.client_for(personas.viewer)  # the bupati: no personal data
    values = client.get(reverse("welfare:values", args=["32.04.05"])).json()["values"]
    assert values["32.04.05.2001"]["poor_share"] is None  # 2 families < k = 10
    page = client.get(reverse("regions:detail", args=["32.04.05"])).content.decode()
    assert 'id="suppression-note"' in page and "&lt;10" in page
    rows = _sheet(client.get(reverse("welfare:table", args=["32.04.05", "status"])))
    kulon = next(r for r in rows if r[0] == "32.04.05.2001")
    assert kulon[2] == "" and kulon[9] == ""  # families and the extreme+poor share hidden


def test_with_a_lower_k_the_viewer_sees_the_cells(tiny_register, personas):
    RuleSet.objects.create(region=personas.bandung, year=2026, small_cell_k=1)
    client = personas.client_for(personas.viewer)
    values = client.get(reverse("welfare:values", args=["32.04.05"])).json()["values"]
    assert values["32.04.05.2001"]["poor_share"] == 1.0


@pytest.mark.parametrize("table", ["status", "needs", "trend"])
def test_every_table_downloads_as_xlsx(tiny_register, personas, table):
    client = personas.client_for(personas.tkpk_bandung)
    response = client.get(reverse("welfare:table", args=["32.04", table]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response)
    assert len(rows) >= 2
    if table == "status":
        total = rows[-1]
        assert total[0] == "32.04" and total[2] == 3 and total[3] == 7
    if table == "needs":
        assert {r[0] for r in rows[1:]} == {i.code for i in engine.DEFAULT_INDICATORS}


def test_two_snapshots_compare_and_trend(personas, tmp_path):
    from tests.web.test_permission_matrix import objects as make_objects

    make_objects.__wrapped__(personas, tmp_path)
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("regions:detail", args=["32.04.05"])
    page = client.get(url, {"as_of": "2026-04-15", "compare": "2026-01-15"}).content.decode()
    assert 'id="compare-table"' in page and 'id="trend-chart"' in page
    rows = _sheet(
        client.get(
            reverse("welfare:table", args=["32.04.05", "compare"]),
            {"as_of": "2026-04-15", "compare": "2026-01-15"},
        )
    )
    wetan = next(r for r in rows if r[0] == "32.04.05.2002")
    assert wetan[2:4] == ["", 0.0]  # no family in January; one vulnerable family in April
    trend = _sheet(client.get(reverse("welfare:table", args=["32.04.05", "trend"])))
    assert [r[0] for r in trend[1:]] == ["2026-01-15", "2026-04-15"]
    assert [r[1] for r in trend[1:]] == [2, 3]


def test_family_profile_shows_the_needs_panel(tiny_register, personas):
    from konvergen.registry.models import Family

    family = Family.objects.get(source_id="P001")
    page = personas.client_for(personas.village_operator).get(
        reverse("registry:family", args=[family.pk])
    )
    html = page.content.decode()
    assert 'id="family-needs"' in html and 'data-indicator="water"' in html
    assert "Miskin ekstrem" in html or "Extreme poor" in html


def test_only_the_secretariat_and_admins_open_the_settings(personas):
    url = reverse("welfare:settings", args=["32.04"])
    assert personas.client_for(personas.tkpk_bandung).get(url).status_code == 200
    for other in (personas.viewer, personas.dinsos_officer, personas.tkpk_cirebon):
        assert personas.client_for(other).get(url).status_code == 404
    desa = reverse("welfare:settings", args=["32.04.05.2001"])
    assert personas.client_for(personas.tkpk_bandung).get(desa).status_code == 404


def _post_data(client, url, **rule_changes):
    form = client.get(url).context
    data = {
        f"rules-{k}": ("" if v is None else v)
        for k, v in form["rule_form"].initial.items()
        if k in form["rule_form"].fields
    }
    data.update({f"rules-{k}": v for k, v in rule_changes.items()})
    formset = form["formset"]
    data.update(
        {
            "ind-TOTAL_FORMS": str(len(formset.initial)),
            "ind-INITIAL_FORMS": str(len(formset.initial)),
        }
    )
    for n, row in enumerate(formset.initial):
        for key, value in row.items():
            if key == "active":
                if value:
                    data[f"ind-{n}-active"] = "on"
            else:
                data[f"ind-{n}-{key}"] = value
    return data


def test_tkpk_saves_rules_and_indicators_and_it_is_audited(tiny_register, personas, settings):
    settings.KONVERGEN_JOB_RUNNER = "inline"
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("welfare:settings", args=["32.04"]) + "?year=2026"
    data = _post_data(client, url, desil_extreme=2, desil_poor=3)
    data["recompute"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["rule_form"].errors
    ruleset = RuleSet.objects.get(region=personas.bandung, year=2026)
    assert (ruleset.desil_extreme, ruleset.desil_poor) == (2, 3)
    entry = AuditEntry.objects.get(action="welfare.rules_update")
    assert entry.actor == personas.tkpk_bandung
    # The recompute ran with the new rules: desil 1-2 extreme, 3 poor.
    values = client.get(reverse("welfare:values", args=["32.04.05"])).json()["values"]
    assert values["32.04.05.2001"]["extreme_share"] == 1.0


def test_settings_refuse_weights_not_summing_to_one(personas):
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("welfare:settings", args=["32.04"]) + "?year=2026"
    data = _post_data(client, url)
    data["ind-0-weight"] = "0.9"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "sum to 1" in response.content.decode()
    assert not RuleSet.objects.exists()


def test_the_needs_panel_lists_members_by_name_only_for_personal_data_roles(
        tiny_register, personas):
    from konvergen.registry.models import Family

    family = Family.objects.get(source_id="P001")
    url = reverse("registry:family", args=[family.pk])
    page = personas.client_for(personas.dinsos_officer).get(url)
    members = page.context["needs_panel"]["members"]
    assert [m["name"] for m in members] == ["ASEP SUNANDAR", "EUIS KURNIASIH", "DEDE RAHMAT"]
    html = personas.client_for(personas.viewer).get(url).content.decode()
    assert 'id="member-needs"' in html and "EUIS KURNIASIH" not in html
