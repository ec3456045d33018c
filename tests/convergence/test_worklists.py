"""Worklists: a village operator sees and downloads their own desa only; viewers none."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.programs.models import Programme
from konvergen.programs.services import intervention_create
from konvergen.registry.models import Family

KULON, WETAN = "32.04.05.2001", "32.04.05.2002"


@pytest.fixture
def region(personas, tiny_register):
    programme = Programme.objects.create(
        code="rtlh-daerah", name="RTLH Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="housing",
        needs=["housing"], funding_source="apbd_regency", year_start=2026, year_end=2026,
    )
    intervention_create(programme=programme, family=Family.objects.get(source_id="P001"),
                        year=2026, status="delivered", value=1, acting_user=personas.admin)
    return programme


def test_the_village_operator_gets_their_desa_only(personas, region):
    client = personas.client_for(personas.village_operator)
    page = client.get(reverse("convergence:worklist", args=[KULON]), {"year": 2026})
    assert page.status_code == 200
    ids = {r["source_id"] for r in page.context["rows"]}
    assert ids and ids <= {"P001", "P002"}
    assert client.get(reverse("convergence:worklist", args=[WETAN])).status_code == 404
    assert client.get(reverse("convergence:worklist", args=["32.04"])).status_code == 404
    assert client.get(reverse("convergence:worklist-xlsx", args=["32.04"])).status_code == 404


def test_the_worklist_download_has_the_field_columns(personas, region):
    client = personas.client_for(personas.village_operator)
    response = client.get(reverse("convergence:worklist-xlsx", args=[KULON]), {"year": 2026})
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][:5] == ["ID Keluarga", "No KK", "Kepala Keluarga", "NIK", "Alamat"]
    assert {r[0] for r in rows[1:]} <= {"P001", "P002"} and len(rows) > 1
    assert all(r[5] == KULON for r in rows[1:])


def test_a_need_filter_keeps_families_no_programme_for_it_reaches(personas, region):
    client = personas.client_for(personas.dinsos_officer)
    page = client.get(reverse("convergence:worklist", args=["32.04"]),
                      {"year": 2026, "need": "housing"})
    ids = {r["source_id"] for r in page.context["rows"]}
    # P001 got the housing programme; the other target families with a housing need did not.
    assert "P001" not in ids and ids


def test_viewers_have_no_worklist_and_see_no_small_counts(personas, region):
    assert personas.client_for(personas.viewer).get(
        reverse("convergence:worklist", args=["32.04"])).status_code == 404
    page = personas.client_for(personas.viewer).get(
        reverse("convergence:dashboard", args=["32.04"]), {"year": 2026})
    assert page.status_code == 200 and page.context["k"] == 10
    assert page.context["data"]["total"]["target_families"] is None  # 3 families < k


def test_map_values_give_the_unreached_share_per_child_region(personas, region):
    client = personas.client_for(personas.tkpk_bandung)
    values = client.get(reverse("convergence:values", args=["32.04"]), {"year": 2026}).json()
    cileunyi = values["values"]["32.04.05"]
    # P001, P002, P003 (desil 1-3) are target families; only P001 was reached.
    assert cileunyi == {"unreached_share": 2 / 3, "reached_share": 1 / 3}
    viewer = personas.client_for(personas.viewer)
    hidden = viewer.get(reverse("convergence:values", args=["32.04"]), {"year": 2026}).json()
    assert hidden["values"]["32.04.05"] == {"unreached_share": None, "reached_share": None}
