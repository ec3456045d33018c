"""Convergence figures, indicators and targets of a region; the OpenAPI schema."""

import json

from openapi_spec_validator import validate

from tests.api.conftest import Api


def _official_p0(personas, tmp_path):
    from konvergen.targets.services import indicator_catalogue_load, official_import

    indicator_catalogue_load()
    path = tmp_path / "p0.csv"
    path.write_text("kode_kemendagri,tahun,p0\n32.04,2024,6.5\n32.09,2024,11.2\n",
                    encoding="utf-8")
    official_import(path=path, acting_user=personas.tkpk_bandung)


def test_indicators_and_a_series_of_a_region(personas, tmp_path, api_for):
    _official_p0(personas, tmp_path)
    api = api_for(personas.viewer, scopes=["indicators:read"])
    table = api.get("/regions/32.04/indicators")
    assert table.status_code == 200, table.content
    p0 = next(r for r in table.json() if r["code"] == "p0")
    assert p0["latest_year"] == 2024 and p0["value"]["realised"] == 6.5
    assert p0["name_id"] and p0["name_en"]
    series = api.get("/regions/32.04/indicators/p0").json()
    assert [(y["year"], y["realised"]) for y in series["years"]] == [(2024, 6.5)]
    assert api.get("/regions/32.04/indicators/nothing").status_code == 404
    # Kabupaten Cirebon's figures are not the Bandung viewer's.
    assert api.get("/regions/32.09/indicators").status_code == 404


def test_small_counts_are_hidden_without_personal_data_rights(personas, tiny_register,
                                                              programme, api_for):
    from konvergen.programs.models import Intervention
    from konvergen.programs.services import intervention_record
    from konvergen.registry.models import Family

    intervention_record(programme=programme, family=Family.objects.get(source_id="P001"),
                        year=2026, status=Intervention.Status.DELIVERED,
                        acting_user=personas.admin)
    open_ = api_for(personas.tkpk_bandung, scopes=["convergence:read", "persons:pii"])
    hidden = api_for(personas.viewer, scopes=["convergence:read", "persons:pii"])
    full = open_.get("/regions/32.04/convergence/2026").json()
    masked = hidden.get("/regions/32.04/convergence/2026").json()
    assert full["total"]["interventions"] == 1 and full["suppressed_below"] == 0
    assert masked["suppressed_below"] > 1 and masked["total"]["interventions"] is None
    assert api_for(personas.village_operator).get(
        "/regions/32.04/convergence/2026").status_code == 404


def test_the_openapi_schema_validates_and_documents_the_errors(personas):
    response = Api(None).get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(json.loads(json.dumps(schema)))
    assert schema["components"]["securitySchemes"]["Token"] == {"type": "http",
                                                               "scheme": "bearer"}
    bulk = schema["paths"]["/api/v1/programmes/{programme_id}/interventions"]["post"]
    assert set(bulk["responses"]) >= {"201", "401", "403", "404", "422", "429"}
    assert "idempotency-key" in {p["name"].lower() for p in bulk["parameters"]}


def test_the_docs_page_needs_no_cdn(personas):
    page = Api(None).get("/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn." not in html
