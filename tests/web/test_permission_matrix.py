"""Every URL pattern × every role: who gets the page, who gets 'not found', who must sign in.

A new URL pattern fails ``test_every_url_pattern_is_in_the_matrix`` until it is added here
with its expected access, so nothing ships without a decision about who may open it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["admin", "tkpk_bandung", "tkpk_cirebon", "dinsos_officer", "csr_partner",
         "village_operator", "viewer", "national", "outsider"]
EVERYONE = set(ROLES)
WITH_REGION = EVERYONE - {"outsider"}

#: url name -> (kwargs, roles that get HTTP 200). Others get 404 (signed in) or the login
#: page (anonymous). ``public`` pages answer 200 to anonymous visitors too.
MATRIX = {
    "core:home": ({}, EVERYONE),
    "core:healthz": ({}, "public"),
    "accounts:login": ({}, "public"),
    "regions:index": ({}, {"admin"}),  # the others are redirected to their region
    "regions:index-map": ({}, WITH_REGION),
    "regions:detail": ({"code": "32.04"}, {"admin", "tkpk_bandung", "dinsos_officer",
                                           "csr_partner", "viewer", "national"}),
    "regions:map": ({"code": "32.04.05.2001"}, {"admin", "tkpk_bandung", "dinsos_officer",
                                                "csr_partner", "viewer", "national",
                                                "village_operator"}),
    "audit:list": ({}, {"admin", "tkpk_bandung", "tkpk_cirebon"}),
    "admin:index": ({}, {"admin"}),
}
# POST-only or framework endpoints, tested elsewhere.
NOT_GET = {"accounts:logout", "set_language"}


def _names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace == "admin":
                yield "admin:index"  # the admin's own pages share one permission check
                continue
            yield from _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_url_pattern_is_in_the_matrix():
    missing = sorted(set(_names()) - set(MATRIX) - NOT_GET)
    assert missing == [], f"add these URL names to MATRIX: {missing}"


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_access(personas, name, role):
    kwargs, allowed = MATRIX[name]
    client = personas.client_for(getattr(personas, role))
    response = client.get(reverse(name, kwargs=kwargs))
    if name == "accounts:login":  # signed-in people are sent on to their home page
        assert response.status_code == 302 and response.url == reverse("core:home")
    elif allowed == "public" or role in allowed:
        assert response.status_code == 200, response
    elif name == "regions:index":
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response.url == reverse(
                "regions:detail", kwargs={"code": getattr(personas, role).role_assignments
                                          .get().region_id})
    elif name == "admin:index":
        assert response.status_code == 302 and "/admin/login/" in response.url
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_visitors_must_sign_in(client, db, name):
    kwargs, allowed = MATRIX[name]
    response = client.get(reverse(name, kwargs=kwargs))
    if allowed == "public":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "login" in response.url
