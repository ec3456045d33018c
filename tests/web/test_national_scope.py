"""A national coordinator of several provinces (one assignment each) or of the whole
country (one assignment without a region) gets, on every page of the permission matrix,
the answer the matrix's national coordinator of one province gets: the matrix's objects all
lie in Jawa Barat, which each of them covers. So every page works with several scopes and
with the whole country, and no page opens wider for them than the role allows."""

from django.urls import reverse

from tests.agglomerations.conftest import load_jawa_tengah, make_user
from tests.web.test_permission_matrix import (  # noqa: F401
    MATRIX,
    POST_MATRIX,
    QUERY,
    objects,
)


def test_wider_national_scopes_get_what_one_province_gets(personas, objects):  # noqa: F811
    load_jawa_tengah()
    wider = {
        "Jawa Barat + Jawa Tengah": personas.client_for(
            make_user("taskin_dua_provinsi", "national", "32", "33")),
        "whole country": personas.client_for(make_user("taskin_nasional", "national", None)),
    }
    one = personas.client_for(personas.national)
    failures = []
    for method, matrix in (("get", MATRIX), ("post", POST_MATRIX)):
        for name, (kwargs, _allowed) in sorted(matrix.items()):
            query = kwargs.get(QUERY)
            url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()
                                        if k != QUERY}) + (f"?{query}" if query else "")
            expected = getattr(one, method)(url).status_code
            if (method, name) == ("get", "regions:index"):
                expected = 200  # several provinces or the country: a list, not a redirect
            for label, client in wider.items():
                got = getattr(client, method)(url).status_code
                if got != expected:
                    failures.append(f"{method.upper()} {name} as {label}: {got}, "
                                    f"expected {expected}")
    assert not failures, "\n".join(failures)
