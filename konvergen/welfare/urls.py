from django.urls import path

from konvergen.welfare import views

app_name = "welfare"
urlpatterns = [
    path("regions/<str:code>/values.json", views.region_values, name="values"),
    path("regions/<str:code>/<str:table>.xlsx", views.region_table, name="table"),
    path("settings/", views.settings_index, name="settings-index"),
    path("settings/<str:code>/", views.settings_edit, name="settings"),
]
