from django.urls import path

from konvergen.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("region/<str:code>/", views.region, name="region"),
    path("<int:report_id>/", views.report, name="report"),
    path("<int:report_id>/generate/", views.generate, name="generate"),
    path("<int:report_id>/status/", views.status, name="status"),
    path("<int:report_id>/preview/", views.preview, name="preview"),
    path("<int:report_id>/download/<str:fmt>/", views.download, name="download"),
    path("<int:report_id>/step/", views.step, name="step"),
    path("<int:report_id>/outline/", views.outline, name="outline"),
    path("<int:report_id>/blocks/<int:block_id>/", views.block, name="block"),
]
