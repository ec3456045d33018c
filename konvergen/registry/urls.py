from django.urls import path

from konvergen.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.register_home, name="home"),
    path("import/", views.import_new, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import-job"),
    path("import/<int:job_id>/status.json", views.import_job_status, name="import-status"),
    path("snapshots/<int:snapshot_id>/", views.snapshot_detail, name="snapshot"),
    path(
        "snapshots/<int:snapshot_id>/<str:kind>.xlsx",
        views.snapshot_issues_xlsx,
        name="snapshot-issues",
    ),
    path(
        "snapshots/<int:snapshot_id>/diff/<str:kind>.xlsx",
        views.snapshot_diff_xlsx,
        name="snapshot-diff",
    ),
    path("datasets/<int:dataset_id>/authority/", views.dataset_authority, name="authority"),
    path("families/", views.family_search, name="families"),
    path("families/<int:family_id>/", views.family_detail, name="family"),
]
