from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from konvergen.accounts import access


@login_required
def home(request):
    assignments = access.assignments(request.user)
    return render(request, "core/home.html", {"assignments": assignments})


def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
