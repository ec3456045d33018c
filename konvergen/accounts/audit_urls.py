"""The audit log page's URL (namespace ``audit``: ``audit:list``), with its view in
``accounts.audit_views`` (it asks the access policy)."""

from django.urls import path

from konvergen.accounts import audit_views as views

app_name = "audit"
urlpatterns = [path("", views.audit_list, name="list")]
