from django.urls import path

from konvergen.convergence import views

app_name = "convergence"
urlpatterns = [
    path("", views.convergence_index, name="index"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/values.json", views.region_values, name="values"),
    path("<str:code>/worklist/", views.worklist, name="worklist"),
    path("<str:code>/worklist.xlsx", views.worklist_xlsx, name="worklist-xlsx"),
    path("<str:code>/worklist/plan/", views.worklist_plan, name="worklist-plan"),
    path("<str:code>/targets/", views.target_rules, name="targets"),
]
