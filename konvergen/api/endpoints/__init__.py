"""The API's operations, one module per part of the product; shared pieces below."""

from datetime import datetime

from django.utils import timezone

from konvergen.api import messages
from konvergen.api.auth import ApiError
from konvergen.api.schemas import ErrorOut

#: The error answers every operation may give (for the OpenAPI schema).
ERRORS = {status: ErrorOut for status in (400, 401, 403, 404, 422, 429)}


def parse_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = int(cursor)
    except (TypeError, ValueError):
        raise ApiError(400, messages.BAD_CURSOR) from None
    if value < 0:
        raise ApiError(400, messages.BAD_CURSOR)
    return value


def aware(moment: datetime | None) -> datetime | None:
    """``updated_since`` without a zone is read in the product's time zone."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def page(request, results: list, next_key, *, region: str = "") -> dict:
    """The page envelope; notes the count (and region) for the call's audit row."""
    request.api_count = len(results)
    request.api_region = region
    next_url = None
    if next_key is not None:
        query = request.GET.copy()
        query["cursor"] = str(next_key)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"count": len(results), "next_cursor": None if next_key is None else str(next_key),
            "next": next_url, "results": results}


def one(request, result, *, region: str = ""):
    request.api_count = 1
    request.api_region = region
    return result
