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
    path("groups/", views.group_index, name="groups"),
    path("groups/new/", views.group_new, name="group-new"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/edit/", views.group_edit, name="group-edit"),
    path("groups/<int:group_id>/members/", views.group_member_add, name="group-member-add"),
    path("groups/<int:group_id>/members/<int:member_id>/remove/", views.group_member_remove,
         name="group-member-remove"),
    path("groups/<int:group_id>/help/", views.group_help, name="group-help"),
]
