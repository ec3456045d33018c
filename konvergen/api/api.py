"""The REST API (``/api/v1/``): one Django Ninja instance, its error answers, its routers.

Every answer other than success is JSON with ``code``, ``message_id`` (Indonesian) and
``message_en``; 404 means "not found or not yours", the same as the pages.
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from konvergen.api import messages
from konvergen.api.auth import ApiError, unauthorised
from konvergen.api.endpoints import figures, lists, programmes, register

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Konvergen API",
    version="1",
    description=(
        "One target register, its programmes, interventions, beneficiary lists and "
        "convergence figures, for other systems. Token per client (`Authorization: Bearer "
        "…`), scopes per call, the client user's regions × organisations as on the pages. "
        "See docs/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, exc: ApiError):
    response = api.create_response(request, exc.body(), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, unauthorised())


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, ApiError(404, messages.NOT_FOUND))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = [{"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
               "message_en": e.get("msg", "")} for e in exc.errors]
    return _error(request, ApiError(422, messages.INVALID, extra={"errors": errors}))


@api.exception_handler(DjangoValidationError)
def _refused(request, exc: DjangoValidationError):
    # A service refused the request (its messages are in the active language: both given).
    texts = [str(m) for m in exc.messages]
    error = ApiError(422, messages.INVALID, extra={"errors": [
        {"field": "", "message_en": text} for text in texts]})
    return _error(request, error)


api.add_router("", register.router)
api.add_router("", programmes.router)
api.add_router("", lists.router)
api.add_router("", figures.router)
