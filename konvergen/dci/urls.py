"""Mounted at ``registry/``: the paths are the specification's ``/registry/sync/...``."""

from django.urls import path

from konvergen.dci import views

app_name = "dci"

urlpatterns = [
    path("sync/search", views.sync_search, name="sync-search"),
    path("sync/txn/status", views.sync_txn_status, name="sync-txn-status"),
]
