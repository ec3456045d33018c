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
    path("<int:programme_id>/interventions/", views.intervention_index, name="interventions"),
    path("<int:programme_id>/interventions/new/", views.intervention_new,
         name="intervention-new"),
    path("<int:programme_id>/interventions/<int:intervention_id>/edit/",
         views.intervention_edit, name="intervention-edit"),
    path("<int:programme_id>/interventions/<int:intervention_id>/cancel/",
         views.intervention_cancel, name="intervention-cancel"),
    path("<int:programme_id>/interventions/<int:intervention_id>/status/",
         views.intervention_status, name="intervention-status"),
    path("<int:programme_id>/interventions/upload/", views.intervention_upload,
         name="intervention-upload"),
    path("<int:programme_id>/interventions/upload/<int:upload_id>/",
         views.intervention_upload_result, name="intervention-upload-result"),
    path("<int:programme_id>/interventions/upload/<int:upload_id>/rejected.csv",
         views.intervention_upload_rejected, name="intervention-upload-rejected"),
    path("groups/", views.group_index, name="groups"),
    path("groups/new/", views.group_new, name="group-new"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/edit/", views.group_edit, name="group-edit"),
    path("groups/<int:group_id>/members/", views.group_member_add, name="group-member-add"),
    path("groups/<int:group_id>/members/<int:member_id>/remove/", views.group_member_remove,
         name="group-member-remove"),
    path("groups/<int:group_id>/help/", views.group_help, name="group-help"),
]
