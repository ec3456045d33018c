from django.urls import path

from konvergen.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.index, name="index"),
    path("proposals/new/<str:kind>/", views.proposal_new, name="proposal-new"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/step/", views.proposal_step, name="proposal-step"),
    path("proposals/<int:proposal_id>/evidence/", views.proposal_evidence,
         name="proposal-evidence"),
    path("musdes/", views.musdes_index, name="musdes-list"),
    path("musdes/new/", views.musdes_new, name="musdes-new"),
    path("musdes/<int:musdes_id>/", views.musdes_detail, name="musdes"),
    path("musdes/<int:musdes_id>/submit/", views.musdes_submit, name="musdes-submit"),
    path("musdes/<int:musdes_id>/minutes/", views.musdes_minutes, name="musdes-minutes"),
    path("progress/", views.progress_index, name="progress-index"),
    path("progress/<str:code>/", views.progress, name="progress"),
    path("export/<str:code>/", views.export_xlsx, name="export"),
]
