"""The public portal through the front door, anonymous, on a synthetic kab/kota with
programmes: every public URL answers without a sign-in, shows no name, NIK or address and
no count of 1 … k−1, and no hidden count can be worked out from a row or a column; an
unpublished region does not exist; the CKAN API answers as CKAN does."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.portal import datasets, selectors
from konvergen.portal.services import publication_set
from konvergen.registry.models import Family, Person
from tests.conftest import import_synth_register

YEAR = 2026
K = 5


@pytest.fixture
def region(personas, tmp_path):
    """Kabupaten Bandung: 3,000 synthetic families, the demo programmes of 2026, and
    the region published by its secretariat."""
    call_command("synth", "--region", "32.04", "--families", "3000", "--seed", "3",
                 "--out", str(tmp_path), "-v0")
    import_synth_register(personas.bandung, tmp_path)
    call_command("demo-setup", "--region", "32.04")
    call_command("demo-programmes", "--region", "32.04", "--lists", str(tmp_path),
                 "--year", str(YEAR))
    publication_set(region=personas.bandung, values={"published": True,
                                                     "producer": "Sekretariat TKPK Bandung"},
                    acting_user=personas.tkpk_bandung)
    return personas.bandung


def _public_urls(region) -> list[str]:
    t = selectors.tables(region.code, YEAR)
    kecamatan = sorted(c for c, r in t.regions.items() if r["level"] == 3)
    urls = [reverse("portal:index"), reverse("portal:datasets"),
            reverse("portal:region", args=[region.code]),
            reverse("portal:areas", args=[region.code]),
            reverse("portal:programmes", args=[region.code]),
            reverse("portal:ckan-package-list"), reverse("portal:ckan-package-search")
            + "?rows=1000"]
    urls += [reverse("portal:area", args=[region.code, c]) for c in kecamatan]
    for d in datasets.all_datasets():
        urls += [reverse("portal:dataset", args=[d.name]),
                 reverse("portal:resource", args=[d.name]),
                 reverse("portal:ckan-package-show") + f"?id={d.name}"]
    return urls


def _personal_strings() -> set[str]:
    strings = set(Person.objects.exclude(nik="").values_list("nik", flat=True)[:3000])
    strings |= {n for n in Person.objects.values_list("name", flat=True)[:3000] if len(n) > 8}
    strings |= {a for a in Family.objects.values_list("address", flat=True)[:3000]
                if a and len(a) > 10}
    strings |= set(Family.objects.exclude(kk_number="").values_list("kk_number",
                                                                      flat=True)[:3000])
    return strings


def _small(value: str) -> bool:
    return value.isdigit() and 0 < int(value) < K


def _every_public_url_leaks_no_personal_data_and_no_small_count(region):
    client = Client()
    personal = _personal_strings()
    assert len(personal) > 1000
    urls = _public_urls(region)
    assert len(urls) > 15
    hidden_seen = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        leaked = [s for s in personal if s in text]
        assert not leaked, (url, leaked[:3])
        counts = re.findall(r'data-count="([^"]+)"', text)
        assert not [c for c in counts if _small(c)], url
        hidden_seen += counts.count("hidden")
        if url.startswith("/publik/data/") and url.endswith(".csv"):
            rows = list(csv.DictReader(io.StringIO(text)))
            for row in rows:
                for column, value in row.items():
                    if column.startswith(("jumlah_", "keluarga_", "sasaran_", "terjangkau")):
                        assert not _small(value), (url, column, row)
    assert hidden_seen > 0, "the synthetic region has small cells: some must be hidden"


def _no_hidden_count_can_be_worked_out_from_a_row_or_a_column(region):
    """On each area page: in a row, target = reached + unreached; in a column, the rows
    add up to the total row. A group of shown cells with exactly one hidden would give it
    away."""
    client = Client()
    t = selectors.tables(region.code, YEAR)
    areas = [region.code, *sorted(c for c, r in t.regions.items() if r["level"] == 3)]
    checked = 0
    for area in areas:
        url = (reverse("portal:areas", args=[region.code]) if area == region.code
               else reverse("portal:area", args=[region.code, area])) + f"?tahun={YEAR}"
        text = client.get(url).content.decode()
        table = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", text, flags=re.S):
            cells = re.findall(r'data-count="([^"]+)"', row)
            if len(cells) == 4:
                table.append(cells)
        assert table, url
        for _families, target, reached, unreached in table:
            assert [target, reached, unreached].count("hidden") != 1, (url, table)
        for column in range(4):
            assert [r[column] for r in table].count("hidden") != 1, (url, column)
        checked += len(table)
    assert checked > 20


def _an_unpublished_region_does_not_exist_for_the_public(region, personas):
    client = Client()
    url = reverse("portal:region", args=[region.code])
    assert client.get(url).status_code == 200
    publication_set(region=region, values={"published": False},
                    acting_user=personas.tkpk_bandung)
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:resource", args=["program-3204"])).status_code == 404
    listing = client.get(reverse("portal:ckan-package-list")).json()
    assert listing == {"help": listing["help"], "success": True, "result": []}
    assert AuditEntry.objects.filter(action="portal.publication_set").count() == 2


def _the_ckan_api_answers_like_ckan(region):
    client = Client()
    search = client.get(reverse("portal:ckan-package-search"), {"q": "konvergensi",
                                                                "rows": 5}).json()
    assert search["success"] is True and search["result"]["count"] >= 1
    package = search["result"]["results"][0]
    assert package["name"].startswith("konvergensi-3204-")
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["kode_wilayah_kemendagri"] == "32.04"
    assert extras["produsen_data"] == "Sekretariat TKPK Bandung"
    assert {"definisi", "satuan", "periode", "lisensi", "diperbarui"} <= set(extras)
    resource = package["resources"][0]
    assert resource["format"] == "CSV" and resource["url"].endswith(".csv")
    shown = client.get(reverse("portal:ckan-package-show"), {"id": package["name"]}).json()
    assert shown["result"]["name"] == package["name"]
    missing = client.get(reverse("portal:ckan-package-show"), {"id": "nope"})
    assert missing.status_code == 404 and missing.json()["success"] is False
    bad = client.get(reverse("portal:ckan-package-search"), {"rows": "x"})
    assert bad.status_code == 409 and bad.json()["error"]["__type"] == "Validation Error"
    by_tag = client.get(reverse("portal:ckan-package-search"),
                        {"fq": "tags:program", "rows": 100}).json()["result"]
    assert [p["name"] for p in by_tag["results"]] == ["program-3204"]


def _the_tables_match_the_convergence_figures_where_shown(region):
    from konvergen.convergence.selectors import region_totals

    totals = region_totals(region.code, YEAR)["total"]
    t = selectors.tables(region.code, YEAR)
    own = t.regions[region.code]
    assert own["target"] == totals["target_families"]
    assert own["families"] == totals["families"]
    for measure, field in (("reached", "reached_families"), ("unreached",
                                                             "unreached_families")):
        assert own[measure] in (None, totals[field])


def test_the_public_portal_of_a_synthetic_region(region, personas):
    """One synthetic region (building it is the slow part), checked in turn."""
    _the_tables_match_the_convergence_figures_where_shown(region)
    _every_public_url_leaks_no_personal_data_and_no_small_count(region)
    _no_hidden_count_can_be_worked_out_from_a_row_or_a_column(region)
    _the_ckan_api_answers_like_ckan(region)
    _an_unpublished_region_does_not_exist_for_the_public(region, personas)


def test_the_secretariat_turns_publishing_on(personas):
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("portal:manage", args=["32.04"])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 200  # no choice made: nothing changes
    assert Client().get(reverse("portal:region", args=["32.04"])).status_code == 404
    assert client.post(url, {"published": "1", "producer": "Bappeda"}).status_code == 302
    assert Client().get(reverse("portal:region", args=["32.04"])).status_code == 200
    other = personas.client_for(personas.tkpk_cirebon)
    assert other.get(url).status_code == 404
