"""The region pages' URLs (namespace ``regions``: ``regions:index``, ``regions:detail``…), with
their views in ``accounts.region_views`` (they ask the access policy)."""

from django.urls import path

from konvergen.accounts import region_views as views

app_name = "regions"
urlpatterns = [
    path("", views.region_index, name="index"),
    path("map.geojson", views.region_index_map, name="index-map"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/map.geojson", views.region_map, name="map"),
]
