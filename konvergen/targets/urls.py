from django.urls import path

from konvergen.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/load/", views.catalogue_load, name="catalogue-load"),
    path("import/", views.import_page, name="import"),
    path("import/<int:batch_id>/", views.import_result, name="import-result"),
    path("import/<int:batch_id>/rejected/", views.import_rejected, name="import-rejected"),
    path("import/<int:batch_id>/remap/", views.import_remap, name="import-remap"),
    path("documents/<int:document_id>/", views.document_edit, name="document-edit"),
    path("region/<str:code>/", views.region, name="region"),
    path("region/<str:code>/xlsx/", views.region_xlsx, name="region-xlsx"),
    path("region/<str:code>/documents/", views.documents, name="documents"),
    path("region/<str:code>/documents/new/", views.document_new, name="document-new"),
    path("region/<str:code>/bands/", views.bands, name="bands"),
    path("region/<str:code>/refresh/", views.refresh, name="refresh"),
    path("region/<str:code>/indicator/<slug:indicator>/", views.indicator, name="indicator"),
    path("region/<str:code>/indicator/<slug:indicator>/target/", views.target_edit,
         name="target-edit"),
]
