"""The page-panel registry (``core.panels``): the family profile's and the region page's
sections come from the apps that register them, in their declared order; a failing panel is
named and the page still answers."""

import pytest
from django.urls import reverse

from konvergen.core import panels
from konvergen.registry.models import Family


def test_panels_run_in_declared_order_and_failures_are_named():
    calls = []

    def first(user, **subject):
        calls.append(("first", subject))
        return {"a": 1}

    def second(user, **subject):
        calls.append(("second", subject))
        return {"b": 2}

    def broken(user, **subject):
        raise RuntimeError("boom")

    def nothing(user, **subject):
        return None

    page = panels.FAMILY
    before = dict(panels.registry(page))
    panels.registry(page).clear()
    try:
        panels.register(page, "zz-second", second, order=2, template="t/second.html")
        panels.register(page, "aa-first", first, order=1, template="t/first.html")
        panels.register(page, "broken", broken, order=3, template="t/broken.html")
        panels.register(page, "nothing", nothing, order=4, template="t/nothing.html")
        found = panels.sections(page, object(), family="F")
    finally:
        panels.registry(page).clear()
        panels.registry(page).update(before)
    assert [name for name, _subject in calls] == ["first", "second"]
    assert calls[0][1] == {"family": "F"}
    assert found.context == {"a": 1, "b": 2}
    assert found.templates == ["t/first.html", "t/second.html"]
    assert found.failed == ["broken"]


def test_an_unknown_page_is_refused():
    with pytest.raises(ValueError):
        panels.register("nowhere", "x", lambda user: None)


def test_the_apps_register_the_family_and_region_sections():
    family = sorted(panels.registry(panels.FAMILY).items(), key=lambda kv: kv[1].order)
    assert [name for name, _entry in family][:2] == ["welfare", "programs"]
    assert "welfare" in panels.registry(panels.REGION)


@pytest.mark.parametrize("page", [panels.FAMILY, panels.REGION])
def test_a_failing_panel_is_named_and_the_page_still_answers(personas, tiny_register, page):
    def broken(_user, **_subject):
        raise RuntimeError("boom")

    panels.register(page, "broken-panel", broken, order=99, template="never.html")
    try:
        client = personas.client_for(personas.tkpk_bandung)
        if page == panels.FAMILY:
            url = reverse("registry:family", args=[Family.objects.get(source_id="P001").pk])
        else:
            url = reverse("regions:detail", args=["32.04"])
        response = client.get(url)
    finally:
        panels.unregister(page, "broken-panel")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="panels-failed"' in html and "broken-panel" in html
