"""The REST API's rows of the permission matrix (see ``test_permission_matrix``).

API URLs answer a bearer token, not a session, so the session rows cannot apply: every
``api:`` name is in ``NOT_GET`` there and is checked here instead, by ``check``, with each
persona as an API client holding every scope (its reach is its account's). Per URL name:

* ``kwargs`` — placeholders resolved from the matrix's objects;
* ``get`` — a set: those roles get 200, the others 404; ``("list", OBJECT, roles)``: a
  list every client gets (200), in which only ``roles`` find ``OBJECT``; ``"public"``: 200
  without a token; ``"404"``: nobody (Ninja's root, which only locates the docs);
* ``post`` — ``"405"`` for read-only URLs, else ``(body, roles)``: a body that changes
  nothing (a refused row, a file of the wrong type) gets those roles past the access check
  to the 422 of the refused content, the others 404.

Beyond the roles: no token is 401 and a client without the scope 403, for every GET and
POST but the public ones.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

#: Who sees Cileunyi Kulon's family P001 (and the programme and help of Kabupaten Bandung).
BANDUNG_FAMILY = {"admin", "tkpk_bandung", "dinsos_officer", "agency_head", "csr_partner",
                  "village_operator", "viewer", "tkpk_chair", "national"}
#: Everyone whose scope covers the whole of Kabupaten Bandung.
BANDUNG_WIDE = BANDUNG_FAMILY - {"village_operator"}
#: A list uploaded by Dinas Sosial of Kabupaten Bandung; the programme Dinsos manages.
DINSOS = {"admin", "tkpk_bandung", "dinsos_officer", "agency_head"}
#: Those who link lists of Kabupaten Bandung.
LINKAGE_BANDUNG = DINSOS | {"csr_partner"}

FAMILY = {"family_id": "FAMILY"}
PROGRAMME = {"programme_id": "PROGRAMME"}
LIST = {"list_id": "LIST"}
REFUSED_ROW = ("json", {"rows": [{"family_id": 0, "year": 2026}]})
WRONG_FILE = ("multipart", {"name": "x", "region": "32.04"})

MATRIX: dict = {
    "api:openapi-json": ({}, "public", "405"),
    "api:openapi-view": ({}, "public", "405"),
    "api:api-root": ({}, "404", "404"),
    "api:families": ({}, ("list", "FAMILY", BANDUNG_FAMILY), "405"),
    "api:family": (FAMILY, BANDUNG_FAMILY, "405"),
    "api:family-persons": (FAMILY, BANDUNG_FAMILY, "405"),
    "api:persons": ({}, ("list", "PERSON", BANDUNG_FAMILY), "405"),
    "api:programmes": ({}, ("list", "PROGRAMME", BANDUNG_FAMILY), "405"),
    "api:programme": (PROGRAMME, BANDUNG_FAMILY, "405"),
    "api:programme-interventions": (PROGRAMME, BANDUNG_FAMILY, (REFUSED_ROW, DINSOS)),
    "api:programme-interventions-create": (PROGRAMME, BANDUNG_FAMILY, (REFUSED_ROW, DINSOS)),
    "api:lists": ({}, ("list", "LIST", DINSOS), (WRONG_FILE, LINKAGE_BANDUNG)),
    "api:lists-upload": ({}, ("list", "LIST", DINSOS), (WRONG_FILE, LINKAGE_BANDUNG)),
    "api:list": (LIST, DINSOS, "405"),
    "api:list-rows": (LIST, DINSOS, "405"),
    "api:convergence": ({"code": "32.04", "year": 2026}, BANDUNG_WIDE, "405"),
    "api:indicators": ({"code": "32.04"}, BANDUNG_WIDE, "405"),
    "api:indicator": ({"code": "32.04", "indicator": "p0"}, BANDUNG_WIDE, "405"),
}
#: Token-authenticated: not in the session matrix (``test_api_access`` checks them).
NOT_GET: set = set(MATRIX)


def _clients(personas, roles) -> dict:
    from konvergen.api.models import SCOPES
    from konvergen.api.services import api_client_create

    made = {}
    for role in roles:
        _client, token = api_client_create(name=f"matrix {role}", user=getattr(personas, role),
                                           scopes=list(SCOPES), rate_limit=10_000)
        made[role] = token
    _client, made["no scope"] = api_client_create(name="matrix none", user=personas.admin,
                                                  scopes=[], rate_limit=10_000)
    return made


def _post(url: str, token: str | None, post):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if post in ("405", "404"):
        return Client().post(url, {}, headers=headers)
    (kind, data), _roles = post
    if kind == "json":
        return Client().post(url, data, content_type="application/json", headers=headers)
    upload = SimpleUploadedFile("daftar.txt", b"NIK\n1\n", content_type="text/plain")
    return Client().post(url, {**data, "file": upload}, headers=headers)


def check(personas, objects, name: str, roles: list[str]) -> list[str]:
    """Every role's GET and POST of ``name``; returns what differs from the matrix."""
    from konvergen.registry.models import Person

    objects = {**objects, "PERSON": Person.objects.filter(family_id=objects["FAMILY"])
               .values_list("pk", flat=True).first()}
    kwargs, get, post = MATRIX[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    tokens = _clients(personas, roles)
    failures = []
    for role in roles:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        response = Client().get(url, headers=headers)
        if get == "public":
            expected = 200
        elif get == "404":
            expected = 404
        elif isinstance(get, tuple):
            expected = 200
            _kind, placeholder, finders = get
            if response.status_code == 200:
                found = objects[placeholder] in [r["id"] for r in response.json()["results"]]
                if found != (role in finders):
                    failures.append(f"GET {role}: finds {placeholder}: {found}")
        else:
            expected = 200 if role in get else 404
        if response.status_code != expected:
            failures.append(f"GET {role}: {response.status_code}, expected {expected}")
        posted = _post(url, tokens[role], post)
        expected = int(post) if post in ("405", "404") else 422 if role in post[1] else 404
        if posted.status_code != expected:
            failures.append(f"POST {role}: {posted.status_code}, expected {expected}")
    if get not in ("public", "404"):
        for label, token, status in (("no token", None, 401),
                                     ("no scope", tokens["no scope"], 403)):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            got = Client().get(url, headers=headers).status_code
            if got != status:
                failures.append(f"GET {label}: {got}, expected {status}")
            if post not in ("405", "404"):
                got = _post(url, token, post).status_code
                if got != status:
                    failures.append(f"POST {label}: {got}, expected {status}")
    return failures
