from django.urls import path

from konvergen.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("region/<str:code>/<int:year>/", views.region, name="region"),
    path("region/<str:code>/new/", views.new, name="new"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/edit/", views.edit, name="edit"),
    path("<int:meeting_id>/delete/", views.delete, name="delete"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
]
