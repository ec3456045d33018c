from django.urls import path

from konvergen.agglomerations import views

app_name = "agglomerations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:agglomeration_id>/edit/", views.edit, name="edit"),
    path("<int:agglomeration_id>/archive/", views.archive, name="archive"),
    path("<int:agglomeration_id>/<int:year>/", views.compare, name="compare"),
    path("<int:agglomeration_id>/<int:year>/comparison.xlsx", views.compare_xlsx,
         name="compare-xlsx"),
]
