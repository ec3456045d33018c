from django.urls import path

from konvergen.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.programme_index, name="index"),
    path("new/", views.programme_new, name="new"),
    path("catalogue/", views.catalogue_load, name="catalogue-load"),
    path("<int:programme_id>/", views.programme_detail, name="detail"),
    path("<int:programme_id>/edit/", views.programme_edit, name="edit"),
    path("<int:programme_id>/beneficiaries/", views.programme_use_list, name="use-list"),
]
