"""The home page: the user's roles and what needs them now (the panels the apps register in
``konvergen.core.home``). Here rather than in core because it asks the access policy."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from konvergen.accounts import access
from konvergen.core import home as panels


@login_required
def home(request):
    """The user's roles and what needs them now (the panels the apps register)."""
    assignments = access.assignments(request.user)
    items, failed = panels.items_for(request.user)
    return render(request, "core/home.html", {
        "assignments": assignments,
        "todo": [i for i in items if i.tone in (panels.TODO, panels.ALERT)],
        "figures": [i for i in items if i.tone == panels.FIGURE],
        "failed_panels": failed,
    })
