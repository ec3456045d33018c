"""The DCI sync endpoints: JSON in, JSON out, no session, no CSRF token — a message is
authenticated by its own signature (``services``), whoever is signed in to the browser."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from konvergen.dci import services


def _respond(answer: services.Answer) -> JsonResponse:
    return JsonResponse(answer.body, status=answer.http_status,
                        json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def sync_search(request):
    return _respond(services.search_answer(body=request.body))


@csrf_exempt
@require_POST
def sync_txn_status(request):
    return _respond(services.txn_status_answer(body=request.body))
