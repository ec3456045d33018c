"""Pages through the front door: the region drill-down, the language switch, the shell."""

import json
import os
import subprocess
import sys

from django.urls import reverse


def test_village_operator_cannot_open_another_village_by_changing_the_url(personas):
    client = personas.client_for(personas.village_operator)
    own = client.get(reverse("regions:detail", args=["32.04.05.2001"]))
    assert own.status_code == 200 and "Cileunyi Kulon" in own.content.decode()
    other = client.get(reverse("regions:detail", args=["32.04.05.2002"]))
    missing = client.get(reverse("regions:detail", args=["32.04.05.2999"]))
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content
    assert client.get(reverse("regions:map", args=["32.04.05.2002"])).status_code == 404
    assert client.get(reverse("regions:index")).url == reverse(
        "regions:detail", args=["32.04.05.2001"]
    )


def test_region_page_lists_children_with_desa_counts(personas):
    page = personas.client_for(personas.tkpk_bandung).get(reverse("regions:detail", args=["32.04"]))
    children = {c.code: c for c in page.context["children"]}
    assert len(children) == 31  # kecamatan of Kabupaten Bandung (Kepmendagri 2025)
    assert sum(c.desa_count for c in children.values()) == 280
    assert children["32.04.05"].name == "Cileunyi"


def test_region_map_falls_back_to_points_without_boundaries(personas):
    client = personas.client_for(personas.tkpk_bandung)
    data = json.loads(client.get(reverse("regions:map", args=["32.04"])).content)
    assert data["type"] == "FeatureCollection"
    # The test list has no coordinates and no polygons: nothing to draw, but no error.
    assert data["features"] == [] or all(f["geometry"]["type"] == "Point" for f in data["features"])
    from konvergen.regions.models import Region

    Region.objects.filter(code="32.04.05").update(latitude=-6.94, longitude=107.74)
    data = json.loads(client.get(reverse("regions:map", args=["32.04"])).content)
    point = next(f for f in data["features"] if f["properties"]["code"] == "32.04.05")
    assert point["geometry"] == {"type": "Point", "coordinates": [107.74, -6.94]}


def test_navigation_shows_only_what_the_role_may_use(personas):
    village = personas.client_for(personas.village_operator).get(reverse("core:home"))
    labels = [i["url"] for i in village.context["nav_items"]]
    assert labels == [
        reverse("regions:index"),
        reverse("registry:families"),
        reverse("verification:index"),
        reverse("programs:index"),
        reverse("programs:groups"),
        reverse("convergence:index"),
        reverse("targets:index"),
    ]
    tkpk = personas.client_for(personas.tkpk_bandung).get(reverse("core:home"))
    assert reverse("audit:list") in [i["url"] for i in tkpk.context["nav_items"]]
    assert reverse("registry:home") in [i["url"] for i in tkpk.context["nav_items"]]
    assert reverse("organisations:index") in [i["url"] for i in tkpk.context["nav_items"]]
    admin = personas.client_for(personas.admin).get(reverse("core:home"))
    assert reverse("admin:index") in [i["url"] for i in admin.context["nav_items"]]


def test_bahasa_indonesia_by_default_and_english_on_request(personas):
    client = personas.client_for(personas.tkpk_bandung)
    page = client.get(reverse("core:home")).content.decode()
    assert "Peran Anda" in page and 'lang="id"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("core:home")).content.decode()
    assert "Your roles" in page and 'lang="en"' in page


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "konvergen.settings",
        "KONVERGEN_DEBUG": "0",
        "KONVERGEN_SECRET_KEY": "k" * 20 + os.urandom(24).hex(),
        "KONVERGEN_ALLOWED_HOSTS": "konvergen.example.go.id",
        "KONVERGEN_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "konvergen.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_english_browser_still_gets_bahasa_indonesia_until_it_switches(personas):
    client = personas.client_for(personas.tkpk_bandung)
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Peran Anda" in page.content.decode()
