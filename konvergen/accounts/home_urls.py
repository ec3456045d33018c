"""The site root: the home page and the health check.

The namespace stays ``core`` (``core:home``, ``core:healthz``) as before the home view moved
here from core; ``healthz`` asks nothing of accounts and stays in ``konvergen.core.views``."""

from django.urls import path

from konvergen.accounts import home_views
from konvergen.core import views as core_views

app_name = "core"
urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
]
