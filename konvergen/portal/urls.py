from django.urls import path

from konvergen.portal import views

app_name = "portal"
urlpatterns = [
    path("publik/", views.index, name="index"),
    path("publik/data/", views.dataset_list, name="datasets"),
    path("publik/data/<slug:name>/", views.dataset, name="dataset"),
    path("publik/data/<slug:name>.csv", views.resource, name="resource"),
    path("publik/kelola/<str:code>/", views.manage, name="manage"),
    path("publik/<str:code>/", views.region, name="region"),
    path("publik/<str:code>/wilayah/", views.areas, name="areas"),
    path("publik/<str:code>/wilayah/<str:area>/", views.areas, name="area"),
    path("publik/<str:code>/program/", views.programmes, name="programmes"),
    path("publik/<str:code>/lp2kd/<int:year>.<str:fmt>", views.lp2kd, name="lp2kd"),
    path("api/3/action/package_list", views.ckan_package_list, name="ckan-package-list"),
    path("api/3/action/package_search", views.ckan_package_search,
         name="ckan-package-search"),
    path("api/3/action/package_show", views.ckan_package_show, name="ckan-package-show"),
]
