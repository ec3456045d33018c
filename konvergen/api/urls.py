"""``/api/v1/``: the Ninja API's URLs, each call audited (client, method, path, status,
count of records — never what they held). The schema and its documentation page are
not calls on data and are not audited."""

import functools

from django.urls import URLPattern
from django.views.decorators.http import require_safe

from konvergen.api import services
from konvergen.api.api import api

#: URL names of the schema, its documentation page and the root (Ninja's 404 that locates
#: them): no token, no audit.
OPEN = {"openapi-json", "openapi-view", "api-root"}


def _audited(view):
    @functools.wraps(view)
    def call(request, *args, **kwargs):
        status = 500
        try:
            response = view(request, *args, **kwargs)
            status = response.status_code
            return response
        finally:
            services.call_audit(
                client=getattr(request, "api_client", None), method=request.method,
                path=request.path, status=status,
                count=getattr(request, "api_count", None) if status < 400 else None,
                region_code=getattr(request, "api_region", "") or "")
    return call


app_name = api.urls_namespace
urlpatterns = api.urls[0]
for _pattern in urlpatterns:
    if not isinstance(_pattern, URLPattern):
        continue
    if _pattern.name not in OPEN:
        _pattern.callback = _audited(_pattern.callback)
    elif _pattern.name != "api-root":
        _pattern.callback = require_safe(_pattern.callback)  # read-only, as they are
