"""The stakeholder directory's URLs (namespace ``organisations``), with their views in
``accounts.organisation_views`` (they ask the access policy)."""

from django.urls import path

from konvergen.accounts import organisation_views as views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_index, name="index"),
    path("new/", views.organisation_new, name="new"),
    path("standard-agencies/", views.standard_agencies, name="standard-agencies"),
    path("<int:organisation_id>/edit/", views.organisation_edit, name="edit"),
]
