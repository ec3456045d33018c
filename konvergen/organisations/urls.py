from django.urls import path

from konvergen.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_index, name="index"),
    path("new/", views.organisation_new, name="new"),
    path("standard-agencies/", views.standard_agencies, name="standard-agencies"),
    path("<int:organisation_id>/edit/", views.organisation_edit, name="edit"),
]
