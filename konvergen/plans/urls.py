from django.urls import path

from konvergen.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.plan_new, name="new"),
    path("<int:plan_id>/", views.plan_detail, name="plan"),
    path("<int:plan_id>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:plan_id>/step/", views.plan_step, name="plan-step"),
    path("<int:plan_id>/items/new/", views.item_new, name="item-new"),
    path("<int:plan_id>/items/<int:item_id>/", views.item_edit, name="item-edit"),
    path("<int:plan_id>/items/<int:item_id>/delete/", views.item_delete, name="item-delete"),
    path("<int:plan_id>/upload/", views.upload, name="upload"),
    path("<int:plan_id>/upload/template.csv", views.upload_template, name="upload-template"),
    path("<int:plan_id>/upload/<int:upload_id>/", views.upload_result, name="upload-result"),
    path("<int:plan_id>/upload/<int:upload_id>/rejected.csv", views.upload_rejected,
         name="upload-rejected"),
    path("<int:plan_id>/quarter/<int:quarter>/", views.report, name="report"),
    path("<int:plan_id>/quarter/<int:quarter>/step/", views.report_step, name="report-step"),
    path("<int:plan_id>/quarter/<int:quarter>/evidence/", views.evidence_upload,
         name="evidence-upload"),
    path("<int:plan_id>/evidence/<int:evidence_id>/", views.evidence_download,
         name="evidence"),
    path("<int:plan_id>/e81.xlsx", views.plan_e81, name="plan-e81"),
    path("<int:plan_id>/matriks2.xlsx", views.plan_matriks2, name="plan-matriks2"),
    path("region/<str:code>/", views.overview, name="overview"),
    path("region/<str:code>/e81.xlsx", views.region_e81, name="region-e81"),
    path("region/<str:code>/matriks2.xlsx", views.region_matriks2, name="region-matriks2"),
    path("region/<str:code>/deadlines/", views.deadlines, name="deadlines"),
    path("region/<str:code>/meeting/<int:year>/<int:quarter>/", views.meeting_pack,
         name="meeting-pack"),
    path("region/<str:code>/meeting/<int:year>/<int:quarter>/rakor.xlsx",
         views.meeting_pack_xlsx, name="meeting-pack-xlsx"),
]
