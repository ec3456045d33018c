"""The pages: indicators table, indicator chart, target and document forms, bands, the
official figures import with its rejected rows, the Excel downloads; who may open them."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.targets import services
from konvergen.targets.models import (
    Indicator,
    IndicatorValue,
    OfficialImport,
    PlanDocument,
    StatusBands,
    Target,
)
from tests.conftest import shared_data
from tests.targets.conftest import P0_2021


def sheet_rows(response) -> list[list]:
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def document(personas):
    return services.plan_document_save(
        region=personas.bandung, acting_user=personas.tkpk_bandung,
        data={"kind": "rpjmd", "number": "5/2025", "title": "RPJMD Kabupaten Bandung",
              "year_start": 2025, "year_end": 2029, "issued_on": None})


def test_secretariat_sets_targets_and_leaders_read_the_status(personas, catalogue):
    client = personas.client_for(personas.tkpk_bandung)
    # A plan document through the form.
    response = client.post(reverse("targets:document-new", kwargs={"code": "32.04"}), {
        "kind": "rpjmd", "number": "5/2025", "title": "RPJMD 2025-2029", "year_start": 2025,
        "year_end": 2029, "issued_on": "2025-06-01"})
    assert response.status_code == 302
    doc = PlanDocument.objects.get()
    assert doc.region_id == "32.04" and doc.created_by == personas.tkpk_bandung
    # Baseline 2024 and targets 2025 and 2029 of P0 through the target form.
    url = reverse("targets:target-edit", kwargs={"code": "32.04", "indicator": "p0"})
    page = client.get(url)
    assert page.status_code == 200 and "y2027" in page.context["form"].fields
    response = client.post(url, {"document": doc.pk, "baseline_year": "2024",
                                 "baseline_value": "6.71", "y2025": "6.4", "y2029": "5",
                                 "note": "RPJMD"})
    assert response.status_code == 302, response.context["form"].errors
    assert dict(Target.objects.values_list("year", "value")) == {2025: 6.4, 2029: 5.0}
    # BPS reports 6.30 for 2025: achievement (2*6.4 - 6.3)/6.4 = 101.6 %: on track.
    IndicatorValue.objects.create(indicator=Indicator.objects.get(code="p0"),
                                  region_code="32.04", year=2025, value=6.30,
                                  source_kind="bps", source="BPS")
    for user in (personas.viewer, personas.tkpk_chair, personas.national):
        page = personas.client_for(user).get(reverse("targets:region",
                                                     kwargs={"code": "32.04"}))
        assert page.status_code == 200
        row = next(r for r in page.context["rows"] if r.indicator.code == "p0")
        assert round(row.row.achievement, 1) == 101.6 and row.row.status == "on_track"
        assert b'data-status="on_track"' in page.content and "Tercapai" in page.content.decode()
    chart = client.get(reverse("targets:indicator", kwargs={"code": "32.04",
                                                            "indicator": "p0"}))
    data = json.loads(json.dumps(chart.context["chart"]))
    assert data["years"] == [2024, 2025, 2026, 2027, 2028, 2029]
    # 2024 6.71 -> 2025 6.4 -> 2029 5.0 (0.35 a year after 2025).
    assert [round(t, 3) for t in data["trajectory"]] == [6.71, 6.4, 6.05, 5.7, 5.35, 5.0]
    assert data["realised"][data["years"].index(2025)] == 6.30
    assert data["target"][data["years"].index(2029)] == 5.0
    assert b"indicator-chart-data" in chart.content and b"chart.umd.js" in chart.content
    assert len(chart.context["history"]) == 3  # baseline and two targets
    # The leaders may not change targets.
    assert personas.client_for(personas.viewer).post(url, {"document": doc.pk,
                                                           "y2025": "1"}).status_code == 404
    assert personas.client_for(personas.tkpk_cirebon).get(url).status_code == 404
    assert Target.objects.get(year=2025).value == 6.4


def test_indicators_table_as_excel(personas, catalogue):
    doc = document(personas)
    p0 = Indicator.objects.get(code="p0")
    services.target_set(indicator=p0, region=personas.bandung, year=2025, value=6.0,
                        document=doc, acting_user=personas.tkpk_bandung)
    IndicatorValue.objects.create(indicator=p0, region_code="32.04", year=2025, value=6.6,
                                  source_kind="bps", source="BPS")
    response = personas.client_for(personas.viewer).get(
        reverse("targets:region-xlsx", kwargs={"code": "32.04"}))
    rows = sheet_rows(response)
    assert rows[0][0] == "Kode"  # Indonesian by default
    p0_row = next(r for r in rows if r[0] == "p0")
    assert p0_row[3] == 2025 and p0_row[5] == 6.6 and p0_row[6] == 6.0
    assert p0_row[8] == 90.0  # (12 - 6.6) / 6


def test_import_page_result_rejected_rows_and_remap(personas, catalogue, tmp_path):
    client = personas.client_for(personas.admin)
    upload = SimpleUploadedFile("p0_kabkota_2021.csv", shared_data(*P0_2021).read_bytes())
    response = client.post(reverse("targets:import"), {"file": upload,
                                                       "default_year": "2021"})
    assert response.status_code == 302
    batch = OfficialImport.objects.get()
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["counts"]["accepted"] == 54
    assert page.context["counts"]["rejected"] == 514 - 27
    sheet = sheet_rows(client.get(reverse("targets:import-rejected",
                                          kwargs={"batch_id": batch.pk})))
    assert len(sheet) == 1 + 514 - 27
    assert sheet[1][:4] == [1, "kode_kemendagri", "11.09", "unknown_region"]
    assert sheet[1][4].startswith("Baris 1") and sheet[1][5].startswith("Row 1")
    # Map an unknown column to an indicator and import the same file again.
    header = "sanitasi_layak_persen"
    index = batch.unknown_columns.index(header)
    Indicator.objects.create(code="sanitasi", name_id="Sanitasi layak", name_en="Sanitation",
                             unit="%", polarity="higher", source_kind="sector")
    response = client.post(reverse("targets:import-remap", kwargs={"batch_id": batch.pk}),
                           {f"map{index}": "sanitasi"})
    again = OfficialImport.objects.exclude(pk=batch.pk).get()
    assert response.url == reverse("targets:import-result", kwargs={"batch_id": again.pk})
    assert again.counts["created"] == 27 and again.counts["unchanged"] == 54
    assert IndicatorValue.objects.filter(indicator__code="sanitasi").count() == 27
    # A file that is no table at all: the form says so.
    bad = client.post(reverse("targets:import"), {"file": SimpleUploadedFile(
        "x.csv", b"\x00\x01\x02")})
    assert bad.status_code == 200 and bad.context["form"].non_field_errors()


def test_secretariat_import_is_not_visible_to_another_region(personas, catalogue, tmp_path):
    client = personas.client_for(personas.tkpk_bandung)
    upload = SimpleUploadedFile("p0.csv", shared_data(*P0_2021).read_bytes())
    client.post(reverse("targets:import"), {"file": upload, "default_year": "2021"})
    batch = OfficialImport.objects.get()
    assert batch.counts["rejected_by_reason"]["outside_scope"] == 26
    url = reverse("targets:import-result", kwargs={"batch_id": batch.pk})
    assert client.get(url).status_code == 200
    assert personas.client_for(personas.tkpk_cirebon).get(url).status_code == 404


def test_bands_form(personas, catalogue):
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("targets:bands", kwargs={"code": "32.04"})
    assert client.post(url, {"on_track": "90", "attention": "95"}).status_code == 200
    assert not StatusBands.objects.exists()
    assert client.post(url, {"on_track": "95", "attention": "85"}).status_code == 302
    bands = StatusBands.objects.get(region_id="32.04")
    assert (bands.on_track, bands.attention) == (95.0, 85.0)


def test_refresh_computes_from_the_register(personas, tiny_register):
    IndicatorValue.objects.filter(source_kind="computed").delete()
    client = personas.client_for(personas.tkpk_bandung)
    response = client.post(reverse("targets:refresh", kwargs={"code": "32.04"}))
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator__code="desil1_families",
                                      region_code="32.04").value == 1.0
