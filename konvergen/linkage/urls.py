from django.urls import path

from konvergen.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.list_index, name="index"),
    path("upload/", views.list_upload, name="upload"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
    path("lists/<int:list_id>/status.json", views.list_status, name="list-status"),
    path("lists/<int:list_id>/relink/", views.list_relink, name="list-relink"),
    path("lists/<int:list_id>/result.csv", views.list_result_csv, name="list-result"),
    path("lists/<int:list_id>/review/", views.review_queue, name="queue"),
    path("lists/<int:list_id>/rows/<int:row_number>/", views.row_review, name="row"),
    path("settings/<str:code>/", views.thresholds, name="thresholds"),
    path("settings/<str:code>/retrain/", views.retrain, name="retrain"),
    path("duplicates/<str:code>/", views.duplicates_index, name="duplicates"),
    path("duplicates/<str:code>/find/", views.duplicates_find, name="duplicates-find"),
    path("pairs/<int:pair_id>/", views.duplicate_pair, name="pair"),
]
