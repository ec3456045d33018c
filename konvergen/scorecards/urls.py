from django.urls import path

from konvergen.scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.index, name="index"),
    path("region/<str:code>/<int:year>/", views.agencies, name="agencies"),
    path("region/<str:code>/<int:year>/scorecard.xlsx", views.agencies_xlsx,
         name="agencies-xlsx"),
    path("region/<str:code>/weights/", views.weights, name="weights"),
    path("region/<str:code>/<int:year>/compliance/", views.compliance, name="compliance"),
    path("province/<str:code>/<int:year>/", views.province, name="province"),
    path("province/<str:code>/<int:year>/fiscal-incentive.xlsx", views.province_xlsx,
         name="province-xlsx"),
    path("custom/<str:code>/new/<str:peers>/", views.custom_new, name="custom-new"),
    path("custom/<int:pk>/edit/", views.custom_edit, name="custom-edit"),
    path("custom/<int:pk>/archive/", views.custom_archive, name="custom-archive"),
    path("custom/<int:pk>/<int:year>/", views.custom, name="custom"),
    path("custom/<int:pk>/<int:year>/scorecard.xlsx", views.custom_xlsx, name="custom-xlsx"),
]
